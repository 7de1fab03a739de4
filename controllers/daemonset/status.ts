// DaemonSet status (upstream updateDaemonSetStatus / storeDaemonSetStatus): the counts over nodes, and whether to write them.

import { isPodAvailable, isPodReady } from '../../apiserver/api/pod-state.js';
import type { DaemonSet, Node, Pod } from '../../apiserver/api/types.js';
import { nodesToDaemonPods } from './sync.js';
import { byCreationTimestampAndPhase, isPodUpdated, nodeShouldRunDaemonPod, placementOf, templateGeneration } from './util.js';

/** The seven counts of a DaemonSet's status. */
export interface DaemonSetCounts {
  desiredNumberScheduled: number;
  currentNumberScheduled: number;
  numberMisscheduled: number;
  numberReady: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
  numberUnavailable: number;
}

const FIELDS: ReadonlyArray<keyof DaemonSetCounts> = [
  'desiredNumberScheduled', 'currentNumberScheduled', 'numberMisscheduled', 'numberReady', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable',
];

/**
 * The status counts over the existing Node objects.
 *
 * Assumptions / Invariants (daemon_controller.go updateDaemonSetStatus): a node that should run the pod counts as
 * desired; with any daemon pod (terminating ones included, terminal terminating ones not) it is scheduled, and only
 * its first pod (scheduled first, oldest, by name) decides ready, available and updated. A node that should not
 * run the pod but has one counts as misscheduled. Pods on nodes that no longer exist count nowhere.
 */
export function calculateStatus(ds: DaemonSet, nodes: readonly Node[], pods: readonly Pod[], hash: string, now: number): DaemonSetCounts {
  const byNode = nodesToDaemonPods(pods, false);
  const placement = placementOf(ds);
  const generation = templateGeneration(ds);
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const c: DaemonSetCounts = { desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 0, numberAvailable: 0, numberUnavailable: 0 };
  for (const node of nodes) {
    const { shouldRun } = nodeShouldRunDaemonPod(node, placement);
    const onNode = byNode.get(node.metadata?.name ?? '') ?? [];
    if (!shouldRun) {
      if (onNode.length > 0) c.numberMisscheduled++;
      continue;
    }
    c.desiredNumberScheduled++;
    if (onNode.length === 0) continue;
    c.currentNumberScheduled++;
    const pod = onNode.length === 1 ? onNode[0]! : [...onNode].sort(byCreationTimestampAndPhase)[0]!;
    if (isPodReady(pod)) {
      c.numberReady++;
      if (isPodAvailable(pod, minReady, now)) c.numberAvailable++;
    }
    if (isPodUpdated(pod, hash, generation)) c.updatedNumberScheduled++;
  }
  c.numberUnavailable = c.desiredNumberScheduled - c.numberAvailable;
  return c;
}

/**
 * Upstream storeDaemonSetStatus's test: no write when every count is what the status says and the status has
 * observed the current generation (whether or not this sync may raise observedGeneration).
 */
export function statusUpToDate(ds: DaemonSet, c: DaemonSetCounts): boolean {
  const s = (ds.status ?? {}) as Partial<Record<keyof DaemonSetCounts, number>> & { observedGeneration?: number };
  return FIELDS.every((f) => (s[f] ?? 0) === c[f]) && (s.observedGeneration ?? 0) >= (ds.metadata?.generation ?? 0);
}

/** Status fields Go's encoding omits when 0 (`omitempty` on int32/int64). */
const OMIT_ZERO = ['observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'];

/**
 * `ds` with its status counts set to `c` and, when given, observedGeneration set to `observedGeneration`, as a fresh
 * object. Zero values of upstream's `omitempty` fields are left out, as a Go client would send them.
 */
export function withStatus(ds: DaemonSet, c: DaemonSetCounts, observedGeneration: number | undefined): DaemonSet {
  const status: Record<string, unknown> = { ...(ds.status ?? {}), ...c };
  if (observedGeneration !== undefined) status.observedGeneration = observedGeneration;
  for (const f of OMIT_ZERO) if (status[f] === 0) delete status[f];
  return { ...ds, status: status as unknown as DaemonSet['status'] };
}
