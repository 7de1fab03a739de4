// PersistentVolumeClaim retention (whenDeleted / whenScaled) expressed as ownerReferences on a StatefulSet's claims.

import type { OwnerReference, PersistentVolumeClaim, Pod, StatefulSet } from '../../apiserver/api/types.js';
import { controllerRef } from '../history/index.js';
import { claimNames, getOrdinal, podInOrdinalRange } from './util.js';

type Policy = 'Retain' | 'Delete';

/** The set's retention policy; Retain/Retain when unset. */
export function getPersistentVolumeClaimRetentionPolicy(set: StatefulSet): { whenDeleted: Policy; whenScaled: Policy } {
  const p = set.spec?.persistentVolumeClaimRetentionPolicy;
  return { whenDeleted: p?.whenDeleted === 'Delete' ? 'Delete' : 'Retain', whenScaled: p?.whenScaled === 'Delete' ? 'Delete' : 'Retain' };
}

const refsOf = (claim: PersistentVolumeClaim): readonly OwnerReference[] => claim.metadata?.ownerReferences ?? [];
const matchesSet = (ref: OwnerReference, set: StatefulSet): boolean => ref.apiVersion === 'apps/v1' && ref.kind === 'StatefulSet' && ref.name === set.metadata?.name;
const matchesPod = (ref: OwnerReference, pod: Pod): boolean => ref.apiVersion === 'v1' && ref.kind === 'Pod' && ref.name === pod.metadata?.name;
const hasOwnerRef = (claim: PersistentVolumeClaim, uid: string | undefined): boolean => refsOf(claim).some((r) => r.uid === (uid ?? ''));

/** A reference to an object of the set's (or pod's) kind and name whose uid is not the object's: left to the GC. */
export function hasStaleOwnerRef(claim: PersistentVolumeClaim, owner: { kind: 'StatefulSet' | 'Pod'; name?: string; uid?: string }): boolean {
  const apiVersion = owner.kind === 'Pod' ? 'v1' : 'apps/v1';
  const ref = refsOf(claim).find((r) => r.apiVersion === apiVersion && r.kind === owner.kind && r.name === owner.name);
  return !!ref && ref.uid !== (owner.uid ?? '');
}

/** With a non-Retain policy, another controller (or a stale ref to the set or pod) manages the claim. */
export function hasUnexpectedController(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  const policy = getPersistentVolumeClaimRetentionPolicy(set);
  if (policy.whenScaled === 'Retain' && policy.whenDeleted === 'Retain') return false;
  for (const ref of refsOf(claim)) {
    if (matchesSet(ref, set)) {
      if (ref.uid !== set.metadata?.uid) return true;
      continue;
    }
    if (matchesPod(ref, pod)) {
      if (ref.uid !== (pod.metadata?.uid ?? '')) return true;
      continue;
    }
    if (ref.controller) return true;
  }
  return false;
}

function hasNonControllerOwner(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  return refsOf(claim).some((r) => (r.uid === set.metadata?.uid || r.uid === (pod.metadata?.uid ?? '')) && !r.controller);
}

/**
 * Whether the claim's ownerReferences agree with the policy (upstream isClaimOwnerUpToDate).
 * Assumptions / Invariants (upstream stateful_set_utils.go): Retain/Retain → no ref to the set or pod;
 * whenDeleted Delete → a controller ref to the set while the pod is in range; whenScaled Delete → a controller ref to
 * the pod once it is out of range (condemned). Claims with stale refs, or managed by another controller without refs of
 * ours, are reported up to date so they are never touched.
 */
export function isClaimOwnerUpToDate(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  if (hasStaleOwnerRef(claim, { kind: 'StatefulSet', name: set.metadata?.name, uid: set.metadata?.uid })) return true;
  if (hasStaleOwnerRef(claim, { kind: 'Pod', name: pod.metadata?.name, uid: pod.metadata?.uid })) return true;
  const setRef = hasOwnerRef(claim, set.metadata?.uid);
  const podRef = hasOwnerRef(claim, pod.metadata?.uid);
  if (hasUnexpectedController(claim, set, pod)) return !(setRef || podRef);
  if (hasNonControllerOwner(claim, set, pod)) return false;
  const policy = getPersistentVolumeClaimRetentionPolicy(set);
  const scaledDown = !podInOrdinalRange(pod, set);
  if (policy.whenScaled === 'Retain' && policy.whenDeleted === 'Retain') return !setRef && !podRef;
  if (policy.whenScaled === 'Retain') return setRef && !podRef;
  if (policy.whenDeleted === 'Retain') return !setRef && scaledDown === podRef;
  return scaledDown !== setRef && scaledDown === podRef;
}

/** The claim's ownerReferences rewritten for the policy (upstream updateClaimOwnerRefForSetAndPod). */
export function claimOwnerRefsForPolicy(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): OwnerReference[] {
  const unexpected = hasUnexpectedController(claim, set, pod);
  const refs = refsOf(claim).filter((r) => !matchesSet(r, set) && !matchesPod(r, pod)).map((r) => ({ ...r }));
  if (unexpected) return refs;
  const policy = getPersistentVolumeClaimRetentionPolicy(set);
  const scaledDown = !podInOrdinalRange(pod, set);
  const add = (ref: OwnerReference): void => {
    if (!refs.some((r) => r.uid === ref.uid)) refs.push(ref);
  };
  if (policy.whenScaled === 'Delete' && scaledDown) add(controllerRef(pod, 'Pod'));
  if (policy.whenDeleted === 'Delete' && !(policy.whenScaled === 'Delete' && scaledDown)) add(controllerRef(set, 'StatefulSet'));
  return refs;
}

/** True when every existing claim of the pod agrees with the policy (upstream ClaimsMatchRetentionPolicy; missing claims match). */
export function claimsMatchRetentionPolicy(set: StatefulSet, pod: Pod, claims: (name: string) => PersistentVolumeClaim | undefined): boolean {
  for (const name of claimNames(set, getOrdinal(pod))) {
    const live = claims(name);
    if (live && !isClaimOwnerUpToDate(live, set, pod)) return false;
  }
  return true;
}

/**
 * True when a claim of a pod about to be created still carries a reference to an earlier pod of that name (upstream
 * PodClaimIsStale): with whenScaled Delete the GC is about to delete it, so creation waits. Never with whenScaled Retain.
 */
export function podClaimIsStale(set: StatefulSet, pod: Pod, claims: (name: string) => PersistentVolumeClaim | undefined): boolean {
  if (getPersistentVolumeClaimRetentionPolicy(set).whenScaled === 'Retain') return false;
  for (const name of claimNames(set, getOrdinal(pod))) {
    const live = claims(name);
    if (live && hasStaleOwnerRef(live, { kind: 'Pod', name: pod.metadata?.name, uid: pod.metadata?.uid })) return true;
  }
  return false;
}
