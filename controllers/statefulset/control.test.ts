// Table tests of the StatefulSet planner: ordered and parallel scaling, rolling updates with partitions, OnDelete.

import { describe, expect, it } from 'vitest';
import type { Pod } from '../../apiserver/api/types.js';
import { slowStartBatches, updateStatefulSet, type Action, type UpdateInput } from './control.js';
import { claim, input, NEW, OLD, pod, sts } from './fixtures.test.support.js';
import { getPodRevision } from './util.js';

/** A step as text: `create web-0@web-new`, `delete web-2 (update)`, … joined with `+` inside one step. */
function describeAction(a: Action): string {
  const name = a.pod.metadata?.name ?? '?';
  switch (a.type) {
    case 'create':
      return `create ${name}@${getPodRevision(a.pod)}`;
    case 'delete':
      return `delete ${name} (${a.why})`;
    default:
      return `${a.type} ${name}`;
  }
}
const plan = (i: UpdateInput): string[] => updateStatefulSet(i).steps.map((s) => s.map(describeAction).join(' + '));

describe('updateStatefulSet: OrderedReady scaling', () => {
  it.each<[string, UpdateInput, string[]]>([
    ['0→3 creates web-0 first (23)', input(sts(), []), [`create web-0@${NEW}`]],
    ['web-1 only once web-0 is Running and Ready (23)', input(sts(), [pod(0)]), [`create web-1@${NEW}`]],
    ['web-0 Pending: wait', input(sts(), [pod(0, { phase: 'Pending' })]), []],
    ['web-0 Running, not Ready: wait', input(sts(), [pod(0, { ready: false })]), []],
    ['web-1 NotReady halts the scale-up (26)', input(sts(), [pod(0), pod(1, { ready: false })]), []],
    ['web-0 terminating: wait for it to go', input(sts(), [pod(0, { terminating: true })]), []],
    ['minReadySeconds not yet elapsed: wait (41)', input(sts({ minReadySeconds: 10 }), [pod(0, { readyFor: 5 })]), []],
    ['minReadySeconds elapsed: next (41)', input(sts({ minReadySeconds: 10 }), [pod(0, { readyFor: 11 })]), [`create web-1@${NEW}`]],
    ['3→1 deletes web-2 first (25)', input(sts({ replicas: 1 }), [pod(0), pod(1), pod(2)]), ['delete web-2 (condemned)']],
    ['3→1 waits while web-2 terminates (25)', input(sts({ replicas: 1 }), [pod(0), pod(1), pod(2, { terminating: true })]), []],
    ['3→1 then web-1 (25)', input(sts({ replicas: 1 }), [pod(0), pod(1)]), ['delete web-1 (condemned)']],
    ['scale-down halts while web-0 is not Ready (25)', input(sts({ replicas: 1 }), [pod(0, { ready: false }), pod(1), pod(2)]), []],
    ['the unready condemned pod itself may go (25)', input(sts({ replicas: 1 }), [pod(0), pod(1), pod(2, { ready: false })]), ['delete web-2 (condemned)']],
    ['an unready lower condemned pod does not stop the healthy highest one (25)', input(sts({ replicas: 1 }), [pod(0), pod(1, { ready: false }), pod(2)]), ['delete web-2 (condemned)']],
    ['Failed pod is deleted, recreated later (31)', input(sts(), [pod(0), pod(1, { phase: 'Failed' }), pod(2)]), ['delete web-1 (failed)']],
    ['Succeeded pod is deleted too (31)', input(sts(), [pod(0, { phase: 'Succeeded' })]), ['delete web-0 (failed)']],
    ['a deleting set only gets status', input(sts({ deleting: true }), []), []],
    ['ordinals.start 5 creates web-5 (35)', input(sts({ start: 5 }), []), [`create web-5@${NEW}`]],
    ['a pod lacking its identity labels is updated and the pass goes on', input(sts(), [pod(0, { bare: true })]), ['update web-0', `create web-1@${NEW}`]],
  ])('%s', (_name, i, want) => {
    expect(plan(i)).toEqual(want);
  });
});

describe('updateStatefulSet: Parallel', () => {
  it.each<[string, UpdateInput, string[]]>([
    ['0→3 creates all three, slow-start batches 1 then 2 (24)', input(sts({ parallel: true }), []), [`create web-0@${NEW}`, `create web-1@${NEW} + create web-2@${NEW}`]],
    ['a NotReady pod does not halt creation (26)', input(sts({ parallel: true }), [pod(0), pod(1, { ready: false })]), [`create web-2@${NEW}`]],
    ['3→0 deletes all at once (24)', input(sts({ parallel: true, replicas: 0 }), [pod(0), pod(1), pod(2)]), ['delete web-2 (condemned)', 'delete web-1 (condemned) + delete web-0 (condemned)']],
    ['terminating condemned pods are skipped', input(sts({ parallel: true, replicas: 0 }), [pod(0), pod(1, { terminating: true })]), ['delete web-0 (condemned)']],
  ])('%s', (_name, i, want) => {
    expect(plan(i)).toEqual(want);
  });
});

describe('updateStatefulSet: rolling update', () => {
  const all = (rev: (o: number) => string, extra: (o: number) => Partial<Parameters<typeof pod>[1]> = () => ({})): Pod[] => [0, 1, 2].map((o) => pod(o, { rev: rev(o), ...extra(o) }));
  it.each<[string, UpdateInput, string[]]>([
    ['template change: web-2 first (27)', input(sts(), all(() => OLD)), ['delete web-2 (update)']],
    ['then web-1 once web-2 is healthy (27)', input(sts(), all((o) => (o === 2 ? NEW : OLD))), ['delete web-1 (update)']],
    ['web-2 replaced but not Ready: the rollout waits (a bad image halts here)', input(sts(), all((o) => (o === 2 ? NEW : OLD), (o) => (o === 2 ? { ready: false } : {}))), []],
    ['web-2 gone: recreated at the update revision', input(sts(), all(() => OLD).slice(0, 2)), [`create web-2@${NEW}`]],
    ['partition 2: only web-2 (28)', input(sts({ partition: 2 }), all((o) => (o === 2 ? NEW : OLD))), []],
    ['partition 2: web-0 deleted by a user comes back at the old revision (28)', input(sts({ partition: 2 }), all((o) => (o === 2 ? NEW : OLD)).slice(1)), [`create web-0@${OLD}`]],
    ['partition 0 continues with web-1 (28)', input(sts({ partition: 0 }), all((o) => (o === 2 ? NEW : OLD))), ['delete web-1 (update)']],
    ['partition 5 on 3 replicas: nothing (29)', input(sts({ partition: 5 }), all(() => OLD)), []],
    ['a terminating outdated pod is waited for', input(sts(), all(() => OLD, (o) => (o === 2 ? { terminating: true } : {}))), []],
    ['OnDelete: no automatic update (30)', input(sts({ onDelete: true }), all(() => OLD)), []],
    ['OnDelete: a deleted pod comes back at the update revision (30)', input(sts({ onDelete: true }), all(() => OLD).slice(0, 2)), [`create web-2@${NEW}`]],
    ['ordinals.start 5, partition 1: web-7 then web-6 (35)', input(sts({ start: 5, partition: 1 }), [5, 6, 7].map((o) => pod(o, { rev: o === 7 ? NEW : OLD }))), ['delete web-6 (update)']],
    ['ordinals.start 5, partition 1: web-5 stays (35)', input(sts({ start: 5, partition: 1 }), [5, 6, 7].map((o) => pod(o, { rev: o === 5 ? OLD : NEW }))), []],
    ['no rollingUpdate block: missing web-0 below status.currentReplicas is current (38)', input(sts({ partition: null, currentReplicas: 2 }), all(() => OLD).slice(1)), [`create web-0@${OLD}`]],
    ['no rollingUpdate block: missing web-2 at or above it is updated (38)', input(sts({ partition: null, currentReplicas: 2 }), all(() => OLD).slice(0, 2)), [`create web-2@${NEW}`]],
    ['Parallel rolls one at a time too', input(sts({ parallel: true }), all(() => OLD)), ['delete web-2 (update)']],
  ])('%s', (_name, i, want) => {
    expect(plan(i)).toEqual(want);
  });

  it('a delete for update lowers currentReplicas in the published status (40)', () => {
    const p = updateStatefulSet(input(sts(), all(() => OLD)));
    expect(p.status.currentReplicas).toBe(2);
    expect(p.status.replicas).toBe(3);
  });
});

describe('updateStatefulSet: claims and retention (33, 34)', () => {
  const podRef = (o: number, uid = `u-web-${o}`) => ({ apiVersion: 'v1', kind: 'Pod', name: `web-${o}`, uid, controller: true, blockOwnerDeletion: true });
  const setRef = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u-web', controller: true, blockOwnerDeletion: true };
  it.each<[string, UpdateInput, string[]]>([
    ['a Pending pod with a missing claim gets it', input(sts(), [pod(0, { phase: 'Pending' })], []), ['createClaims web-0']],
    ['whenScaled Delete: a condemned pod\'s claim gets its pod ref, then the pod goes', input(sts({ replicas: 2, whenScaled: 'Delete' }), [pod(0), pod(1), pod(2)]), ['fixClaims web-2', 'delete web-2 (condemned)']],
    ['whenScaled Delete: a claim still owned by the previous web-0 blocks its re-creation', input(sts({ whenScaled: 'Delete' }), [], [claim(0, [podRef(0, 'u-gone')])]), []],
    ['whenDeleted Delete: in-range claims get the set ref', input(sts({ whenDeleted: 'Delete' }), [pod(0)], [claim(0)]), ['update web-0', `create web-1@${NEW}`]],
    ['whenDeleted Delete: a claim with the set ref is fine', input(sts({ whenDeleted: 'Delete' }), [pod(0)], [claim(0, [setRef])]), [`create web-1@${NEW}`]],
    ['Retain: a claim without refs is fine', input(sts(), [pod(0)], [claim(0)]), [`create web-1@${NEW}`]],
  ])('%s', (_name, i, want) => {
    expect(plan(i)).toEqual(want);
  });

  it('new pods carry identity, hostname, subdomain, the claim volume and the revision (36)', () => {
    const [[a]] = updateStatefulSet(input(sts(), [])).steps as [[Action]];
    const p = a.pod;
    expect(p.metadata?.name).toBe('web-0');
    expect(p.metadata?.generateName).toBe('web-');
    expect(p.metadata?.labels).toEqual({ app: 'web', 'statefulset.kubernetes.io/pod-name': 'web-0', 'apps.kubernetes.io/pod-index': '0', 'controller-revision-hash': NEW });
    expect(p.spec?.hostname).toBe('web-0');
    expect(p.spec?.subdomain).toBe('web');
    expect(p.spec?.containers[0]?.image).toBe('nginx:2');
    expect(p.spec?.volumes).toEqual([{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } }]);
    expect(p.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'web', uid: 'u-web', controller: true });
  });
});

describe('status of a plan (3.7, 40)', () => {
  it('counts terminating pods in replicas and, while Ready, in readyReplicas; not in current/updated', () => {
    const pods = [pod(0, { rev: NEW }), pod(1, { rev: NEW }), pod(2, { rev: OLD, terminating: true })];
    const s = updateStatefulSet(input(sts(), pods)).status;
    expect(s).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, currentReplicas: 0, updatedReplicas: 2, currentRevision: OLD, updateRevision: NEW, observedGeneration: 2 });
  });

  it('availableReplicas lags readyReplicas under minReadySeconds (41)', () => {
    const s = updateStatefulSet(input(sts({ minReadySeconds: 10 }), [pod(0, { readyFor: 30 }), pod(1, { readyFor: 3 })])).status;
    expect(s.readyReplicas).toBe(2);
    expect(s.availableReplicas).toBe(1);
  });
});

describe('slowStartBatches', () => {
  it.each<[number, number[]]>([
    [0, []],
    [1, [1]],
    [3, [1, 2]],
    [10, [1, 2, 4, 3]],
    [1500, [1, 2, 4, 8, 16, 32, 64, 128, 256, 500, 489]],
  ])('%i actions → batches %j', (n, sizes) => {
    const actions: Action[] = Array.from({ length: n }, (_, i) => ({ type: 'delete', pod: pod(i), why: 'condemned' }));
    expect(slowStartBatches(actions).map((b) => b.length)).toEqual(sizes);
  });
});

