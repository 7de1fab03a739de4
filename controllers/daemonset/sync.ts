// The per-node plan of the DaemonSet controller (upstream manage / podsShouldBeOnNode): which nodes need a daemon pod, which pods go.

import { isPodAvailable, isPodReady, isPodTerminal, isTerminating } from '../../apiserver/api/pod-state.js';
import type { DaemonSet, Node, Pod } from '../../apiserver/api/types.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../history/index.js';
import type { Backoff } from './backoff.js';
import {
  allowsSurge, byCreationTimestampAndPhase, nodeShouldRunDaemonPod,
  placementOf, targetNodeName,
} from './util.js';

/** An event the plan asks the controller to record on the DaemonSet. */
export interface PlannedEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** What a planner decided: nodes to create a pod for, pods (by name) to delete, events, and when to look again. */
export interface Plan {
  nodesNeedingDaemonPods: string[];
  podsToDelete: string[];
  events: PlannedEvent[];
  /** The DaemonSet should be synced again after this long (the failed-pod back-off). */
  requeueAfterMs?: number;
}

/** What the per-node plan reads: the DaemonSet, the current hash, the time, the failed-pod back-off. */
export interface ManageContext {
  ds: DaemonSet;
  hash: string;
  now: number;
  backoff: Backoff;
}

/**
 * The daemon pods of a DaemonSet by target node (upstream getNodesToDaemonPods). Pods without a target node are
 * left out, and so are terminal pods being deleted unless `includeDeletedTerminal`.
 */
export function nodesToDaemonPods(pods: readonly Pod[], includeDeletedTerminal: boolean): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>();
  for (const pod of pods) {
    if (!includeDeletedTerminal && isPodTerminal(pod) && isTerminating(pod)) continue;
    const node = targetNodeName(pod);
    if (node === undefined) continue;
    const list = out.get(node);
    if (list) list.push(pod);
    else out.set(node, [pod]);
  }
  return out;
}

/** The back-off key of failed pods of a DaemonSet on a node (upstream failedPodsBackoffKey). */
export function failedPodsBackoffKey(ds: DaemonSet, node: string): string {
  return `${ds.metadata?.uid ?? ''}/${ds.status?.observedGeneration ?? 0}/${node}`;
}

function emptyPlan(): Plan {
  return { nodesNeedingDaemonPods: [], podsToDelete: [], events: [] };
}

function requeueAt(plan: Plan, ms: number): void {
  plan.requeueAfterMs = plan.requeueAfterMs === undefined ? ms : Math.min(plan.requeueAfterMs, ms);
}

/** Splits the non-terminating pods of a node into running ones; failed and succeeded ones are planned for deletion. */
function sortOutFinished(ctx: ManageContext, node: string, pods: readonly Pod[], plan: Plan): Pod[] {
  const running: Pod[] = [];
  for (const pod of pods) {
    if (isTerminating(pod)) continue;
    const name = pod.metadata?.name ?? '';
    const where = `${pod.metadata?.namespace ?? ''}/${name}`;
    if (pod.status?.phase === 'Failed') {
      const key = failedPodsBackoffKey(ctx.ds, node);
      if (ctx.backoff.inBackoffSinceUpdate(key, ctx.now)) {
        requeueAt(plan, ctx.backoff.get(key));
        continue;
      }
      ctx.backoff.next(key, ctx.now);
      plan.events.push({ type: 'Warning', reason: 'FailedDaemonPod', message: `Found failed daemon pod ${where} on node ${node}, will try to kill it` });
      plan.podsToDelete.push(name);
    } else if (pod.status?.phase === 'Succeeded') {
      plan.events.push({ type: 'Normal', reason: 'SucceededDaemonPod', message: `Found succeeded daemon pod ${where} on node ${node}, will try to delete it` });
      plan.podsToDelete.push(name);
    } else running.push(pod);
  }
  return running;
}

/** With surge: keep the oldest new and the oldest old pod; the old one goes once it is unready or the new one is available. */
function pruneSurge(ctx: ManageContext, running: Pod[], plan: Plan): void {
  let oldestNew: Pod | undefined;
  let oldestOld: Pod | undefined;
  for (const pod of [...running].sort(byCreationTimestampAndPhase)) {
    const isNew = pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] === ctx.hash;
    if (isNew && !oldestNew) oldestNew = pod;
    else if (!isNew && !oldestOld) oldestOld = pod;
    else plan.podsToDelete.push(pod.metadata?.name ?? '');
  }
  if (oldestNew && oldestOld) {
    if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, ctx.ds.spec?.minReadySeconds ?? 0, ctx.now)) plan.podsToDelete.push(oldestOld.metadata?.name ?? '');
  }
}

/**
 * Upstream podsShouldBeOnNode, adding to `plan`.
 *
 * Assumptions / Invariants (daemon_controller.go): a node that should run the pod and has no daemon pod at all (not
 * even a terminating one) needs one. While the pod may continue, terminating pods are skipped, failed pods are deleted
 * with a per-node back-off and a FailedDaemonPod event, succeeded ones with SucceededDaemonPod; without surge every
 * running pod but the first (scheduled, oldest, by name) is deleted, and nothing is created while the only pod
 * terminates; with surge see pruneSurge. A node that may not keep its pod loses every non-terminating one.
 */
export function podsShouldBeOnNode(ctx: ManageContext, node: Node, nodeToDaemonPods: ReadonlyMap<string, Pod[]>, plan: Plan): void {
  const name = node.metadata?.name ?? '';
  const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, placementOf(ctx.ds));
  const pods = nodeToDaemonPods.get(name);
  if (shouldRun && !pods) {
    plan.nodesNeedingDaemonPods.push(name);
  } else if (shouldContinueRunning) {
    const running = sortOutFinished(ctx, name, pods ?? [], plan);
    if (!allowsSurge(ctx.ds)) {
      if (running.length <= 1) return;
      const sorted = [...running].sort(byCreationTimestampAndPhase);
      for (const p of sorted.slice(1)) plan.podsToDelete.push(p.metadata?.name ?? '');
      return;
    }
    if (running.length === 0 && shouldRun) plan.nodesNeedingDaemonPods.push(name);
    if (running.length > 1) pruneSurge(ctx, running, plan);
  } else if (pods) {
    for (const p of pods) if (!isTerminating(p)) plan.podsToDelete.push(p.metadata?.name ?? '');
  }
}

/** Upstream getUnscheduledPodsWithoutNode: unscheduled daemon pods whose target node no longer exists. */
export function unscheduledPodsWithoutNode(nodes: readonly Node[], nodeToDaemonPods: ReadonlyMap<string, Pod[]>): string[] {
  const live = new Set(nodes.map((n) => n.metadata?.name ?? ''));
  const out: string[] = [];
  for (const [node, pods] of nodeToDaemonPods) {
    if (live.has(node)) continue;
    for (const p of pods) if (!p.spec?.nodeName) out.push(p.metadata?.name ?? '');
  }
  return out;
}

/** Upstream manage (the planning half): podsShouldBeOnNode over every node, plus unscheduled pods of missing nodes. */
export function manage(ctx: ManageContext, nodes: readonly Node[], pods: readonly Pod[]): Plan {
  const plan = emptyPlan();
  const byNode = nodesToDaemonPods(pods, false);
  for (const node of nodes) podsShouldBeOnNode(ctx, node, byNode, plan);
  plan.podsToDelete.push(...unscheduledPodsWithoutNode(nodes, byNode));
  return plan;
}
