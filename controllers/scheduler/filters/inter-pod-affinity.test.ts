// Tests for the InterPodAffinity filter: affinity, first-pod rule, anti-affinity, symmetry, namespaces (edge cases 46–47).

import { describe, expect, it } from 'vitest';
import type { PodAffinityTerm } from 'kubernetes-types/core/v1.js';
import type { Pod } from '../../../apiserver/api/types.js';
import { schedulePod } from '../framework.js';
import { mkNode, mkPod, mkSnap, runFilter } from '../fixtures.test.support.js';
import { addPod } from '../node-info.js';
import { interPodAffinity } from './inter-pod-affinity.js';

const AFF = { code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match pod affinity rules"] };
const ANTI = { code: 'Unschedulable', reasons: ["node(s) didn't match pod anti-affinity rules"] };
const EXISTING = { code: 'Unschedulable', reasons: ["node(s) didn't satisfy existing pods anti-affinity rules"] };
const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

const term = (labels: Record<string, string>, topologyKey: string, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({
  labelSelector: { matchLabels: labels }, topologyKey, ...extra,
});
const withAffinity = (name: string, o: { labels?: Record<string, string>; ns?: string; aff?: PodAffinityTerm[]; anti?: PodAffinityTerm[] }): Pod =>
  mkPod(name, {
    ...(o.labels ? { labels: o.labels } : {}),
    ...(o.ns ? { ns: o.ns } : {}),
    spec: {
      affinity: {
        ...(o.aff ? { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: o.aff } } : {}),
        ...(o.anti ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: o.anti } } : {}),
      },
    },
  });

const zoned = () => [
  mkNode('a1', { labels: { [ZONE]: 'a' } }), mkNode('a2', { labels: { [ZONE]: 'a' } }), mkNode('b1', { labels: { [ZONE]: 'b' } }),
];

describe('required pod affinity', () => {
  it('example pod-pod-affinity.yaml: must land in the zone running security=S1', () => {
    // From test/fixtures/examples/pod-pod-affinity.yaml (required part).
    const pod = mkPod('with-pod-affinity', {
      spec: {
        affinity: {
          podAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              { labelSelector: { matchExpressions: [{ key: 'security', operator: 'In', values: ['S1'] }] }, topologyKey: ZONE },
            ],
          },
        },
      },
    });
    const snap = mkSnap([...zoned(), mkNode('nozone')], { a2: [mkPod('s1', { labels: { security: 'S1' } })] });
    expect(runFilter(interPodAffinity, pod, snap)).toEqual({ a1: null, a2: null, b1: AFF, nozone: AFF });
  });

  it.each<[string, Record<string, string>, boolean]>([
    ['no app=db anywhere and pod not app=db → unschedulable (edge 47)', { app: 'web' }, false],
    ['no app=db anywhere and pod is app=db → first pod schedules (edge 47)', { app: 'db' }, true],
  ])('%s', (_n, labels, fits) => {
    const pod = withAffinity('p', { labels, aff: [term({ app: 'db' }, HOST)] });
    const r = schedulePod(pod, mkSnap(zoned()), { random: () => 0 });
    if (fits) expect(r).toHaveProperty('node');
    else {
      expect(r).toEqual({
        unschedulable: true,
        message: "0/3 nodes are available: 3 node(s) didn't match pod affinity rules. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
        reasons: { "node(s) didn't match pod affinity rules": 3 },
        unresolvable: true,
      });
    }
  });

  it('first-pod exception still requires the topology key on the node', () => {
    const pod = withAffinity('p', { labels: { app: 'db' }, aff: [term({ app: 'db' }, ZONE)] });
    expect(runFilter(interPodAffinity, pod, mkSnap([...zoned(), mkNode('nozone')]))['nozone']).toEqual(AFF);
  });

  it('once a matching pod exists, the first-pod exception no longer applies', () => {
    const pod = withAffinity('p', { labels: { app: 'db' }, aff: [term({ app: 'db' }, ZONE)] });
    const snap = mkSnap(zoned(), { b1: [mkPod('db0', { labels: { app: 'db' } })] });
    expect(runFilter(interPodAffinity, pod, snap)).toEqual({ a1: AFF, a2: AFF, b1: null });
  });

  it('namespaces: a matching pod in another namespace does not count unless listed or selected', () => {
    const snap = mkSnap(zoned(), { a1: [mkPod('db0', { ns: 'data', labels: { app: 'db' } })] }, { data: { team: 'storage' } });
    const own = withAffinity('p', { aff: [term({ app: 'db' }, ZONE)] });
    expect(runFilter(interPodAffinity, own, snap)).toEqual({ a1: AFF, a2: AFF, b1: AFF });
    const listed = withAffinity('p', { aff: [term({ app: 'db' }, ZONE, { namespaces: ['data'] })] });
    expect(runFilter(interPodAffinity, listed, snap)).toEqual({ a1: null, a2: null, b1: AFF });
    const selected = withAffinity('p', { aff: [term({ app: 'db' }, ZONE, { namespaceSelector: { matchLabels: { team: 'storage' } } })] });
    expect(runFilter(interPodAffinity, selected, snap)).toEqual({ a1: null, a2: null, b1: AFF });
    const all = withAffinity('p', { aff: [term({ app: 'db' }, ZONE, { namespaceSelector: {} })] });
    expect(runFilter(interPodAffinity, all, snap)).toEqual({ a1: null, a2: null, b1: AFF });
  });
});

describe('required anti-affinity', () => {
  it('3 replicas with hostname anti-affinity on 2 nodes: the third is pending (edge case 46)', () => {
    const snap = mkSnap([mkNode('n1'), mkNode('n2')]);
    const replica = (i: number) => withAffinity(`web-${i}`, { labels: { app: 'web' }, anti: [term({ app: 'web' }, HOST)] });
    const placed: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = schedulePod(replica(i), snap, { random: () => 0 });
      if (!('node' in r)) throw new Error(r.message);
      addPod(snap.nodes.find((n) => n.node.metadata!.name === r.node)!, replica(i));
      placed.push(r.node);
    }
    expect(placed.sort()).toEqual(['n1', 'n2']);
    const third = schedulePod(replica(2), snap);
    expect(third).toMatchObject({
      unschedulable: true,
      message: "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
    });
  });

  it('zone anti-affinity rejects every node of the zone; nodes without the key pass', () => {
    const pod = withAffinity('p', { anti: [term({ app: 'db' }, ZONE)] });
    const snap = mkSnap([...zoned(), mkNode('nozone')], { a1: [mkPod('db0', { labels: { app: 'db' } })] });
    expect(runFilter(interPodAffinity, pod, snap)).toEqual({ a1: ANTI, a2: ANTI, b1: null, nozone: null });
  });

  it('symmetric: pod B without rules is rejected where pod A’s anti-affinity matches B (edge case 46)', () => {
    const a = withAffinity('a', { labels: { app: 'a' }, anti: [term({ app: 'b' }, ZONE)] });
    const snap = mkSnap(zoned(), { a1: [a] });
    expect(runFilter(interPodAffinity, mkPod('b', { labels: { app: 'b' } }), snap)).toEqual({ a1: EXISTING, a2: EXISTING, b1: null });
    expect(runFilter(interPodAffinity, mkPod('c', { labels: { app: 'c' } }), snap)).toEqual({ a1: null, a2: null, b1: null });
  });

  it('symmetry honours the existing pod’s namespaces', () => {
    const a = withAffinity('a', { ns: 'x', anti: [term({ app: 'b' }, HOST)] });
    const snap = mkSnap([mkNode('n1')], { n1: [a] });
    expect(runFilter(interPodAffinity, mkPod('b', { labels: { app: 'b' } }), snap)['n1']).toBeNull();
    expect(runFilter(interPodAffinity, mkPod('b', { ns: 'x', labels: { app: 'b' } }), snap)['n1']).toEqual(EXISTING);
  });

  it('existing pods’ required affinity is not enforced symmetrically', () => {
    const a = withAffinity('a', { aff: [term({ app: 'b' }, HOST)] });
    const snap = mkSnap([mkNode('n1')], { n1: [a] });
    expect(runFilter(interPodAffinity, mkPod('z', { labels: { app: 'z' } }), snap)['n1']).toBeNull();
  });

  it('no constraints anywhere → plugin skipped', () => {
    const snap = mkSnap([mkNode('n1')], { n1: [mkPod('x')] });
    expect(runFilter(interPodAffinity, mkPod('p'), snap)).toEqual({ n1: null });
  });
});
