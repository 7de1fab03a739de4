// Pure planning of the garbage collector: which objects to look at after a change, and what to do with one item.

import type { ResourceInfo } from '../../apiserver/api/resources.js';
import type { KObject, OwnerReference } from '../../apiserver/api/types.js';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from '../../apiserver/api/finalizers.js';
import { deletingWith, itemKey, ownerRefs, type Node } from './graph.js';

/** The cache lookups the planner needs (implemented by Graph; a static table in tests). */
export interface GraphView {
  resourceOf(apiVersion: string, kind: string): ResourceInfo | undefined;
  ownerByName(resource: ResourceInfo, ref: OwnerReference, namespace: string | undefined): Node | undefined;
  byUid(uid: string): Node[];
  dependents(uid: string): Node[];
}

/**
 * How an owner reference of an item stands (upstream classifyReferences / isDangling):
 * solid (owner exists), dangling (absent, or another uid at those coordinates), waiting (owner exists and is being
 * deleted in the foreground), invalid (a cluster-scoped item naming a namespaced kind: never resolvable),
 * unknown (a kind this server does not serve: never counted as absent).
 */
export type RefClass = 'solid' | 'dangling' | 'waiting' | 'invalid' | 'unknown';

/** An owner reference with its class. */
export interface ClassifiedRef {
  ref: OwnerReference;
  cls: RefClass;
}

/** A write the collector makes; `key` is the work-queue key of the object written. */
export type GcAction =
  | { type: 'delete'; key: string; uid: string; policy: 'Background' | 'Foreground' | 'Orphan' }
  | { type: 'removeOwnerRefs'; key: string; uid: string; ownerUids: string[] }
  | { type: 'unblockOwnerRefs'; key: string; uid: string; ownerUids: string[] }
  | { type: 'removeFinalizer'; key: string; uid: string; finalizer: string }
  | { type: 'enqueue'; keys: string[] };

/** Where an item's owner must be looked up: the item's namespace for a namespaced owner kind, none otherwise. */
export function ownerNamespace(item: Node, ownerResource: ResourceInfo): string | undefined {
  return ownerResource.namespaced ? item.obj.metadata.namespace : undefined;
}

/** Classifies one reference given the object found at the owner's coordinates (`undefined`: verified absent). */
export function classifyReference(item: Node, ref: OwnerReference, ownerResource: ResourceInfo | undefined, owner: KObject | undefined): RefClass {
  if (!ownerResource) return 'unknown';
  if (!item.resource.namespaced && ownerResource.namespaced) return 'invalid';
  if (!owner || owner.metadata.uid !== ref.uid) return 'dangling';
  return deletingWith(owner, FOREGROUND_FINALIZER) ? 'waiting' : 'solid';
}

/**
 * Invalid namespace references to report (upstream reportInvalidNamespaceOwnerRef): the ref's uid belongs to a cached
 * namespaced object outside the item's namespace (or the item is cluster-scoped).
 */
export function invalidNamespaceRefs(item: Node, view: GraphView): OwnerReference[] {
  const ns = item.obj.metadata.namespace;
  return ownerRefs(item.obj).filter((ref) => view.byUid(ref.uid).some((o) => o.resource.namespaced && o.obj.metadata.namespace !== ns));
}

/**
 * The attemptToDelete keys a cache change of `node` calls for (upstream GraphBuilder.processGraphChanges, made
 * level-triggered): the object itself when an owner is not solidly in the cache (absent, other uid, foreground-deleting)
 * or when it is itself foreground-deleting; its dependents when it is foreground-deleting; owners waiting for their
 * dependents (so they re-check what still blocks them). The deletion of an object enqueues its dependents elsewhere.
 */
export function attemptToDeleteKeys(node: Node, view: GraphView): string[] {
  const keys = new Set<string>();
  const self = itemKey(node.resource, node.obj);
  if (deletingWith(node.obj, FOREGROUND_FINALIZER)) {
    keys.add(self);
    for (const d of view.dependents(node.obj.metadata.uid ?? '')) keys.add(itemKey(d.resource, d.obj));
  }
  for (const ref of ownerRefs(node.obj)) {
    const resource = view.resourceOf(ref.apiVersion, ref.kind);
    if (!resource) continue;
    const owner = view.ownerByName(resource, ref, ownerNamespace(node, resource));
    if (!owner || owner.obj.metadata.uid !== ref.uid || !node.resource.namespaced && resource.namespaced) {
      keys.add(self);
    } else if (deletingWith(owner.obj, FOREGROUND_FINALIZER)) {
      keys.add(self);
      keys.add(itemKey(owner.resource, owner.obj));
    }
  }
  return [...keys];
}

/** The attemptToOrphan keys of a cache change: the object, while it is being deleted with the `orphan` finalizer. */
export function attemptToOrphanKeys(node: Node): string[] {
  return deletingWith(node.obj, ORPHAN_FINALIZER) ? [itemKey(node.resource, node.obj)] : [];
}

/** True when the dependent's reference to `ownerUid` blocks the owner's deletion. */
function blocks(dependent: KObject, ownerUid: string): boolean {
  return ownerRefs(dependent).some((r) => r.uid === ownerUid && r.blockOwnerDeletion === true);
}

/**
 * processDeletingDependentsItem: an owner being deleted in the foreground loses its `foregroundDeletion` finalizer once
 * no cached dependent blocks it; until then its blocking dependents (not themselves deleting in the foreground) are
 * looked at again.
 */
export function planDeletingDependents(owner: Node, dependents: readonly Node[]): GcAction[] {
  const uid = owner.obj.metadata.uid ?? '';
  const blocking = dependents.filter((d) => blocks(d.obj, uid));
  if (blocking.length === 0) return [{ type: 'removeFinalizer', key: itemKey(owner.resource, owner.obj), uid, finalizer: FOREGROUND_FINALIZER }];
  const keys = blocking.filter((d) => !deletingWith(d.obj, FOREGROUND_FINALIZER)).map((d) => itemKey(d.resource, d.obj));
  return keys.length > 0 ? [{ type: 'enqueue', keys }] : [];
}

/**
 * attemptToDeleteItem for the live `item`, its classified references and its cached dependents.
 * Invariants (upstream garbagecollector.go): an item being deleted is left alone unless it deletes its dependents in
 * the foreground; an item with a solid owner is never deleted, only stripped of dangling and waiting references; an
 * item whose owners wait for it and which has dependents of its own is deleted in the foreground (its dependent
 * references made non-blocking first if one of its dependents also deletes in the foreground, to break cycles);
 * otherwise it is deleted with the policy its own finalizers ask for, Background by default. An invalid or unknown
 * reference stops the decision (upstream returns an error for both).
 */
export function planAttemptToDelete(item: Node, refs: readonly ClassifiedRef[], dependents: readonly Node[]): GcAction[] {
  const meta = item.obj.metadata;
  const key = itemKey(item.resource, item.obj);
  const uid = meta.uid ?? '';
  if (deletingWith(item.obj, FOREGROUND_FINALIZER)) return planDeletingDependents(item, dependents);
  if (meta.deletionTimestamp) return [];
  if (refs.length === 0 || refs.some((r) => r.cls === 'invalid' || r.cls === 'unknown')) return [];
  const uids = (cls: RefClass): string[] => refs.filter((r) => r.cls === cls).map((r) => r.ref.uid);
  const solid = uids('solid');
  const dangling = uids('dangling');
  const waiting = uids('waiting');
  if (solid.length > 0) {
    if (dangling.length === 0 && waiting.length === 0) return [];
    return [{ type: 'removeOwnerRefs', key, uid, ownerUids: [...dangling, ...waiting] }];
  }
  if (waiting.length > 0 && dependents.length > 0) {
    const out: GcAction[] = [];
    if (dependents.some((d) => deletingWith(d.obj, FOREGROUND_FINALIZER))) {
      const blocking = ownerRefs(item.obj).filter((r) => r.blockOwnerDeletion === true).map((r) => r.uid);
      if (blocking.length > 0) out.push({ type: 'unblockOwnerRefs', key, uid, ownerUids: blocking });
    }
    out.push({ type: 'delete', key, uid, policy: 'Foreground' });
    return out;
  }
  const finalizers = meta.finalizers ?? [];
  const policy = finalizers.includes(ORPHAN_FINALIZER) ? 'Orphan' : finalizers.includes(FOREGROUND_FINALIZER) ? 'Foreground' : 'Background';
  return [{ type: 'delete', key, uid, policy }];
}

/**
 * attemptToOrphan for the live `owner` and its cached dependents (upstream attemptToOrphanWorker): remove the
 * references to the owner from every dependent, then the `orphan` finalizer. Nothing while the owner is not being
 * deleted with that finalizer.
 */
export function planOrphan(owner: Node, dependents: readonly Node[]): GcAction[] {
  if (!deletingWith(owner.obj, ORPHAN_FINALIZER)) return [];
  const uid = owner.obj.metadata.uid ?? '';
  const out: GcAction[] = dependents.map((d) => ({ type: 'removeOwnerRefs', key: itemKey(d.resource, d.obj), uid: d.obj.metadata.uid ?? '', ownerUids: [uid] }));
  out.push({ type: 'removeFinalizer', key: itemKey(owner.resource, owner.obj), uid, finalizer: ORPHAN_FINALIZER });
  return out;
}
