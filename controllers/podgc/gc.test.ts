// The pod GC pass with a recording client on a FakeClock: orphans after quarantine, stuck terminating pods, thresholds.

import { describe, expect, it } from 'vitest';
import type { ResourceInfo } from '../../apiserver/api/resources.js';
import { notFound } from '../../apiserver/api/status.js';
import type { Node, Pod } from '../../apiserver/api/types.js';
import { FakeClock, silentLogger } from '../runtime/index.js';
import { PodGC, type GCClient } from './gc.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const pod = (name: string, node: string, extra: Partial<Pod> = {}): Pod => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: '2024-05-01T09:00:00Z', ...extra.metadata },
  spec: { containers: [], ...(node ? { nodeName: node } : {}) },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], ...extra.status },
});

function setup(pods: Pod[], nodes: Node[], threshold = 12_500) {
  const clock = new FakeClock(T0);
  const calls: string[] = [];
  const bodies: unknown[] = [];
  let liveNodes = new Set(nodes.map((n) => n.metadata!.name!));
  const client = {
    async get(r: ResourceInfo, _ns: string | undefined, name: string) {
      calls.push(`get ${r.plural}/${name}`);
      if (!liveNodes.has(name)) throw notFound({ group: '', resource: 'nodes' }, name);
      return { metadata: { name } };
    },
    async patch(r: ResourceInfo, _ns: string | undefined, name: string, _t: string, body: unknown, o: { subresource?: string } = {}) {
      calls.push(`patch ${r.plural}/${name}/${o.subresource ?? ''}`);
      bodies.push(body);
      return {};
    },
    async delete(r: ResourceInfo, _ns: string | undefined, name: string, o: { gracePeriodSeconds?: number } = {}) {
      calls.push(`delete ${r.plural}/${name} grace=${o.gracePeriodSeconds ?? '-'}`);
      return {};
    },
  } as unknown as GCClient;
  let cachedNodes = nodes;
  const gc = new PodGC({ client, clock, logger: silentLogger, pods: () => pods, nodes: () => cachedNodes, node: (n) => cachedNodes.find((x) => x.metadata!.name === n) }, { terminatedThreshold: threshold, quarantineMs: 40_000 });
  const dropNode = (name: string, fromApiToo = true): void => {
    cachedNodes = cachedNodes.filter((n) => n.metadata!.name !== name);
    if (fromApiToo) liveNodes = new Set([...liveNodes].filter((n) => n !== name));
  };
  return { clock, calls, bodies, gc, dropNode };
}

describe('PodGC', () => {
  it('pods of a deleted node: Failed + DisruptionTarget, then force-deleted, only after the 40 s quarantine', async () => {
    const c = setup([pod('web', 'n2'), pod('done', 'n2', { status: { phase: 'Succeeded' } }), pod('other', 'n1')], [{ metadata: { name: 'n1' } }, { metadata: { name: 'n2' } }]);
    await c.gc.gc();
    c.dropNode('n2');
    await c.gc.gc();
    expect(c.gc.quarantined()).toEqual(['n2']);
    c.clock.advance(20_000);
    await c.gc.gc();
    expect(c.calls).toEqual([]);
    c.clock.advance(20_000);
    await c.gc.gc();
    expect(c.calls).toEqual(['get nodes/n2', 'patch pods/web/status', 'delete pods/web grace=0', 'delete pods/done grace=0']);
    expect(c.bodies[0]).toEqual({
      metadata: { uid: 'uid-web' },
      status: { phase: 'Failed', conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists', lastTransitionTime: '2024-05-01T10:00:40Z' }] },
    });
  });

  it('a node missing only from the cache (the live GET finds it) is not an orphan', async () => {
    const c = setup([pod('web', 'n2')], [{ metadata: { name: 'n2' } }]);
    c.dropNode('n2', false);
    await c.gc.gc();
    c.clock.advance(40_000);
    await c.gc.gc();
    expect(c.calls).toEqual(['get nodes/n2']);
  });

  it('unscheduled terminating pods are force-deleted (marked Failed first)', async () => {
    const c = setup([pod('u', '', { metadata: { deletionTimestamp: '2024-05-01T10:00:30Z' } }), pod('pending', '')], []);
    await c.gc.gc();
    expect(c.calls).toEqual(['patch pods/u/status', 'delete pods/u grace=0']);
    expect(c.bodies[0]).toEqual({ metadata: { uid: 'uid-u' }, status: { phase: 'Failed' } });
  });

  it('terminating pods on a not-Ready node tainted out-of-service are force-deleted', async () => {
    const oos: Node = { metadata: { name: 'n1' }, spec: { taints: [{ key: 'node.kubernetes.io/out-of-service', effect: 'NoExecute' }] }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } };
    const c = setup([pod('t', 'n1', { metadata: { deletionTimestamp: '2024-05-01T10:00:30Z' } }), pod('r', 'n1')], [oos]);
    await c.gc.gc();
    expect(c.calls).toEqual(['patch pods/t/status', 'delete pods/t grace=0']);
  });

  it('terminated pods above the threshold, oldest first, deleted without a status write', async () => {
    const done = (name: string, created: string): Pod => pod(name, 'n1', { metadata: { creationTimestamp: created }, status: { phase: 'Succeeded' } });
    const c = setup([done('c', '2024-05-01T09:00:03Z'), done('a', '2024-05-01T09:00:01Z'), done('b', '2024-05-01T09:00:02Z'), pod('r', 'n1')], [{ metadata: { name: 'n1' } }], 1);
    await c.gc.gc();
    expect(c.calls).toEqual(['delete pods/a grace=0', 'delete pods/b grace=0']);
  });
});
