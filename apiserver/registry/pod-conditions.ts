// Pod status conditions as upstream's podutil.UpdatePodCondition sets them (binding, eviction).

import { isPlainObject, type KObject } from '../api/types.js';

/** A core/v1 PodCondition, fields in upstream's JSON order. */
export interface PodCondition {
  type: string;
  status: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** The pod's `status`, created when absent. */
export function podStatusOf(pod: KObject): Record<string, unknown> {
  if (!isPlainObject(pod.status)) pod.status = {};
  return pod.status as Record<string, unknown>;
}

/** The condition of a type, if the pod has one. */
export function podCondition(pod: KObject, type: string): PodCondition | undefined {
  const conds = isPlainObject(pod.status) && Array.isArray(pod.status.conditions) ? pod.status.conditions : [];
  return conds.find((c): c is PodCondition => isPlainObject(c) && c.type === type);
}

/** Upstream IsPodReady: the Ready condition is True (the phase is not looked at). */
export function isPodReady(pod: KObject): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/**
 * Sets a condition (upstream UpdatePodCondition): a new condition is appended; an existing one is replaced in place,
 * keeping its lastTransitionTime when the status did not change. `lastProbeTime` is null as Go writes a zero time.
 */
export function setPodCondition(pod: KObject, cond: Omit<PodCondition, 'lastProbeTime' | 'lastTransitionTime'>, now: string): void {
  const status = podStatusOf(pod);
  const list = Array.isArray(status.conditions) ? (status.conditions as unknown[]) : [];
  const at = list.findIndex((c) => isPlainObject(c) && c.type === cond.type);
  const old = at >= 0 ? (list[at] as PodCondition) : undefined;
  const next: PodCondition = { type: cond.type, status: cond.status, lastProbeTime: null, lastTransitionTime: now };
  if (old && old.status === cond.status && old.lastTransitionTime !== undefined) next.lastTransitionTime = old.lastTransitionTime;
  if (cond.reason) next.reason = cond.reason;
  if (cond.message) next.message = cond.message;
  if (at >= 0) list[at] = next;
  else list.push(next);
  status.conditions = list;
}
