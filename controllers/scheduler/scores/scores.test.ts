// Tests for the Score plugins, their normalisation and the weighted total.

import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../apiserver/api/types.js';
import { newCycle } from '../cycle.js';
import { schedulePod, totalScores } from '../framework.js';
import { mkNode, mkPod, mkSnap } from '../fixtures.test.support.js';
import type { Snapshot } from '../node-info.js';
import { imageLocalityScore } from './image-locality.js';
import { interPodAffinityScore } from './inter-pod-affinity.js';
import { nodeAffinityScore } from './node-affinity.js';
import { balancedAllocationScore, leastAllocatedScore, leastRequestedScore } from './node-resources.js';
import { defaultNormalize } from './normalize.js';
import { podTopologySpreadScore } from './pod-topology-spread.js';
import { taintTolerationScore } from './taint-toleration.js';
import type { ScorePlugin } from '../cycle.js';

const run = (p: ScorePlugin, pod: Pod, snap: Snapshot) => p.score(newCycle(pod, snap), snap.nodes);

describe('normalisation', () => {
  it.each<[number[], boolean, number[]]>([
    [[0, 0], false, [0, 0]], [[0, 0], true, [100, 100]], [[1, 2, 4], false, [25, 50, 100]], [[1, 3], true, [67, 0]],
  ])('%j reverse=%s → %j', (s, rev, want) => {
    expect(defaultNormalize(s, rev)).toEqual(want);
  });
  it('leastRequestedScore', () => {
    expect([leastRequestedScore(1000, 4000), leastRequestedScore(5000, 4000), leastRequestedScore(1, 0)]).toEqual([75, 0, 0]);
  });
});

describe('score plugins', () => {
  it('TaintToleration: PreferNoSchedule is avoided unless tolerated', () => {
    const snap = mkSnap([mkNode('t', { taints: [{ key: 'k', value: 'v', effect: 'PreferNoSchedule' }] }), mkNode('c')]);
    expect(run(taintTolerationScore, mkPod('p'), snap)).toEqual([0, 100]);
    expect(run(taintTolerationScore, mkPod('p', { spec: { tolerations: [{ key: 'k', operator: 'Exists', effect: 'PreferNoSchedule' }] } }), snap)).toEqual([100, 100]);
    expect(run(taintTolerationScore, mkPod('p', { spec: { tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }] } }), snap)).toEqual([0, 100]);
    expect(schedulePod(mkPod('p'), snap, { random: () => 0 })).toMatchObject({ node: 'c' });
  });

  it('NodeAffinity: preferred weights summed and normalised; none → skip', () => {
    const snap = mkSnap([mkNode('a', { labels: { x: '1', y: '1' } }), mkNode('b', { labels: { x: '1' } }), mkNode('c')]);
    const pod = mkPod('p', {
      spec: {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 30, preference: { matchExpressions: [{ key: 'x', operator: 'Exists' }] } },
              { weight: 10, preference: { matchExpressions: [{ key: 'y', operator: 'Exists' }] } },
            ],
          },
        },
      },
    });
    expect(run(nodeAffinityScore, pod, snap)).toEqual([100, 75, 0]);
    expect(run(nodeAffinityScore, mkPod('q'), snap)).toBeNull();
  });

  it('LeastAllocated picks the emptier node; non-zero defaults count', () => {
    const snap = mkSnap([mkNode('busy'), mkNode('idle')], { busy: [mkPod('e', { cpu: '2', memory: '4Gi' })] });
    expect(run(leastAllocatedScore, mkPod('p', { cpu: '1', memory: '1Gi' }), snap)).toEqual([31, 81]);
    expect(schedulePod(mkPod('p', { cpu: '1', memory: '1Gi' }), snap, { random: () => 0 })).toMatchObject({ node: 'idle' });
    // Best-effort: 100m of 4000 and 200Mi of 8Gi requested → (97 + 97) / 2.
    expect(run(leastAllocatedScore, mkPod('p'), mkSnap([mkNode('n')]))).toEqual([97]);
  });

  it('BalancedAllocation prefers equal cpu and memory fractions', () => {
    const snap = mkSnap([mkNode('skewed'), mkNode('even')], { skewed: [mkPod('e', { cpu: '2' })], even: [mkPod('f', { cpu: '1', memory: '2Gi' })] });
    // skewed: cpu 3/4, mem 1/8 → 1 − 0.3125; even: cpu 2/4, mem 3/8 → 1 − 0.0625.
    expect(run(balancedAllocationScore, mkPod('p', { cpu: '1', memory: '1Gi' }), snap)).toEqual([68, 93]);
  });

  it('PodTopologySpread ScheduleAnyway prefers the emptier zone; nodes lacking the key score 0', () => {
    const nodes = [mkNode('a1', { labels: { zone: 'a' } }), mkNode('b1', { labels: { zone: 'b' } }), mkNode('x')];
    const web = () => mkPod(`w${Math.random()}`, { labels: { app: 'web' } });
    const snap = mkSnap(nodes, { a1: [web(), web()] });
    const pod = mkPod('p', {
      labels: { app: 'web' },
      spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } }] },
    });
    // raw a1 = round(2·ln 4) = 3, b1 = 0 → a1: 100·(3+0−3)/3 = 0, b1: 100.
    expect(run(podTopologySpreadScore, pod, snap)).toEqual([0, 100, 0]);
    expect(run(podTopologySpreadScore, mkPod('q'), snap)).toBeNull();
  });

  it('InterPodAffinity preferred terms steer (example pod-pod-affinity.yaml, preferred anti part)', () => {
    const snap = mkSnap([mkNode('h1'), mkNode('h2'), mkNode('h3')], { h1: [mkPod('s2', { labels: { security: 'S2' } })], h3: [mkPod('s1', { labels: { security: 'S1' } })] });
    const pod = mkPod('p', {
      spec: {
        affinity: {
          podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: { labelSelector: { matchLabels: { security: 'S1' } }, topologyKey: 'kubernetes.io/hostname' } }] },
          podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchExpressions: [{ key: 'security', operator: 'In', values: ['S2'] }] }, topologyKey: 'kubernetes.io/hostname' } }] },
        },
      },
    });
    // raw h1 = −100, h2 = 0, h3 = 50 → (s − min)/(max − min).
    expect(run(interPodAffinityScore, pod, snap)).toEqual([0, 66, 100]);
    expect(run(interPodAffinityScore, mkPod('q'), snap)).toBeNull();
  });

  it('InterPodAffinity: existing pods’ required affinity attracts with hard weight 1', () => {
    const e = mkPod('e', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'p' } }, topologyKey: 'kubernetes.io/hostname' }] } } } });
    const snap = mkSnap([mkNode('h1'), mkNode('h2')], { h2: [e] });
    expect(run(interPodAffinityScore, mkPod('p', { labels: { app: 'p' } }), snap)).toEqual([0, 100]);
  });

  it('ImageLocality: 0 without images, scaled by size and spread', () => {
    const img = { names: ['registry.k8s.io/pause:3.9'], sizeBytes: 500 * 1024 * 1024 };
    const snap = mkSnap([mkNode('with', { images: [img] }), mkNode('without')]);
    // 500 MiB × 1/2 nodes = 250 MiB → 100·(250 − 23)/(1000 − 23) = 23.
    expect(run(imageLocalityScore, mkPod('p'), snap)).toEqual([23, 0]);
    expect(run(imageLocalityScore, mkPod('p'), mkSnap([mkNode('a')]))).toEqual([0]);
  });

  it('weighted total: TaintToleration ×3 outweighs LeastAllocated ×1', () => {
    const snap = mkSnap(
      [mkNode('tainted', { taints: [{ key: 'k', value: 'v', effect: 'PreferNoSchedule' }] }), mkNode('busy')],
      { busy: [mkPod('e', { cpu: '3', memory: '6Gi' })] },
    );
    const pod = mkPod('p', { cpu: '100m', memory: '100Mi' });
    const [tainted, busy] = totalScores(newCycle(pod, snap), snap.nodes);
    expect(busy! > tainted!).toBe(true);
    expect(schedulePod(pod, snap)).toMatchObject({ node: 'busy' });
  });
});
