// Controller references and claiming (upstream ControllerRefManager): adopt matching orphans, release strays.

import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { DaemonSet, ObjectMeta, OwnerReference, StatefulSet } from '../../apiserver/api/types.js';
import { isEverything, matches, safeSelector, type Selector } from '../../apiserver/api/labels.js';
import type { ResourceInfo } from '../../apiserver/api/resources.js';
import { isInvalid, isNotFound } from '../../apiserver/api/status.js';
import { ownerKey, type HistoryClient } from './writer.js';

/** The owner kinds whose history this module keeps. */
export type OwnerKind = 'DaemonSet' | 'StatefulSet';

/** The kinds a controller reference here points at: the history owners, and a Pod (StatefulSet claim retention). */
export type RefKind = OwnerKind | 'Pod';

/**
 * `metav1.NewControllerRef`: the kind's group version (apps/v1, v1 for a Pod), the owner's name and uid, controller
 * and blockOwnerDeletion true.
 */
export function controllerRef(owner: { metadata?: ObjectMeta }, kind: RefKind): OwnerReference {
  const apiVersion = kind === 'Pod' ? 'v1' : 'apps/v1';
  return { apiVersion, kind, name: owner.metadata?.name ?? '', uid: owner.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** The controller reference of an object, if any. */
export function controllerOf(obj: { metadata?: ObjectMeta }): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/** An owner as the event handlers see it: metadata and a label selector. */
type SelectingOwner = { metadata?: ObjectMeta; spec?: { selector?: LabelSelector | null } };

/** The cached owners of one kind (read-only): one by namespace and name, and all of one namespace (an index). */
export interface OwnerLister<T> {
  get(namespace: string, name: string): T | undefined;
  inNamespace(namespace: string): T[];
}

/**
 * Upstream resolveControllerRef: the owner a controller reference names, if one of that kind is cached under the name
 * with the referenced uid (otherwise the reference points at an owner this controller does not know: ignored).
 */
export function resolveControllerRef<T extends { metadata?: ObjectMeta }>(
  owners: Pick<OwnerLister<T>, 'get'>,
  kind: OwnerKind,
  namespace: string,
  ref: { kind?: string; name?: string; uid?: string },
): T | undefined {
  if (ref.kind !== kind) return undefined;
  const owner = owners.get(namespace, ref.name ?? '');
  return owner && owner.metadata?.uid === ref.uid ? owner : undefined;
}

// Parsed selectors per cached owner: informer objects are replaced, never changed, on update.
const selectors = new WeakMap<object, Selector>();

/**
 * Whether `owner` selects `labels` for an orphan event (upstream GetPodDaemonSets / GetPodStatefulSets): a selector
 * that does not convert, or selects everything, matches nothing.
 */
export function ownerSelects(owner: SelectingOwner, labels: Record<string, string> | undefined): boolean {
  let sel = selectors.get(owner);
  if (!sel) selectors.set(owner, (sel = safeSelector(owner.spec?.selector)));
  return !isEverything(sel) && matches(sel, labels);
}

/**
 * The keys of the owners a pod or revision change concerns (upstream's add/update/delete handlers): for an object
 * with a controller reference, that owner if resolveControllerRef finds it (else none); for an orphan, every owner
 * of its namespace whose selector matches it (one of them may adopt it).
 */
export function ownerKeys<T extends SelectingOwner>(owners: OwnerLister<T>, kind: OwnerKind, obj: { metadata?: ObjectMeta }): string[] {
  const ns = obj.metadata?.namespace ?? '';
  const ref = controllerOf(obj);
  if (ref) {
    const owner = resolveControllerRef(owners, kind, ns, ref);
    return owner ? [ownerKey(owner)] : [];
  }
  const out: string[] = [];
  for (const owner of owners.inNamespace(ns)) if (ownerSelects(owner, obj.metadata?.labels)) out.push(ownerKey(owner));
  return out;
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
export function canAdoptOnce(client: HistoryClient, r: ResourceInfo, owner: DaemonSet | StatefulSet, kind: OwnerKind): () => Promise<void> {
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

type Owned = { metadata?: ObjectMeta };

/** Sends a strategic merge patch of `obj`; an error `ignore` accepts (the object went away…) gives undefined. */
async function patchRef<T>(client: HistoryClient, r: ResourceInfo, obj: Owned, body: object, ignore: (e: unknown) => boolean): Promise<T | undefined> {
  try {
    return await client.patch<T>(r, obj.metadata?.namespace, obj.metadata?.name ?? '', 'strategic', body);
  } catch (e) {
    if (ignore(e)) return undefined;
    throw e;
  }
}

/** Release errors upstream ignores (ReleasePod / ReleaseControllerRevision): the object is gone, or its uid changed. */
const releaseGone = (e: unknown): boolean => isNotFound(e) || isInvalid(e);

/**
 * Writes a claim (upstream ClaimObject's adopt and release): first the release patches, one at a time, ignoring
 * NotFound and Invalid; then, for each orphan, `canAdopt()` (a canAdoptOnce check, so one live read) and the adopt
 * patch, one at a time, ignoring NotFound. The result is the owned objects, then the adopted ones as patched (an
 * orphan that vanished is left out). The first other error stops the writes and is thrown.
 */
export async function applyClaim<T extends Owned>(
  client: HistoryClient,
  r: ResourceInfo,
  owner: DaemonSet | StatefulSet,
  kind: OwnerKind,
  c: Claim<T>,
  canAdopt: () => Promise<void>,
): Promise<T[]> {
  for (const o of c.release) await patchRef<T>(client, r, o, releasePatch(owner, o), releaseGone);
  const out = [...c.owned];
  for (const o of c.adopt) {
    await canAdopt();
    const adopted = await patchRef<T>(client, r, o, adoptPatch(owner, kind, o), isNotFound);
    if (adopted !== undefined) out.push(adopted);
  }
  return out;
}
