// The monitor with a recording client on a FakeClock: silent nodes go Unknown, pods not ready, NoExecute tainting by zone.

import { describe, expect, it } from 'vitest';
import { metaTime } from '../../apiserver/api/time.js';
import type { Node, Pod } from '../../apiserver/api/types.js';
import { FakeClock, silentLogger } from '../runtime/index.js';
import { FakeClient, recordingRecorder } from './fake-client.test.support.js';
import { NodeLifecycleMonitor } from './monitor.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const GRACE = { gracePeriodMs: 40_000, startupGracePeriodMs: 60_000 };
const CFG = { evictionRate: 0.1, secondaryEvictionRate: 0.01, unhealthyZoneThreshold: 0.55, largeClusterThreshold: 50 };

function readyNode(name: string, zone: string, at: number): Node {
  return {
    metadata: { name, uid: `uid-${name}`, creationTimestamp: metaTime(T0), labels: { 'topology.kubernetes.io/region': 'r', 'topology.kubernetes.io/zone': zone } },
    spec: {},
    status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: metaTime(at), lastTransitionTime: metaTime(T0) }] },
  };
}
const runningPod = (name: string, node: string): Pod => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}` },
  spec: { nodeName: node, containers: [] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }, { type: 'ContainersReady', status: 'True' }] },
});

/** A cluster of nodes whose kubelets renew their leases until stopped. */
function setup(nodes: Array<[string, string]>) {
  const clock = new FakeClock(T0);
  const api = new FakeClient();
  const recorder = recordingRecorder();
  for (const [name, zone] of nodes) api.put('nodes', readyNode(name, zone, T0));
  const alive = new Set(nodes.map(([n]) => n));
  const leases = new Map<string, number>();
  const listers = {
    nodes: () => api.all<Node>('nodes'),
    node: (n: string) => api.obj<Node>('nodes', n),
    podsOnNode: (n: string) => api.all<Pod>('pods').filter((p) => p.spec?.nodeName === n),
    lease: (n: string) => (leases.has(n) ? { spec: { renewTime: new Date(leases.get(n)!).toISOString() } } : undefined),
  };
  const monitor = new NodeLifecycleMonitor({ client: api.client(), clock, logger: silentLogger, recorder, listers }, GRACE, CFG);
  /** Advances time in 5 s monitor periods (kubelets renew first), running the tainting pass after each. */
  const run = async (seconds: number): Promise<void> => {
    for (let t = 0; t < seconds; t += 5) {
      clock.advance(5_000);
      for (const n of alive) leases.set(n, clock.now());
      await monitor.monitorNodeHealth();
      await monitor.tainter.pass();
    }
  };
  const taints = (n: string): string[] => (api.obj<Node>('nodes', n)?.spec?.taints ?? []).map((t) => `${t.key.replace('node.kubernetes.io/', '')}:${t.effect}`);
  const ready = (n: string): string | undefined => api.obj<Node>('nodes', n)?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return { clock, api, recorder, alive, monitor, run, taints, ready };
}

describe('NodeLifecycleMonitor', () => {
  it('a node that stops heartbeating goes Unknown after the grace, its pods not ready, then unreachable:NoExecute', async () => {
    const c = setup([['a1', 'a'], ['a2', 'a'], ['b1', 'b']]);
    c.api.put('pods', runningPod('web', 'b1'));
    await c.run(10);
    expect(c.api.writes()).toEqual([]);
    c.alive.delete('b1');
    await c.run(40);
    expect(c.ready('b1')).toBe('True'); // 40 s is not past the grace
    await c.run(5);
    expect(c.ready('b1')).toBe('Unknown');
    const b1 = c.api.obj<Node>('nodes', 'b1')!;
    expect(b1.status!.conditions!.find((x) => x.type === 'Ready')).toMatchObject({ reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    expect(c.recorder.events).toContain('Node/b1 Normal NodeNotReady Node b1 status is now: NodeNotReady');
    expect(c.recorder.events).toContain('Pod/web Warning NodeNotReady Node is not ready');
    const pod = c.api.obj<Pod>('pods', 'web', 'default')!;
    expect(pod.status!.conditions!.map((x) => `${x.type}=${x.status}`)).toEqual(['Ready=False', 'ContainersReady=True']);
    expect(c.taints('b1')).toEqual([]); // queued on the pass after the one that saw Unknown
    await c.run(5);
    expect(c.taints('b1')).toEqual(['unreachable:NoExecute']);
    expect(c.api.obj<Node>('nodes', 'b1')!.spec!.taints![0]!.timeAdded).toMatch(/Z$/);
    expect(['a1', 'a2'].map((n) => c.ready(n))).toEqual(['True', 'True']);
    // the kubelet comes back: Ready again → taint removed at once
    c.alive.add('b1');
    const back = c.api.obj<Node>('nodes', 'b1')!;
    back.status!.conditions = [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: metaTime(c.clock.now()), lastTransitionTime: metaTime(c.clock.now()) }];
    c.api.put('nodes', back);
    await c.run(5);
    expect(c.taints('b1')).toEqual([]);
  });

  it('tainting is rate-limited per zone: two nodes of one zone 10 s apart, another zone at once', async () => {
    const c = setup([['a1', 'a'], ['a2', 'a'], ['a3', 'a'], ['a4', 'a'], ['a5', 'a'], ['b1', 'b'], ['b2', 'b']]);
    await c.run(5);
    for (const n of ['a1', 'a2', 'b1']) c.alive.delete(n);
    await c.run(45); // last renewal T0+5: Unknown at T0+50
    expect(['a1', 'a2', 'b1'].map((n) => c.ready(n))).toEqual(['Unknown', 'Unknown', 'Unknown']);
    const tainted = (): string[] => ['a1', 'a2', 'b1'].filter((n) => c.taints(n).includes('unreachable:NoExecute'));
    expect(tainted()).toEqual([]);
    await c.run(5); // queued and tainted at T0+55
    expect(tainted()).toHaveLength(2); // burst 1 per zone: one of zone a, and b1
    expect(tainted()).toContain('b1');
    c.clock.advance(9_900);
    await c.monitor.tainter.pass();
    expect(tainted()).toHaveLength(2);
    c.clock.advance(100); // 10 s after the first: the next token of zone a
    await c.monitor.tainter.pass();
    expect(tainted()).toEqual(['a1', 'a2', 'b1']);
  });

  it('every node of every zone down: conditions Unknown but no NoExecute taint (full disruption), and existing ones removed', async () => {
    const c = setup([['a1', 'a'], ['b1', 'b'], ['c1', 'c']]);
    c.api.put('pods', runningPod('web', 'c1'));
    await c.run(5);
    c.alive.delete('c1');
    await c.run(55);
    expect(c.taints('c1')).toEqual(['unreachable:NoExecute']); // one zone of three down: tainted
    c.alive.clear();
    await c.run(60);
    expect(['a1', 'b1', 'c1'].map((n) => c.ready(n))).toEqual(['Unknown', 'Unknown', 'Unknown']);
    expect(['a1', 'b1', 'c1'].map((n) => c.taints(n))).toEqual([[], [], []]);
    expect([...c.monitor.tainter.zoneStates.values()]).toEqual(['FullDisruption', 'FullDisruption', 'FullDisruption']);
    expect(c.api.obj<Pod>('pods', 'web', 'default')!.status!.conditions![0]).toMatchObject({ type: 'Ready', status: 'False' });
    await c.run(60);
    expect(['a1', 'b1', 'c1'].map((n) => c.taints(n))).toEqual([[], [], []]);
  });

  it('a single-zone cluster: 1 of 3 down is tainted, all 3 down is not', async () => {
    const c = setup([['n1', ''], ['n2', ''], ['n3', '']]);
    await c.run(5);
    c.alive.delete('n3');
    await c.run(55);
    expect(c.taints('n3')).toEqual(['unreachable:NoExecute']);
    c.alive.clear();
    await c.run(60);
    expect(['n1', 'n2', 'n3'].map((n) => c.taints(n))).toEqual([[], [], []]);
  });

  it('a node that never posted status gets NodeStatusNeverUpdated after the startup grace', async () => {
    const c = setup([['a1', 'a']]);
    c.api.put('nodes', { metadata: { name: 'bare', uid: 'u', creationTimestamp: metaTime(T0) }, spec: {} });
    await c.run(60);
    expect(c.api.obj<Node>('nodes', 'bare')!.status?.conditions).toBeUndefined();
    await c.run(5);
    expect(c.api.obj<Node>('nodes', 'bare')!.status!.conditions!.map((x) => `${x.type}=${x.status}/${x.reason}`)).toEqual([
      'Ready=Unknown/NodeStatusNeverUpdated', 'MemoryPressure=Unknown/NodeStatusNeverUpdated', 'DiskPressure=Unknown/NodeStatusNeverUpdated', 'PIDPressure=Unknown/NodeStatusNeverUpdated',
    ]);
    expect(c.recorder.events.filter((e) => e.startsWith('Node/bare'))).toEqual([]); // never was Ready: no NodeNotReady
  });
});
