// Pod GC's choices, pure: which pods are orphaned, terminating where nobody will finish them, or terminated too many.

import { olderFirst } from '../../apiserver/api/time.js';
import { isNodeReady, isPodTerminated } from '../../apiserver/api/pod-state.js';
import { TAINT_OUT_OF_SERVICE } from '../../apiserver/api/taints.js';
import type { Node, Pod } from '../../apiserver/api/types.js';

/** Upstream eviction.PodIsEvicted: Failed with reason Evicted. */
function isEvicted(pod: Pod): boolean {
  return pod.status?.phase === 'Failed' && pod.status.reason === 'Evicted';
}

/** Upstream byEvictionAndCreationTimestamp: evicted pods first, then oldest creationTimestamp, then name. */
export function byEvictionAndCreation(a: Pod, b: Pod): number {
  const ea = isEvicted(a);
  const eb = isEvicted(b);
  if (ea !== eb) return ea ? -1 : 1;
  return olderFirst(a, b);
}

/** Upstream gcTerminated: the terminated pods beyond `threshold`, oldest (evicted first) first; none when threshold ≤ 0. */
export function terminatedToDelete(pods: readonly Pod[], threshold: number): Pod[] {
  if (threshold <= 0) return [];
  const terminated = pods.filter(isPodTerminated);
  const n = terminated.length - threshold;
  return n > 0 ? [...terminated].sort(byEvictionAndCreation).slice(0, n) : [];
}

/**
 * Upstream gcTerminating: terminating pods on a node that exists, is not Ready and carries the out-of-service taint
 * (any effect), in eviction/creation order. Pods whose node is not cached are left to gcOrphaned.
 */
export function terminatingOutOfService(pods: readonly Pod[], node: (name: string) => Node | undefined): Pod[] {
  return pods.filter((p) => {
    if (!p.metadata?.deletionTimestamp) return false;
    const n = node(p.spec?.nodeName ?? '');
    return n !== undefined && !isNodeReady(n) && (n.spec?.taints ?? []).some((t) => t.key === TAINT_OUT_OF_SERVICE);
  }).sort(byEvictionAndCreation);
}

/** Upstream gcUnscheduledTerminating: terminating pods with no node. */
export function unscheduledTerminating(pods: readonly Pod[]): Pod[] {
  return pods.filter((p) => p.metadata?.deletionTimestamp && !p.spec?.nodeName);
}

/** The node names pods are bound to that are not among `existing` (candidates for the orphan quarantine). */
export function missingNodes(pods: readonly Pod[], existing: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const p of pods) {
    const n = p.spec?.nodeName;
    if (n && !existing.has(n)) out.add(n);
  }
  return out;
}

/**
 * The orphan quarantine (upstream's delaying nodeQueue with quarantineTime): a missing node is queued once, ready
 * `quarantineMs` after it was first seen missing; {@link Quarantine.due} hands out (and forgets) those ready now.
 */
export class Quarantine {
  private readonly readyAt = new Map<string, number>();

  constructor(private readonly quarantineMs: number) {}

  /** Queues each name not already waiting. */
  add(names: Iterable<string>, now: number): void {
    for (const n of names) if (!this.readyAt.has(n)) this.readyAt.set(n, now + this.quarantineMs);
  }

  /** Removes and returns the names whose quarantine is over. */
  due(now: number): string[] {
    const out: string[] = [];
    for (const [n, at] of this.readyAt) {
      if (at > now) continue;
      out.push(n);
      this.readyAt.delete(n);
    }
    return out;
  }

  /** Names waiting, for tests. */
  waiting(): string[] {
    return [...this.readyAt.keys()];
  }
}
