// Controller references and claiming (upstream ControllerRefManager): adopt matching orphans, release strays.

import type { DaemonSet, ObjectMeta, OwnerReference, StatefulSet } from '../../apiserver/api/types.js';
import { matches, type Selector } from '../../apiserver/api/labels.js';
import type { ResourceInfo } from '../../apiserver/api/resources.js';
import type { Client } from '../runtime/index.js';

/** The owner kinds whose history this module keeps. */
export type OwnerKind = 'DaemonSet' | 'StatefulSet';

/** `metav1.NewControllerRef`: apps/v1, the owner's name and uid, controller and blockOwnerDeletion true. */
export function controllerRef(owner: DaemonSet | StatefulSet, kind: OwnerKind): OwnerReference {
  return { apiVersion: 'apps/v1', kind, name: owner.metadata?.name ?? '', uid: owner.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** The controller reference of an object, if any. */
export function controllerOf(obj: { metadata?: ObjectMeta }): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/** Whether `obj` is controlled by the object with `uid`. */
export function isControlledBy(obj: { metadata?: ObjectMeta }, uid: string | undefined): boolean {
  return uid !== undefined && controllerOf(obj)?.uid === uid;
}

/** What a claim decided: objects the owner controls and keeps, orphans to adopt, owned objects to release. */
export interface Claim<T> {
  owned: T[];
  adopt: T[];
  release: T[];
}

// Assumptions / Invariants (upstream BaseControllerRefManager.ClaimObject): an object controlled by another owner is
// ignored; one controlled by this owner is kept while it matches, released when it stops matching (unless the owner
// is being deleted); an orphan that matches is adopted, unless the owner or the orphan is being deleted.

/** Sorts `objs` (all of the owner's namespace) by what the owner should do with each. `match` narrows the selector. */
export function claim<T extends { metadata?: ObjectMeta }>(
  owner: { metadata?: ObjectMeta },
  selector: Selector,
  objs: readonly T[],
  match: (o: T) => boolean = () => true,
): Claim<T> {
  const out: Claim<T> = { owned: [], adopt: [], release: [] };
  const uid = owner.metadata?.uid;
  const ownerDeleting = !!owner.metadata?.deletionTimestamp;
  for (const o of objs) {
    const ref = controllerOf(o);
    const ok = matches(selector, o.metadata?.labels) && match(o);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (ok) out.owned.push(o);
      else if (!ownerDeleting) out.release.push(o);
      continue;
    }
    if (!ok || ownerDeleting || o.metadata?.deletionTimestamp) continue;
    out.adopt.push(o);
  }
  return out;
}

/** The strategic merge patch upstream sends to adopt `obj` (a controller reference, and its uid as a precondition). */
export function adoptPatch(owner: DaemonSet | StatefulSet, kind: OwnerKind, obj: { metadata?: ObjectMeta }): object {
  return { metadata: { ownerReferences: [controllerRef(owner, kind)], uid: obj.metadata?.uid } };
}

/** The strategic merge patch upstream sends to release `obj` from `owner`. */
export function releasePatch(owner: { metadata?: ObjectMeta }, obj: { metadata?: ObjectMeta }): object {
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: owner.metadata?.uid }], uid: obj.metadata?.uid } };
}

/**
 * Upstream RecheckDeletionTimestamp behind a sync.Once (canAdoptFunc): before the first adoption, a live read of the
 * owner, which must still be the same object (uid) and not being deleted. Later calls share the first answer.
 */
export function canAdoptOnce(client: Client, r: ResourceInfo, owner: DaemonSet | StatefulSet, kind: OwnerKind): () => Promise<void> {
  const ns = owner.metadata?.namespace ?? '';
  const name = owner.metadata?.name ?? '';
  let checked: Promise<void> | undefined;
  return () => (checked ??= (async () => {
    let fresh: DaemonSet | StatefulSet;
    try {
      fresh = await client.get<DaemonSet | StatefulSet>(r, ns, name);
    } catch (e) {
      throw new Error(`can't recheck DeletionTimestamp: ${(e as Error).message}`);
    }
    if (fresh.metadata?.uid !== owner.metadata?.uid) throw new Error(`original ${kind} ${ns}/${name} is gone: got uid ${fresh.metadata?.uid}, wanted ${owner.metadata?.uid}`);
    if (fresh.metadata?.deletionTimestamp) throw new Error(`${ns}/${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  })());
}
