// Taint eviction on a FakeClock with a recording client: immediate, delayed, never, cancelled, not repeated.

import { describe, expect, it } from 'vitest';
import type { Node, Pod, Taint, Toleration } from '../../apiserver/api/types.js';
import { FakeClock, silentLogger } from '../runtime/index.js';
import { FakeClient, recordingRecorder } from './fake-client.test.support.js';
import { TaintEviction } from './taint-eviction.js';

const UR: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2024-05-01T10:00:00Z' };
const tol = (seconds?: number): Toleration => ({ key: UR.key, operator: 'Exists', effect: 'NoExecute', ...(seconds === undefined ? {} : { tolerationSeconds: seconds }) });
const pod = (name: string, tolerations: Toleration[]): Pod => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}` }, spec: { nodeName: 'n1', containers: [], tolerations }, status: { phase: 'Running' },
});

function setup(taints: Taint[]) {
  const clock = new FakeClock(Date.parse('2024-05-01T10:00:00Z'));
  const api = new FakeClient();
  const recorder = recordingRecorder();
  api.put('nodes', { metadata: { name: 'n1' }, spec: { taints } });
  const te = new TaintEviction({
    client: api.client(), clock, logger: silentLogger, recorder,
    node: (n) => api.obj<Node>('nodes', n),
    podsOnNode: (n) => api.all<Pod>('pods').filter((p) => p.spec?.nodeName === n),
  });
  const setTaints = (t: Taint[]): void => void api.put('nodes', { metadata: { name: 'n1' }, spec: { taints: t } });
  const deleted = (): string[] => api.actions.filter((a) => a.verb === 'delete').map((a) => a.name);
  return { clock, api, recorder, te, setTaints, deleted };
}

describe('TaintEviction', () => {
  it.each<[string, Toleration[], number | undefined]>([
    ['no toleration: deleted at once', [], 0],
    ['a toleration for another key: deleted at once', [{ key: 'other', operator: 'Exists' }], 0],
    ['tolerationSeconds 2: deleted after 2 s', [tol(2)], 2000],
    ['tolerationSeconds 0: deleted at once', [tol(0)], 0],
    ['the smallest of several', [tol(300), { operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }], 300_000],
    ['tolerated forever: never', [tol()], undefined],
    ['tolerates everything: never', [{ operator: 'Exists' }], undefined],
  ])('%s', async (_name, tolerations, after) => {
    const c = setup([UR]);
    c.api.put('pods', pod('p', tolerations));
    const r = await c.te.reconcile('n1');
    if (after === 0) {
      expect(c.deleted()).toEqual(['p']);
      return;
    }
    expect(c.deleted()).toEqual([]);
    if (after === undefined) {
      expect(r).toBeUndefined();
      return;
    }
    expect(r).toEqual({ requeueAfterMs: after });
    c.clock.advance(after - 1);
    expect(await c.te.reconcile('n1')).toEqual({ requeueAfterMs: 1 });
    expect(c.deleted()).toEqual([]);
    c.clock.advance(1);
    await c.te.reconcile('n1');
    expect(c.deleted()).toEqual(['p']);
  });

  it('an eviction writes DisruptionTarget, an event, then a graceful delete with the uid precondition', async () => {
    const c = setup([UR]);
    c.api.put('pods', pod('p', []));
    await c.te.reconcile('n1');
    expect(c.api.writes()).toEqual(['patch pods/p/status', 'delete pods/p']);
    const p = c.api.obj<Pod>('pods', 'p', 'default')!;
    expect(p.status!.conditions).toEqual([{ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: '2024-05-01T10:00:00Z' }]);
    expect(p.metadata!.deletionTimestamp).toBeDefined();
    expect(c.api.actions.find((a) => a.verb === 'delete')!.body).toEqual({ preconditions: { uid: 'uid-p' } });
    expect(c.recorder.events).toEqual(['Pod/p Normal TaintManagerEviction Marking for deletion Pod default/p']);
    // the terminating pod is not evicted again on later looks
    await c.te.reconcile('n1');
    expect(c.deleted()).toEqual(['p']);
  });

  it('the taint going away cancels a pending deletion, with an event; a later taint starts the clock again', async () => {
    const c = setup([UR]);
    c.api.put('pods', pod('p', [tol(10)]));
    await c.te.reconcile('n1');
    c.clock.advance(5_000);
    c.setTaints([]);
    expect(await c.te.reconcile('n1')).toBeUndefined();
    expect(c.recorder.events).toEqual(['Pod/p Normal TaintManagerEviction Cancelling deletion of Pod default/p']);
    c.clock.advance(5_000);
    c.setTaints([UR]);
    expect(await c.te.reconcile('n1')).toEqual({ requeueAfterMs: 10_000 });
    expect(c.deleted()).toEqual([]);
  });

  it('a later look never postpones the deadline', async () => {
    const c = setup([UR]);
    c.api.put('pods', pod('p', [tol(10)]));
    await c.te.reconcile('n1');
    c.clock.advance(4_000);
    expect(await c.te.reconcile('n1')).toEqual({ requeueAfterMs: 6_000 });
    expect(c.te.scheduled().get('default/p')).toBe(Date.parse('2024-05-01T10:00:10Z'));
  });

  it('pods on other nodes and nodes without NoExecute taints are left alone', async () => {
    const c = setup([{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }]);
    c.api.put('pods', pod('p', []));
    c.api.put('pods', { ...pod('q', []), spec: { nodeName: 'n2', containers: [] } });
    expect(await c.te.reconcile('n1')).toBeUndefined();
    expect(c.api.writes()).toEqual([]);
  });

  it('a failed eviction is retried from scratch', async () => {
    const c = setup([UR]);
    c.api.put('pods', pod('p', []));
    const client = c.api.client();
    const del = client.delete.bind(client);
    let failures = 1;
    client.delete = (async (...args: Parameters<typeof del>) => {
      if (failures-- > 0) throw new Error('boom');
      return del(...args);
    }) as typeof client.delete;
    const te = new TaintEviction({ client, clock: c.clock, logger: silentLogger, recorder: c.recorder, node: (n) => c.api.obj<Node>('nodes', n), podsOnNode: () => c.api.all<Pod>('pods') });
    await expect(te.reconcile('n1')).rejects.toThrow('boom');
    await te.reconcile('n1');
    expect(c.api.obj<Pod>('pods', 'p', 'default')!.metadata!.deletionTimestamp).toBeDefined();
  });
});
