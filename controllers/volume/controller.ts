// The volume controllers' wiring: shared informers and indexes, the executor of planned actions, and the reconcile of
// each queue (PV controller claims and volumes, the simulated provisioner, pvc- and pv-protection).

import { R } from '../../apiserver/api/resources.js';
import { isAlreadyExists, isNotFound } from '../../apiserver/api/status.js';
import { parseTimestamp } from '../../apiserver/api/duration.js';
import type { Pod } from '../../apiserver/api/types.js';
import { defaultStorageClassName, isDefaultStorageClass, storageClassOf } from '../../apiserver/api/volumes.js';
import type { Client, EventRecorder, Informer, Logger, Runtime } from '../runtime/index.js';
import type { VolumeAction } from './actions.js';
import { syncClaim } from './claim.js';
import { claimNamesOf, syncClaimProtection, syncVolumeProtection } from './protection.js';
import { planDelete, planProvision, provisionedVolumeName, requestedProvisioner } from './provision.js';
import { claimKey, claimRefKey, type PersistentVolume, type PersistentVolumeClaim, type StorageClass } from './util.js';
import { syncVolume } from './volume.js';

/** The caches every volume controller reads. */
export interface VolumeCaches {
  claims: Informer<PersistentVolumeClaim>;
  volumes: Informer<PersistentVolume>;
  classes: Informer<StorageClass>;
  pods: Informer<Pod>;
}

/** Index of volumes by the claim key their claimRef names. */
export const BY_CLAIM_REF = 'volume.claimRef';
/** Index of pods by the claim keys (`ns/name`) their volumes use. */
export const BY_CLAIM = 'volume.claims';
/** Index of claims by the volume they name. */
export const BY_VOLUME_NAME = 'volume.volumeName';

/** The caches already built per runtime: the volume controllers of one process share their informers and indexes. */
const cachesOf = new WeakMap<Runtime, VolumeCaches>();

/**
 * The shared informers of claims, volumes, classes and pods, with the indexes the controllers look up; built once per
 * runtime, the same caches after.
 */
export function volumeCaches(rt: Runtime): VolumeCaches {
  const built = cachesOf.get(rt);
  if (built) return built;
  const caches: VolumeCaches = {
    claims: rt.informer<PersistentVolumeClaim>(R.persistentvolumeclaims),
    volumes: rt.informer<PersistentVolume>(R.persistentvolumes),
    classes: rt.informer<StorageClass>(R.storageclasses),
    pods: rt.informer<Pod>(R.pods),
  };
  caches.volumes.addIndex(BY_CLAIM_REF, (pv) => {
    const key = claimRefKey(pv);
    return key ? [key] : [];
  });
  caches.pods.addIndex(BY_CLAIM, claimKeysOfPod);
  caches.claims.addIndex(BY_VOLUME_NAME, (c) => (c.spec?.volumeName ? [c.spec.volumeName] : []));
  cachesOf.set(rt, caches);
  return caches;
}

/** The default StorageClass's name, as the PV controller sees the cache. */
export function defaultClassIn(classes: Informer<StorageClass>): string | undefined {
  return defaultStorageClassName(classes.list().map((sc) => ({
    name: sc.metadata?.name ?? '', isDefault: isDefaultStorageClass(sc), created: parseTimestamp(sc.metadata?.creationTimestamp) ?? 0,
  })));
}

/** What the executor writes with. */
export interface ExecDeps {
  client: Client;
  logger: Logger;
  /** The recorder of `persistentvolume-controller`. */
  recorder: EventRecorder;
  /** The recorder of the simulated provisioner serving `provisioner`. */
  provisionerRecorder(provisioner: string): EventRecorder;
  enqueueClaim(key: string): void;
}

const objKey = (kind: string, o: { metadata?: { namespace?: string; name?: string } }): string => `${kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** `obj` with the resourceVersion an earlier write of the same object in this plan returned. */
function latest<T extends { metadata?: { resourceVersion?: string } }>(obj: T, key: string, rvs: Map<string, string>): T {
  const rv = rvs.get(key);
  return rv === undefined ? obj : { ...obj, metadata: { ...obj.metadata, resourceVersion: rv } };
}

/**
 * Runs a plan in order. Writes of one object chain their resourceVersions; AlreadyExists on create and NotFound on
 * delete count as done; any other failure stops the plan and is thrown (the key is retried from fresh caches).
 */
export async function execute(deps: ExecDeps, actions: readonly VolumeAction[], ctx: { controller: string; key: string }): Promise<void> {
  const rvs = new Map<string, string>();
  for (const a of actions) {
    switch (a.type) {
      case 'updateClaim':
      case 'updateClaimStatus': {
        const key = objKey('pvc', a.claim);
        const res = await deps.client.update<PersistentVolumeClaim>(R.persistentvolumeclaims, latest(a.claim, key, rvs), a.type === 'updateClaimStatus' ? { subresource: 'status' } : {});
        if (res.metadata?.resourceVersion) rvs.set(key, res.metadata.resourceVersion);
        break;
      }
      case 'updateVolume':
      case 'updateVolumeStatus': {
        const key = objKey('pv', a.volume);
        const res = await deps.client.update<PersistentVolume>(R.persistentvolumes, latest(a.volume, key, rvs), a.type === 'updateVolumeStatus' ? { subresource: 'status' } : {});
        if (res.metadata?.resourceVersion) rvs.set(key, res.metadata.resourceVersion);
        break;
      }
      case 'createVolume':
        await deps.client.create(R.persistentvolumes, a.volume).catch((e: unknown) => {
          if (!isAlreadyExists(e)) throw e;
        });
        break;
      case 'deleteVolume':
        await deps.client.delete(R.persistentvolumes, undefined, a.name, a.uid ? { preconditions: { uid: a.uid } } : {}).catch((e: unknown) => {
          if (!isNotFound(e)) throw e;
        });
        break;
      case 'event': {
        (a.source === 'provisioner' ? deps.provisionerRecorder(requestedProvisioner(a.on) ?? '') : deps.recorder).event(a.on, a.eventType, a.reason, a.message);
        break;
      }
      case 'enqueueClaim':
        deps.enqueueClaim(a.key);
        break;
    }
    deps.logger.debug({ ...ctx, action: a.type }, 'volume action done');
  }
}

/** The PV controller's claim sync for one key (upstream syncClaim on the claim queue). */
export async function reconcileClaim(deps: ExecDeps, c: VolumeCaches, key: string): Promise<void> {
  const claim = c.claims.getByKey(key);
  if (!claim) return;
  const actions = syncClaim({
    claim,
    volumes: c.volumes.list(),
    volume: (name) => c.volumes.get(undefined, name),
    storageClass: (name) => c.classes.get(undefined, name),
    defaultClass: defaultClassIn(c.classes),
    pods: c.pods.byIndex(BY_CLAIM, key),
  });
  await execute(deps, actions, { controller: 'persistentvolume-binder', key });
}

/**
 * The claim a volume's claimRef names, as upstream syncVolume finds it: from the cache, else (for a volume not yet
 * Released or Failed, or when the cached claim has another uid) read live; undefined when it is gone or replaced.
 */
async function claimOfVolume(client: Client, c: VolumeCaches, volume: PersistentVolume): Promise<PersistentVolumeClaim | undefined> {
  const ref = volume.spec?.claimRef;
  if (!ref?.uid) return undefined;
  let claim = c.claims.get(ref.namespace, ref.name ?? '');
  const phase = volume.status?.phase;
  if ((!claim && phase !== 'Released' && phase !== 'Failed') || (claim && claim.metadata?.uid !== ref.uid)) {
    try {
      claim = await client.get<PersistentVolumeClaim>(R.persistentvolumeclaims, ref.namespace ?? '', ref.name ?? '');
    } catch (e) {
      if (!isNotFound(e)) throw e;
      claim = undefined;
    }
  }
  return claim && claim.metadata?.uid === ref.uid ? claim : undefined;
}

/** The PV controller's volume sync for one volume name (upstream syncVolume on the volume queue). */
export async function reconcileVolume(deps: ExecDeps, c: VolumeCaches, name: string): Promise<void> {
  const volume = c.volumes.get(undefined, name);
  if (!volume) return;
  const actions = syncVolume({ volume, claim: await claimOfVolume(deps.client, c, volume) });
  await execute(deps, actions, { controller: 'persistentvolume-binder', key: name });
}

/** The simulated provisioner's claim sync: provision the claim's volume if it asks for one. */
export async function reconcileProvision(deps: ExecDeps, c: VolumeCaches, key: string): Promise<void> {
  const claim = c.claims.getByKey(key);
  if (!claim) return;
  const actions = planProvision({
    claim,
    storageClass: c.classes.get(undefined, storageClassOf(claim)),
    existing: c.volumes.get(undefined, provisionedVolumeName(claim)),
  });
  await execute(deps, actions, { controller: 'provisioner', key });
}

/** The simulated provisioner's volume sync: delete a released volume it made. */
export async function reconcileDeletion(deps: ExecDeps, c: VolumeCaches, name: string): Promise<void> {
  const volume = c.volumes.get(undefined, name);
  if (volume) await execute(deps, planDelete(volume), { controller: 'provisioner', key: name });
}

/** pvc-protection for one claim key. */
export async function reconcileClaimProtection(deps: ExecDeps, c: VolumeCaches, key: string): Promise<void> {
  const claim = c.claims.getByKey(key);
  if (claim) await execute(deps, syncClaimProtection(claim, c.pods.byIndex(BY_CLAIM, key)), { controller: 'pvc-protection', key });
}

/** pv-protection for one volume name. */
export async function reconcileVolumeProtection(deps: ExecDeps, c: VolumeCaches, name: string): Promise<void> {
  const volume = c.volumes.get(undefined, name);
  if (volume) await execute(deps, syncVolumeProtection(volume), { controller: 'pv-protection', key: name });
}

/** Keys of the claims that do not name a volume yet (what a new class or an Available volume may help). */
export function unboundClaimKeys(c: VolumeCaches): string[] {
  return c.claims.list().filter((pvc) => !pvc.spec?.volumeName).map(claimKey);
}

/** The claim keys a volume change concerns: the one it points at, those naming it, and (when it is free) every unbound one. */
export function claimKeysOfVolume(c: VolumeCaches, pv: PersistentVolume): string[] {
  const keys = new Set<string>();
  const ref = claimRefKey(pv);
  if (ref) keys.add(ref);
  for (const claim of c.claims.byIndex(BY_VOLUME_NAME, pv.metadata?.name ?? '')) keys.add(claimKey(claim));
  if (!pv.spec?.claimRef && pv.status?.phase === 'Available') for (const k of unboundClaimKeys(c)) keys.add(k);
  return [...keys];
}

/** The volume names a claim change concerns: the one it names and those whose claimRef points at it. */
export function volumeNamesOfClaim(c: VolumeCaches, claim: PersistentVolumeClaim): string[] {
  const names = new Set(c.volumes.byIndex(BY_CLAIM_REF, claimKey(claim)).map((pv) => pv.metadata?.name ?? ''));
  if (claim.spec?.volumeName) names.add(claim.spec.volumeName);
  return [...names];
}

/** The claim keys of a pod's volumes. */
export function claimKeysOfPod(pod: Pod): string[] {
  return claimNamesOf(pod).map((n) => `${pod.metadata?.namespace ?? ''}/${n}`);
}
