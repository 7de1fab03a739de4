// The scheduling algorithm: PreFilter, Filter (adaptive node sampling), Score, weighted selection, FitError.

import type { Pod } from '../../apiserver/api/types.js';
import { newCycle, type CycleContext, type FilterPlugin, type NodeFilter, type Status } from './cycle.js';
import { interPodAffinity } from './filters/inter-pod-affinity.js';
import { nodeAffinity, REASON_ABSENT_NODE, REASON_CONFLICT } from './filters/node-affinity.js';
import { nodeName } from './filters/node-name.js';
import { nodePorts } from './filters/node-ports.js';
import { nodeResourcesFit } from './filters/node-resources-fit.js';
import { nodeUnschedulable } from './filters/node-unschedulable.js';
import { podTopologySpread } from './filters/pod-topology-spread.js';
import { taintToleration } from './filters/taint-toleration.js';
import { fitErrorMessage, reasonHistogram, NO_NODES_MESSAGE } from './message.js';
import type { NodeInfo, Snapshot } from './node-info.js';
import { requiredNodeNames } from '../../apiserver/api/node-selector.js';
import { SCORE_PLUGINS } from './scores/index.js';

export type { NodeInfo, Snapshot } from './node-info.js';
export { newNodeInfo, addPod, removePod, setNode } from './node-info.js';

/** Filter plugins in the default profile's order (spec §5.2); each node reports the first failing one. */
export const FILTER_PLUGINS: readonly FilterPlugin[] = [
  nodeUnschedulable, nodeName, taintToleration, nodeAffinity, nodePorts, nodeResourcesFit, podTopologySpread, interPodAffinity,
];

/**
 * Outcome of one scheduling cycle. Success: the chosen node, how many nodes were visited (`evaluated`, for
 * start-index rotation) and how many fit. Failure: the FailedScheduling/condition message, reason → node
 * count (absent nodes included), and `unresolvable` when every node's rejection was UnschedulableAndUnresolvable.
 */
export type ScheduleResult =
  | { node: string; evaluated: number; feasible: number }
  | { unschedulable: true; message: string; reasons: Record<string, number>; unresolvable: boolean };

/** Options: injected randomness for tie-breaks, percentageOfNodesToScore (0 = adaptive), rotation start. */
export interface ScheduleOptions {
  random?: () => number;
  percentageOfNodesToScore?: number;
  /**
   * Index (into snap.nodes) where filtering starts. The caller rotates it between cycles:
   * `next = (startIndex + result.evaluated) % snap.nodes.length` (upstream nextStartNodeIndex).
   */
  startIndex?: number;
}

const MIN_FEASIBLE_NODES = 100;
const MIN_FEASIBLE_PERCENTAGE = 5;

/**
 * How many feasible nodes to find before scoring (upstream schedule_one.go numFeasibleNodesToFind): all of them
 * below 100 nodes or at ≥ 100 %; otherwise `percentage` (adaptive `max(5, 50 − nodes/125)` when 0) of the
 * nodes, at least 100.
 */
export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES || percentage >= 100) return numAllNodes;
  let pct = percentage;
  if (pct <= 0) pct = Math.max(MIN_FEASIBLE_PERCENTAGE, 50 - Math.trunc(numAllNodes / 125));
  return Math.max(MIN_FEASIBLE_NODES, Math.trunc((numAllNodes * pct) / 100));
}

function runFilters(filters: readonly NodeFilter[], info: NodeInfo): Status | null {
  for (const f of filters) {
    const s = f(info);
    if (s) return s;
  }
  return null;
}

function failure(pod: Pod, numAllNodes: number, statuses: Status[], preFilterMsg?: string): ScheduleResult {
  const message = fitErrorMessage({
    numAllNodes, statuses, ...(preFilterMsg ? { preFilterMsg } : {}), preemptionNever: pod.spec?.preemptionPolicy === 'Never',
  });
  const reasons = preFilterMsg ? { [preFilterMsg]: numAllNodes } : reasonHistogram(statuses);
  return { unschedulable: true, message, reasons, unresolvable: statuses.every((s) => s.code === 'UnschedulableAndUnresolvable') };
}

/** Weighted sum of the normalised plugin scores for each feasible node. */
export function totalScores(ctx: CycleContext, feasible: readonly NodeInfo[]): number[] {
  const total = feasible.map(() => 0);
  for (const p of SCORE_PLUGINS) {
    const s = p.score(ctx, feasible);
    if (!s) continue;
    for (let i = 0; i < total.length; i++) total[i]! += (s[i] ?? 0) * p.weight;
  }
  return total;
}

/** Upstream selectHost: the highest total, ties broken uniformly at random (reservoir sampling). */
function selectHost(feasible: readonly NodeInfo[], scores: readonly number[], random: () => number): NodeInfo {
  let best = 0;
  let ties = 1;
  for (let i = 1; i < feasible.length; i++) {
    const s = scores[i]!;
    if (s > scores[best]!) {
      best = i;
      ties = 1;
    } else if (s === scores[best]!) {
      ties++;
      if (Math.floor(random() * ties) === 0) best = i;
    }
  }
  return feasible[best]!;
}

/**
 * Runs one scheduling cycle for the pod against the snapshot; pure (the snapshot is not modified).
 *
 * Assumptions / Invariants (upstream schedule_one.go schedulePod / findNodesThatFitPod):
 * - PreFilter: NodeAffinity's matchFields `metadata.name In` narrows the candidates; excluded nodes report
 *   REASON_ABSENT_NODE; names that intersect to nothing reject the pod everywhere (REASON_CONFLICT).
 * - Filter visits candidates from `startIndex`, round robin, and stops once numFeasibleNodesToFind nodes fit;
 *   `evaluated` is the number of nodes visited.
 * - A single feasible node is chosen without scoring. Gated pods and nodeName-bound pods are the caller's.
 */
export function schedulePod(pod: Pod, snap: Snapshot, opts: ScheduleOptions = {}): ScheduleResult {
  const all = snap.nodes;
  if (all.length === 0) return { unschedulable: true, message: NO_NODES_MESSAGE, reasons: {}, unresolvable: true };
  const ctx = newCycle(pod, snap);
  const names = requiredNodeNames(ctx.nodeAffinity);
  if (names && names.size === 0) {
    const statuses = all.map((): Status => ({ code: 'UnschedulableAndUnresolvable', reasons: [REASON_CONFLICT] }));
    return failure(pod, all.length, statuses, REASON_CONFLICT);
  }
  const candidates = names ? all.filter((i) => names.has(i.node.metadata?.name ?? '')) : all;
  const statuses: Status[] = [];
  for (let i = candidates.length; i < all.length; i++) statuses.push({ code: 'UnschedulableAndUnresolvable', reasons: [REASON_ABSENT_NODE] });
  const filters = FILTER_PLUGINS.map((p) => p.prepare(ctx)).filter((f): f is NodeFilter => f !== null);
  const toFind = numFeasibleNodesToFind(candidates.length, opts.percentageOfNodesToScore);
  const n = candidates.length;
  const start = n > 0 ? (((opts.startIndex ?? 0) % n) + n) % n : 0;
  const feasible: NodeInfo[] = [];
  let evaluated = 0;
  for (let i = 0; i < n && feasible.length < toFind; i++) {
    const info = candidates[(start + i) % n]!;
    evaluated++;
    const s = runFilters(filters, info);
    if (s) statuses.push(s);
    else feasible.push(info);
  }
  if (feasible.length === 0) return failure(pod, all.length, statuses);
  const name = (info: NodeInfo): string => info.node.metadata?.name ?? '';
  if (feasible.length === 1) return { node: name(feasible[0]!), evaluated, feasible: 1 };
  const chosen = selectHost(feasible, totalScores(ctx, feasible), opts.random ?? Math.random);
  return { node: name(chosen), evaluated, feasible: feasible.length };
}
