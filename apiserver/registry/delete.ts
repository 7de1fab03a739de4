// Deletion planning: finalizers, graceful pod deletion and preconditions, as upstream's BeforeDelete.

import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from '../api/finalizers.js';
import * as S from '../api/status.js';
import type { ResourceInfo } from '../api/resources.js';
import { isPlainObject, type KObject } from '../api/types.js';

/** The DeleteOptions the server reads (meta/v1). */
export interface DeleteOptions {
  dryRun?: boolean;
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** What a DELETE does to the stored object. */
export type DeletePlan =
  /** Remove it; `answer` is what the response shows of it (the stored object when absent). */
  | { kind: 'delete'; answer?: KObject }
  | { kind: 'unchanged' }
  | { kind: 'update'; object: KObject };

const PROTECTED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

function ts(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function checkPreconditions(r: ResourceInfo, obj: KObject, opts: DeleteOptions): void {
  const p = opts.preconditions;
  const name = obj.metadata.name ?? '';
  const q = { group: r.group, resource: r.plural };
  if (p?.uid && p.uid !== obj.metadata.uid) {
    throw S.conflict(q, name, `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${obj.metadata.uid ?? ''}`);
  }
  if (p?.resourceVersion && p.resourceVersion !== obj.metadata.resourceVersion) {
    throw S.conflict(q, name, `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in meta: ${obj.metadata.resourceVersion ?? ''}`);
  }
}

/**
 * The grace period a pod gets (upstream podStrategy.CheckGracefulDelete): the request's value, else the
 * pod's terminationGracePeriodSeconds (default 30); 0 for pods never scheduled or already terminal; 1 for a negative one.
 */
function podGrace(pod: KObject, opts: DeleteOptions): number {
  const spec = isPlainObject(pod.spec) ? pod.spec : {};
  const status = isPlainObject(pod.status) ? pod.status : {};
  if (!spec.nodeName) return 0;
  if (status.phase === 'Failed' || status.phase === 'Succeeded') return 0;
  const t = spec.terminationGracePeriodSeconds;
  const period = opts.gracePeriodSeconds ?? (typeof t === 'number' ? t : 30);
  // Upstream turns a negative period into 1 second (not an immediate removal).
  return period < 0 ? 1 : period;
}

/**
 * The finalizers an object should carry after a DELETE with `opts` (upstream deletionFinalizersForGarbageCollection
 * with shouldOrphanDependents / shouldDeleteDependents; every kind here defaults to background). Invariants: an explicit
 * policy wins and replaces whichever of `orphan` / `foregroundDeletion` the object had (Background drops both);
 * without one, the object keeps what it has. Other finalizers keep their order; a GC finalizer is appended.
 */
export function finalizersForGarbageCollection(current: readonly string[], opts: DeleteOptions): string[] {
  const policy = opts.propagationPolicy;
  const orphan = policy ? policy === 'Orphan' : current.includes(ORPHAN_FINALIZER);
  const foreground = policy ? policy === 'Foreground' : !orphan && current.includes(FOREGROUND_FINALIZER);
  const out = current.filter((f) => f !== ORPHAN_FINALIZER && f !== FOREGROUND_FINALIZER);
  if (orphan) out.push(ORPHAN_FINALIZER);
  if (foreground) out.push(FOREGROUND_FINALIZER);
  return sameSet(out, current) ? [...current] : out;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

function setFinalizers(obj: KObject, finalizers: string[]): void {
  if (finalizers.length > 0) obj.metadata.finalizers = finalizers;
  else delete obj.metadata.finalizers;
}

/**
 * A pod's graceful step (upstream rest.BeforeDelete with podStrategy.CheckGracefulDelete), applied to `next`:
 * 'pending' when a graceful deletion already runs and the request does not shorten it; 'graceful' when it (re)sets
 * deletionTimestamp = now + grace; 'none' when the pod already waits with grace 0 (only finalizers hold it).
 */
function podBeforeDelete(next: KObject, opts: DeleteOptions, now: Date): 'pending' | 'graceful' | 'none' {
  const meta = next.metadata;
  const grace = podGrace(next, opts);
  if (meta.deletionTimestamp) {
    const current = meta.deletionGracePeriodSeconds ?? 0;
    if (current === 0) return 'none';
    if (current <= grace) return 'pending';
  }
  // an immediate removal of a pod already terminating keeps the timestamp it had
  if (!(grace === 0 && meta.deletionTimestamp)) meta.deletionTimestamp = ts(new Date(now.getTime() + grace * 1000));
  meta.deletionGracePeriodSeconds = grace;
  return 'graceful';
}

/**
 * Decides a DELETE. Invariants (upstream generic store Delete, BeforeDelete and updateForGracefulDeletionAndFinalizers):
 * - propagation: Foreground adds finalizer `foregroundDeletion`, Orphan (or orphanDependents) adds `orphan`,
 *   Background removes both; a later DELETE with another policy swaps them (even while deleting), unless a pod's
 *   graceful deletion is pending and the request does not shorten it (then nothing changes, as upstream);
 * - an object with finalizers gets deletionTimestamp (once) and stays until its last finalizer is removed;
 * - a scheduled, running pod is deleted gracefully: deletionTimestamp = now + grace, kept for its kubelet;
 *   a second DELETE may only shorten the grace period, and grace 0 removes it at once (no finalizers);
 * - a namespace turns Terminating; its contents are removed before the namespace itself.
 */
export function beginDelete(r: ResourceInfo, current: KObject, opts: DeleteOptions, now: Date): DeletePlan {
  checkPreconditions(r, current, opts);
  if (r.plural === 'namespaces') return namespaceDelete(current, opts, now);
  const next = structuredClone(current);
  const meta = next.metadata;
  let graceful = false;
  if (r.plural === 'pods') {
    const step = podBeforeDelete(next, opts, now);
    if (step === 'pending') return { kind: 'unchanged' };
    graceful = step === 'graceful';
  }
  const finalizers = finalizersForGarbageCollection(meta.finalizers ?? [], opts);
  setFinalizers(next, finalizers);
  if (finalizers.length === 0) {
    // Upstream answers an immediate pod delete with the pod marked as deleted with grace 0.
    if (!graceful) return r.plural === 'pods' ? { kind: 'delete', answer: next } : { kind: 'delete' };
    if (meta.deletionGracePeriodSeconds === 0) return { kind: 'delete', answer: next };
  } else if (!graceful && !meta.deletionTimestamp) {
    // markAsDeleting: the first DELETE of an object held by finalizers
    meta.deletionTimestamp = ts(now);
    meta.deletionGracePeriodSeconds = 0;
  }
  return JSON.stringify(next) === JSON.stringify(current) ? { kind: 'unchanged' } : { kind: 'update', object: next };
}

function namespaceDelete(ns: KObject, opts: DeleteOptions, now: Date): DeletePlan {
  const name = ns.metadata.name ?? '';
  if (PROTECTED_NAMESPACES.has(name)) {
    throw S.forbidden({ group: '', resource: 'namespaces' }, name, 'this namespace may not be deleted');
  }
  if (ns.metadata.deletionTimestamp) return { kind: 'unchanged' };
  const next = structuredClone(ns);
  next.metadata.deletionTimestamp = ts(now);
  // upstream namespace REST Delete: the first DELETE also sets the GC finalizers the options ask for
  setFinalizers(next, finalizersForGarbageCollection(ns.metadata.finalizers ?? [], opts));
  next.status = { ...(isPlainObject(next.status) ? next.status : {}), phase: 'Terminating' };
  return { kind: 'update', object: next };
}

/** True when a stored object with a deletionTimestamp has nothing left holding it. */
export function readyToRemove(r: ResourceInfo, obj: KObject): boolean {
  const meta = obj.metadata;
  if (!meta.deletionTimestamp || (meta.finalizers ?? []).length > 0) return false;
  if (r.plural === 'namespaces') {
    const spec = isPlainObject(obj.spec) ? obj.spec : {};
    return !Array.isArray(spec.finalizers) || spec.finalizers.length === 0;
  }
  if (r.plural === 'pods') return meta.deletionGracePeriodSeconds === 0;
  return true;
}
