// syncDaemonSet against an in-memory API: creates, expectations, slow start, rolling updates, history, adoption.

import { describe, expect, it } from 'vitest';
import { isPodAvailable } from '../../apiserver/api/pod-state.js';
import type { ControllerRevision, DaemonSet, Pod } from '../../apiserver/api/types.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../history/index.js';
import { syncDaemonSet } from './controller.js';
import type { DaemonSetDeps } from './deps.js';
import { daemonSet, FakeCluster, node } from './fake.test.support.js';

const KEY = 'default/d';

function setup(nodes = 3, ds: DaemonSet = daemonSet('d')): { c: FakeCluster; deps: DaemonSetDeps } {
  const c = new FakeCluster();
  for (let i = 1; i <= nodes; i++) c.put('nodes', node(`n${i}`));
  c.put('daemonsets', ds);
  return { c, deps: c.deps() };
}

const live = (c: FakeCluster): Pod[] => c.list<Pod>('pods').filter((p) => !p.metadata?.deletionTimestamp);
const revisions = (c: FakeCluster): ControllerRevision[] => c.list<ControllerRevision>('controllerrevisions').sort((a, b) => a.revision - b.revision);
const current = (c: FakeCluster): DaemonSet => c.get<DaemonSet>('daemonsets', 'd', 'default')!;

/** Changes the DaemonSet's template image as a spec update would (generation and template generation +1). */
function setImage(c: FakeCluster, image: string): void {
  const ds = current(c);
  const gen = Number(ds.metadata?.annotations?.['deprecated.daemonset.template.generation'] ?? '1') + 1;
  const t = structuredClone(ds.spec!.template);
  (t.spec!.containers[0] as { image: string }).image = image;
  c.put('daemonsets', { ...ds, metadata: { ...ds.metadata, generation: (ds.metadata?.generation ?? 1) + 1, annotations: { ...ds.metadata?.annotations, 'deprecated.daemonset.template.generation': String(gen) } }, spec: { ...ds.spec!, template: t } });
}

/** Syncs, then lets the scheduler, kubelets and time move, until nothing changes; checks `invariant` after each step. */
async function converge(c: FakeCluster, deps: DaemonSetDeps, invariant: () => void = () => undefined): Promise<number> {
  for (let step = 0; step < 60; step++) {
    const before = c.actions.length;
    await syncDaemonSet(deps, KEY);
    invariant();
    c.runPods();
    c.finishDeletes();
    c.clock.advance(1000);
    if (c.actions.filter((a) => a.verb !== 'get').length === c.actions.slice(0, before).filter((a) => a.verb !== 'get').length && step > 0) return step;
  }
  throw new Error('did not converge');
}

describe('syncDaemonSet', () => {
  it('creates one pod per node, the first revision and the status (edge case 1)', async () => {
    const { c, deps } = setup();
    await syncDaemonSet(deps, KEY);
    const pods = c.list<Pod>('pods');
    expect(pods.map((p) => p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0]).sort()).toEqual(['n1', 'n2', 'n3']);
    const [cr] = revisions(c);
    expect(cr).toMatchObject({ revision: 1, metadata: { labels: { app: 'd' }, ownerReferences: [{ kind: 'DaemonSet', name: 'd', controller: true, blockOwnerDeletion: true }] } });
    const hash = cr!.metadata!.labels![CONTROLLER_REVISION_HASH_LABEL]!;
    expect(cr!.metadata!.name).toBe(`d-${hash}`);
    expect(cr!.metadata!.annotations).toEqual({ 'deprecated.daemonset.template.generation': '1' });
    for (const p of pods) expect(p.metadata).toMatchObject({ generateName: 'd-', labels: { app: 'd', [CONTROLLER_REVISION_HASH_LABEL]: hash, 'pod-template-generation': '1' } });
    expect(c.events.filter((e) => e.reason === 'SuccessfulCreate')).toHaveLength(3);
    expect(current(c).status).toEqual({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 3, numberUnavailable: 3, observedGeneration: 1 });
    c.runPods();
    await syncDaemonSet(deps, KEY);
    expect(current(c).status).toMatchObject({ numberReady: 3, numberAvailable: 3 });
    expect(current(c).status).not.toHaveProperty('numberUnavailable');
    const writes = c.writes('update', 'daemonsets', 'status').length;
    await syncDaemonSet(deps, KEY);
    expect(c.writes('update', 'daemonsets', 'status')).toHaveLength(writes);
  });

  it('does not create twice before the cache shows its pods, nor raise observedGeneration meanwhile (edge case 22)', async () => {
    const { c, deps } = setup();
    c.freezeCache();
    await syncDaemonSet(deps, KEY);
    expect(c.writes('create', 'pods')).toHaveLength(3);
    const ds = current(c);
    c.putSeen('daemonsets', { ...ds, metadata: { ...ds.metadata, generation: 2 } });
    await syncDaemonSet(deps, KEY);
    expect(c.writes('create', 'pods')).toHaveLength(3);
    expect(current(c).status?.observedGeneration).toBe(1);
    c.thawCache();
    await syncDaemonSet(deps, KEY);
    expect(c.writes('create', 'pods')).toHaveLength(3);
    expect(current(c).status?.observedGeneration).toBe(2);
  });

  it('creates at most 250 per sync, in slow-start batches that stop after a failure', async () => {
    const big = setup(300);
    await syncDaemonSet(big.deps, KEY);
    expect(big.c.writes('create', 'pods')).toHaveLength(250);
    await syncDaemonSet(big.deps, KEY);
    expect(big.c.writes('create', 'pods')).toHaveLength(300);

    const { c, deps } = setup(20);
    let n = 0;
    c.failCreate = () => (++n === 5 ? new Error('pods "x" is forbidden: exceeded quota') : undefined);
    await expect(syncDaemonSet(deps, KEY)).rejects.toThrow('exceeded quota');
    expect(c.writes('create', 'pods')).toHaveLength(1 + 2 + 4);
    expect(c.events).toContainEqual({ type: 'Warning', reason: 'FailedCreate', message: 'Error creating: pods "x" is forbidden: exceeded quota' });
    expect(current(c).status?.observedGeneration).toBe(1);
  });

  it('rolls a template change through with at most one node unavailable (edge case 11)', async () => {
    const { c, deps } = setup();
    await converge(c, deps);
    const firstHash = revisions(c)[0]!.metadata!.labels![CONTROLLER_REVISION_HASH_LABEL];
    setImage(c, 'img:2');
    await converge(c, deps, () => {
      const available = live(c).filter((p) => isPodAvailable(p, 0, c.clock.now())).length;
      expect(available).toBeGreaterThanOrEqual(2);
    });
    const hashes = new Set(live(c).map((p) => p.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL]));
    expect(hashes.size).toBe(1);
    expect(hashes.has(firstHash)).toBe(false);
    expect(live(c)).toHaveLength(3);
    expect(revisions(c).map((r) => r.revision)).toEqual([1, 2]);
    expect(current(c).status).toMatchObject({ updatedNumberScheduled: 3, numberAvailable: 3, observedGeneration: 2 });
  });

  it('with maxSurge 1 and maxUnavailable 0 never has fewer than three available pods (edge case 13)', async () => {
    const { c, deps } = setup(3, daemonSet('d', { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } } }));
    await converge(c, deps);
    setImage(c, 'img:2');
    let sawTwoOnANode = false;
    await converge(c, deps, () => {
      const pods = live(c);
      expect(pods.filter((p) => isPodAvailable(p, 0, c.clock.now())).length).toBeGreaterThanOrEqual(3);
      sawTwoOnANode ||= pods.length > 3;
    });
    expect(sawTwoOnANode).toBe(true);
    expect(new Set(live(c).map((p) => p.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL])).size).toBe(1);
  });

  it('renumbers the revision a rollback reuses and keeps revisionHistoryLimit (edge cases 16, 18)', async () => {
    const { c, deps } = setup(1);
    await converge(c, deps);
    setImage(c, 'img:2');
    await converge(c, deps);
    setImage(c, 'img:3');
    await converge(c, deps);
    const [, b] = revisions(c);
    setImage(c, 'img:2');
    await converge(c, deps);
    expect(revisions(c).map((r) => r.revision)).toEqual([1, 3, 4]);
    expect(revisions(c)[2]!.metadata?.name).toBe(b!.metadata?.name);

    const limited = setup(1, daemonSet('d', { spec: { revisionHistoryLimit: 2 } }));
    await converge(limited.c, limited.deps);
    for (let i = 2; i <= 6; i++) {
      setImage(limited.c, `img:${i}`);
      await converge(limited.c, limited.deps);
    }
    expect(revisions(limited.c).map((r) => r.revision)).toEqual([4, 5, 6]);
  });

  it('bumps collisionCount when its revision name is taken by other data, then uses a new name', async () => {
    const { c, deps } = setup(1);
    await syncDaemonSet(deps, KEY);
    const cr = revisions(c)[0]!;
    c.remove('controllerrevisions', cr.metadata!.name!, 'default');
    c.put('controllerrevisions', { ...cr, metadata: { ...cr.metadata, ownerReferences: [] }, data: { spec: { template: { $patch: 'replace', metadata: { labels: { other: 'x' } } } } } });
    await expect(syncDaemonSet(deps, KEY)).rejects.toThrow('already exists');
    expect(current(c).status?.collisionCount).toBe(1);
    await syncDaemonSet(deps, KEY);
    const names = revisions(c).map((r) => r.metadata?.name);
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
  });

  it('keeps the highest of several revisions with the current data: relabels each pod once, deletes the others', async () => {
    const { c, deps } = setup(2);
    await converge(c, deps);
    const [first] = revisions(c);
    const copy = (name: string, revision: number): ControllerRevision => ({ ...first!, metadata: { ...first!.metadata, name, uid: undefined, labels: { ...first!.metadata?.labels, [CONTROLLER_REVISION_HASH_LABEL]: name } }, revision });
    c.put('controllerrevisions', copy('d-dup1', 5));
    c.put('controllerrevisions', copy('d-dup2', 6));
    c.freezeCache(); // the pods read stay stale: reading them once per duplicate would patch them twice
    await syncDaemonSet(deps, KEY);
    const patched = c.writes('patch', 'pods');
    expect(patched.map((a) => a.name).sort()).toEqual(live(c).map((p) => p.metadata?.name).sort());
    expect(patched.map((a) => a.body)).toEqual([{ metadata: { labels: { [CONTROLLER_REVISION_HASH_LABEL]: 'd-dup2' } } }, { metadata: { labels: { [CONTROLLER_REVISION_HASH_LABEL]: 'd-dup2' } } }]);
    expect(c.writes('delete', 'controllerrevisions').map((a) => a.name).sort()).toEqual([first!.metadata!.name, 'd-dup1'].sort());
    expect(revisions(c).map((r) => r.metadata?.name)).toEqual(['d-dup2']);
  });

  it('adopts a matching orphan instead of creating, and releases a pod whose labels stop matching', async () => {
    const { c, deps } = setup(2);
    await converge(c, deps);
    const [p1] = live(c);
    c.put('pods', { ...p1!, metadata: { ...p1!.metadata, ownerReferences: [] } });
    const before = c.writes('create', 'pods').length;
    await syncDaemonSet(deps, KEY);
    expect(c.writes('create', 'pods')).toHaveLength(before);
    expect(c.get<Pod>('pods', p1!.metadata!.name!, 'default')?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'DaemonSet', name: 'd', controller: true });

    const relabelled = c.get<Pod>('pods', p1!.metadata!.name!, 'default')!;
    c.put('pods', { ...relabelled, metadata: { ...relabelled.metadata, labels: { app: 'other' } } });
    await syncDaemonSet(deps, KEY);
    expect(c.get<Pod>('pods', p1!.metadata!.name!, 'default')?.metadata?.ownerReferences).toEqual([]);
    expect(c.writes('create', 'pods')).toHaveLength(before + 1);
  });

  it('does nothing for a DaemonSet being deleted, and OnDelete replaces only pods deleted by hand (edge case 15)', async () => {
    const gone = setup(2);
    const ds = current(gone.c);
    gone.c.put('daemonsets', { ...ds, metadata: { ...ds.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } });
    await syncDaemonSet(gone.deps, KEY);
    expect(gone.c.actions).toEqual([]);

    const { c, deps } = setup(2, daemonSet('d', { spec: { updateStrategy: { type: 'OnDelete' } } }));
    await converge(c, deps);
    setImage(c, 'img:2');
    await converge(c, deps);
    expect(c.writes('delete', 'pods')).toHaveLength(0);
    expect(revisions(c)).toHaveLength(2);
    expect(current(c).status).toMatchObject({ numberAvailable: 2, observedGeneration: 2 });
    expect(current(c).status?.updatedNumberScheduled ?? 0).toBe(0);
    const victim = live(c)[0]!;
    c.remove('pods', victim.metadata!.name!, 'default');
    await converge(c, deps);
    expect(current(c).status?.updatedNumberScheduled).toBe(1);
  });

  it('deletes a pod whose node got an untolerated NoExecute taint, keeps one under NoSchedule (edge cases 2, 3)', async () => {
    const { c, deps } = setup(2);
    await converge(c, deps);
    c.put('nodes', node('n1', { taints: [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }] }));
    await converge(c, deps);
    expect(live(c)).toHaveLength(2);
    expect(current(c).status).toMatchObject({ desiredNumberScheduled: 1, numberMisscheduled: 1 });
    c.put('nodes', node('n1', { taints: [{ key: 'foo', value: 'bar', effect: 'NoExecute' }] }));
    await converge(c, deps);
    expect(live(c)).toHaveLength(1);
    expect(current(c).status).toMatchObject({ desiredNumberScheduled: 1, numberMisscheduled: 0 });
  });
});
