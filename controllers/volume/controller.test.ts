// Tests of the volume controllers' executor and reconciles: a recording client, caches seeded through fake list/watch.

import { afterEach, describe, expect, it } from 'vitest';
import { R, type ResourceInfo } from '../../apiserver/api/resources.js';
import { alreadyExists, conflict, notFound } from '../../apiserver/api/status.js';
import type { KObject } from '../../apiserver/api/types.js';
import { FakeApi } from '../runtime/fake-api.test.support.js';
import { Informer, type Client, type EventRecorder, type ObjectLike, type Runtime } from '../runtime/index.js';
import type { VolumeAction } from './actions.js';
import { BY_CLAIM, BY_CLAIM_REF, BY_VOLUME_NAME, execute, reconcileClaim, reconcileVolume, volumeCaches, type ExecDeps, type VolumeCaches } from './controller.js';
import { claim, storageClass, volume } from './fixtures.test.support.js';
import { claimNamesOf } from './protection.js';

/** One recorded client call. */
interface Call {
  verb: string;
  plural: string;
  name: string;
  subresource?: string;
  rv?: string;
  body?: unknown;
}

/** A client that records writes, answers updates with a new resourceVersion, and fails as `failures` says. */
function recordingClient(failures: Record<string, unknown> = {}, live: Record<string, KObject> = {}): { client: Client; calls: Call[] } {
  const calls: Call[] = [];
  let rv = 100;
  const fail = (key: string): void => {
    if (failures[key]) throw failures[key];
  };
  const client = {
    async update(r: ResourceInfo, obj: KObject, opts: { subresource?: string } = {}) {
      calls.push({ verb: 'update', plural: r.plural, name: obj.metadata.name ?? '', rv: obj.metadata.resourceVersion, ...(opts.subresource && { subresource: opts.subresource }), body: obj });
      fail(`update ${obj.metadata.name}`);
      return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++rv) } };
    },
    async create(r: ResourceInfo, obj: KObject) {
      calls.push({ verb: 'create', plural: r.plural, name: obj.metadata.name ?? '', body: obj });
      fail(`create ${obj.metadata.name}`);
      return obj;
    },
    async delete(r: ResourceInfo, _ns: string | undefined, name: string, opts: unknown) {
      calls.push({ verb: 'delete', plural: r.plural, name, body: opts });
      fail(`delete ${name}`);
      return {};
    },
    async get(r: ResourceInfo, ns: string | undefined, name: string) {
      calls.push({ verb: 'get', plural: r.plural, name: `${ns ?? ''}/${name}` });
      const obj = live[`${ns ?? ''}/${name}`];
      if (!obj) throw notFound({ group: '', resource: r.plural }, name);
      return obj;
    },
  };
  return { client: client as unknown as Client, calls };
}

/** A recorder that keeps `component: reason message` lines. */
function recorders(): { events: string[]; deps: Pick<ExecDeps, 'recorder' | 'provisionerRecorder'> } {
  const events: string[] = [];
  const make = (component: string): EventRecorder => ({
    event: (obj: ObjectLike, type: string, reason: string, message: string) => void events.push(`${component} ${obj.metadata?.name} ${type} ${reason}: ${message}`),
    flush: async () => {},
  });
  return { events, deps: { recorder: make('persistentvolume-controller'), provisionerRecorder: (p) => make(`${p}_test`) } };
}

const stops: AbortController[] = [];
afterEach(() => stops.splice(0).forEach((s) => s.abort()));

/** Synced caches holding `objs`, each kind from its own fake list/watch, with the controllers' indexes. */
async function caches(objs: { claims?: KObject[]; volumes?: KObject[]; classes?: KObject[]; pods?: KObject[] }): Promise<VolumeCaches> {
  const stop = new AbortController();
  stops.push(stop);
  const make = async <T extends ObjectLike>(r: ResourceInfo, items: KObject[] = []): Promise<Informer<T>> => {
    const api = new FakeApi();
    for (const o of items) api.put(o);
    const inf = new Informer<T>(api.client(), r);
    inf.start(stop.signal);
    await inf.waitForSync();
    return inf;
  };
  const c = {
    claims: await make(R.persistentvolumeclaims, objs.claims),
    volumes: await make(R.persistentvolumes, objs.volumes),
    classes: await make(R.storageclasses, objs.classes),
    pods: await make(R.pods, objs.pods),
  } as VolumeCaches;
  c.volumes.addIndex(BY_CLAIM_REF, (pv) => (pv.spec?.claimRef ? [`${pv.spec.claimRef.namespace}/${pv.spec.claimRef.name}`] : []));
  c.pods.addIndex(BY_CLAIM, (pod) => claimNamesOf(pod).map((n) => `${pod.metadata?.namespace}/${n}`));
  c.claims.addIndex(BY_VOLUME_NAME, (pvc) => (pvc.spec?.volumeName ? [pvc.spec.volumeName] : []));
  return c;
}

const asK = (o: unknown): KObject => o as KObject;

describe('execute', () => {
  it('chains the resourceVersions of writes to one object and sends status writes to /status', async () => {
    const { client, calls } = recordingClient();
    const c = claim('a');
    const actions: VolumeAction[] = [{ type: 'updateClaim', claim: c }, { type: 'updateClaimStatus', claim: c }, { type: 'updateVolumeStatus', volume: volume('v') }];
    await execute({ client, logger: silent, ...recorders().deps, enqueueClaim: () => {} }, actions, { controller: 't', key: 'k' });
    expect(calls.map((x) => [x.verb, x.name, x.subresource, x.rv])).toEqual([
      ['update', 'a', undefined, '10'], ['update', 'a', 'status', '101'], ['update', 'v', 'status', '20'],
    ]);
  });

  it('takes AlreadyExists on create and NotFound on delete as done, and stops at any other failure', async () => {
    const { client, calls } = recordingClient({
      'create pv1': alreadyExists({ group: '', resource: 'persistentvolumes' }, 'pv1'),
      'delete pv2': notFound({ group: '', resource: 'persistentvolumes' }, 'pv2'),
      'update a': conflict({ group: '', resource: 'persistentvolumeclaims' }, 'a'),
    });
    const deps = { client, logger: silent, ...recorders().deps, enqueueClaim: () => {} };
    await execute(deps, [{ type: 'createVolume', volume: volume('pv1') }, { type: 'deleteVolume', name: 'pv2', uid: 'u2' }], { controller: 't', key: 'k' });
    expect(calls.map((x) => [x.verb, x.name])).toEqual([['create', 'pv1'], ['delete', 'pv2']]);
    expect(calls[1]!.body).toEqual({ preconditions: { uid: 'u2' } });
    await expect(execute(deps, [{ type: 'updateClaim', claim: claim('a') }, { type: 'updateVolume', volume: volume('v') }], { controller: 't', key: 'k' })).rejects.toThrow();
    expect(calls.map((x) => x.name)).toEqual(['pv1', 'pv2', 'a']);
  });

  it('records provisioner events under the provisioner\'s component, the others as persistentvolume-controller', async () => {
    const { client } = recordingClient();
    const r = recorders();
    const asked = claim('a', {}, { annotations: { 'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path' } });
    await execute({ client, logger: silent, ...r.deps, enqueueClaim: () => {} }, [
      { type: 'event', on: asked, eventType: 'Normal', reason: 'ExternalProvisioning', message: 'm1' },
      { type: 'event', on: asked, eventType: 'Normal', reason: 'ProvisioningSucceeded', message: 'm2', source: 'provisioner' },
    ], { controller: 't', key: 'k' });
    expect(r.events).toEqual(['persistentvolume-controller a Normal ExternalProvisioning: m1', 'rancher.io/local-path_test a Normal ProvisioningSucceeded: m2']);
  });
});

describe('reconciles', () => {
  it('a volume whose claim is missing from the cache reads it live before releasing the volume', async () => {
    const ref = { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'a', uid: 'uid-a', apiVersion: 'v1' };
    const c = await caches({ volumes: [asK(volume('v', { claimRef: ref }, {}, { phase: 'Bound' }))] });
    const gone = recordingClient();
    await reconcileVolume({ client: gone.client, logger: silent, ...recorders().deps, enqueueClaim: () => {} }, c, 'v');
    expect(gone.calls.map((x) => [x.verb, x.name, x.subresource])).toEqual([['get', 'default/a', undefined], ['update', 'v', 'status']]);
    const queued: string[] = [];
    const there = recordingClient({}, { 'default/a': asK(claim('a')) });
    await reconcileVolume({ client: there.client, logger: silent, ...recorders().deps, enqueueClaim: (k) => queued.push(k) }, c, 'v');
    expect(there.calls.map((x) => x.verb)).toEqual(['get']);
    expect(queued).toEqual(['default/a']);
  });

  it('a claim is planned against the cached volumes, classes and the default class', async () => {
    const c = await caches({ claims: [asK(claim('a'))], classes: [asK(storageClass('standard', {}, true))] });
    const { client, calls } = recordingClient();
    await reconcileClaim({ client, logger: silent, ...recorders().deps, enqueueClaim: () => {} }, c, 'default/a');
    expect(calls.map((x) => [x.verb, x.name])).toEqual([['update', 'a']]);
    expect((calls[0]!.body as KObject).spec).toMatchObject({ storageClassName: 'standard' });
  });
});

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} } as unknown as ExecDeps['logger'];

describe('volumeCaches', () => {
  it('builds the informers and indexes once per runtime', () => {
    const made: string[] = [];
    const indexes: string[] = [];
    const rt = {
      informer: (r: ResourceInfo) => {
        made.push(r.plural);
        return { addIndex: (name: string) => indexes.push(name) };
      },
    } as unknown as Runtime;
    const first = volumeCaches(rt);
    expect(volumeCaches(rt)).toBe(first);
    expect(made.sort()).toEqual(['persistentvolumeclaims', 'persistentvolumes', 'pods', 'storageclasses']);
    expect(indexes.sort()).toEqual([BY_CLAIM, BY_VOLUME_NAME, BY_CLAIM_REF].sort());
    expect(volumeCaches({ ...rt } as Runtime)).not.toBe(first);
  });
});
