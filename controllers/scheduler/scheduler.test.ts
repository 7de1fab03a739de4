// The scheduler's informer handlers: which node and pod updates send unschedulable pods back to the active queue.

import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../apiserver/api/types.js';
import { FakeClock, keyOf, silentLogger, type EventHandler, type Runtime } from '../runtime/index.js';
import { isPodUpdated, nodeSchedulingPropertiesChanged } from './events.js';
import { mkNode, mkPod } from './fixtures.test.support.js';
import { Scheduler } from './scheduler.js';

/** A stand-in informer: the test calls the handlers the scheduler registered; `get` reads what was added last. */
class StubInformer<T extends { metadata?: { name?: string; namespace?: string } }> {
  handler: EventHandler<T> | undefined;
  readonly objects = new Map<string, T>();
  addEventHandler(h: EventHandler<T>): void {
    this.handler = h;
  }
  get(ns: string | undefined, name: string): T | undefined {
    return this.objects.get(ns ? `${ns}/${name}` : name);
  }
  add(o: T): void {
    this.objects.set(keyOf(o), o);
    this.handler?.add?.(o);
  }
  update(old: T, o: T): void {
    this.objects.set(keyOf(o), o);
    this.handler?.update?.(old, o);
  }
}

/** A scheduler over stub informers and a client recording its patches. */
function setup() {
  const informers = { pods: new StubInformer<Pod>(), nodes: new StubInformer<Node>(), namespaces: new StubInformer<object>() };
  const patches: unknown[] = [];
  const rt = {
    clock: new FakeClock(Date.parse('2024-01-01T00:00:00Z')),
    logger: silentLogger,
    client: { patch: async (_r: unknown, _ns: unknown, _n: unknown, _t: unknown, body: unknown) => (patches.push(body), {}) },
    recorder: () => ({ event: () => undefined, flush: async () => undefined }),
    informer: (r: { plural: string }) => informers[r.plural as keyof typeof informers],
  } as unknown as Runtime;
  return { s: new Scheduler(rt), informers, patches };
}

const taint = { key: 'dedicated', value: 'infra', effect: 'NoSchedule' as const };

/** A tainted node and a pod that failed on it: the pod sits in the unschedulable pool with PodScheduled=False. */
async function unschedulablePod() {
  const c = setup();
  const node = mkNode('n1', { taints: [taint] });
  c.informers.nodes.add(node);
  const pod = mkPod('p');
  c.informers.pods.add(pod);
  const key = (await c.s.queue.pop())!;
  await c.s.scheduleOne(key);
  expect(c.s.queue.sizes()).toEqual({ active: 0, backoff: 0, unschedulable: 1 });
  return { ...c, node, pod };
}

describe('Scheduler event handlers', () => {
  it('writes PodScheduled=False/Unschedulable once, with the uid and the full message', async () => {
    const c = await unschedulablePod();
    expect(c.patches).toEqual([{
      metadata: { uid: c.pod.metadata!.uid },
      status: { conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: '2024-01-01T00:00:00Z', reason: 'Unschedulable', message: expect.stringContaining('untolerated taint {dedicated: infra}') }] },
    }]);
  });

  it('a status-only pod update (its own PodScheduled patch) leaves it in the unschedulable pool', async () => {
    const c = await unschedulablePod();
    const patched: Pod = { ...c.pod, metadata: { ...c.pod.metadata, resourceVersion: '99' }, status: { ...c.pod.status, conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] } };
    c.informers.pods.update(c.pod, patched);
    expect(c.s.queue.sizes()).toEqual({ active: 0, backoff: 0, unschedulable: 1 });
  });

  it('a spec or label change of the pending pod moves it back', async () => {
    const c = await unschedulablePod();
    c.informers.pods.update(c.pod, { ...c.pod, metadata: { ...c.pod.metadata, labels: { tier: 'x' } } });
    expect(c.s.queue.sizes()).toEqual({ active: 0, backoff: 1, unschedulable: 0 });
  });

  it('a node heartbeat (status times only) keeps the pod unschedulable and the node info current', async () => {
    const c = await unschedulablePod();
    const beat = (time: string): Node => ({ ...c.node, metadata: { ...c.node.metadata, resourceVersion: time }, status: { ...c.node.status, conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: time }] } });
    c.informers.nodes.update(c.node, beat('t1'));
    expect(c.s.queue.sizes().unschedulable).toBe(0); // Ready appeared: a condition status change
    c.s.queue.failed(keyOf(c.pod), 0);
    const b = beat('t2');
    c.informers.nodes.update(beat('t1'), b);
    expect(c.s.queue.sizes()).toEqual({ active: 0, backoff: 0, unschedulable: 1 });
    expect(c.s.cache.snapshot(() => undefined).nodes[0]!.node).toBe(b);
  });

  it('removing the taint moves the pod back (after its back-off)', async () => {
    const c = await unschedulablePod();
    c.informers.nodes.update(c.node, { ...c.node, spec: {} });
    expect(c.s.queue.sizes()).toEqual({ active: 0, backoff: 1, unschedulable: 0 });
  });
});

describe('nodeSchedulingPropertiesChanged', () => {
  const base = mkNode('n', { labels: { a: '1' }, taints: [taint] });
  it.each<[string, boolean, Node]>([
    ['the same node', false, structuredClone(base)],
    ['heartbeat times', false, { ...base, status: { ...base.status, conditions: [] } }],
    ['unschedulable', true, { ...base, spec: { ...base.spec, unschedulable: true } }],
    ['a label', true, { ...base, metadata: { ...base.metadata, labels: { a: '2' } } }],
    ['taints', true, { ...base, spec: {} }],
    ['allocatable', true, { ...base, status: { ...base.status, allocatable: { cpu: '8' } } }],
    ['images', true, { ...base, status: { ...base.status, images: [{ names: ['x'], sizeBytes: 1 }] } }],
    ['a condition status', true, { ...base, status: { ...base.status, conditions: [{ type: 'Ready', status: 'False' }] } }],
  ])('%s → %s', (_what, changed, cur) => {
    expect(nodeSchedulingPropertiesChanged(base, cur)).toBe(changed);
  });
});

describe('isPodUpdated', () => {
  const p = mkPod('p');
  it.each<[string, boolean, Pod]>([
    ['status and resourceVersion', false, { ...p, metadata: { ...p.metadata, resourceVersion: '7' }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] } }],
    ['annotations', true, { ...p, metadata: { ...p.metadata, annotations: { a: 'b' } } }],
    ['spec', true, { ...p, spec: { ...p.spec!, priority: 5 } }],
  ])('%s → %s', (_what, updated, cur) => {
    expect(isPodUpdated(p, cur)).toBe(updated);
  });
});
