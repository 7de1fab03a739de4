// Entry points of the volume controllers for a controller-manager process: the PV controller with the simulated
// provisioner (`persistentvolume-binder`), `pvc-protection` and `pv-protection`, each on the shared informers.

import { randomUUID } from 'node:crypto';
import type { Controller, Runtime } from '../runtime/index.js';
import {
  claimKeysOfPod, claimKeysOfVolume, reconcileClaim, reconcileClaimProtection, reconcileDeletion, reconcileProvision, reconcileVolume,
  reconcileVolumeProtection, unboundClaimKeys, volumeCaches, volumeNamesOfClaim, type ExecDeps, type VolumeCaches,
} from './controller.js';
import { claimKey, type PersistentVolume, type PersistentVolumeClaim, type StorageClass } from './util.js';

/** Options of the PV controller. */
export interface VolumeControllerOptions {
  /** Workers per queue (default 1, as upstream's single claim and volume workers). */
  workers?: number;
  /** The simulated provisioner's identity in its events' source (`<provisioner>_kubeling-local-path-provisioner_<id>`); random by default. */
  provisionerIdentity?: string;
}

const COMPONENT = 'persistentvolume-controller';
const nameOf = (o: { metadata?: { name?: string } }): string => o.metadata?.name ?? '';

function run(rt: Runtime, controllers: Controller[], signal: AbortSignal): void {
  for (const c of controllers) {
    void c.run(signal).catch((err: unknown) => rt.logger.error({ controller: c.name, err }, 'controller ended with an error'));
  }
}

function execDeps(rt: Runtime, identity: string, enqueueClaim: (key: string) => void): ExecDeps {
  return {
    client: rt.client,
    logger: rt.logger,
    recorder: rt.recorder(COMPONENT),
    provisionerRecorder: (provisioner) => rt.recorder(`${provisioner}_kubeling-local-path-provisioner_${identity}`),
    enqueueClaim,
  };
}

/**
 * Builds the PV controller's two queues (claims, volumes; upstream's claimQueue and volumeQueue) and the simulated
 * provisioner's two (claims to provision, released volumes to delete) on `rt`'s shared informers.
 */
export function newVolumeControllers(rt: Runtime, c: VolumeCaches, opts: VolumeControllerOptions = {}): Controller[] {
  const workers = opts.workers ?? 1;
  let claimQueue: Controller | undefined;
  const deps = execDeps(rt, opts.provisionerIdentity ?? randomUUID(), (key) => claimQueue?.queue.add(key));
  claimQueue = rt.controller({
    name: 'persistentvolume-binder-claims',
    workers,
    sources: [
      { informer: c.claims, toKeys: (pvc: PersistentVolumeClaim) => [claimKey(pvc)] },
      { informer: c.volumes, toKeys: (pv: PersistentVolume) => claimKeysOfVolume(c, pv) },
      { informer: c.classes, toKeys: (_sc: StorageClass) => unboundClaimKeys(c) },
      { informer: c.pods, toKeys: claimKeysOfPod },
    ],
    reconcile: (key) => reconcileClaim(deps, c, key),
  });
  const volumeQueue = rt.controller({
    name: 'persistentvolume-binder-volumes',
    workers,
    sources: [
      { informer: c.volumes, toKeys: (pv: PersistentVolume) => [nameOf(pv)] },
      { informer: c.claims, toKeys: (pvc: PersistentVolumeClaim) => volumeNamesOfClaim(c, pvc) },
    ],
    reconcile: (name) => reconcileVolume(deps, c, name),
  });
  const provisionQueue = rt.controller({
    name: 'provisioner-claims',
    workers,
    sources: [
      { informer: c.claims, toKeys: (pvc: PersistentVolumeClaim) => [claimKey(pvc)] },
      { informer: c.classes, toKeys: (_sc: StorageClass) => unboundClaimKeys(c) },
    ],
    reconcile: (key) => reconcileProvision(deps, c, key),
  });
  const deleteQueue = rt.controller({
    name: 'provisioner-volumes',
    workers,
    sources: [{ informer: c.volumes, toKeys: (pv: PersistentVolume) => [nameOf(pv)] }],
    reconcile: (name) => reconcileDeletion(deps, c, name),
  });
  return [claimQueue, volumeQueue, provisionQueue, deleteQueue];
}

/**
 * Starts the PersistentVolume controller (binding claims and volumes, reclaiming released volumes) and the simulated
 * provisioner; resolves once they run. The caller starts the runtime's informers (`rt.start(signal)`).
 */
export async function startVolumeController(rt: Runtime, opts: VolumeControllerOptions, signal: AbortSignal): Promise<void> {
  run(rt, newVolumeControllers(rt, volumeCaches(rt), opts), signal);
  rt.logger.info({ controller: 'persistentvolume-binder' }, 'persistent volume controller and simulated provisioner started');
}

/** Starts pvc-protection: a claim being deleted keeps its finalizer while a pod uses it. */
export async function startPVCProtection(rt: Runtime, signal: AbortSignal): Promise<void> {
  const c = volumeCaches(rt);
  const deps = execDeps(rt, '', () => {});
  run(rt, [rt.controller({
    name: 'pvc-protection',
    sources: [
      { informer: c.claims, toKeys: (pvc: PersistentVolumeClaim) => [claimKey(pvc)] },
      { informer: c.pods, toKeys: claimKeysOfPod },
    ],
    reconcile: (key) => reconcileClaimProtection(deps, c, key),
  })], signal);
  rt.logger.info({ controller: 'pvc-protection' }, 'pvc protection started');
}

/** Starts pv-protection: a volume being deleted keeps its finalizer while it is Bound. */
export async function startPVProtection(rt: Runtime, signal: AbortSignal): Promise<void> {
  const c = volumeCaches(rt);
  const deps = execDeps(rt, '', () => {});
  run(rt, [rt.controller({
    name: 'pv-protection',
    sources: [{ informer: c.volumes, toKeys: (pv: PersistentVolume) => [nameOf(pv)] }],
    reconcile: (name) => reconcileVolumeProtection(deps, c, name),
  })], signal);
  rt.logger.info({ controller: 'pv-protection' }, 'pv protection started');
}
