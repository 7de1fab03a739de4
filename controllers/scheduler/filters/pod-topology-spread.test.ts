// Tests for the PodTopologySpread filter (edge case 48) and its node-inclusion rules.

import { describe, expect, it } from 'vitest';
import type { Pod, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { mkNode, mkPod, mkSnap, runFilter } from '../fixtures.test.support.js';
import { podTopologySpread } from './pod-topology-spread.js';

const SKEW = { code: 'Unschedulable', reasons: ["node(s) didn't match pod topology spread constraints"] };
const MISSING = { code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match pod topology spread constraints (missing required label)"] };
const zone = (c: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({
  maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, ...c,
});
const spreadPod = (cs: TopologySpreadConstraint[], labels: Record<string, string> = { app: 'web' }, extra: Partial<NonNullable<Pod['spec']>> = {}): Pod =>
  mkPod('p', { labels, spec: { topologySpreadConstraints: cs, ...extra } });
const web = (n: string, o: { ns?: string; terminating?: boolean; labels?: Record<string, string> } = {}) => mkPod(n, { labels: { app: 'web' }, ...o });

describe('PodTopologySpread filter', () => {
  const nodes = [
    mkNode('a1', { labels: { zone: 'a' } }), mkNode('a2', { labels: { zone: 'a' } }),
    mkNode('b1', { labels: { zone: 'b' } }), mkNode('nolabel'),
  ];

  it('zones {a:2, b:0}: only zone b passes; unlabelled node missing label (edge case 48)', () => {
    const snap = mkSnap(nodes, { a1: [web('w1')], a2: [web('w2')] });
    expect(runFilter(podTopologySpread, spreadPod([zone()]), snap)).toEqual({ a1: SKEW, a2: SKEW, b1: null, nolabel: MISSING });
  });

  it.each<[string, Record<string, Pod[]>, Partial<TopologySpreadConstraint>, Record<string, string>, Record<string, unknown>]>([
    ['balanced: all pass', { a1: [web('w1')], b1: [web('w2')] }, {}, { app: 'web' }, { a1: null, a2: null, b1: null }],
    ['maxSkew 3 allows a (2 + 1 − 0)', { a1: [web('w1')], a2: [web('w2')] }, { maxSkew: 3 }, { app: 'web' }, { a1: null, a2: null, b1: null }],
    ['incoming not matching does not add itself', { a1: [web('w1')] }, {}, { app: 'other' }, { a1: null, a2: null, b1: null }],
    ['other namespaces ignored', { a1: [web('w1', { ns: 'x' }), web('w2', { ns: 'x' })] }, {}, { app: 'web' }, { a1: null, a2: null, b1: null }],
    ['terminating pods ignored', { a1: [web('w1', { terminating: true }), web('w2', { terminating: true })] }, {}, { app: 'web' }, { a1: null, a2: null, b1: null }],
    ['minDomains 3 > 2 domains → min 0', { a1: [web('w1')], b1: [web('w2')] }, { minDomains: 3 }, { app: 'web' }, { a1: SKEW, a2: SKEW, b1: SKEW }],
    ['ScheduleAnyway never filters', { a1: [web('w1'), web('w2')] }, { whenUnsatisfiable: 'ScheduleAnyway' }, { app: 'web' }, { a1: null, a2: null, b1: null }],
  ])('%s', (_n, placed, c, labels, want) => {
    const snap = mkSnap(nodes.slice(0, 3), placed);
    expect(runFilter(podTopologySpread, spreadPod([zone(c)], labels), snap)).toEqual(want);
  });

  it('matchLabelKeys narrows the selector to the pod’s own value', () => {
    const snap = mkSnap(nodes.slice(0, 3), { a1: [web('w1', { labels: { app: 'web', rev: 'old' } }), web('w2', { labels: { app: 'web', rev: 'old' } })] });
    const pod = spreadPod([zone({ matchLabelKeys: ['rev'] })], { app: 'web', rev: 'new' });
    expect(runFilter(podTopologySpread, pod, snap)).toEqual({ a1: null, a2: null, b1: null });
  });

  it('nodes excluded by node affinity do not form domains (nodeAffinityPolicy Honor)', () => {
    const three = [...nodes.slice(0, 3), mkNode('c1', { labels: { zone: 'c', pool: 'x' } })];
    const snap = mkSnap(three, { a1: [web('w1')], b1: [web('w2')] });
    const pod = spreadPod([zone()], { app: 'web' }, { nodeSelector: { pool: 'x' } });
    // Only zone c is eligible, so min is its count 0 and c1 passes (a/b would fail NodeAffinity anyway).
    expect(runFilter(podTopologySpread, pod, snap)['c1']).toBeNull();
    const ignore = spreadPod([zone({ nodeAffinityPolicy: 'Ignore' })], { app: 'web' }, { nodeSelector: { pool: 'x' } });
    expect(runFilter(podTopologySpread, ignore, snap)['c1']).toBeNull();
  });
});
