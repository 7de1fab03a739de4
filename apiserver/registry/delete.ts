// Deletion planning: finalizers, graceful pod deletion and preconditions, as upstream's BeforeDelete.

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
 * Decides a DELETE. Invariants (upstream generic store Delete + BeforeDelete):
 * - an object with finalizers gets deletionTimestamp (once) and stays until its last finalizer is removed;
 * - a scheduled, running pod is deleted gracefully: deletionTimestamp = now + grace, kept for its kubelet;
 *   a second DELETE may only shorten the grace period, and grace 0 removes it at once (no finalizers);
 * - a namespace turns Terminating; its contents are removed before the namespace itself;
 * - Foreground and Orphan propagation are accepted; without a garbage collector they act as Background.
 */
export function beginDelete(r: ResourceInfo, current: KObject, opts: DeleteOptions, now: Date): DeletePlan {
  checkPreconditions(r, current, opts);
  const meta = current.metadata;
  const hasFinalizers = (meta.finalizers ?? []).length > 0;
  if (r.plural === 'namespaces') return namespaceDelete(current, now);
  if (r.plural === 'pods') {
    const grace = podGrace(current, opts);
    if (grace === 0 && !hasFinalizers) {
      // Upstream answers an immediate pod delete with the pod marked as deleted with grace 0.
      const answer = structuredClone(current);
      answer.metadata.deletionTimestamp ??= ts(now);
      answer.metadata.deletionGracePeriodSeconds = 0;
      return { kind: 'delete', answer };
    }
    if (meta.deletionTimestamp && (meta.deletionGracePeriodSeconds ?? 0) <= grace) return { kind: 'unchanged' };
    const next = structuredClone(current);
    next.metadata.deletionTimestamp = ts(new Date(now.getTime() + grace * 1000));
    next.metadata.deletionGracePeriodSeconds = grace;
    return { kind: 'update', object: next };
  }
  if (!hasFinalizers) return { kind: 'delete' };
  if (meta.deletionTimestamp) return { kind: 'unchanged' };
  const next = structuredClone(current);
  next.metadata.deletionTimestamp = ts(now);
  next.metadata.deletionGracePeriodSeconds = 0;
  return { kind: 'update', object: next };
}

function namespaceDelete(ns: KObject, now: Date): DeletePlan {
  const name = ns.metadata.name ?? '';
  if (PROTECTED_NAMESPACES.has(name)) {
    throw S.forbidden({ group: '', resource: 'namespaces' }, name, 'this namespace may not be deleted');
  }
  if (ns.metadata.deletionTimestamp) return { kind: 'unchanged' };
  const next = structuredClone(ns);
  next.metadata.deletionTimestamp = ts(now);
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
