// syncStatefulSet over seeded caches and a recording in-memory API: the writes of each sync, in order.

import { afterEach, describe, expect, it } from 'vitest';
import { R } from '../../apiserver/api/resources.js';
import type { ControllerRevision, KObject, StatefulSet } from '../../apiserver/api/types.js';
import { revisionData, statefulSetHash } from '../history/index.js';
import { createRuntime, FakeClock, type ReconcileResult } from '../runtime/index.js';
import { newStatefulSetController } from './controller.js';
import { FakeCluster } from './fake-cluster.test.support.js';
import { NOW, sts } from './fixtures.test.support.js';
import { syncStatefulSet, type SyncDeps } from './sync.js';
import { CR_HASH_LABEL } from './util.js';

const KEY = 'default/web';
const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

let stop: AbortController | undefined;
afterEach(() => stop?.abort());

/** A cluster holding `set` (and `extra`), informers synced; `sync()` runs one reconcile after letting events arrive. */
async function setup(set: StatefulSet, extra: Array<[typeof R.pods, object]> = []) {
  const fake = new FakeCluster();
  fake.seed(R.statefulsets, set);
  for (const [r, o] of extra) fake.seed(r, o);
  const rt = createRuntime({ client: fake.client(), clock: new FakeClock(NOW) });
  const { deps } = newStatefulSetController(rt, { recorder: fake.recorder() });
  stop = new AbortController();
  rt.start(stop.signal);
  await rt.waitForSync(stop.signal);
  const sync = async (): Promise<ReconcileResult> => {
    await settle();
    fake.calls.length = 0;
    fake.events.length = 0;
    const r = await syncStatefulSet(deps, KEY);
    await settle();
    return r;
  };
  const running = (name: string, readySince = '2025-01-01T00:00:00Z'): void =>
    fake.mutate(R.pods, `default/${name}`, (p) => ({ ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: readySince }] } }));
  const gone = (name: string): void => fake.mutate(R.pods, `default/${name}`, () => undefined);
  const stored = (): StatefulSet => fake.list(R.statefulsets)[0] as StatefulSet;
  return { fake, deps, sync, running, gone, stored };
}

describe('syncStatefulSet', () => {
  it('a new set: its first revision, the claim, then web-0, then status; events as upstream', async () => {
    const set = sts({ claims: true });
    const { fake, sync, stored } = await setup(set);
    await sync();
    const hash = statefulSetHash(revisionData(set), 0);
    expect(fake.writes).toEqual([`create controllerrevisions web-${hash}`, 'create persistentvolumeclaims www-web-0', 'create pods web-0', 'update statefulsets/status web']);
    const cr = fake.list(R.controllerrevisions)[0] as unknown as ControllerRevision;
    expect(cr).toMatchObject({ revision: 1, metadata: { labels: { app: 'web', [CR_HASH_LABEL]: hash }, ownerReferences: [{ kind: 'StatefulSet', uid: set.metadata?.uid, controller: true }] } });
    expect(stored().status).toEqual({ observedGeneration: 2, replicas: 0, currentRevision: `web-${hash}`, updateRevision: `web-${hash}`, collisionCount: 0, availableReplicas: 0 });
    expect(fake.events).toEqual(['Normal SuccessfulCreate create Claim www-web-0 Pod web-0 in StatefulSet web success', 'Normal SuccessfulCreate create Pod web-0 in StatefulSet web successful']);
  });

  it('OrderedReady: nothing while web-0 is Pending, web-1 once it is Running and Ready', async () => {
    const { fake, sync, running } = await setup(sts({ claims: false }));
    await sync();
    await sync();
    expect(fake.writes).toEqual(['update statefulsets/status web']); // replicas 0 → 1
    await sync();
    expect(fake.writes).toEqual([]);
    running('web-0');
    await sync();
    expect(fake.writes).toEqual(['create pods web-1', 'update statefulsets/status web']);
  });

  it('waits for its own writes to reach the cache instead of acting twice', async () => {
    const { fake, sync, deps } = await setup(sts({ claims: false }));
    fake.hold = true;
    await sync();
    expect(fake.writes).toContain('create pods web-0');
    const r = await sync();
    expect(fake.writes).toEqual([]);
    expect(r).toMatchObject({ requeueAfterMs: expect.any(Number) });
    fake.release();
    await settle();
    expect(await syncStatefulSet(deps, KEY)).toBeUndefined();
  });

  it('adopts a matching orphan with a member name; ignores pods of other names', async () => {
    const orphan = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default', labels: { app: 'web' } }, spec: { containers: [] }, status: { phase: 'Running' } };
    const stranger = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'webby', namespace: 'default', labels: { app: 'web' } }, spec: { containers: [] }, status: { phase: 'Running' } };
    const { fake, sync } = await setup(sts({ claims: false, replicas: 1 }), [[R.pods, orphan], [R.pods, stranger]]);
    await sync();
    expect(fake.writes.filter((w) => w.startsWith('patch'))).toEqual(['patch pods web-0']);
    expect(fake.calls.find((c) => c.verb === 'patch')?.body).toMatchObject({ metadata: { ownerReferences: [{ kind: 'StatefulSet', name: 'web', controller: true }] } });
    expect(fake.writes).not.toContain('create pods web-0');
  });

  it('a template change: a second revision, and the highest pod deleted for update', async () => {
    const { fake, sync, running, stored } = await setup(sts({ claims: false, replicas: 2, parallel: true }));
    await sync();
    running('web-0');
    running('web-1');
    await sync();
    const first = stored().status!.currentRevision;
    fake.mutate(R.statefulsets, KEY, (o) => {
      const s = o as unknown as StatefulSet;
      return { ...s, metadata: { ...s.metadata, generation: 3 }, spec: { ...s.spec!, template: { ...s.spec!.template, spec: { containers: [{ name: 'nginx', image: 'nginx:2' }] } } } } as unknown as KObject;
    });
    await sync();
    expect(fake.writes.slice(0, 2)).toEqual([expect.stringMatching(/^create controllerrevisions web-/), 'delete pods web-1']);
    expect(stored().status).toMatchObject({ currentRevision: first, currentReplicas: 1, observedGeneration: 3 });
    expect(stored().status).not.toHaveProperty('updatedReplicas'); // 0, omitted as Go's omitempty does
    expect(fake.list(R.controllerrevisions).map((c) => (c as unknown as ControllerRevision).revision).sort()).toEqual([1, 2]);
  });

  it('a rollback renumbers the equal older revision instead of creating one', async () => {
    const set = sts({ claims: false, replicas: 0 });
    const other = { ...set, spec: { ...set.spec!, template: { ...set.spec!.template, spec: { containers: [{ name: 'nginx', image: 'nginx:2' }] } } } };
    const { fake, sync } = await setup(set, [[R.controllerrevisions, revisionOf(set, 1)], [R.controllerrevisions, revisionOf(other, 2)]]);
    await sync();
    expect(fake.writes).toEqual([`update controllerrevisions web-${statefulSetHash(revisionData(set), 0)}`, 'update statefulsets/status web']);
    expect(fake.calls[0]?.body).toMatchObject({ revision: 3 });
  });

  it('a name taken by different data raises collisionCount and uses the next name', async () => {
    const set = sts({ claims: false, replicas: 0 });
    const squatter = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: `web-${statefulSetHash(revisionData(set), 0)}`, namespace: 'default', labels: { other: 'x' } }, data: { spec: {} }, revision: 1 };
    const { fake, sync, stored } = await setup(set, [[R.controllerrevisions, squatter]]);
    await sync();
    expect(fake.writes).toEqual([`create controllerrevisions web-${statefulSetHash(revisionData(set), 0)}`, `create controllerrevisions web-${statefulSetHash(revisionData(set), 1)}`, 'update statefulsets/status web']);
    expect(stored().status?.collisionCount).toBe(1);
  });

  it('truncates history to revisionHistoryLimit, oldest first, keeping live revisions', async () => {
    const set = { ...sts({ claims: false, replicas: 0 }), spec: { ...sts().spec!, replicas: 0, revisionHistoryLimit: 2 } } as StatefulSet;
    delete (set.spec as { volumeClaimTemplates?: unknown }).volumeClaimTemplates;
    const olds = [1, 2, 3, 4].map((n) => revisionOf({ ...set, spec: { ...set.spec!, template: { ...set.spec!.template, spec: { containers: [{ name: 'nginx', image: `nginx:old${n}` }] } } } }, n));
    const { fake, sync } = await setup(set, olds.map((o): [typeof R.pods, object] => [R.controllerrevisions, o]));
    await sync();
    const deleted = fake.writes.filter((w) => w.startsWith('delete'));
    expect(deleted).toEqual([`delete controllerrevisions ${(olds[0] as ControllerRevision).metadata!.name}`, `delete controllerrevisions ${(olds[1] as ControllerRevision).metadata!.name}`]);
  });

  it('requeues a minReadySeconds set for when its Ready pod turns available', async () => {
    const { fake, sync, running } = await setup(sts({ claims: false, minReadySeconds: 30 }));
    await sync();
    running('web-0', new Date(NOW - 10_000).toISOString());
    expect(await sync()).toEqual({ requeueAfterMs: 20_050 });
    expect(fake.writes).not.toContain('create pods web-1');
    running('web-0', new Date(NOW - 31_000).toISOString());
    expect(await sync()).toBeUndefined();
    expect(fake.writes).toContain('create pods web-1');
  });

  it('a deleted set is forgotten', async () => {
    const { fake, deps } = await setup(sts());
    fake.mutate(R.statefulsets, KEY, () => undefined);
    await settle();
    expect(await syncStatefulSet(deps as SyncDeps, KEY)).toBeUndefined();
    expect(fake.writes).toEqual([]);
  });
});

/** A revision of `s` numbered `rev`, as the controller would have created it. */
function revisionOf(s: StatefulSet, rev: number): ControllerRevision {
  const data = revisionData(s);
  const hash = statefulSetHash(data, 0);
  return {
    apiVersion: 'apps/v1', kind: 'ControllerRevision', revision: rev, data: JSON.parse(data) as object,
    metadata: { name: `web-${hash}`, namespace: 'default', labels: { app: 'web', [CR_HASH_LABEL]: hash }, creationTimestamp: `2025-01-01T00:00:0${rev}Z`, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u-web', controller: true, blockOwnerDeletion: true }] },
  };
}
