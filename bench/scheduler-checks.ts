// The scheduler phase's figures and the pure helpers behind them: the pending pods, their anti-affinity groups, the
// placement check, and the report lines.

import type { WindowUse } from './kubelet-checks.js';
import { seconds, times } from './kubelet-checks.js';

/** Pods per anti-affinity group: every group needs at least this many nodes (one pod of a group per node). */
export const ANTI_AFFINITY_GROUP_SIZE = 10;
export const HOSTNAME_KEY = 'kubernetes.io/hostname';
const POD_IMAGE = 'registry.k8s.io/pause:3.10';

/** The `i`-th pending pod's name. */
export const schedPodName = (i: number): string => `sp-${String(i).padStart(6, '0')}`;

/** The anti-affinity group (label `app`) of the `i`-th pod: `g-<i ÷ groupSize>`. */
export function groupOf(i: number, groupSize = ANTI_AFFINITY_GROUP_SIZE): string {
  return `g-${Math.floor(i / groupSize)}`;
}

/**
 * The `i`-th pending pod: no nodeName, one pause container with tiny requests; with `antiAffinity`, a required pod
 * anti-affinity term against the pods of its own group on the same hostname.
 */
export function pendingPod(i: number, namespace: string, antiAffinity: boolean, groupSize = ANTI_AFFINITY_GROUP_SIZE): Record<string, unknown> {
  const app = antiAffinity ? groupOf(i, groupSize) : 'sched-bench';
  const spec: Record<string, unknown> = {
    containers: [{ name: 'pause', image: POD_IMAGE, resources: { requests: { cpu: '10m', memory: '10Mi' } } }],
  };
  if (antiAffinity) {
    spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app } }, topologyKey: HOSTNAME_KEY }] } };
  }
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: schedPodName(i), namespace, labels: { app } }, spec };
}

/** The Binding the baseline POSTs to `pods/<name>/binding`. */
export function bindingBody(name: string, namespace: string, node: string): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace }, target: { apiVersion: 'v1', kind: 'Node', name: node } };
}

/** What a list of the pods says about where they landed. */
export interface Placement {
  pods: number;
  unbound: number;
  /** Nodes holding pods, and the most pods on one node. */
  nodesUsed: number;
  maxPerNode: number;
  /** Nodes holding more pods than their allocatable `pods`, and pods on nodes not in the capacity map. */
  overCapacity: number;
  unknownNode: number;
  /** (node, group) pairs with two or more pods of the group (only counted when `checkGroups`). */
  groupConflicts: number;
}

/** Where the pods (`name`, `app` label, nodeName) landed, against each node's pod capacity. */
export function checkPlacement(
  pods: ReadonlyArray<{ metadata?: { labels?: Record<string, string> }; spec?: { nodeName?: string } }>,
  capacity: ReadonlyMap<string, number>,
  checkGroups: boolean,
): Placement {
  const perNode = new Map<string, number>();
  const pairs = new Set<string>();
  let unbound = 0;
  let unknownNode = 0;
  let groupConflicts = 0;
  for (const p of pods) {
    const node = p.spec?.nodeName;
    if (!node) {
      unbound++;
      continue;
    }
    if (!capacity.has(node)) unknownNode++;
    perNode.set(node, (perNode.get(node) ?? 0) + 1);
    if (checkGroups) {
      const pair = `${node}\u0000${p.metadata?.labels?.app ?? ''}`;
      if (pairs.has(pair)) groupConflicts++;
      else pairs.add(pair);
    }
  }
  let overCapacity = 0;
  let maxPerNode = 0;
  for (const [node, n] of perNode) {
    maxPerNode = Math.max(maxPerNode, n);
    const cap = capacity.get(node);
    if (cap !== undefined && n > cap) overCapacity++;
  }
  return { pods: pods.length, unbound, nodesUsed: perNode.size, maxPerNode, overCapacity, unknownNode, groupConflicts };
}

/** Whether a placement is correct: every pod bound, no node over capacity, no group twice on a node. */
export function placementOk(p: Placement): boolean {
  return p.unbound === 0 && p.overCapacity === 0 && p.unknownNode === 0 && p.groupConflicts === 0;
}

/** Pods per second over `ms`, or undefined. */
export function perSecond(n: number, ms: number | undefined): number | undefined {
  return ms !== undefined && ms > 0 ? (n * 1000) / ms : undefined;
}

/** One scheduler run: P pending pods, then the scheduler started. */
export interface SchedulerRun {
  antiAffinity: boolean;
  nodes: number;
  pods: number;
  /** Simulator spawn → all nodes Ready and their not-ready taint gone (ms). */
  nodesReadyMs?: number;
  /** The P creates (ms) and their errors. */
  podCreatesMs: number;
  podCreateErrors: number;
  firstError?: string;
  /** Scheduler spawn → its ready line (informers in sync) (ms). */
  readyLineMs?: number;
  /** Scheduler spawn → first / last pod seen bound on the bench's watch (ms). */
  firstBoundMs?: number;
  lastBoundMs?: number;
  boundSeen: number;
  /** Scheduler CPU (ticks of /proc/PID/stat, in ms) from spawn to ready, and from ready to the last pod bound. */
  schedCpuStartMs?: number;
  schedCpuBindMs?: number;
  /** CPU of every process from the scheduler's ready line to the last pod bound. */
  window?: WindowUse & { schedCores?: number };
  schedRssMaxBytes?: number;
  placement?: Placement;
  /** The scheduler's log lines on stderr, counted by message (the most frequent first). */
  schedLog?: Array<{ msg: string; count: number }>;
}

/** The baseline: the bench binds the P pending pods itself. */
export interface BindBaseline {
  nodes: number;
  pods: number;
  /** First binding sent → last answered (ms), and → last pod seen bound on the watch. */
  bindMs: number;
  boundSeenMs?: number;
  errors: number;
  firstError?: string;
  apiCores?: number;
  simCores?: number;
}

/** The scheduler phase. */
export interface SchedulerBench {
  plain?: SchedulerRun;
  antiAffinity?: SchedulerRun;
  baseline?: BindBaseline;
  concurrency: number;
  groupSize: number;
}

/** Pods bound per second by the scheduler: P ÷ (ready line → last pod bound). */
export function schedRate(r: SchedulerRun | undefined): number | undefined {
  if (!r || r.lastBoundMs === undefined || r.readyLineMs === undefined || r.boundSeen < r.pods) return undefined;
  return perSecond(r.pods, r.lastBoundMs - r.readyLineMs);
}

/** Pods bound per second by the bench's own bindings. */
export function baselineRate(b: BindBaseline | undefined): number | undefined {
  return b && b.errors === 0 ? perSecond(b.pods, b.bindMs) : undefined;
}

/** The scheduler's CPU per pod (µs) from its ready line to the last pod bound. */
export function schedCpuPerPodUs(r: SchedulerRun | undefined): number | undefined {
  return r?.schedCpuBindMs !== undefined && r.pods > 0 ? (r.schedCpuBindMs * 1000) / r.pods : undefined;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const mib = (n: number): string => `${(n / 1048576).toFixed(1)} MiB`;
const f2 = (n: number | undefined): string => (n === undefined ? 'n/a' : n.toFixed(2));

function runLines(label: string, r: SchedulerRun, base: number | undefined, target: number): string[] {
  const rate = schedRate(r);
  const p = int(r.pods);
  const got = rate === undefined ? `NOT ALL BOUND: ${int(r.boundSeen)} of ${p} within the wait` : `${int(rate)} pods/s`;
  const span = r.lastBoundMs !== undefined && r.readyLineMs !== undefined ? ` (${seconds(r.lastBoundMs - r.readyLineMs)} from its ready line; spawn → last bound ${seconds(r.lastBoundMs)}, ready line at ${seconds(r.readyLineMs)}, first bound at ${r.firstBoundMs === undefined ? 'n/a' : seconds(r.firstBoundMs)})` : '';
  const ratio = rate !== undefined && base !== undefined ? `   ÷ raw binding ${(rate / base * 100).toFixed(1)}%` : '';
  const lines = [`  ${label}: ${got}${span}   [target >= ${target}/s]${ratio}`];
  const perPod = schedCpuPerPodUs(r);
  const w = r.window;
  const cpu = `scheduler CPU ${perPod === undefined ? 'n/a' : `${int(perPod)} µs/pod`} (${r.schedCpuBindMs === undefined ? 'n/a' : seconds(r.schedCpuBindMs)} while binding, ${r.schedCpuStartMs === undefined ? 'n/a' : seconds(r.schedCpuStartMs)} to start and sync)`;
  const cores = w ? `; cores while binding: scheduler ${f2(w.schedCores)}, kubelet-sim ${f2(w.simCores)}, apiserver ${f2(w.apiCores)}, bench ${f2(w.benchCores)}, other ${f2(w.otherCores)}` : '';
  const rss = r.schedRssMaxBytes === undefined ? '' : `; scheduler max RSS ${mib(r.schedRssMaxBytes)}`;
  lines.push(`      ${cpu}${cores}${rss}`);
  const pl = r.placement;
  if (pl) {
    const bad = placementOk(pl) ? 'OK' : 'WRONG';
    const groups = r.antiAffinity ? `, ${int(pl.groupConflicts)} (node, group) pairs with two pods` : '';
    lines.push(`      placement ${bad}: ${int(pl.pods - pl.unbound)} of ${int(pl.pods)} bound over ${int(pl.nodesUsed)} nodes, at most ${int(pl.maxPerNode)} on one, ${int(pl.overCapacity)} nodes over capacity${groups}${pl.unknownNode ? `, ${int(pl.unknownNode)} on unknown nodes` : ''}`);
  }
  const errs = r.podCreateErrors > 0 ? ` ${r.podCreateErrors} CREATE ERRORS (first: ${r.firstError ?? '?'})` : '';
  lines.push(`      setup: nodes Ready and untainted ${r.nodesReadyMs === undefined ? 'n/a' : seconds(r.nodesReadyMs)}, ${p} pending pods created in ${seconds(r.podCreatesMs)}${errs}`);
  if (r.schedLog?.length) lines.push(`      scheduler log lines: ${r.schedLog.map((l) => `"${l.msg}" ×${int(l.count)}`).join(', ')}`);
  return lines;
}

/** The scheduler phase's report lines. */
export function schedulerLines(s: SchedulerBench, targets: { plain: number; antiAffinity: number }): string[] {
  const b = s.baseline;
  const base = baselineRate(b);
  const first = s.plain ?? s.antiAffinity;
  const n = first ? int(first.nodes) : '?';
  const p = first ? int(first.pods) : '?';
  const lines = [`scheduler: ${p} pending pods over ${n} simulated nodes (one kubelet-sim, events on), a fresh apiserver (LevelDB, fsync on) per run; the scheduler started once all pods are pending; rate = pods ÷ (its ready line → last pod seen bound); baseline = the bench binding the same pods itself (${s.concurrency} in flight):`];
  if (s.plain) lines.push(...runLines('no affinity', s.plain, base, targets.plain));
  if (s.antiAffinity) lines.push(...runLines(`anti-affinity (required, hostname, ${s.groupSize} pods per group)`, s.antiAffinity, base, targets.antiAffinity));
  if (b) {
    const errs = b.errors > 0 ? `   ERRORS ${b.errors} (first: ${b.firstError ?? '?'})` : '';
    lines.push(`  baseline raw binding: ${base === undefined ? 'n/a' : `${int(base)} pods/s`} (${int(b.pods)} POST pods/binding in ${seconds(b.bindMs)}, all seen bound at ${b.boundSeenMs === undefined ? 'n/a' : seconds(b.boundSeenMs)}; apiserver ${f2(b.apiCores)}, kubelet-sim ${f2(b.simCores)} cores)${errs}   scheduler ÷ baseline time: ${times(s.plain?.lastBoundMs !== undefined && s.plain.readyLineMs !== undefined ? s.plain.lastBoundMs - s.plain.readyLineMs : undefined, b.bindMs)}`);
  }
  return lines;
}
