// The rolling update plan of the DaemonSet controller (upstream update.go rollingUpdate), without surge and with it.

import { isPodAvailable, isTerminating } from '../../apiserver/api/pod-state.js';
import type { DaemonSet, Node, Pod } from '../../apiserver/api/types.js';
import { nodesToDaemonPods, type Plan } from './sync.js';
import {
  isPodUpdated, nodeShouldRunDaemonPod, placementOf, surgeCount, templateGeneration, unavailableCount,
} from './util.js';

/** How far a rolling update may go: nodes that should run the pod, and maxSurge / maxUnavailable scaled to them. */
export interface DesiredCounts {
  desired: number;
  maxSurge: number;
  maxUnavailable: number;
}

/**
 * Upstream updatedDesiredNodeCounts: counts the nodes that should run the pod (giving each an entry in
 * `byNode`) and scales maxSurge and maxUnavailable to that count, rounding up; with both 0, maxUnavailable is 1.
 */
export function updatedDesiredNodeCounts(ds: DaemonSet, nodes: readonly Node[], byNode: Map<string, Pod[]>): DesiredCounts {
  const placement = placementOf(ds);
  let desired = 0;
  for (const node of nodes) {
    if (!nodeShouldRunDaemonPod(node, placement).shouldRun) continue;
    desired++;
    const name = node.metadata?.name ?? '';
    if (!byNode.has(name)) byNode.set(name, []);
  }
  let maxUnavailable = unavailableCount(ds, desired);
  const maxSurge = surgeCount(ds, desired);
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { desired, maxSurge, maxUnavailable };
}

/** Upstream findUpdatedPodsOnNode: the node's new and old pod (terminating ones ignored); undefined when it has more than one of either. */
export function findUpdatedPodsOnNode(ds: DaemonSet, pods: readonly Pod[], hash: string): { newPod?: Pod; oldPod?: Pod } | undefined {
  const generation = templateGeneration(ds);
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const pod of pods) {
    if (isTerminating(pod)) continue;
    if (isPodUpdated(pod, hash, generation)) {
      if (newPod) return undefined;
      newPod = pod;
    } else {
      if (oldPod) return undefined;
      oldPod = pod;
    }
  }
  return { ...(newPod ? { newPod } : {}), ...(oldPod ? { oldPod } : {}) };
}

const nameOf = (p: Pod): string => p.metadata?.name ?? '';

/**
 * Without surge: delete just enough old pods to stay within maxUnavailable; manage creates their replacements once
 * they are gone.
 *
 * Assumptions / Invariants (update.go, maxSurge == 0): a node with excess pods, with no pod, or with both an old and a
 * new pod counts as unavailable; so does an unavailable new pod. An unavailable old pod is always replaced (and counts
 * as unavailable). Available old pods are candidates, taken while the unavailable count is below maxUnavailable, and
 * only as many as maxUnavailable leaves room for. Terminating pods are ignored (they do not hold a rollout up).
 */
function rollingUpdateNoSurge(ds: DaemonSet, byNode: ReadonlyMap<string, Pod[]>, hash: string, maxUnavailable: number, now: number): string[] {
  const minReady = ds.spec?.minReadySeconds ?? 0;
  let numUnavailable = 0;
  const replacements: string[] = [];
  const candidates: string[] = [];
  for (const pods of byNode.values()) {
    const found = findUpdatedPodsOnNode(ds, pods, hash);
    if (!found) {
      numUnavailable++;
      continue;
    }
    const { newPod, oldPod } = found;
    if ((!oldPod && !newPod) || (oldPod && newPod)) numUnavailable++;
    else if (newPod) {
      if (!isPodAvailable(newPod, minReady, now)) numUnavailable++;
    } else if (oldPod) {
      if (!isPodAvailable(oldPod, minReady, now)) {
        replacements.push(nameOf(oldPod));
        numUnavailable++;
      } else if (numUnavailable < maxUnavailable) candidates.push(nameOf(oldPod));
    }
  }
  const room = Math.min(Math.max(0, maxUnavailable - numUnavailable), candidates.length);
  return [...replacements, ...candidates.slice(0, room)];
}

/**
 * With surge: create new pods next to old ones, up to maxSurge at a time, and delete an old pod once its new pod is
 * available.
 *
 * Assumptions / Invariants (update.go, maxSurge > 0): availability is counted per node on the old pod if any, else
 * the new one. An unavailable old pod gets its replacement at once (not counted against maxSurge) unless the node
 * should no longer run the pod, in which case it is deleted. An available old pod on a node that should not run
 * the pod is deleted only while more pods are available than desired. A node with a new pod not yet available (or
 * with excess pods) uses up one surge.
 */
function rollingUpdateSurge(ds: DaemonSet, nodes: ReadonlyMap<string, Node>, byNode: ReadonlyMap<string, Pod[]>, hash: string, counts: DesiredCounts, now: number): Plan {
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const placement = placementOf(ds);
  const shouldRun = (node: string): boolean => {
    const n = nodes.get(node);
    return n !== undefined && nodeShouldRunDaemonPod(n, placement).shouldRun;
  };
  const oldPodsToDelete: string[] = [];
  const shouldNotRun: string[] = [];
  const allowedNew: string[] = [];
  const candidates: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const [node, pods] of byNode) {
    const found = findUpdatedPodsOnNode(ds, pods, hash);
    if (!found) {
      numSurge++;
      continue;
    }
    const { newPod, oldPod } = found;
    const counted = oldPod ?? newPod;
    if (counted && isPodAvailable(counted, minReady, now)) numAvailable++;
    if (!oldPod) continue;
    if (!newPod) {
      if (!isPodAvailable(oldPod, minReady, now)) {
        if (!shouldRun(node)) oldPodsToDelete.push(nameOf(oldPod));
        else allowedNew.push(node);
      } else if (!shouldRun(node)) shouldNotRun.push(nameOf(oldPod));
      else if (numSurge < counts.maxSurge) candidates.push(node);
    } else if (!isPodAvailable(newPod, minReady, now)) numSurge++;
    else oldPodsToDelete.push(nameOf(oldPod));
  }
  const room = Math.min(Math.max(0, counts.maxSurge - numSurge), candidates.length);
  const extra = Math.max(0, Math.min(numAvailable - counts.desired, shouldNotRun.length));
  return { nodesNeedingDaemonPods: [...allowedNew, ...candidates.slice(0, room)], podsToDelete: [...oldPodsToDelete, ...shouldNotRun.slice(0, extra)], events: [] };
}

/**
 * Upstream rollingUpdate (planning half), for a RollingUpdate DaemonSet whose expectations are satisfied. Node order
 * is the order of `nodes` (upstream iterates a Go map: no order may be relied on).
 */
export function rollingUpdate(ds: DaemonSet, nodes: readonly Node[], pods: readonly Pod[], hash: string, now: number): Plan {
  const byNode = nodesToDaemonPods(pods, false);
  const counts = updatedDesiredNodeCounts(ds, nodes, byNode);
  if (counts.maxSurge === 0) {
    return { nodesNeedingDaemonPods: [], podsToDelete: rollingUpdateNoSurge(ds, byNode, hash, counts.maxUnavailable, now), events: [] };
  }
  const nodeMap = new Map(nodes.map((n) => [n.metadata?.name ?? '', n]));
  return rollingUpdateSurge(ds, nodeMap, byNode, hash, counts, now);
}
