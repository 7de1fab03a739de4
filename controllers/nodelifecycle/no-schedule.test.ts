// doNoScheduleTaintingPass against a recording client: only the managed diff is written, with a resourceVersion.

import { describe, expect, it } from 'vitest';
import type { Node } from '../../apiserver/api/types.js';
import { FakeClock, silentLogger } from '../runtime/index.js';
import { FakeClient } from './fake-client.test.support.js';
import { doNoScheduleTaintingPass } from './no-schedule.js';

const NOW = '2024-05-01T10:00:00Z';

function run(node: Node): Promise<{ api: FakeClient; after: Node | undefined }> {
  const api = new FakeClient();
  api.put('nodes', node);
  const deps = { client: api.client(), clock: new FakeClock(Date.parse(NOW)), logger: silentLogger, node: (n: string) => api.obj<Node>('nodes', n) };
  return doNoScheduleTaintingPass(deps, node.metadata!.name!).then(() => ({ api, after: api.obj<Node>('nodes', node.metadata!.name!) }));
}

describe('doNoScheduleTaintingPass', () => {
  it('a new node reporting Ready loses the admission taint and keeps its own', async () => {
    const { api, after } = await run({
      metadata: { name: 'n' },
      spec: { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    });
    expect(after!.spec!.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    const patch = api.actions.find((a) => a.verb === 'patch')!.body as { metadata: { resourceVersion: string } };
    expect(patch.metadata.resourceVersion).toBeDefined();
  });

  it('cordoned and under memory pressure: two taints with timeAdded', async () => {
    const { after } = await run({ metadata: { name: 'n' }, spec: { unschedulable: true }, status: { conditions: [{ type: 'MemoryPressure', status: 'True' }, { type: 'Ready', status: 'True' }] } });
    expect(after!.spec!.taints).toEqual([
      { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule', timeAdded: NOW },
      { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: NOW },
    ]);
  });

  it('the last managed taint removed: taints cleared', async () => {
    const { after } = await run({ metadata: { name: 'n' }, spec: { taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    expect(after!.spec!.taints).toBeUndefined();
  });

  it('a node that never posted conditions keeps the admission taint (no write)', async () => {
    const { api } = await run({ metadata: { name: 'n' }, spec: { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] } });
    expect(api.writes()).toEqual([]);
  });

  it('nothing to change: no write', async () => {
    const { api } = await run({ metadata: { name: 'n' }, spec: { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] }, status: { conditions: [{ type: 'Ready', status: 'False' }] } });
    expect(api.writes()).toEqual([]);
  });
});
