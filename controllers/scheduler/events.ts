// Which informer updates matter to the scheduler: node changes that may make room, pod changes worth a new attempt.

import { isDeepStrictEqual } from 'node:util';
import type { Node, Pod } from '../../apiserver/api/types.js';

/** Node condition type → status: heartbeat and transition times, reasons and messages do not count. */
function conditionStatuses(n: Node): Record<string, string> {
  return Object.fromEntries((n.status?.conditions ?? []).map((c) => [c.type, c.status]));
}

/** Whether the inputs of a NodeInfo (allocatable and images) differ, so it must be rebuilt. */
export function nodeInfoInputsChanged(old: Node, cur: Node): boolean {
  return !isDeepStrictEqual(old.status?.allocatable ?? {}, cur.status?.allocatable ?? {}) || !isDeepStrictEqual(old.status?.images ?? [], cur.status?.images ?? []);
}

/**
 * Upstream nodeSchedulingPropertiesChange: whether a node update may make an unschedulable pod fit: spec.unschedulable,
 * allocatable, labels, taints, condition statuses or images changed. A kubelet status post that only moves heartbeat
 * times (or a no-op write) does not.
 */
export function nodeSchedulingPropertiesChanged(old: Node, cur: Node): boolean {
  return (
    !!old.spec?.unschedulable !== !!cur.spec?.unschedulable ||
    !isDeepStrictEqual(old.metadata?.labels ?? {}, cur.metadata?.labels ?? {}) ||
    !isDeepStrictEqual(old.spec?.taints ?? [], cur.spec?.taints ?? []) ||
    !isDeepStrictEqual(conditionStatuses(old), conditionStatuses(cur)) ||
    nodeInfoInputsChanged(old, cur)
  );
}

/** The pod without what its own writes and status posts move: resourceVersion, generation, managedFields, finalizers, status. */
function stripped(p: Pod): unknown {
  const { resourceVersion: _rv, generation: _g, managedFields: _mf, finalizers: _f, ...metadata } = p.metadata ?? {};
  return { metadata, spec: p.spec ?? {} };
}

/**
 * Upstream isPodUpdated: whether a pending pod changed beyond its status (spec, labels, annotations, ...), so an
 * attempt that failed before may now succeed. The scheduler's own PodScheduled patch is a status-only update.
 */
export function isPodUpdated(old: Pod, cur: Pod): boolean {
  return !isDeepStrictEqual(stripped(old), stripped(cur));
}
