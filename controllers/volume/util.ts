// Pure helpers of the PersistentVolume controller: annotations, binding predicates and the best matching volume
// (upstream pkg/controller/volume/persistentvolume/util and index.go).

import { compareQuantities } from '../../apiserver/api/quantity.js';
import { matches, selectorFromLabelSelector } from '../../apiserver/api/labels.js';
import type { ObjectReference, PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { storageClassOf } from '../../apiserver/api/volumes.js';

export type { PersistentVolume, PersistentVolumeClaim, StorageClass };

/** Set on a claim once binding completed (the controller then only re-checks it). */
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
/** Set on a claim or volume whose binding the controller made (rather than the user). */
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
/** Set on a dynamically provisioned volume: the provisioner's name. */
export const ANN_DYNAMICALLY_PROVISIONED = 'pv.kubernetes.io/provisioned-by';
/** Set on a claim to ask an external provisioner for a volume (and its beta twin, still written). */
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
/** Set on a WaitForFirstConsumer claim by the scheduler: the node its first pod goes to. */
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';

/** A claim's cache key (`namespace/name`, upstream claimToClaimKey). */
export function claimKey(claim: PersistentVolumeClaim): string {
  return `${claim.metadata?.namespace ?? ''}/${claim.metadata?.name ?? ''}`;
}

/** The claim key a volume's claimRef points at (upstream claimrefToClaimKey), or undefined without one. */
export function claimRefKey(pv: PersistentVolume): string | undefined {
  const ref = pv.spec?.claimRef;
  return ref ? `${ref.namespace ?? ''}/${ref.name ?? ''}` : undefined;
}

/** Whether `obj` carries the annotation (any value, upstream metav1.HasAnnotation). */
export function hasAnnotation(obj: { metadata?: { annotations?: Readonly<Record<string, string>> } }, key: string): boolean {
  return obj.metadata?.annotations?.[key] !== undefined;
}

/** Upstream IsVolumeBoundToClaim: the claimRef names the claim, and its uid (when set) is the claim's. */
export function isVolumeBoundToClaim(pv: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata?.name || ref.namespace !== claim.metadata?.namespace) return false;
  return !ref.uid || ref.uid === claim.metadata?.uid;
}

/** Upstream CheckVolumeModeMismatches: a missing volumeMode is Filesystem on both sides. */
export function volumeModeMismatch(claim: PersistentVolumeClaim, pv: PersistentVolume): boolean {
  return (claim.spec?.volumeMode ?? 'Filesystem') !== (pv.spec?.volumeMode ?? 'Filesystem');
}

/** Upstream CheckAccessModes: the volume offers every mode the claim asks for. */
export function checkAccessModes(claim: PersistentVolumeClaim, pv: PersistentVolume): boolean {
  const offered = new Set(pv.spec?.accessModes ?? []);
  return (claim.spec?.accessModes ?? []).every((m) => offered.has(m));
}

/** The claim's storage request (`spec.resources.requests.storage`). */
export function requestedStorage(claim: PersistentVolumeClaim): string | undefined {
  return claim.spec?.resources?.requests?.['storage'];
}

/** The volume's storage capacity (`spec.capacity.storage`). */
export function volumeStorage(pv: PersistentVolume): string | undefined {
  return pv.spec?.capacity?.['storage'];
}

/** Upstream checkVolumeSatisfyClaim's first failure as its error text, or undefined when the volume fits the claim. */
export function volumeSatisfiesClaimError(pv: PersistentVolume, claim: PersistentVolumeClaim): string | undefined {
  if (pv.metadata?.deletionTimestamp) return `the volume is marked for deletion ${JSON.stringify(pv.metadata.name ?? '')}`;
  if (compareQuantities(volumeStorage(pv), requestedStorage(claim)) < 0) return 'requested PV is too small';
  if (storageClassOf(pv) !== storageClassOf(claim)) return 'storageClassName does not match';
  if (volumeModeMismatch(claim, pv)) return 'incompatible volumeMode';
  if (!checkAccessModes(claim, pv)) return 'incompatible accessMode';
  return undefined;
}

/** Upstream reference.GetReference of a claim: the claimRef a bound volume carries. */
export function claimRefOf(claim: PersistentVolumeClaim): ObjectReference {
  const m = claim.metadata ?? {};
  return { kind: 'PersistentVolumeClaim', namespace: m.namespace ?? '', name: m.name ?? '', uid: m.uid ?? '', apiVersion: 'v1', resourceVersion: m.resourceVersion ?? '' };
}

/** Access modes in upstream's fixed order, for grouping volumes as its access-mode index does. */
const MODE_ORDER = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];

function modesKey(pv: PersistentVolume): string {
  const have = new Set(pv.spec?.accessModes ?? []);
  return MODE_ORDER.filter((m) => have.has(m)).join(',');
}

// Assumptions / Invariants (upstream persistentVolumeOrderedIndex.findByClaim + FindMatchingVolume, controller path,
// no node): volumes are grouped by their access modes; only groups offering every mode the claim asks for are
// searched, those with the fewest modes first. Within a group a volume pre-bound to the claim (claimRef names it,
// uid empty or equal) wins at once if large enough; otherwise, unless binding is delayed (WaitForFirstConsumer),
// the smallest Available, unclaimed volume of the claim's class, matching its selector and volume mode and large
// enough. Volumes being deleted are skipped.
/** The volume the controller binds a claim to, or undefined. */
export function findBestMatchForClaim(claim: PersistentVolumeClaim, volumes: readonly PersistentVolume[], delayBinding: boolean): PersistentVolume | undefined {
  const groups = new Map<string, PersistentVolume[]>();
  for (const pv of volumes) {
    if (!checkAccessModes(claim, pv)) continue;
    const key = modesKey(pv);
    const group = groups.get(key);
    if (group) group.push(pv);
    else groups.set(key, [pv]);
  }
  const order = [...groups.keys()].sort((a, b) => a.split(',').length - b.split(',').length || (a < b ? -1 : a > b ? 1 : 0));
  for (const key of order) {
    const found = findMatchingVolume(claim, groups.get(key)!, delayBinding);
    if (found) return found;
  }
  return undefined;
}

function findMatchingVolume(claim: PersistentVolumeClaim, volumes: readonly PersistentVolume[], delayBinding: boolean): PersistentVolume | undefined {
  const requested = requestedStorage(claim);
  const requestedClass = storageClassOf(claim);
  const selector = claim.spec?.selector ? selectorFromLabelSelector(claim.spec.selector) : undefined;
  let smallest: PersistentVolume | undefined;
  for (const pv of volumes) {
    if (volumeModeMismatch(claim, pv) || pv.metadata?.deletionTimestamp) continue;
    const size = volumeStorage(pv);
    if (isVolumeBoundToClaim(pv, claim)) {
      if (compareQuantities(size, requested) < 0) continue;
      return pv;
    }
    if (delayBinding) continue;
    if (pv.status?.phase !== 'Available' || pv.spec?.claimRef) continue;
    if (selector && !matches(selector, pv.metadata?.labels ?? {})) continue;
    if (storageClassOf(pv) !== requestedClass) continue;
    if (compareQuantities(size, requested) >= 0 && (!smallest || compareQuantities(volumeStorage(smallest), size) > 0)) smallest = pv;
  }
  return smallest;
}
