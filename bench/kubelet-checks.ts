// The kubelet phase's figures and the pure checks behind them: node and pod readiness, lease staleness, renewal gaps.

/** CPU (cores: 1.0 = one CPU busy) of the processes during a stretch of the kubelet phase, and the writes seen. */
export interface WindowUse {
  seconds: number;
  simCores?: number;
  apiCores?: number;
  /** The bench process itself (its watches, lists and requests). */
  benchCores?: number;
  /** Busy CPU of every other process on the machine. */
  otherCores?: number;
  writes: WriteCounts;
}

/** Objects written during a stretch, as the bench's watches saw them (one watch event per write that changed something). */
export interface WriteCounts {
  nodes: number;
  leases: number;
  pods: number;
  events: number;
}

/** The steady heartbeating stretch. */
export interface SteadyFigures {
  seconds: number;
  /** Samples taken (CPU, RSS, a list of the leases, the nodes' Ready condition). */
  samples: number;
  use: WindowUse;
  simRssMaxBytes?: number;
  apiRssMaxBytes?: number;
  /**
   * The largest time since a node's last sign of life (the later of its Lease's renewTime and its Ready
   * lastHeartbeatTime, as upstream's node lifecycle controller judges it), over every list taken.
   */
  maxStalenessMs: number;
  /** The largest now − spec.renewTime over the Leases present, over every list taken. */
  maxLeaseAgeMs: number;
  /** The longest time between two renewals of one Lease seen on the watch (and from the last one to the end). */
  maxGapMs: number;
  /** Nodes found with no sign of life for `leaseDurationSeconds` or more in a list (summed over the lists). */
  staleLeases: number;
  /** Simulated nodes with no Lease in the first list and in the last one (not a fault while their status is fresh). */
  missingLeasesFirst: number;
  missingLeasesLast: number;
  /** The most nodes whose Ready condition was not True at one sample, and Ready → not Ready changes seen on the watch. */
  notReadyMax: number;
  notReadyChanges: number;
  /** Lease writes seen on the watch per second. */
  renewalsPerSecond: number;
}

/** One kubelet-sim run: registration, steady heartbeating, then pods. */
export interface KubeletRun {
  nodes: number;
  pods: number;
  /** Whether the simulator wrote its kubelet events (its default). */
  events: boolean;
  /** Spawn → the simulator's ready line (ms). */
  readyLineMs?: number;
  /** Spawn → every node seen Ready=True on the bench's watch (ms); undefined when not all were within the wait. */
  nodesReadyMs?: number;
  nodesReadySeen: number;
  registration?: WindowUse;
  steady?: SteadyFigures;
  /** First create sent → last create answered (ms). */
  podCreatesMs?: number;
  podCreateErrors: number;
  firstError?: string;
  /** First create sent → every pod seen Running with Ready=True (ms). */
  podsRunningMs?: number;
  podsRunningSeen: number;
  podStart?: WindowUse;
  /** The simulator's log lines on stderr, counted by message (the most frequent first, at most 8). */
  simLog?: Array<{ msg: string; count: number }>;
}

/** The same writes made by the bench alone, on a fresh apiserver with no simulator. */
export interface KubeletBaseline {
  /** N Node POSTs (with status), then N Lease POSTs (ms), their sum, and the apiserver's CPU then. */
  registerNodesMs: number;
  registerLeasesMs: number;
  registerMs: number;
  registerApiCores?: number;
  /** P pod POSTs, then P pod status PATCHes (ms). */
  podCreatesMs: number;
  podPatchesMs: number;
  podsApiCores?: number;
  errors: number;
  firstError?: string;
}

/** The kubelet phase. */
export interface KubeletBench {
  run: KubeletRun;
  baseline?: KubeletBaseline;
  /** Requests in flight from the bench's own writers (pods, baselines). */
  concurrency: number;
  leaseDurationSeconds: number;
}

/** A minimal view of the objects checked here. */
interface WithConditions {
  status?: { phase?: string; conditions?: ReadonlyArray<{ type?: string; status?: string }> };
}

/** The status of condition `type` ('True', 'False', 'Unknown'), or undefined when the object has none. */
export function conditionStatus(obj: WithConditions, type: string): string | undefined {
  return obj.status?.conditions?.find((c) => c.type === type)?.status;
}

/** Whether a Node's Ready condition is True. */
export function nodeReady(node: WithConditions): boolean {
  return conditionStatus(node, 'Ready') === 'True';
}

/** Whether a Pod is in phase Running with its Ready condition True. */
export function podRunning(pod: WithConditions): boolean {
  return pod.status?.phase === 'Running' && conditionStatus(pod, 'Ready') === 'True';
}

/** A Lease's spec.renewTime (a MicroTime) in ms since the epoch, or undefined when it has none. */
export function renewTimeMs(lease: { spec?: { renewTime?: string } }): number | undefined {
  const t = lease.spec?.renewTime;
  if (!t) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A Node's Ready condition's lastHeartbeatTime in ms since the epoch, or undefined. */
export function readyHeartbeatMs(node: { status?: { conditions?: ReadonlyArray<{ type?: string; lastHeartbeatTime?: string | Date }> } }): number | undefined {
  const t = node.status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime;
  if (t === undefined) return undefined;
  const ms = Date.parse(String(t));
  return Number.isNaN(ms) ? undefined : ms;
}

/** What one list of Leases says about the nodes they belong to. */
export interface Staleness {
  /**
   * The largest time (ms) since a node last gave a sign of life: now − the later of its Lease's renewTime and its
   * Ready condition's lastHeartbeatTime, as upstream's node lifecycle controller judges a node (0 with no nodes).
   */
  maxMs: number;
  /** The largest now − renewTime over the Leases present (0 when there are none). */
  leaseMaxMs: number;
  /** Nodes whose last sign of life is at least `durationMs` old (or that never gave one). */
  stale: number;
  /** Nodes without a Lease (or with one lacking renewTime). */
  missing: number;
}

/**
 * The staleness at `now` of the nodes of `nodes` (name → their Ready lastHeartbeatTime in ms, if known), from a
 * list of Leases (Leases of other names are ignored).
 */
export function leaseStaleness(leases: ReadonlyArray<{ metadata?: { name?: string }; spec?: { renewTime?: string } }>, nodes: ReadonlyMap<string, number | undefined>, now: number, durationMs: number): Staleness {
  const renewed = new Map<string, number>();
  let leaseMaxMs = 0;
  for (const l of leases) {
    const name = l.metadata?.name;
    if (name === undefined || !nodes.has(name)) continue;
    const t = renewTimeMs(l);
    if (t === undefined) continue;
    renewed.set(name, t);
    leaseMaxMs = Math.max(leaseMaxMs, now - t);
  }
  let maxMs = 0;
  let stale = 0;
  for (const [name, heartbeat] of nodes) {
    const last = Math.max(renewed.get(name) ?? -Infinity, heartbeat ?? -Infinity);
    const age = now - last;
    if (age >= durationMs) stale++;
    if (Number.isFinite(age)) maxMs = Math.max(maxMs, age);
  }
  return { maxMs, leaseMaxMs, stale, missing: nodes.size - renewed.size };
}

/**
 * The renewals of every Lease as a watch shows them: the longest time between two renewals of one Lease while
 * measuring, counted from the moment measuring began for a Lease last renewed before it, and the renewals counted.
 */
export class RenewalGaps {
  private readonly last = new Map<string, number>();
  private measuringSince: number | undefined;
  maxGapMs = 0;
  renewals = 0;

  /** A Lease written with this renewTime (ms). */
  observe(name: string, renewMs: number): void {
    const prev = this.last.get(name);
    if (prev !== undefined && renewMs <= prev) return; // the same renewal again (a re-list), or an older one
    this.last.set(name, renewMs);
    if (this.measuringSince === undefined) return;
    this.renewals++;
    const from = prev === undefined ? this.measuringSince : Math.max(prev, this.measuringSince);
    this.maxGapMs = Math.max(this.maxGapMs, renewMs - from);
  }

  /** Starts measuring at `now` (ms, the clock of renewTime): gaps and renewals before it are not counted. */
  start(now: number): void {
    this.measuringSince = now;
    this.maxGapMs = 0;
    this.renewals = 0;
  }

  /** The longest gap so far, counting each of `names` as not renewed since its last renewal until `now`. */
  maxGapUntil(now: number, names: Iterable<string>): number {
    let max = this.maxGapMs;
    const since = this.measuringSince ?? now;
    for (const n of names) max = Math.max(max, now - Math.max(this.last.get(n) ?? since, since));
    return max;
  }
}

/** The server-set metadata an object read back carries, removed to POST it again as a template. */
const SERVER_FIELDS = ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'selfLink'] as const;

/**
 * A JSON template of `obj` to POST again under other names: server-set metadata removed, and the text split wherever
 * `name` stands as a whole word (in the name itself, labels, providerID, addresses…), so `parts.join(other)` renames it.
 */
export function nameTemplate(obj: object, name: string): string[] {
  const copy = structuredClone(obj) as { metadata?: Record<string, unknown> };
  for (const f of SERVER_FIELDS) delete copy.metadata?.[f];
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return JSON.stringify(copy).split(new RegExp(`(?<![\\w.-])${escaped}(?![\\w.-])`));
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** e.g. `12.3 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** `a ÷ b` as a ratio like `3.2×`, or `n/a`. */
export function times(a: number | undefined, b: number | undefined): string {
  return a !== undefined && b !== undefined && b > 0 ? `${(a / b).toFixed(a / b < 10 ? 2 : 1)}×` : 'n/a';
}

/** The writes of a stretch, and their rate. */
export function writesLine(w: WriteCounts, secs: number): string {
  const total = w.nodes + w.leases + w.pods + w.events;
  const rate = secs > 0 ? `, ${int(total / secs)}/s` : '';
  return `writes seen ${int(total)}${rate} (nodes ${int(w.nodes)}, leases ${int(w.leases)}, pods ${int(w.pods)}, events ${int(w.events)})`;
}

/** The CPU of a stretch, e.g. `kubelet-sim 0.95, apiserver 0.88, bench 0.10, other 0.02 cores`. */
export function cpuLine(u: WindowUse): string {
  const f = (n: number | undefined): string => (n === undefined ? 'n/a' : n.toFixed(2));
  return `kubelet-sim ${f(u.simCores)}, apiserver ${f(u.apiCores)}, bench ${f(u.benchCores)}, other ${f(u.otherCores)} cores`;
}
