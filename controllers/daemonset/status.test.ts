// DaemonSet status counts and when they are written (controllers.md §2.8, cases 2, 14, 19, 21).

import { describe, expect, it } from 'vitest';
import type { DaemonSet, Node, Pod } from '../../apiserver/api/types.js';
import { daemonSet, node } from './fake.test.support.js';
import { dpod, NOW } from './plan.test.support.js';
import { calculateStatus, statusUpToDate, withStatus, type DaemonSetCounts } from './status.js';

const counts = (d: number, c: number, m: number, r: number, u: number, a: number): DaemonSetCounts => ({
  desiredNumberScheduled: d, currentNumberScheduled: c, numberMisscheduled: m, numberReady: r, updatedNumberScheduled: u, numberAvailable: a, numberUnavailable: d - a,
});

describe('calculateStatus', () => {
  it.each<[string, DaemonSet, Node[], Pod[], DaemonSetCounts]>([
    ['all running and up to date', daemonSet('d'), [node('n1'), node('n2')], [dpod('a', 'n1'), dpod('b', 'n2')], counts(2, 2, 0, 2, 2, 2)],
    ['a node without a pod', daemonSet('d'), [node('n1'), node('n2')], [dpod('a', 'n1')], counts(2, 1, 0, 1, 1, 1)],
    ['a Pending pod counts as scheduled, not ready', daemonSet('d'), [node('n1')], [dpod('a', 'n1', { unscheduled: true, phase: 'Pending', ready: false })], counts(1, 1, 0, 0, 1, 0)],
    ['an old pod is not updated', daemonSet('d'), [node('n1'), node('n2')], [dpod('a', 'n1', { hash: 'h0' }), dpod('b', 'n2')], counts(2, 2, 0, 2, 1, 2)],
    ['only the oldest pod of a node decides', daemonSet('d'), [node('n1')], [dpod('new', 'n1', { age: 5 }), dpod('old', 'n1', { age: 40, hash: 'h0', ready: false })], counts(1, 1, 0, 0, 0, 0)],
    ['a pod kept on a NoSchedule-tainted node is misscheduled', daemonSet('d'), [node('n1', { taints: [{ key: 'k', effect: 'NoSchedule' }] }), node('n2')], [dpod('a', 'n1'), dpod('b', 'n2')], counts(1, 1, 1, 1, 1, 1)],
    ['a terminating pod still counts', daemonSet('d'), [node('n1')], [dpod('t', 'n1', { terminating: true })], counts(1, 1, 0, 1, 1, 1)],
    ['a terminal pod being deleted does not', daemonSet('d'), [node('n1')], [dpod('t', 'n1', { terminating: true, phase: 'Failed', ready: false })], counts(1, 0, 0, 0, 0, 0)],
    ['pods on a deleted node count nowhere', daemonSet('d'), [node('n1')], [dpod('a', 'n1'), dpod('b', 'gone')], counts(1, 1, 0, 1, 1, 1)],
    ['minReadySeconds: ready but not yet available', daemonSet('d', { spec: { minReadySeconds: 10 } }), [node('n1'), node('n2')], [dpod('a', 'n1', { readyFor: 5 }), dpod('b', 'n2', { readyFor: 20 })], counts(2, 2, 0, 2, 2, 1)],
  ])('%s', (_name, ds, nodes, pods, want) => {
    expect(calculateStatus(ds, nodes, pods, 'h1', NOW)).toEqual(want);
  });
});

describe('statusUpToDate', () => {
  const c = counts(2, 2, 0, 2, 2, 2);
  it('skips the write only when every count matches and the generation was observed', () => {
    const ds = daemonSet('d', { generation: 3 });
    expect(statusUpToDate(withStatus(ds, c, 3), c)).toBe(true);
    expect(statusUpToDate(withStatus(ds, c, 2), c)).toBe(false);
    expect(statusUpToDate(withStatus(ds, counts(2, 2, 0, 1, 2, 1), 3), c)).toBe(false);
    expect(withStatus(withStatus(ds, c, 2), c, undefined).status?.observedGeneration).toBe(2);
  });
});
