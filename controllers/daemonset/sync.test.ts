// The per-node plan (manage / podsShouldBeOnNode): creates, extras, failed and succeeded pods, surge (controllers.md §2.4).

import { describe, expect, it } from 'vitest';
import type { DaemonSet, Node, Pod } from '../../apiserver/api/types.js';
import { FakeClock } from '../runtime/index.js';
import { Backoff } from './backoff.js';
import { daemonSet, node } from './fake.test.support.js';
import { dpod, NOW } from './plan.test.support.js';
import { failedPodsBackoffKey, manage, unscheduledPodsWithoutNode, nodesToDaemonPods } from './sync.js';

const surge = daemonSet('d', { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } } });
const ssdOnly = daemonSet('d', { spec: { template: { ...daemonSet('d').spec!.template, spec: { ...daemonSet('d').spec!.template.spec!, nodeSelector: { disktype: 'ssd' } } } } });

const plan = (ds: DaemonSet, nodes: Node[], pods: Pod[], backoff = new Backoff(new FakeClock(NOW))) => manage({ ds, hash: 'h1', now: NOW, backoff }, nodes, pods);

describe('manage', () => {
  it.each<[string, DaemonSet, Node[], Pod[], string[], string[]]>([
    ['three nodes, no pods: one create each', daemonSet('d'), [node('n1'), node('n2'), node('n3')], [], ['n1', 'n2', 'n3'], []],
    ['one pod per node: nothing', daemonSet('d'), [node('n1'), node('n2')], [dpod('a', 'n1'), dpod('b', 'n2')], [], []],
    ['two pods on a node: the newer goes', daemonSet('d'), [node('n1')], [dpod('new', 'n1', { age: 5 }), dpod('old', 'n1', { age: 40 })], [], ['new']],
    ['an unscheduled pod counts after scheduled ones', daemonSet('d'), [node('n1')], [dpod('pending', 'n1', { age: 60, unscheduled: true }), dpod('bound', 'n1', { age: 5 })], [], ['pending']],
    ['the only pod terminating: no replacement yet', daemonSet('d'), [node('n1')], [dpod('t', 'n1', { terminating: true })], [], []],
    ['a terminating pod next to a running one is left alone', daemonSet('d'), [node('n1')], [dpod('t', 'n1', { terminating: true }), dpod('r', 'n1')], [], []],
    ['a terminal pod being deleted does not count: create', daemonSet('d'), [node('n1')], [dpod('t', 'n1', { terminating: true, phase: 'Failed' })], ['n1'], []],
    ['a succeeded pod is deleted', daemonSet('d'), [node('n1')], [dpod('s', 'n1', { phase: 'Succeeded' })], [], ['s']],
    ['label removed (nodeSelector no longer matches): the pod goes', ssdOnly, [node('n1')], [dpod('a', 'n1')], [], ['a']],
    ['NoExecute taint: the pod goes (a terminating one is skipped)', daemonSet('d'), [node('n1', { taints: [{ key: 'k', effect: 'NoExecute' }] })], [dpod('a', 'n1'), dpod('t', 'n1', { terminating: true })], [], ['a']],
    ['NoSchedule taint: the pod stays, none is added elsewhere for it', daemonSet('d'), [node('n1', { taints: [{ key: 'k', effect: 'NoSchedule' }] }), node('n2', { taints: [{ key: 'k', effect: 'NoSchedule' }] })], [dpod('a', 'n1')], [], []],
    ['an unscheduled pod for a node that is gone is deleted', daemonSet('d'), [node('n1')], [dpod('a', 'n1'), dpod('lost', 'gone', { unscheduled: true }), dpod('bound', 'gone2')], [], ['lost']],
    ['surge: no pod creates one', surge, [node('n1')], [], ['n1'], []],
    ['surge: only a terminating pod creates one', surge, [node('n1')], [dpod('t', 'n1', { terminating: true })], ['n1'], []],
    ['surge: old ready + new not yet available: both stay', surge, [node('n1')], [dpod('old', 'n1', { hash: 'h0', age: 50 }), dpod('new', 'n1', { age: 5, ready: false })], [], []],
    ['surge: new available: the old one goes', surge, [node('n1')], [dpod('old', 'n1', { hash: 'h0', age: 50 }), dpod('new', 'n1', { age: 5 })], [], ['old']],
    ['surge: old not ready: it goes at once', surge, [node('n1')], [dpod('old', 'n1', { hash: 'h0', ready: false }), dpod('new', 'n1', { age: 5, ready: false })], [], ['old']],
    ['surge: a second new pod goes', surge, [node('n1')], [dpod('new1', 'n1', { age: 20 }), dpod('new2', 'n1', { age: 5 })], [], ['new2']],
  ])('%s', (_name, ds, nodes, pods, creates, deletes) => {
    const p = plan(ds, nodes, pods);
    expect(p.nodesNeedingDaemonPods).toEqual(creates);
    expect(p.podsToDelete).toEqual(deletes);
  });

  it('a succeeded pod gives a SucceededDaemonPod event', () => {
    expect(plan(daemonSet('d'), [node('n1')], [dpod('s', 'n1', { phase: 'Succeeded' })]).events).toEqual([
      { type: 'Normal', reason: 'SucceededDaemonPod', message: 'Found succeeded daemon pod default/s on node n1, will try to delete it' },
    ]);
  });

  it('failed pods are deleted with a per-node back-off of 1 s, 2 s, 4 s …', () => {
    const clock = new FakeClock(NOW);
    const backoff = new Backoff(clock);
    const ds = { ...daemonSet('d'), metadata: { ...daemonSet('d').metadata, uid: 'ds-uid' } } as DaemonSet;
    const at = (ms: number, name: string) => manage({ ds, hash: 'h1', now: NOW + ms, backoff }, [node('n1')], [dpod(name, 'n1', { phase: 'Failed' })]);
    const first = at(0, 'f1');
    expect(first.podsToDelete).toEqual(['f1']);
    expect(first.events).toEqual([{ type: 'Warning', reason: 'FailedDaemonPod', message: 'Found failed daemon pod default/f1 on node n1, will try to kill it' }]);
    const held = at(500, 'f2');
    expect(held.podsToDelete).toEqual([]);
    expect(held.requeueAfterMs).toBe(1000);
    expect(at(1000, 'f2').podsToDelete).toEqual(['f2']);
    expect(at(2500, 'f3')).toMatchObject({ podsToDelete: [], requeueAfterMs: 2000 });
    expect(at(3000, 'f3').podsToDelete).toEqual(['f3']);
    expect(backoff.get(failedPodsBackoffKey(ds, 'n1'))).toBe(4000);
    expect(failedPodsBackoffKey(ds, 'n1')).toBe('ds-uid/0/n1');
  });
});

describe('pods by node', () => {
  it('groups by spec.nodeName, else the pinned node; drops terminal pods being deleted unless asked', () => {
    const pods = [dpod('a', 'n1'), dpod('b', 'n2', { unscheduled: true }), dpod('c', 'n1', { phase: 'Failed', terminating: true })];
    expect([...nodesToDaemonPods(pods, false)].map(([n, ps]) => [n, ps.map((p) => p.metadata?.name)])).toEqual([['n1', ['a']], ['n2', ['b']]]);
    expect(nodesToDaemonPods(pods, true).get('n1')?.map((p) => p.metadata?.name)).toEqual(['a', 'c']);
    expect(unscheduledPodsWithoutNode([node('n1')], nodesToDaemonPods(pods, false))).toEqual(['b']);
  });
});
