// Tests for NodeAffinity: nodeSelector, required terms, operators, matchFields PreFilter (edge case 44).

import { describe, expect, it } from 'vitest';
import type { NodeSelectorTerm, Pod } from '../../../apiserver/api/types.js';
import { schedulePod } from '../framework.js';
import { mkNode, mkPod, mkSnap, runFilter } from '../fixtures.test.support.js';
import { nodeAffinity } from './node-affinity.js';

const REASON = "node(s) didn't match Pod's node affinity/selector";
const withTerms = (terms: NodeSelectorTerm[], nodeSelector?: Record<string, string>): Pod =>
  mkPod('p', {
    spec: {
      ...(nodeSelector ? { nodeSelector } : {}),
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } },
    },
  });
const expr = (key: string, operator: string, values?: string[]): NodeSelectorTerm => ({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] });

describe('node selector operators', () => {
  it.each<[string, NodeSelectorTerm, Record<string, string>, boolean]>([
    ['In match', expr('zone', 'In', ['a', 'b']), { zone: 'b' }, true],
    ['In no match', expr('zone', 'In', ['a']), { zone: 'b' }, false],
    ['In missing label', expr('zone', 'In', ['a']), {}, false],
    ['NotIn other value', expr('zone', 'NotIn', ['a']), { zone: 'b' }, true],
    ['NotIn missing label matches', expr('zone', 'NotIn', ['a']), {}, true],
    ['NotIn same value', expr('zone', 'NotIn', ['a']), { zone: 'a' }, false],
    ['Exists', expr('gpu', 'Exists'), { gpu: '' }, true],
    ['Exists missing', expr('gpu', 'Exists'), {}, false],
    ['DoesNotExist', expr('gpu', 'DoesNotExist'), {}, true],
    ['DoesNotExist present', expr('gpu', 'DoesNotExist'), { gpu: 'x' }, false],
    ['Gt', expr('cores', 'Gt', ['4']), { cores: '8' }, true],
    ['Gt equal is false', expr('cores', 'Gt', ['8']), { cores: '8' }, false],
    ['Gt non-integer label fails', expr('cores', 'Gt', ['4']), { cores: 'eight' }, false],
    ['Gt non-integer value fails', expr('cores', 'Gt', ['x']), { cores: '8' }, false],
    ['Gt missing label fails', expr('cores', 'Gt', ['4']), {}, false],
    ['Lt', expr('cores', 'Lt', ['4']), { cores: '-2' }, true],
    ['Lt two values invalid', expr('cores', 'Lt', ['4', '5']), { cores: '1' }, false],
    ['unknown operator', expr('zone', 'Like', ['a']), { zone: 'a' }, false],
  ])('%s', (_n, term, labels, fits) => {
    const got = runFilter(nodeAffinity, withTerms([term]), mkSnap([mkNode('n', { labels })]))['n'];
    expect(got).toEqual(fits ? null : { code: 'UnschedulableAndUnresolvable', reasons: [REASON] });
  });
});

describe('terms and nodeSelector (edge case 44)', () => {
  const nodes = [
    mkNode('a', { labels: { zone: 'a', disk: 'ssd' } }),
    mkNode('b', { labels: { zone: 'b', disk: 'hdd' } }),
    mkNode('c', { labels: { zone: 'c' } }),
  ];
  const fitting = (pod: Pod): string[] =>
    Object.entries(runFilter(nodeAffinity, pod, mkSnap(nodes))).filter(([, s]) => s === null).map(([n]) => n);
  it.each<[string, Pod, string[]]>([
    ['terms are ORed', withTerms([expr('zone', 'In', ['a']), expr('zone', 'In', ['c'])]), ['a', 'c']],
    ['expressions are ANDed', withTerms([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }, { key: 'disk', operator: 'In', values: ['hdd'] }] }]), ['b']],
    ['NotIn matches nodes missing the label', withTerms([expr('disk', 'NotIn', ['ssd'])]), ['b', 'c']],
    ['all-empty term matches nothing', withTerms([{}]), []],
    ['empty term skipped among others', withTerms([{}, expr('zone', 'In', ['b'])]), ['b']],
    ['nodeSelector ANDed with terms', withTerms([expr('zone', 'In', ['a', 'b'])], { disk: 'ssd' }), ['a']],
    ['nodeSelector alone', mkPod('p', { spec: { nodeSelector: { zone: 'c' } } }), ['c']],
    ['matchFields name', withTerms([{ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['a'] }] }]), ['b', 'c']],
    ['matchFields other key invalid', withTerms([{ matchFields: [{ key: 'metadata.uid', operator: 'In', values: ['a'] }] }]), []],
  ])('%s', (_n, pod, want) => {
    expect(fitting(pod)).toEqual(want);
  });

  it('example pod-node-affinity.yaml: required zone In, preferred steers', () => {
    // From test/fixtures/examples/pod-node-affinity.yaml.
    const pod = mkPod('with-node-affinity', {
      spec: {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/e2e-az-name', operator: 'In', values: ['e2e-az1', 'e2e-az2'] }] }],
            },
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 1, preference: { matchExpressions: [{ key: 'another-node-label-key', operator: 'In', values: ['another-node-label-value'] }] } },
            ],
          },
        },
      },
    });
    const snap = mkSnap([
      mkNode('x', { labels: { 'kubernetes.io/e2e-az-name': 'e2e-az3', 'another-node-label-key': 'another-node-label-value' } }),
      mkNode('y', { labels: { 'kubernetes.io/e2e-az-name': 'e2e-az1' } }),
      mkNode('z', { labels: { 'kubernetes.io/e2e-az-name': 'e2e-az2', 'another-node-label-key': 'another-node-label-value' } }),
    ]);
    for (let i = 0; i < 5; i++) expect(schedulePod(pod, snap, { random: () => 0.99 })).toMatchObject({ node: 'z', feasible: 2 });
  });
});

describe('matchFields PreFilter', () => {
  const byName = (...names: string[][]): Pod =>
    withTerms(names.map((ns) => ({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ns }] })));
  const snap = mkSnap([mkNode('a'), mkNode('b'), mkNode('c')]);

  it('evaluates only the named node; others are absent', () => {
    expect(schedulePod(byName(['b']), snap)).toEqual({ node: 'b', evaluated: 1, feasible: 1 });
  });

  it('a non-existent node yields only absent-node reasons', () => {
    const r = schedulePod(byName(['nope']), snap);
    expect(r).toEqual({
      unschedulable: true,
      message:
        "0/3 nodes are available: 3 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
      reasons: { "node(s) didn't satisfy plugin(s) [NodeAffinity]": 3 },
      unresolvable: true,
    });
  });

  it('named node failing another filter plus absent nodes', () => {
    const s = mkSnap([mkNode('a', { cpu: '1' }), mkNode('b'), mkNode('c')]);
    const pod = byName(['a']);
    pod.spec!.containers[0]!.resources = { requests: { cpu: '2' } };
    const r = schedulePod(pod, s);
    expect(r).toMatchObject({
      message:
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
      unresolvable: false,
    });
  });

  it('terms naming nodes are unioned', () => {
    const r = schedulePod(byName(['a'], ['c']), snap, { random: () => 0 });
    expect(r).toMatchObject({ evaluated: 2, feasible: 2 });
  });
});
