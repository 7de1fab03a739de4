// The pvc-protection and pv-protection controllers as pure planners: a claim in use by a pod, or a volume still
// Bound, keeps its finalizer while being deleted (upstream pkg/controller/volume/pvcprotection and pvprotection).

import type { Pod } from '../../apiserver/api/types.js';
import { PVC_PROTECTION_FINALIZER, PV_PROTECTION_FINALIZER } from '../../apiserver/api/volumes.js';
import { clone, type VolumeAction } from './actions.js';
import type { PersistentVolume, PersistentVolumeClaim } from './util.js';

/** The claims a pod's volumes name (`persistentVolumeClaim`, and the `<pod>-<volume>` claim of an ephemeral volume). */
export function claimNamesOf(pod: Pod): string[] {
  const out: string[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName) out.push(v.persistentVolumeClaim.claimName);
    else if (v.ephemeral) out.push(`${pod.metadata?.name ?? ''}-${v.name}`);
  }
  return out;
}

/** Upstream podIsShutDown: deleted with a zero grace period (done by its kubelet, or force-deleted). */
function podIsShutDown(pod: Pod): boolean {
  return !!pod.metadata?.deletionTimestamp && pod.metadata.deletionGracePeriodSeconds === 0;
}

/** Upstream podUsesPVC: a pod placed on a node and not shut down whose volumes name the claim. */
export function podUsesClaim(pod: Pod, claim: PersistentVolumeClaim): boolean {
  if (!pod.spec?.nodeName || podIsShutDown(pod)) return false;
  if (pod.metadata?.namespace !== claim.metadata?.namespace) return false;
  return claimNamesOf(pod).includes(claim.metadata?.name ?? '');
}

/** The object with the finalizer added or removed, as an update of the main resource. */
function withFinalizer<T extends PersistentVolume | PersistentVolumeClaim>(obj: T, finalizer: string, present: boolean): T {
  const next = clone(obj);
  const list = (next.metadata?.finalizers ?? []).filter((f) => f !== finalizer);
  if (present) list.push(finalizer);
  next.metadata = { ...next.metadata, finalizers: list };
  return next;
}

/**
 * Upstream pvc-protection processPVC: a claim being deleted loses `kubernetes.io/pvc-protection` once no pod uses
 * it; a live claim without the finalizer gets it.
 */
export function syncClaimProtection(claim: PersistentVolumeClaim, pods: readonly Pod[]): VolumeAction[] {
  const has = (claim.metadata?.finalizers ?? []).includes(PVC_PROTECTION_FINALIZER);
  if (claim.metadata?.deletionTimestamp) {
    if (!has || pods.some((p) => podUsesClaim(p, claim))) return [];
    return [{ type: 'updateClaim', claim: withFinalizer(claim, PVC_PROTECTION_FINALIZER, false) }];
  }
  return has ? [] : [{ type: 'updateClaim', claim: withFinalizer(claim, PVC_PROTECTION_FINALIZER, true) }];
}

/**
 * Upstream pv-protection processPV: a volume being deleted loses `kubernetes.io/pv-protection` once it is not
 * Bound; a live volume without the finalizer gets it.
 */
export function syncVolumeProtection(volume: PersistentVolume): VolumeAction[] {
  const has = (volume.metadata?.finalizers ?? []).includes(PV_PROTECTION_FINALIZER);
  if (volume.metadata?.deletionTimestamp) {
    if (!has || volume.status?.phase === 'Bound') return [];
    return [{ type: 'updateVolume', volume: withFinalizer(volume, PV_PROTECTION_FINALIZER, false) }];
  }
  return has ? [] : [{ type: 'updateVolume', volume: withFinalizer(volume, PV_PROTECTION_FINALIZER, true) }];
}
