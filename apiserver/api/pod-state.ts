// Pod and node state predicates shared by the controllers: Ready, available, terminating, terminal; node conditions.

import type { Node, Pod } from './types.js';

/** A pod condition as the API carries it. */
export type PodCondition = NonNullable<NonNullable<Pod['status']>['conditions']>[number];
/** A node condition as the API carries it. */
export type NodeCondition = NonNullable<NonNullable<Node['status']>['conditions']>[number];

/** The pod's first Ready condition (upstream podutil.GetPodReadyCondition). */
export function podReadyCondition(pod: Pod): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

/** Upstream podutil.IsPodReady: the first Ready condition is True (the phase is not looked at). */
export function isPodReady(pod: Pod): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/**
 * When a Ready pod becomes available: Ready.lastTransitionTime + minReadySeconds (upstream IsPodAvailable needs
 * `ltt + minReadySeconds < now`, strictly); -Infinity with `minReadySeconds` ≤ 0. undefined when the pod is not
 * Ready or has no transition time.
 */
export function podAvailableAt(pod: Pod, minReadySeconds: number): number | undefined {
  const c = podReadyCondition(pod);
  if (c?.status !== 'True') return undefined;
  if (minReadySeconds <= 0) return -Infinity;
  const t = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isNaN(t) ? undefined : t + minReadySeconds * 1000;
}

/**
 * Upstream podutil.IsPodAvailable(pod, minReadySeconds, now): Ready, and with `minReadySeconds` > 0 Ready since
 * strictly more than that long before `now` (a missing transition time is never available).
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  const at = podAvailableAt(pod, minReadySeconds);
  return at !== undefined && (at === -Infinity || at < now);
}

/** True while the pod has a deletionTimestamp. */
export function isTerminating(pod: Pod): boolean {
  return !!pod.metadata?.deletionTimestamp;
}

/** Phase Succeeded or Failed (upstream podutil.IsPodTerminal). */
export function isPodTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/**
 * Pod GC's isPodTerminated (upstream podgc isPodTerminated): a phase is set and is none of Pending, Running, Unknown.
 * Unlike isPodTerminal, a phase outside the five known ones (or an empty string) counts as terminated.
 */
export function isPodTerminated(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== undefined && phase !== 'Pending' && phase !== 'Running' && phase !== 'Unknown';
}

/** The node's first condition of `type`, if it has one. */
export function nodeCondition(node: Node, type: string): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === type);
}

/**
 * Upstream nodeutil.IsNodeReady: a Ready condition is True. Pod GC's form: any Ready condition counts, where
 * `nodeCondition(node, 'Ready')` sees the first one only (they differ only for a node with several Ready conditions).
 */
export function isNodeReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}
