// Tests for the FailedScheduling message (spec §5.4, edge case 42).

import { describe, expect, it } from 'vitest';
import { schedulePod } from './framework.js';
import { mkNode, mkPod, mkSnap } from './fixtures.test.support.js';
import { fitErrorMessage, sortedHistogram } from './message.js';

const UU = 'UnschedulableAndUnresolvable' as const;
const U = 'Unschedulable' as const;

describe('fitErrorMessage', () => {
  it('spec §5.4 example', () => {
    const msg = fitErrorMessage({
      numAllNodes: 3,
      statuses: [
        { code: UU, reasons: ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'] },
        { code: U, reasons: ['Insufficient cpu'] },
        { code: U, reasons: ['Insufficient cpu'] },
      ],
    });
    expect(msg).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. ' +
        'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
  });

  it.each<[string, Record<string, number>, string[]]>([
    ['lexicographic on the whole entry: "10 …" before "2 …"', { b: 2, a: 10 }, ['10 a', '2 b']],
    ['same count sorts by reason', { 'Insufficient memory': 1, 'Insufficient cpu': 1 }, ['1 Insufficient cpu', '1 Insufficient memory']],
  ])('%s', (_n, h, want) => {
    expect(sortedHistogram(h)).toEqual(want);
  });

  it('a node with several reasons counts in each', () => {
    expect(fitErrorMessage({ numAllNodes: 1, statuses: [{ code: U, reasons: ['Insufficient cpu', 'Insufficient memory'] }] })).toBe(
      '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
  });

  it('PreFilter message replaces the histogram', () => {
    expect(fitErrorMessage({ numAllNodes: 2, preFilterMsg: 'pod affinity terms conflict', statuses: [{ code: UU, reasons: ['x'] }, { code: UU, reasons: ['x'] }] })).toBe(
      '0/2 nodes are available: pod affinity terms conflict. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
  });

  it('preemptionPolicy Never', () => {
    expect(fitErrorMessage({ numAllNodes: 1, preemptionNever: true, statuses: [{ code: U, reasons: ['Insufficient cpu'] }] })).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
    );
  });
});

describe('schedulePod failures', () => {
  it('edge case 42: one tainted node, two without free cpu', () => {
    const snap = mkSnap(
      [mkNode('n1', { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }), mkNode('n2', { cpu: '2' }), mkNode('n3', { cpu: '2' })],
      { n2: [mkPod('e2', { cpu: '1500m' })], n3: [mkPod('e3', { cpu: '1800m' })] },
    );
    expect(schedulePod(mkPod('p', { cpu: '1' }), snap)).toEqual({
      unschedulable: true,
      message:
        '0/3 nodes are available: 1 node(s) had untolerated taint {k: v}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
      reasons: { 'node(s) had untolerated taint {k: v}': 1, 'Insufficient cpu': 2 },
      unresolvable: false,
    });
  });

  it('no nodes at all', () => {
    expect(schedulePod(mkPod('p'), mkSnap([]))).toEqual({ unschedulable: true, message: 'no nodes available to schedule pods', reasons: {}, unresolvable: true });
  });

  it('conflicting matchFields names reject in PreFilter', () => {
    const pod = mkPod('p', {
      spec: {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchFields: [
                { key: 'metadata.name', operator: 'In', values: ['a'] }, { key: 'metadata.name', operator: 'In', values: ['b'] },
              ] }],
            },
          },
        },
      },
    });
    expect(schedulePod(pod, mkSnap([mkNode('a'), mkNode('b')]))).toMatchObject({
      message: '0/2 nodes are available: pod affinity terms conflict. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
      unresolvable: true,
    });
  });

  it('each node reports only its first failing plugin', () => {
    const snap = mkSnap([mkNode('n1', { unschedulable: true, cpu: '0' })]);
    expect(schedulePod(mkPod('p', { cpu: '1' }), snap)).toMatchObject({ reasons: { 'node(s) were unschedulable': 1 } });
  });
});
