// Tests for the scheduling loop: node sampling, rotation, tie-breaks, NodeInfo bookkeeping, and a 2,000-pod run.

import { describe, expect, it } from 'vitest';
import type { Pod } from '../../apiserver/api/types.js';
import { addPod, newNodeInfo, numFeasibleNodesToFind, removePod, schedulePod, setNode, type Snapshot } from './framework.js';
import { mkNode, mkPod, mkSnap } from './fixtures.test.support.js';

describe('numFeasibleNodesToFind', () => {
  it.each<[number, number | undefined, number]>([
    [5, undefined, 5], [99, undefined, 99], [100, undefined, 100], [1000, undefined, 420], [5000, undefined, 500],
    [6000, undefined, 300], [10000, undefined, 500], [200, undefined, 100], [1000, 10, 100], [1000, 30, 300], [1000, 100, 1000],
  ])('%i nodes at %s%% → %i', (n, pct, want) => {
    expect(numFeasibleNodesToFind(n, pct)).toBe(want);
  });
});

describe('schedulePod', () => {
  it('stops after enough feasible nodes and reports evaluated for rotation', () => {
    const snap = mkSnap(Array.from({ length: 1000 }, (_, i) => mkNode(`n${i}`)));
    const r = schedulePod(mkPod('p'), snap, { startIndex: 990, random: () => 0 });
    expect(r).toMatchObject({ evaluated: 420, feasible: 420 });
  });

  it('visits from startIndex round robin (single feasible node short-circuits scoring)', () => {
    const snap = mkSnap([mkNode('a'), mkNode('b'), mkNode('c')]);
    expect(schedulePod(mkPod('p', { spec: { nodeName: 'a' } }), snap, { startIndex: 1 })).toEqual({ node: 'a', evaluated: 3, feasible: 1 });
  });

  it('random tie-break among equal scores uses the injected random', () => {
    const snap = mkSnap([mkNode('a'), mkNode('b'), mkNode('c')]);
    // Reservoir: the i-th tie (1-based count) replaces the pick when floor(random·count) == 0.
    expect(schedulePod(mkPod('p'), snap, { random: () => 0 })).toMatchObject({ node: 'c' });
    expect(schedulePod(mkPod('p'), snap, { random: () => 0.99 })).toMatchObject({ node: 'a' });
    const seq = [0.9, 0.1];
    expect(schedulePod(mkPod('p'), snap, { random: () => seq.shift() ?? 0 })).toMatchObject({ node: 'c' });
  });

  it('does not modify the snapshot', () => {
    const snap = mkSnap([mkNode('a'), mkNode('b')]);
    const before = structuredClone(snap.nodes);
    schedulePod(mkPod('p', { cpu: '1' }), snap);
    expect(snap.nodes).toEqual(before);
  });

  it('schedules 2,000 pods over 1,000 nodes, adding each to its node', () => {
    const snap = mkSnap(Array.from({ length: 1000 }, (_, i) => mkNode(`n${i}`, { labels: { 'topology.kubernetes.io/zone': `z${i % 3}` } })));
    const byName = new Map(snap.nodes.map((n) => [n.node.metadata!.name!, n]));
    let start = 0;
    for (let i = 0; i < 2000; i++) {
      const pod: Pod = i % 2 === 0
        ? mkPod(`p${i}`, { cpu: '100m', memory: '64Mi', labels: { app: 'web' } })
        : mkPod(`p${i}`, {
          cpu: '100m', labels: { app: 'db' },
          spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' }] } } },
        });
      const r = schedulePod(pod, snap, { startIndex: start });
      if (!('node' in r)) throw new Error(r.message);
      start = (start + r.evaluated) % snap.nodes.length;
      addPod(byName.get(r.node)!, pod);
    }
    const total = snap.nodes.reduce((s, n) => s + n.pods.length, 0);
    expect(total).toBe(2000);
    for (const n of snap.nodes) expect(n.pods.filter((p) => p.metadata!.labels!['app'] === 'db').length).toBeLessThanOrEqual(1);
  });
});

describe('NodeInfo bookkeeping', () => {
  it('addPod / removePod keep requests, ports and affinity counts', () => {
    const info = newNodeInfo(mkNode('n'));
    const p = mkPod('p', {
      cpu: '250m', memory: '1Mi',
      spec: {
        containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080 }], resources: { requests: { cpu: '250m' } } }],
        affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: {}, topologyKey: 'zone' }] } },
      },
    });
    addPod(info, p);
    addPod(info, p); // same uid: replaced, not doubled
    expect([info.pods.length, info.requested.milliCPU, [...info.portCounts], info.requiredAntiAffinityPods]).toEqual([1, 250, [['TCP/0.0.0.0/8080', 1], ['TCP/*/8080', 1]], 1]);
    expect(removePod(info, p)).toBe(true);
    expect(removePod(info, p)).toBe(false);
    expect([info.pods.length, info.requested.milliCPU, info.portCounts.size, info.requiredAntiAffinityPods, info.affinityPods.length]).toEqual([0, 0, 0, 0, 0]);
  });

  it('setNode re-reads allocatable', () => {
    const info = newNodeInfo(mkNode('n', { cpu: '1' }));
    setNode(info, mkNode('n', { cpu: '8' }));
    expect(info.allocatable.milliCPU).toBe(8000);
  });

  it('a snapshot with unknown namespaces is fine', () => {
    const snap: Snapshot = { nodes: [newNodeInfo(mkNode('n'))], namespaceLabels: () => undefined };
    expect(schedulePod(mkPod('p'), snap)).toEqual({ node: 'n', evaluated: 1, feasible: 1 });
  });
});
