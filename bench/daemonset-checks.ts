// The DaemonSet phase's figures, its "rolled out" test (kubectl rollout status), its targets and report lines.

import { seconds } from './kubelet-checks.js';

/** A DaemonSet as the bench's watch sees it. */
export interface WatchedDaemonSet {
  metadata?: { generation?: number };
  status?: { observedGeneration?: number; desiredNumberScheduled?: number; updatedNumberScheduled?: number; numberAvailable?: number };
}

/**
 * kubectl rollout status's test for a DaemonSet (polymorphichelpers DaemonSetStatusViewer): the status has observed the
 * generation, and as many pods are updated and available as desired. `desired` must also be what the bench expects,
 * so that a status written before the controller saw every node does not count.
 */
export function rolledOut(ds: WatchedDaemonSet, desired: number): boolean {
  const s = ds.status ?? {};
  const d = s.desiredNumberScheduled ?? 0;
  return (ds.metadata?.generation ?? 0) <= (s.observedGeneration ?? 0) && d === desired && (s.updatedNumberScheduled ?? 0) >= d && (s.numberAvailable ?? 0) >= d;
}

/** CPU (cores) of each process during a measured window. */
export interface ProcessCores {
  apiserver?: number;
  kubeletSim?: number;
  scheduler?: number;
  daemonset?: number;
  controllerManager?: number;
}

/** One measured step: how long, and who used the CPU meanwhile. */
export interface DsStep {
  ms?: number;
  cores: ProcessCores;
  /** For a rollout: DaemonSet pods created, and deleted, by the controller during the step (seen on the watch). */
  podsCreated?: number;
  podsDeleted?: number;
  /** For the create: when the controller's Nth pod was seen, and when N were Running and Ready (ms from the start). */
  allCreatedMs?: number;
  allRunningMs?: number;
}

/** Everything the phase measured. */
export interface DaemonSetBench {
  nodes: number;
  /** Whether the simulator wrote its kubelet events (it does unless --daemonset-no-events). */
  events: boolean;
  maxUnavailable: string;
  nodesReadyMs?: number;
  /** The bench's own N pre-bound pods: POSTs until all are seen Running and Ready. */
  baseline: DsStep & { createMs?: number; errors: number };
  /** DaemonSet POST until its status says rolled out. */
  create: DsStep;
  /** Image update until its status says rolled out again. */
  update: DsStep;
  /** Log lines of the controller by message (warnings and errors only at the default level). */
  controllerLog?: Array<[string, number]>;
  error?: string;
}

/** The phase's targets (issue 7: on this 2-core machine). */
export const DS_TARGETS = { createSeconds: 15, updateSeconds: 30 } as const;

function coresLine(c: ProcessCores): string {
  const f = (n: number | undefined): string => (n === undefined ? '?' : n.toFixed(2));
  return `      CPU (cores): apiserver ${f(c.apiserver)}, kubelet-sim ${f(c.kubeletSim)}, scheduler ${f(c.scheduler)}, daemonset-controller ${f(c.daemonset)}, controller-manager ${f(c.controllerManager)}`;
}

const ratio = (a: number | undefined, b: number | undefined): string => (a !== undefined && b !== undefined && b > 0 ? ` (${(a / b).toFixed(2)}× the baseline)` : '');

/** The report lines of the phase. */
export function daemonSetLines(d: DaemonSetBench): string[] {
  const n = d.nodes.toLocaleString('en-US');
  const b = d.baseline;
  const lines = [
    `DaemonSet controller: ${n} simulated nodes in one kubelet-sim${d.events ? '' : ' (--no-events)'}, apiserver (LevelDB, fsync on), scheduler, controller-manager, daemonset-controller:`,
    `  nodes Ready and untainted: ${d.nodesReadyMs === undefined ? 'n/a' : seconds(d.nodesReadyMs)}`,
    `  baseline: the bench POSTs ${n} pre-bound pods: all Running and Ready in ${b.ms === undefined ? 'n/a' : seconds(b.ms)} (POSTs ${b.createMs === undefined ? 'n/a' : seconds(b.createMs)}${b.errors ? `, ${b.errors} errors` : ''})`,
    coresLine(b.cores),
    `  DaemonSet create → rolled out (${n} pods Running, Ready, status observed): ${d.create.ms === undefined ? 'NOT DONE' : seconds(d.create.ms)}${ratio(d.create.ms, b.ms)}   [target <= ${DS_TARGETS.createSeconds} s]`,
    ...(d.create.allCreatedMs !== undefined && d.create.allRunningMs !== undefined ? [`      (all ${n} pods created after ${seconds(d.create.allCreatedMs)}, all Running and Ready after ${seconds(d.create.allRunningMs)})`] : []),
    coresLine(d.create.cores),
    `  image update, maxUnavailable ${d.maxUnavailable} → rolled out: ${d.update.ms === undefined ? 'NOT DONE' : seconds(d.update.ms)}${ratio(d.update.ms, b.ms)}   [target <= ${DS_TARGETS.updateSeconds} s]${d.update.podsDeleted !== undefined ? `   (${d.update.podsDeleted} pods replaced)` : ''}`,
    coresLine(d.update.cores),
  ];
  if (d.controllerLog?.length) lines.push(`  daemonset-controller log: ${d.controllerLog.map(([m, c]) => `${c}× ${m}`).join('; ')}`);
  if (d.error) lines.push(`  ERROR: ${d.error}`);
  return lines;
}

/** The phase's two targets: met, missed, or not measured. */
export function daemonSetTargets(d: DaemonSetBench | undefined): Array<{ name: string; want: string; got: string; met: boolean | null }> {
  if (!d) return [];
  const one = (name: string, ms: number | undefined, target: number) => ({ name, want: `<= ${target} s`, got: ms === undefined ? 'not done' : seconds(ms), met: ms !== undefined && ms <= target * 1000 });
  return [one('DS rolled out', d.create.ms, DS_TARGETS.createSeconds), one('DS update done', d.update.ms, DS_TARGETS.updateSeconds)];
}
