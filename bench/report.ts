// The benchmark's figures, its targets, and their readable report.

import type { CpuUse } from './cpu.js';
import type { LoadResult } from './load.js';
import type { WatchFanoutResult } from './watch-fanout.js';
import { cpuLine as kubeletCpuLine, seconds, times, writesLine, type KubeletBench } from './kubelet-checks.js';
import { placementOk, schedCpuPerPodUs, schedRate, schedulerLines, type SchedulerBench } from './scheduler-checks.js';
import { statefulSetLines, statefulSetTargets, type StatefulSetBench } from './statefulset-checks.js';
import { daemonSetLines, daemonSetTargets, type DaemonSetBench } from './daemonset-checks.js';
import { startupLines, startupTargets, type StartupBench } from './startup-checks.js';

/** A measured load phase, with the CPU it used when /proc could be read. */
export interface Measured extends LoadResult {
  cpu?: CpuUse;
  /** 1 + the measured slices run again because other processes disturbed them (the quieter take is kept). */
  attempts?: number;
}

/** The list phase's figures. */
export interface ListResult {
  /** Pods the unpaginated list returned. */
  pods: number;
  /** Creates/s while filling the namespace (count mode, not a target). */
  fillRps: number;
  fillErrors: number;
  /** The first unpaginated list, and the median of three. */
  firstMs: number;
  medianMs: number;
  bytes: number;
  paginatedMs: number;
  pages: number;
}

/** One fan-out run, with the server's resident memory (bytes) before the watchers, with them open, and after. */
export interface WatchRun extends WatchFanoutResult {
  rss?: { before: number; open: number; done: number };
  /** The server's JavaScript heap in use (bytes) at the same moments, when it reports it (kubeling's /metrics). */
  heap?: { before: number; open: number; done: number };
  /** CPU while the creates ran and the events were delivered; serverUsPerRequest is per delivery. */
  cpu?: CpuUse;
}

/** The watch fan-out phase: kubeling and the bare broadcasting server under the same watchers and create rate. */
export interface WatchBench {
  kubeling: WatchRun;
  bare: WatchRun;
  rate: number;
  seconds: number;
  /** Seconds of the same load before the measured run (its deliveries all awaited). */
  warmup: number;
}

/** Everything one bench run measured. */
export interface Results {
  podBytes: number;
  connections: number;
  seconds: number;
  warmup: number;
  cpus: number;
  totalSeconds?: number;
  /** The machine's 1-minute load average when the bench started (other work skews every figure). */
  loadAvgBefore?: number;
  echo?: Measured;
  creates?: Measured;
  gets?: Measured;
  list?: ListResult;
  noFsync?: Measured;
  watch?: WatchBench;
  kubelet?: KubeletBench;
  scheduler?: SchedulerBench;
  statefulset?: StatefulSetBench;
  daemonset?: DaemonSetBench;
  startup?: StartupBench;
}

/** One target and whether this run met it (`met` is null when the figures it needs were not measured). */
export interface Target {
  name: string;
  want: string;
  got: string;
  met: boolean | null;
}

/** The issue's targets: ≥ 5,000 creates/s, ≥ 40% of the bare echo, p99 ≤ 25 ms. */
export const TARGETS = { createsPerSecond: 5000, echoRatio: 0.4, p99Ms: 25, watchP99Ms: 100, watchRatio: 0.5, nodesReadySeconds: 20, podsRunningSeconds: 20, schedPodsPerSecond: 500, schedAntiAffinityPodsPerSecond: 150 } as const;

/** kubeling deliveries/s ÷ the bare server's, when the watch phase ran. */
export function watchRatio(r: Results): number | undefined {
  const w = r.watch;
  return w && w.bare.deliveriesPerSecond > 0 ? w.kubeling.deliveriesPerSecond / w.bare.deliveriesPerSecond : undefined;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => `${n.toFixed(n < 10 ? 2 : 1)} ms`;

/** kubeling creates/s ÷ bare echo req/s, when both were measured. */
export function echoRatio(r: Results): number | undefined {
  return r.creates && r.echo && r.echo.rps > 0 ? r.creates.rps / r.echo.rps : undefined;
}

/** Echo server CPU per request ÷ kubeling server CPU per create: the ratio with other processes' noise mostly removed. */
export function cpuRatio(r: Results): number | undefined {
  const k = r.creates?.cpu?.serverUsPerRequest;
  const e = r.echo?.cpu?.serverUsPerRequest;
  return k && e ? e / k : undefined;
}

/** The targets with this run's figures. */
export function targetsOf(r: Results): Target[] {
  const ratio = echoRatio(r);
  return [
    { name: 'creates/s', want: `>= ${int(TARGETS.createsPerSecond)}`, got: r.creates ? int(r.creates.rps) : 'n/a', met: r.creates ? r.creates.rps >= TARGETS.createsPerSecond : null },
    { name: 'creates ÷ echo', want: `>= ${TARGETS.echoRatio * 100}%`, got: ratio === undefined ? 'n/a' : `${(ratio * 100).toFixed(1)}%`, met: ratio === undefined ? null : ratio >= TARGETS.echoRatio },
    { name: 'create p99', want: `<= ${TARGETS.p99Ms} ms`, got: r.creates ? ms(r.creates.latency.p99) : 'n/a', met: r.creates ? r.creates.latency.p99 <= TARGETS.p99Ms : null },
    ...watchTargets(r),
    ...kubeletTargets(r),
    ...schedulerTargets(r),
    ...statefulSetTargets(r.statefulset),
    ...daemonSetTargets(r.daemonset),
    ...startupTargets(r.startup),
  ];
}

/** kubelet-sim: all nodes Ready and all pods Running within their targets, and no Lease stale or node not Ready between. */
function kubeletTargets(r: Results): Target[] {
  const k = r.kubelet;
  if (!k) return [];
  const run = k.run;
  const st = run.steady;
  const beatOk = !!st && st.maxStalenessMs < k.leaseDurationSeconds * 1000 && st.maxGapMs < k.leaseDurationSeconds * 1000 && st.staleLeases === 0 && st.notReadyMax === 0 && st.notReadyChanges === 0;
  const within = (ms: number | undefined, target: number): boolean => ms !== undefined && ms <= target * 1000;
  return [
    { name: 'nodes Ready', want: `<= ${TARGETS.nodesReadySeconds} s`, got: run.nodesReadyMs === undefined ? `${run.nodesReadySeen} of ${run.nodes}` : seconds(run.nodesReadyMs), met: within(run.nodesReadyMs, TARGETS.nodesReadySeconds) },
    { name: 'heartbeats', want: `lease < ${k.leaseDurationSeconds} s`, got: st ? `${seconds(Math.max(st.maxStalenessMs, st.maxGapMs))}${st.notReadyMax > 0 ? `, ${st.notReadyMax} not Ready` : ''}` : 'n/a', met: st ? beatOk : null },
    { name: 'pods Running', want: `<= ${TARGETS.podsRunningSeconds} s`, got: run.podsRunningMs === undefined ? `${run.podsRunningSeen} of ${run.pods}` : seconds(run.podsRunningMs), met: run.podCreatesMs === undefined ? null : within(run.podsRunningMs, TARGETS.podsRunningSeconds) },
  ];
}

/** The scheduler: pods bound per second without and with anti-affinity, every pod placed correctly. */
function schedulerTargets(r: Results): Target[] {
  const s = r.scheduler;
  if (!s) return [];
  const one = (name: string, run: SchedulerBench['plain'], want: number): Target => {
    const rate = schedRate(run);
    const cpu = schedCpuPerPodUs(run);
    const ok = !!run?.placement && placementOk(run.placement);
    return { name, want: `>= ${want}/s`, got: rate === undefined ? (run ? `${int(run.boundSeen)} of ${int(run.pods)}` : 'n/a') : `${int(rate)}/s${cpu === undefined ? '' : ` (${int(cpu)} µs CPU/pod)`}${ok ? '' : ' WRONG PLACEMENT'}`, met: run ? rate !== undefined && ok && rate >= want : null };
  };
  return [one('sched pods/s', s.plain, TARGETS.schedPodsPerSecond), one('sched anti-aff', s.antiAffinity, TARGETS.schedAntiAffinityPodsPerSecond)];
}

function watchTargets(r: Results): Target[] {
  const w = r.watch?.kubeling;
  const ratio = watchRatio(r);
  const complete = !!w && w.missing === 0 && w.duplicates === 0 && w.createErrors === 0;
  return [
    { name: 'watch p99', want: `<= ${TARGETS.watchP99Ms} ms`, got: w ? ms(w.latency.p99) : 'n/a', met: w ? complete && w.latency.p99 <= TARGETS.watchP99Ms : null },
    { name: 'watch ÷ bare', want: `>= ${TARGETS.watchRatio * 100}%`, got: ratio === undefined ? 'n/a' : `${(ratio * 100).toFixed(1)}%`, met: ratio === undefined ? null : complete && ratio >= TARGETS.watchRatio },
  ];
}

function cpuLine(c: CpuUse): string {
  const f = (n: number): string => n.toFixed(2);
  return `      CPU (cores): server ${f(c.serverCores)} = ${int(c.serverUsPerRequest)} µs/req, load generator ${f(c.generatorCores)}, other processes ${f(c.otherCores)}`;
}

function loadLines(label: string, l: Measured, target?: string): string[] {
  const lat = l.latency;
  const errs = l.errors > 0 ? `  ERRORS ${l.errors} (first: ${l.firstError ?? '?'})` : '';
  const t = target ? `   [target ${target}]` : '';
  const again = (l.attempts ?? 1) > 1 ? `   [${l.attempts! - 1} disturbed slice(s) run again, the quieter kept]` : '';
  const main = `  ${label.padEnd(18)} ${int(l.rps).padStart(7)}/s   p50 ${ms(lat.p50).padStart(8)}   p90 ${ms(lat.p90).padStart(8)}   p99 ${ms(lat.p99).padStart(8)}   max ${ms(lat.max).padStart(8)}   (${int(l.requests)} req)${t}${again}${errs}`;
  return l.cpu ? [main, cpuLine(l.cpu)] : [main];
}

function listLines(l: ListResult): string[] {
  const mb = (l.bytes / 1e6).toFixed(1);
  const fillErr = l.fillErrors > 0 ? `, ${l.fillErrors} errors` : '';
  return [
    `  list ${int(l.pods)} pods (1 unpaginated GET): ${ms(l.medianMs)} median of 3 (first ${ms(l.firstMs)}), ${mb} MB`,
    `  same list paginated (limit=500, ${l.pages} pages): ${ms(l.paginatedMs)}   [namespace filled at ${int(l.fillRps)} creates/s${fillErr}]`,
  ];
}

/** The readable report of a run. */
export function formatReport(r: Results): string {
  const lines: string[] = [''];
  if (r.creates || r.gets || r.list) lines.push('apiserver (LevelDB, fsync on, default flags):');
  if (r.creates) lines.push(...loadLines('POST pod (create)', r.creates, `>= ${int(TARGETS.createsPerSecond)}/s, p99 <= ${TARGETS.p99Ms} ms`));
  if (r.gets) lines.push(...loadLines('GET pod', r.gets));
  if (r.list) lines.push(...listLines(r.list));
  if (r.noFsync) lines.push('apiserver (LevelDB, --no-fsync):', ...loadLines('POST pod (create)', r.noFsync));
  if (r.echo) lines.push('bare fastify echo (parse JSON, echo it back):', ...loadLines('POST pod body', r.echo));
  if (r.watch) lines.push(...watchLines(r.watch, watchRatio(r)));
  if (r.kubelet) lines.push(...kubeletLines(r.kubelet));
  if (r.scheduler) lines.push(...schedulerLines(r.scheduler, { plain: TARGETS.schedPodsPerSecond, antiAffinity: TARGETS.schedAntiAffinityPodsPerSecond }));
  if (r.statefulset) lines.push(...statefulSetLines(r.statefulset));
  if (r.daemonset) lines.push(...daemonSetLines(r.daemonset));
  if (r.startup) lines.push(...startupLines(r.startup, r.cpus));
  const ratio = echoRatio(r);
  if (ratio !== undefined) lines.push(`kubeling creates/s ÷ echo req/s: ${(ratio * 100).toFixed(1)}%   [target >= ${TARGETS.echoRatio * 100}%]`);
  const cpu = cpuRatio(r);
  if (cpu !== undefined) lines.push(`  same by server CPU per request (echo µs ÷ kubeling µs, insensitive to other load): ${(cpu * 100).toFixed(1)}%`);
  if (r.totalSeconds !== undefined) lines.push(`(bench took ${r.totalSeconds.toFixed(1)} s)`);
  const other = Math.max(...[r.echo, r.creates, r.gets, r.noFsync, r.watch?.kubeling, r.watch?.bare].map((m) => m?.cpu?.otherCores ?? 0));
  if (other > 0.15) lines.push(`note: other processes used up to ${other.toFixed(2)} of the ${r.cpus} CPUs during a phase: figures are noisy`);
  return lines.join('\n');
}

/** The targets as a short table. */
export function formatTargets(r: Results): string {
  const mark = (m: boolean | null): string => (m === null ? 'not measured' : m ? 'MET' : 'MISSED');
  return ['', 'targets:', ...targetsOf(r).map((t) => `  ${t.name.padEnd(16)} ${t.want.padEnd(12)} got ${t.got.padEnd(10)} ${mark(t.met)}`)].join('\n');
}

const mib = (n: number): string => `${(n / 1048576).toFixed(1)} MiB`;

function watchRunLine(label: string, w: WatchRun): string {
  const lat = w.latency;
  const bad = w.missing > 0 || w.duplicates > 0 || w.createErrors > 0 || w.streamsEnded > 0;
  const lost = bad ? `  MISSING ${int(w.missing)} deliveries, ${int(w.duplicates)} duplicates, ${w.createErrors} create errors, ${w.streamsEnded} streams ended${w.firstError ? ` (${w.firstError})` : ''}` : '';
  const mem = w.rss ? `   RSS ${mib(w.rss.before)} → ${mib(w.rss.open)} with watchers warmed up → ${mib(w.rss.done)} after (+${mib(w.rss.done - w.rss.before)})` : '';
  const heap = w.heap ? `   heap ${mib(w.heap.before)} → ${mib(w.heap.open)} → ${mib(w.heap.done)} (+${mib(w.heap.done - w.heap.before)})` : '';
  const cpu = w.cpu ? `   server ${(w.cpu.serverUsPerRequest).toFixed(2)} µs CPU/delivery (${w.cpu.serverCores.toFixed(2)} cores; load generator ${w.cpu.generatorCores.toFixed(2)}, other processes ${w.cpu.otherCores.toFixed(2)})` : '';
  return `  ${label.padEnd(10)} ${int(w.deliveriesPerSecond).padStart(8)} deliveries/s   p50 ${ms(lat.p50).padStart(8)}   p99 ${ms(lat.p99).padStart(8)}   max ${ms(lat.max).padStart(8)}   (${int(w.deliveries)} of ${int(w.events * w.watchers)})${cpu}${mem}${heap}${lost}`;
}

function watchLines(w: WatchBench, ratio: number | undefined): string[] {
  const lines = [
    `watch fan-out: ${int(w.kubeling.watchers)} pod watchers, pods created at ${w.rate}/s for ${w.warmup} s of warm-up, then ${w.seconds} s measured; latency = create sent → event received, over every (watcher, event) pair:`,
    watchRunLine('kubeling', w.kubeling) + `   [target p99 <= ${TARGETS.watchP99Ms} ms]`,
    watchRunLine('bare', w.bare),
  ];
  if (ratio !== undefined) lines.push(`kubeling deliveries/s ÷ bare broadcast: ${(ratio * 100).toFixed(1)}%   [target >= ${TARGETS.watchRatio * 100}%]`);
  return lines;
}

/** The kubelet phase: each figure beside the same writes made by the bench alone (baseline), and their ratio. */
export function kubeletLines(k: KubeletBench): string[] {
  const run = k.run;
  const b = k.baseline;
  const n = int(run.nodes);
  const lines = [`kubelet-sim: ${n} nodes in one process${run.events ? '' : ' (--no-events)'}, apiserver LevelDB fsync on; baseline = the same writes from the bench alone (${k.concurrency} in flight) on a fresh apiserver:`];
  const ready = run.nodesReadyMs === undefined ? `NOT ALL READY: ${int(run.nodesReadySeen)} of ${n} within the wait` : seconds(run.nodesReadyMs);
  const readyLine = run.readyLineMs === undefined ? '' : ` (its ready line at ${seconds(run.readyLineMs)})`;
  const regBase = b ? `   baseline ${n} Node + ${n} Lease POSTs: ${seconds(b.registerMs)} (${seconds(b.registerNodesMs)} + ${seconds(b.registerLeasesMs)}) → ${times(run.nodesReadyMs, b.registerMs)} (the Node POSTs alone → ${times(run.nodesReadyMs, b.registerNodesMs)})` : '';
  lines.push(`  nodes Ready (spawn → all ${n} Ready=True on a watch): ${ready}${readyLine}   [target <= ${TARGETS.nodesReadySeconds} s]${regBase}`);
  if (run.registration) lines.push(`      spawn → all Ready: ${kubeletCpuLine(run.registration)}; ${writesLine(run.registration.writes, run.registration.seconds)}${b?.registerApiCores !== undefined ? `; baseline apiserver ${b.registerApiCores.toFixed(2)} cores` : ''}`);
  const st = run.steady;
  if (st) {
    const rss = (v: number | undefined): string => (v === undefined ? 'n/a' : mib(v));
    lines.push(`  steady heartbeating, ${st.seconds.toFixed(0)} s (${st.samples} samples): ${kubeletCpuLine(st.use)} (mean); max RSS kubelet-sim ${rss(st.simRssMaxBytes)}, apiserver ${rss(st.apiRssMaxBytes)}`);
    const bad = st.staleLeases > 0 || st.notReadyMax > 0 || st.notReadyChanges > 0;
    const faults = bad ? `   FAULTS: ${int(st.staleLeases)} stale node sightings, up to ${int(st.notReadyMax)} nodes not Ready, ${int(st.notReadyChanges)} Ready → not Ready` : '';
    const missing = st.missingLeasesFirst > 0 || st.missingLeasesLast > 0 ? `; nodes without a Lease at the first sample ${int(st.missingLeasesFirst)}, at the last ${int(st.missingLeasesLast)}` : '';
    lines.push(`      lease renewals ${int(st.renewalsPerSecond)}/s; max staleness ${seconds(st.maxStalenessMs)} (later of Lease renewTime and Ready heartbeat, lists every 5 s; Leases alone ${seconds(st.maxLeaseAgeMs)}), longest time between renewals of a Lease ${seconds(st.maxGapMs)} (watch)   [must stay < ${k.leaseDurationSeconds} s]; nodes not Ready at any sample: ${int(st.notReadyMax)}${missing}${faults}`);
    lines.push(`      ${writesLine(st.use.writes, st.seconds)}`);
  }
  if (run.podCreatesMs !== undefined) {
    const p = int(run.pods);
    const running = run.podsRunningMs === undefined ? `NOT ALL RUNNING: ${int(run.podsRunningSeen)} of ${p} within the wait` : seconds(run.podsRunningMs);
    const errs = run.podCreateErrors > 0 ? `   ${run.podCreateErrors} CREATE ERRORS (first: ${run.firstError ?? '?'})` : '';
    const podBase = b ? `   baseline ${p} pod POSTs + ${p} status PATCHes: ${seconds(b.podCreatesMs + b.podPatchesMs)} (${seconds(b.podCreatesMs)} + ${seconds(b.podPatchesMs)}) → ${times(run.podsRunningMs, b.podCreatesMs + b.podPatchesMs)}` : '';
    lines.push(`  pods Running (first create → all ${p} Running, Ready=True): ${running}, the creates alone ${seconds(run.podCreatesMs)}   [target <= ${TARGETS.podsRunningSeconds} s]${podBase}${errs}`);
    if (run.podStart) lines.push(`      first create → all Running: ${kubeletCpuLine(run.podStart)}; ${writesLine(run.podStart.writes, run.podStart.seconds)}${b?.podsApiCores !== undefined ? `; baseline apiserver ${b.podsApiCores.toFixed(2)} cores` : ''}`);
  }
  if (b && b.errors > 0) lines.push(`  baseline ERRORS ${b.errors} (first: ${b.firstError ?? '?'})`);
  if (run.simLog?.length) lines.push(`  kubelet-sim log lines: ${run.simLog.map((l) => `"${l.msg}" ×${int(l.count)}`).join(', ')}`);
  return lines;
}
