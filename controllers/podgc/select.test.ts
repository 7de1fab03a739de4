// Table tests for pod GC's selections: terminated over the threshold, out-of-service terminating, unscheduled, missing nodes.

import { describe, expect, it } from 'vitest';
import { isPodTerminated } from '../../apiserver/api/pod-state.js';
import type { Node, Pod } from '../../apiserver/api/types.js';
import { missingNodes, Quarantine, terminatedToDelete, terminatingOutOfService, unscheduledTerminating } from './select.js';

const pod = (name: string, o: { phase?: string; created?: number; node?: string; deleting?: boolean; reason?: string } = {}): Pod => ({
  metadata: {
    name, namespace: 'default', creationTimestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, o.created ?? 0)).toISOString().replace('.000Z', 'Z'),
    ...(o.deleting ? { deletionTimestamp: '2024-01-02T00:00:00Z' } : {}),
  },
  spec: { containers: [], ...(o.node ? { nodeName: o.node } : {}) },
  status: { ...(o.phase ? { phase: o.phase } : {}), ...(o.reason ? { reason: o.reason } : {}) },
});
const names = (ps: Pod[]): string[] => ps.map((p) => p.metadata!.name!);

describe('isPodTerminated', () => {
  it.each([['Succeeded', true], ['Failed', true], ['Running', false], ['Pending', false], ['Unknown', false], [undefined, false]] as const)('%s → %s', (phase, want) => {
    expect(isPodTerminated(pod('p', phase ? { phase } : {}))).toBe(want);
  });
});

describe('terminatedToDelete', () => {
  const pods = [
    pod('new-ok', { phase: 'Succeeded', created: 30 }), pod('old-fail', { phase: 'Failed', created: 10 }), pod('running', { phase: 'Running', created: 0 }),
    pod('evicted', { phase: 'Failed', reason: 'Evicted', created: 50 }), pod('b-same', { phase: 'Succeeded', created: 20 }), pod('a-same', { phase: 'Succeeded', created: 20 }),
  ];
  it.each<[number, string[]]>([
    [10, []],
    [5, []],
    [4, ['evicted']],
    [2, ['evicted', 'old-fail', 'a-same']],
    [0, []],
    [-1, []],
  ])('threshold %i', (threshold, want) => {
    expect(names(terminatedToDelete(pods, threshold))).toEqual(want);
  });
});

describe('terminatingOutOfService and unscheduledTerminating', () => {
  const node = (name: string, ready: string, oos: boolean): Node => ({
    metadata: { name },
    spec: oos ? { taints: [{ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }] } : {},
    status: { conditions: [{ type: 'Ready', status: ready }] },
  });
  const nodes = new Map([['dead-oos', node('dead-oos', 'False', true)], ['dead', node('dead', 'Unknown', false)], ['live-oos', node('live-oos', 'True', true)]]);
  const pods = [
    pod('t1', { node: 'dead-oos', deleting: true, created: 5 }), pod('t0', { node: 'dead-oos', deleting: true, created: 1 }), pod('running', { node: 'dead-oos' }),
    pod('t-dead', { node: 'dead', deleting: true }), pod('t-live', { node: 'live-oos', deleting: true }), pod('t-gone', { node: 'gone', deleting: true }),
    pod('unsched', { deleting: true }), pod('pending'),
  ];
  it('terminating pods on a not-Ready out-of-service node, oldest first', () => {
    expect(names(terminatingOutOfService(pods, (n) => nodes.get(n)))).toEqual(['t0', 't1']);
  });
  it('terminating pods with no node', () => {
    expect(names(unscheduledTerminating(pods))).toEqual(['unsched']);
  });
  it('missing nodes', () => {
    expect([...missingNodes(pods, new Set(nodes.keys()))]).toEqual(['gone']);
  });
});

describe('Quarantine', () => {
  it('a name is due quarantineMs after it was first queued, once', () => {
    const q = new Quarantine(40_000);
    q.add(['a'], 0);
    q.add(['a', 'b'], 20_000);
    expect(q.due(39_999)).toEqual([]);
    expect(q.due(40_000)).toEqual(['a']);
    expect(q.due(60_000)).toEqual(['b']);
    expect(q.due(100_000)).toEqual([]);
  });
});
