// The rolling update planner: maxUnavailable (ints and percentages), maxSurge, minReadySeconds (controllers.md §2.6, cases 11–14).

import { describe, expect, it } from 'vitest';
import type { DaemonSet, Node, Pod } from '../../apiserver/api/types.js';
import { daemonSet, node } from './fake.test.support.js';
import { dpod, NOW } from './plan.test.support.js';
import { findUpdatedPodsOnNode, rollingUpdate, updatedDesiredNodeCounts } from './update.js';

const strategy = (rollingUpdate: Record<string, unknown>, extra: Record<string, unknown> = {}): DaemonSet =>
  daemonSet('d', { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate }, ...extra } });

const three = [node('n1'), node('n2'), node('n3')];
const oldOn = (...nodes: string[]): Pod[] => nodes.map((n) => dpod(`old-${n}`, n, { hash: 'h0' }));

describe('rollingUpdate without surge', () => {
  it.each<[string, DaemonSet, Node[], Pod[], number]>([
    ['default maxUnavailable 1 on 3 nodes: one old pod goes', strategy({ maxUnavailable: 1, maxSurge: 0 }), three, oldOn('n1', 'n2', 'n3'), 1],
    ['maxUnavailable 2: two at once', strategy({ maxUnavailable: 2, maxSurge: 0 }), three, oldOn('n1', 'n2', 'n3'), 2],
    ['maxUnavailable 50% of 3 rounds up to 2', strategy({ maxUnavailable: '50%', maxSurge: 0 }), three, oldOn('n1', 'n2', 'n3'), 2],
    ['maxUnavailable 10% of 3 rounds up to 1', strategy({ maxUnavailable: '10%', maxSurge: 0 }), three, oldOn('n1', 'n2', 'n3'), 1],
    ['a node without a pod (being replaced) uses the one allowed', strategy({ maxUnavailable: 1, maxSurge: 0 }), three, oldOn('n2', 'n3'), 0],
    ['a terminating old pod counts as no pod', strategy({ maxUnavailable: 1, maxSurge: 0 }), three, [dpod('t', 'n1', { hash: 'h0', terminating: true }), ...oldOn('n2', 'n3')], 0],
    ['a new pod not yet ready uses the one allowed', strategy({ maxUnavailable: 1, maxSurge: 0 }), three, [dpod('new', 'n1', { ready: false }), ...oldOn('n2', 'n3')], 0],
    ['a new pod ready but inside minReadySeconds is unavailable', strategy({ maxUnavailable: 1, maxSurge: 0 }, { minReadySeconds: 30 }), three, [dpod('new', 'n1', { readyFor: 10 }), ...oldOn('n2', 'n3')], 0],
    ['a new pod available after minReadySeconds frees the slot', strategy({ maxUnavailable: 1, maxSurge: 0 }, { minReadySeconds: 30 }), three, [dpod('new', 'n1', { readyFor: 31 }), ...oldOn('n2', 'n3')], 1],
    ['both 0 (impossible): maxUnavailable taken as 1', strategy({ maxUnavailable: 0, maxSurge: 0 }), three, oldOn('n1', 'n2', 'n3'), 1],
    ['all up to date: nothing', strategy({ maxUnavailable: 1, maxSurge: 0 }), three, [dpod('a', 'n1'), dpod('b', 'n2'), dpod('c', 'n3')], 0],
  ])('%s', (_name, ds, nodes, pods, deletes) => {
    const p = rollingUpdate(ds, nodes, pods, 'h1', NOW);
    expect(p.nodesNeedingDaemonPods).toEqual([]);
    expect(p.podsToDelete).toHaveLength(deletes);
    for (const name of p.podsToDelete) expect(name.startsWith('old-')).toBe(true);
  });

  it('unavailable old pods are replaced at once, beyond maxUnavailable', () => {
    const pods = [dpod('old-n1', 'n1', { hash: 'h0', ready: false }), dpod('old-n2', 'n2', { hash: 'h0', ready: false }), dpod('old-n3', 'n3', { hash: 'h0' })];
    expect(rollingUpdate(strategy({ maxUnavailable: 1, maxSurge: 0 }), three, pods, 'h1', NOW).podsToDelete.sort()).toEqual(['old-n1', 'old-n2']);
  });

  it('OnDelete has no rolling update (maxUnavailable 0)', () => {
    const ds = daemonSet('d', { spec: { updateStrategy: { type: 'OnDelete' } } });
    expect(updatedDesiredNodeCounts(ds, three, new Map())).toEqual({ desired: 3, maxSurge: 0, maxUnavailable: 1 });
  });

  it('counts a pod of the current template generation as updated even with another hash', () => {
    const ds = strategy({ maxUnavailable: 1, maxSurge: 0 });
    expect(findUpdatedPodsOnNode(ds, [dpod('a', 'n1', { hash: 'h0', generation: '1' })], 'h1')).toMatchObject({ newPod: { metadata: { name: 'a' } } });
    expect(findUpdatedPodsOnNode(ds, [dpod('a', 'n1', { hash: 'h0' }), dpod('b', 'n1', { hash: 'h9' })], 'h1')).toBeUndefined();
  });
});

describe('rollingUpdate with surge', () => {
  it.each<[string, DaemonSet, Pod[], string[], string[]]>([
    ['maxSurge 1: one new pod next to an old one', strategy({ maxUnavailable: 0, maxSurge: 1 }), oldOn('n1', 'n2', 'n3'), ['n?'], []],
    ['maxSurge 2: two', strategy({ maxUnavailable: 0, maxSurge: 2 }), oldOn('n1', 'n2', 'n3'), ['n?', 'n?'], []],
    ['a surged node waiting for its new pod uses the surge', strategy({ maxUnavailable: 0, maxSurge: 1 }), [dpod('old-n1', 'n1', { hash: 'h0' }), dpod('new-n1', 'n1', { ready: false, age: 2 }), ...oldOn('n2', 'n3')], [], []],
    ['the new pod available: its old pod goes, the next node surges', strategy({ maxUnavailable: 0, maxSurge: 1 }), [dpod('old-n1', 'n1', { hash: 'h0' }), dpod('new-n1', 'n1', { age: 2 }), ...oldOn('n2', 'n3')], ['n?'], ['old-n1']],
    ['minReadySeconds holds the old pod while the new one is not available', strategy({ maxUnavailable: 0, maxSurge: 1 }, { minReadySeconds: 10 }), [dpod('old-n1', 'n1', { hash: 'h0' }), dpod('new-n1', 'n1', { age: 5, readyFor: 5 }), ...oldOn('n2', 'n3')], [], []],
    ['unavailable old pods get their new pods at once, beyond maxSurge (and one surge more)', strategy({ maxUnavailable: 0, maxSurge: 1 }), [dpod('old-n1', 'n1', { hash: 'h0', ready: false }), dpod('old-n2', 'n2', { hash: 'h0', ready: false }), ...oldOn('n3')], ['n1', 'n2', 'n?'], []],
  ])('%s', (_name, ds, pods, creates, deletes) => {
    const p = rollingUpdate(ds, three, pods, 'h1', NOW);
    expect(p.nodesNeedingDaemonPods.map((n) => (creates.includes(n) ? n : 'n?'))).toEqual(creates);
    expect(new Set(p.nodesNeedingDaemonPods).size).toBe(p.nodesNeedingDaemonPods.length);
    expect(p.podsToDelete).toEqual(deletes);
  });

  it('an available old pod on a node that should no longer run it goes only while more are available than desired', () => {
    const ds = strategy({ maxUnavailable: 0, maxSurge: 1 }, { template: { ...daemonSet('d').spec!.template, spec: { ...daemonSet('d').spec!.template.spec!, nodeSelector: { keep: 'yes' } } } });
    const nodes = [node('n1', { labels: { keep: 'yes' } }), node('n2')];
    const pods = [dpod('a', 'n1'), dpod('old-n2', 'n2', { hash: 'h0' })];
    expect(rollingUpdate(ds, nodes, pods, 'h1', NOW).podsToDelete).toEqual(['old-n2']);
    expect(rollingUpdate(ds, nodes, [dpod('a', 'n1', { ready: false }), dpod('old-n2', 'n2', { hash: 'h0' })], 'h1', NOW).podsToDelete).toEqual([]);
  });
});
