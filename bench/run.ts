// `npm run bench`: create/get/list throughput and latency of a LevelDB apiserver (fsync on) against a bare fastify echo.

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RawConnection } from './raw-http.js';
import { startServerChild, stopAllChildren } from './children.js';
import type { ServerChild } from './children.js';
import { LatencyRecorder, openConnections, runLoad } from './load.js';
import type { LoadResult, RequestSpec } from './load.js';
import { cpuBetween, cpuOver, sampleCpu } from './cpu.js';
import type { CpuSample } from './cpu.js';
import { formatProfileSummary, summarizeProfileFile } from './profile.js';
import { podBody, podName } from './pod.js';
import { cpuRatio, echoRatio, formatReport, formatTargets, targetsOf, watchRatio, type ListResult, type Measured, type Results } from './report.js';
import { timeList, timePaginatedList } from './list.js';
import { rssBytes, runWatchFanout, type Stage } from './watch-fanout.js';
import type { WatchBench, WatchRun } from './report.js';
import { benchKubelet } from './kubelet.js';
import { benchScheduler } from './scheduler.js';
import { benchStatefulSet } from './statefulset.js';
import { benchDaemonSet } from './daemonset.js';
import { benchStartup } from './startup.js';

// Flags (or BENCH_* variables): --seconds 6 --warmup 2 --connections 32 --list-pods 10000 --noise-retries 1
//   --phases echo,creates,gets,list,nofsync,watch,kubelet   --cpu-prof-dir DIR (profile every apiserver child, print a summary)
//   --watchers 1000 --watch-rate 200 --watch-seconds 5 (the watch fan-out phase)
//   --kubelet-nodes 5000 --kubelet-pods 10000 --kubelet-steady-seconds 300 --kubelet-no-events (the kubelet-sim phase)
//   --scheduler-nodes 1000 --scheduler-pods 10000 (the scheduler phase)
//   --sts-nodes 50 --sts-replicas 500 (the statefulset phase)
//   --daemonset-nodes 1000 --daemonset-no-events (the daemonset phase)
//   --startup-runs 5 --startup-idle-seconds 10 (the startup phase: up, in-process, idle footprint)
const PHASES = ['startup', 'echo', 'creates', 'gets', 'list', 'nofsync', 'watch', 'kubelet', 'scheduler', 'statefulset', 'daemonset'] as const;
type Phase = (typeof PHASES)[number];

/** The bench's settings (flags, with BENCH_* environment variables as defaults). */
interface Config {
  seconds: number;
  warmup: number;
  connections: number;
  listPods: number;
  /** How many times a measured run disturbed by other processes may be repeated. */
  retries: number;
  phases: Set<Phase>;
  cpuProfDir?: string;
  watchers: number;
  watchRate: number;
  watchSeconds: number;
  kubeletNodes: number;
  kubeletPods: number;
  kubeletSteadySeconds: number;
  /** Run the simulator with --no-events (by default it writes its kubelet events, as a user runs it). */
  kubeletNoEvents: boolean;
  schedulerNodes: number;
  schedulerPods: number;
  stsNodes: number;
  stsReplicas: number;
  daemonsetNodes: number;
  /** Run the simulator of the daemonset phase with --no-events. */
  daemonsetNoEvents: boolean;
  startupRuns: number;
  startupIdleSeconds: number;
}

const CLI = fileURLToPath(new URL('../cluster/cli.js', import.meta.url));
const ECHO = fileURLToPath(new URL('./echo-server.js', import.meta.url));
const WATCH_ECHO = fileURLToPath(new URL('./watch-echo-server.js', import.meta.url));

function parseConfig(argv: string[]): Config {
  const env = process.env;
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string', default: env.BENCH_SECONDS ?? '6' },
      warmup: { type: 'string', default: env.BENCH_WARMUP ?? '2' },
      connections: { type: 'string', default: env.BENCH_CONNECTIONS ?? '32' },
      'list-pods': { type: 'string', default: env.BENCH_LIST_PODS ?? '10000' },
      phases: { type: 'string', default: env.BENCH_PHASES ?? PHASES.join(',') },
      'noise-retries': { type: 'string', default: env.BENCH_NOISE_RETRIES ?? '1' },
      'cpu-prof-dir': { type: 'string', default: env.BENCH_CPU_PROF_DIR },
      watchers: { type: 'string', default: env.BENCH_WATCHERS ?? '1000' },
      'watch-rate': { type: 'string', default: env.BENCH_WATCH_RATE ?? '200' },
      'watch-seconds': { type: 'string', default: env.BENCH_WATCH_SECONDS ?? '5' },
      'kubelet-nodes': { type: 'string', default: env.BENCH_KUBELET_NODES ?? '5000' },
      'kubelet-pods': { type: 'string', default: env.BENCH_KUBELET_PODS ?? '10000' },
      'kubelet-steady-seconds': { type: 'string', default: env.BENCH_KUBELET_STEADY_SECONDS ?? '300' },
      'kubelet-no-events': { type: 'boolean', default: ['1', 'true'].includes(env.BENCH_KUBELET_NO_EVENTS ?? '') },
      'scheduler-nodes': { type: 'string', default: env.BENCH_SCHEDULER_NODES ?? '1000' },
      'scheduler-pods': { type: 'string', default: env.BENCH_SCHEDULER_PODS ?? '10000' },
      'sts-nodes': { type: 'string', default: env.BENCH_STS_NODES ?? '50' },
      'sts-replicas': { type: 'string', default: env.BENCH_STS_REPLICAS ?? '500' },
      'daemonset-nodes': { type: 'string', default: env.BENCH_DAEMONSET_NODES ?? '1000' },
      'daemonset-no-events': { type: 'boolean', default: ['1', 'true'].includes(env.BENCH_DAEMONSET_NO_EVENTS ?? '') },
      'startup-runs': { type: 'string', default: env.BENCH_STARTUP_RUNS ?? '5' },
      'startup-idle-seconds': { type: 'string', default: env.BENCH_STARTUP_IDLE_SECONDS ?? '10' },
    },
    strict: true,
  });
  const phases = new Set<Phase>();
  for (const p of values.phases.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(PHASES as readonly string[]).includes(p)) throw new Error(`unknown phase "${p}" (phases: ${PHASES.join(', ')})`);
    phases.add(p as Phase);
  }
  const num = (name: string, v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${v}`);
    return n;
  };
  const cfg: Config = {
    seconds: num('seconds', values.seconds),
    warmup: num('warmup', values.warmup),
    connections: Math.max(1, Math.floor(num('connections', values.connections))),
    listPods: Math.floor(num('list-pods', values['list-pods'])),
    retries: Math.floor(num('noise-retries', values['noise-retries'])),
    phases,
    watchers: Math.max(1, Math.floor(num('watchers', values.watchers))),
    watchRate: Math.max(1, num('watch-rate', values['watch-rate'])),
    watchSeconds: Math.max(0.1, num('watch-seconds', values['watch-seconds'])),
    kubeletNodes: Math.max(1, Math.floor(num('kubelet-nodes', values['kubelet-nodes']))),
    kubeletPods: Math.floor(num('kubelet-pods', values['kubelet-pods'])),
    kubeletSteadySeconds: num('kubelet-steady-seconds', values['kubelet-steady-seconds']),
    kubeletNoEvents: values['kubelet-no-events'],
    schedulerNodes: Math.max(1, Math.floor(num('scheduler-nodes', values['scheduler-nodes']))),
    schedulerPods: Math.floor(num('scheduler-pods', values['scheduler-pods'])),
    stsNodes: Math.max(1, Math.floor(num('sts-nodes', values['sts-nodes']))),
    stsReplicas: Math.max(1, Math.floor(num('sts-replicas', values['sts-replicas']))),
    daemonsetNodes: Math.max(1, Math.floor(num('daemonset-nodes', values['daemonset-nodes']))),
    daemonsetNoEvents: values['daemonset-no-events'],
    startupRuns: Math.max(1, Math.floor(num('startup-runs', values['startup-runs']))),
    startupIdleSeconds: num('startup-idle-seconds', values['startup-idle-seconds']),
  };
  if (values['cpu-prof-dir']) cfg.cpuProfDir = resolve(values['cpu-prof-dir']);
  return cfg;
}

function startApiserver(dataDir: string, fsync: boolean, cfg: Config): Promise<ServerChild> {
  const args = ['apiserver', '--port', '0', '--data-dir', dataDir];
  if (!fsync) args.push('--no-fsync');
  const nodeArgs = cfg.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cfg.cpuProfDir}`] : [];
  return startServerChild(fsync ? 'apiserver' : 'apiserver-nofsync', CLI, args, nodeArgs);
}

/** Busy CPU of other processes (cores) above which a measured slice is run again, once per allowed retry. */
const NOISY_CORES = 0.25;

/** A server measured by {@link measure}: its open connections and the requests to send it. */
interface Side {
  server: ServerChild;
  clients: RawConnection[];
  make: (phase: string) => (w: number, s: number) => RequestSpec;
  expectStatus: number;
  onResult?: (spec: RequestSpec, status: number) => void;
}

/** Servers measured together take turns in this many slices of their measured seconds. */
const SLICES = 3;

/** One measured stretch of load on one server, with the CPU samples around it. */
interface Slice {
  result: LoadResult;
  recorder: LatencyRecorder;
  span: readonly [CpuSample | undefined, CpuSample | undefined];
  otherCores: number;
}

async function measureSlice(side: Side, durationMs: number, phase: string): Promise<Slice> {
  const recorder = new LatencyRecorder();
  const opts = { origin: side.server.url, connections: side.clients, durationMs, request: side.make(phase), expectStatus: side.expectStatus, recorder };
  const before = sampleCpu(side.server.pid);
  const result = await runLoad(side.onResult ? { ...opts, onResult: side.onResult } : opts);
  const after = sampleCpu(side.server.pid);
  return { result, recorder, span: [before, after], otherCores: cpuBetween(before, after, result.requests - result.errors)?.otherCores ?? 0 };
}

/** The kept slices of one side, added up into one measurement. */
function addUp(slices: Slice[], repeated: number): Measured {
  const recorder = new LatencyRecorder();
  let requests = 0;
  let errors = 0;
  let elapsedMs = 0;
  let firstError: string | undefined;
  for (const s of slices) {
    recorder.addAll(s.recorder);
    requests += s.result.requests;
    errors += s.result.errors;
    elapsedMs += s.result.elapsedMs;
    firstError ??= s.result.firstError;
  }
  const ok = requests - errors;
  const m: Measured = { requests, errors, elapsedMs, rps: elapsedMs > 0 ? (ok * 1000) / elapsedMs : 0, latency: recorder.summary(), attempts: 1 + repeated };
  const cpu = cpuOver(slices.map((s) => s.span), ok);
  if (cpu) m.cpu = cpu;
  if (firstError !== undefined) m.firstError = firstError;
  return m;
}

/**
 * A warm-up run of each side, then `cfg.seconds` of measured load on each. Sides measured together take turns in
 * SLICES slices (A B, B A, A B), so a server and the baseline it is compared with share the machine's conditions
 * (this shared virtual machine's speed swings for seconds at a time); a lone side runs in one piece. A slice during
 * which other processes took more than NOISY_CORES is run again (up to `cfg.retries` times per side) and the quieter
 * take is kept. Every take has its own phase name (`warm`, `m0`, `m1`…) so created names never repeat.
 */
async function measure(cfg: Config, sides: Side[]): Promise<Measured[]> {
  for (const side of sides) {
    if (cfg.warmup > 0) await runLoad({ origin: side.server.url, connections: side.clients, durationMs: cfg.warmup * 1000, request: side.make('warm'), expectStatus: side.expectStatus });
  }
  const slices = sides.length > 1 ? SLICES : 1;
  const kept: Slice[][] = sides.map(() => []);
  const repeated = sides.map(() => 0);
  let take = 0;
  for (let i = 0; i < slices; i++) {
    const order = sides.map((_, k) => (i % 2 === 0 ? k : sides.length - 1 - k));
    for (const k of order) {
      let best: Slice | undefined;
      for (;;) {
        const slice = await measureSlice(sides[k]!, (cfg.seconds * 1000) / slices, `m${take++}`);
        if (!best || slice.otherCores < best.otherCores) best = slice;
        if (slice.otherCores <= NOISY_CORES || repeated[k]! >= cfg.retries) break;
        repeated[k]!++;
      }
      kept[k]!.push(best);
    }
  }
  return kept.map((k, i) => addUp(k, repeated[i]!));
}

/** Pod creates in `namespace`, named `bench-<tag>-<phase>-w<worker>-<seq>`. */
function createRequests(tag: string, namespace: string): (phase: string) => (w: number, s: number) => RequestSpec {
  const path = `/api/v1/namespaces/${namespace}/pods`;
  return (phase) => (w, s) => {
    const name = podName(`${tag}-${phase}`, w, s);
    return { method: 'POST', path, body: podBody(name, namespace, s), tag: name };
  };
}

/** The bare echo server, started with its connections (the baseline side of the create measurement). */
async function startEcho(cfg: Config): Promise<Side> {
  const server = await startServerChild('echo', ECHO, []);
  return { server, clients: openConnections(server.url, cfg.connections), make: createRequests('echo', 'default'), expectStatus: 201 };
}

/** Creates (measured in turns with the echo baseline when there is one), then gets of the pods created. */
async function benchCreatesAndGets(cfg: Config, api: ServerChild, clients: RawConnection[], out: Results, echo: Side | undefined): Promise<void> {
  const created: string[] = [];
  const remember = (spec: RequestSpec, status: number): void => {
    if (status === 201 && spec.tag !== undefined) created.push(spec.tag);
  };
  const creates: Side = { server: api, clients, make: createRequests('c', 'default'), expectStatus: 201, onResult: remember };
  const [c, e] = await measure(cfg, echo ? [creates, echo] : [creates]);
  out.creates = c;
  if (e) out.echo = e;
  if (!cfg.phases.has('gets')) return;
  if (created.length === 0) throw new Error(`gets: no pods were created to read (${c?.firstError ?? 'no error'})`);
  const get = (): ((w: number, s: number) => RequestSpec) => (w, s) => ({
    method: 'GET',
    path: `/api/v1/namespaces/default/pods/${created[(w * 7919 + s * 104_729) % created.length]!}`,
  });
  [out.gets] = await measure(cfg, [{ server: api, clients, make: get, expectStatus: 200 }]);
}

async function benchList(cfg: Config, api: ServerChild, clients: RawConnection[]): Promise<ListResult> {
  const ns = 'bench-list';
  const nsBody = Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
  const made = await runLoad({ origin: api.url, connections: clients.slice(0, 1), count: 1, request: () => ({ method: 'POST', path: '/api/v1/namespaces', body: nsBody }), expectStatus: 201 });
  if (made.errors > 0) throw new Error(`creating namespace ${ns}: ${made.firstError ?? ''}`);
  const fill = await runLoad({ origin: api.url, connections: clients, count: cfg.listPods, request: createRequests('l', ns)('fill'), expectStatus: 201 });
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await timeList(api.url, ns));
  const paginated = await timePaginatedList(api.url, ns, 500);
  const sorted = runs.map((r) => r.ms).sort((a, b) => a - b);
  return {
    pods: runs[0]!.items,
    fillRps: fill.rps,
    fillErrors: fill.errors,
    firstMs: runs[0]!.ms,
    medianMs: sorted[1]!,
    bytes: runs[0]!.bytes,
    paginatedMs: paginated.ms,
    pages: paginated.pages,
  };
}

async function benchApiserver(cfg: Config, dir: string, out: Results, echo: Side | undefined): Promise<void> {
  const api = await startApiserver(join(dir, 'fsync'), true, cfg);
  const clients = openConnections(api.url, cfg.connections);
  try {
    if (cfg.phases.has('creates') || cfg.phases.has('gets')) await benchCreatesAndGets(cfg, api, clients, out, cfg.phases.has('creates') ? echo : undefined);
    if (cfg.phases.has('list')) out.list = await benchList(cfg, api, clients);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await api.stop();
  }
}

async function benchNoFsync(cfg: Config, dir: string): Promise<Measured> {
  const api = await startApiserver(join(dir, 'nofsync'), false, cfg);
  const clients = openConnections(api.url, cfg.connections);
  try {
    const [m] = await measure(cfg, [{ server: api, clients, make: createRequests('n', 'default'), expectStatus: 201 }]);
    return m!;
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await api.stop();
  }
}

/** The JavaScript heap in use (bytes) a server reports on /metrics, or undefined when it does not answer. */
async function heapUsed(origin: string): Promise<number | undefined> {
  try {
    const res = await fetch(`${origin}/metrics`);
    const sample = res.ok ? /^nodejs_heap_size_used_bytes (\d+)$/m.exec(await res.text()) : null;
    return sample ? Number(sample[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One fan-out run against a started server, with its resident memory before, with the watchers open, and after, and
 * (`heap`: a server with /metrics) its JavaScript heap in use at the same moments.
 */
async function fanout(cfg: Config, server: ServerChild, watchPath: string, createPath: string, heap: boolean): Promise<WatchRun> {
  const rss: Partial<Record<Stage, number>> = {};
  const heapAt: Partial<Record<Stage, number>> = {};
  let cpuOpen: ReturnType<typeof sampleCpu>;
  let cpuDone: ReturnType<typeof sampleCpu>;
  const result = await runWatchFanout({
    origin: server.url,
    watchPath,
    createPath,
    namespace: 'default',
    watchers: cfg.watchers,
    rate: cfg.watchRate,
    seconds: cfg.watchSeconds,
    warmupSeconds: cfg.warmup,
    // The CPU samples bracket the measured creates and deliveries only: the /metrics reads fall outside them.
    probe: async (stage) => {
      rss[stage] = rssBytes(server.pid);
      if (stage === 'done') cpuDone = sampleCpu(server.pid);
      if (heap) heapAt[stage] = await heapUsed(server.url);
      if (stage === 'open') cpuOpen = sampleCpu(server.pid);
    },
  });
  const run: WatchRun = { ...result };
  const cpu = cpuBetween(cpuOpen, cpuDone, result.deliveries);
  if (cpu) run.cpu = cpu;
  if (rss.before !== undefined && rss.open !== undefined && rss.done !== undefined) run.rss = { before: rss.before, open: rss.open, done: rss.done };
  if (heapAt.before !== undefined && heapAt.open !== undefined && heapAt.done !== undefined) run.heap = { before: heapAt.before, open: heapAt.open, done: heapAt.done };
  return run;
}

/** The watch fan-out phase: kubeling (LevelDB, fsync) and the bare broadcasting server under the same load. */
async function benchWatch(cfg: Config, dir: string): Promise<WatchBench> {
  const api = await startApiserver(join(dir, 'watch'), true, cfg);
  let kubeling: WatchRun;
  try {
    kubeling = await fanout(cfg, api, '/api/v1/namespaces/default/pods?watch=true&resourceVersion=0', '/api/v1/namespaces/default/pods', true);
  } finally {
    await api.stop();
  }
  const bare = await startServerChild('watch-echo', WATCH_ECHO, []);
  try {
    return { kubeling, bare: await fanout(cfg, bare, '/watch', '/pods', false), rate: cfg.watchRate, seconds: cfg.watchSeconds, warmup: cfg.warmup };
  } finally {
    await bare.stop();
  }
}

async function listProfiles(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.cpuprofile')).sort();
}

/** Summarises the profiles this run wrote into `dir` (those not in `before`). */
async function printProfiles(dir: string, before: string[]): Promise<void> {
  const files = (await listProfiles(dir)).filter((f) => !before.includes(f));
  for (const f of files) {
    process.stdout.write(`\n--- ${join(dir, f)}\n${formatProfileSummary(await summarizeProfileFile(join(dir, f), 25))}\n`);
  }
}

async function main(argv: string[]): Promise<void> {
  const cfg = parseConfig(argv);
  const dir = await mkdtemp(join(tmpdir(), 'kubeling-bench-'));
  workDir = dir;
  const started = Date.now();
  const oldProfiles = cfg.cpuProfDir ? await listProfiles(cfg.cpuProfDir) : [];
  const out: Results = { podBytes: podBody(podName('c', 0, 0), 'default', 0).length, connections: cfg.connections, seconds: cfg.seconds, warmup: cfg.warmup, cpus: availableParallelism() };
  out.loadAvgBefore = loadavg()[0]!;
  const turns = cfg.phases.has('echo') && cfg.phases.has('creates') ? ` (creates and the echo in ${SLICES} turns each)` : '';
  process.stdout.write(`kubeling bench: ${cfg.connections} keep-alive connections, ${out.podBytes}-byte pods, ${cfg.warmup} s warm-up + ${cfg.seconds} s per phase${turns}, ${out.cpus} CPUs, node ${process.version}, load average ${out.loadAvgBefore.toFixed(2)}\n`);
  try {
    // Start-up first: the heavy phases leave the machine slower for a while after they end (a start-up measured
    // right after the DaemonSet phase took about a quarter longer, with no bench process left running).
    if (cfg.phases.has('startup')) out.startup = await benchStartup({ cli: CLI, dir: join(dir, 'startup'), runs: cfg.startupRuns, idleSeconds: cfg.startupIdleSeconds });
    const echo = cfg.phases.has('echo') ? await startEcho(cfg) : undefined;
    try {
      if (cfg.phases.has('creates') || cfg.phases.has('gets') || cfg.phases.has('list')) await benchApiserver(cfg, dir, out, echo);
      if (echo && !out.echo) [out.echo] = await measure(cfg, [echo]);
    } finally {
      if (echo) {
        await Promise.all(echo.clients.map((c) => c.close()));
        await echo.server.stop();
      }
    }
    if (cfg.phases.has('nofsync')) out.noFsync = await benchNoFsync(cfg, dir);
    if (cfg.phases.has('watch')) out.watch = await benchWatch(cfg, dir);
    if (cfg.phases.has('kubelet')) {
      const nodeArgs = cfg.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cfg.cpuProfDir}`] : [];
      out.kubelet = await benchKubelet({ cli: CLI, dir: join(dir, 'kubelet'), nodes: cfg.kubeletNodes, pods: cfg.kubeletPods, steadySeconds: cfg.kubeletSteadySeconds, noEvents: cfg.kubeletNoEvents, concurrency: cfg.connections, nodeArgs });
    }
    if (cfg.phases.has('scheduler')) {
      const nodeArgs = cfg.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cfg.cpuProfDir}`] : [];
      out.scheduler = await benchScheduler({ cli: CLI, dir: join(dir, 'scheduler'), nodes: cfg.schedulerNodes, pods: cfg.schedulerPods, concurrency: cfg.connections, nodeArgs, schedulerNodeArgs: nodeArgs });
    }
    if (cfg.phases.has('statefulset')) {
      const nodeArgs = cfg.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cfg.cpuProfDir}`] : [];
      out.statefulset = await benchStatefulSet({ cli: CLI, dir: join(dir, 'statefulset'), nodes: cfg.stsNodes, replicas: cfg.stsReplicas, nodeArgs });
    }
    if (cfg.phases.has('daemonset')) {
      const nodeArgs = cfg.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cfg.cpuProfDir}`] : [];
      out.daemonset = await benchDaemonSet({ cli: CLI, dir: join(dir, 'daemonset'), nodes: cfg.daemonsetNodes, noEvents: cfg.daemonsetNoEvents, concurrency: cfg.connections, nodeArgs });
    }
  } finally {
    await stopAllChildren();
    await rm(dir, { recursive: true, force: true });
  }
  out.totalSeconds = (Date.now() - started) / 1000;
  process.stdout.write(`${formatReport(out)}\n${formatTargets(out)}\n`);
  if (cfg.cpuProfDir) await printProfiles(cfg.cpuProfDir, oldProfiles);
  process.stdout.write(`${JSON.stringify({ bench: 'kubeling', ...out, echoRatio: echoRatio(out) ?? null, cpuRatio: cpuRatio(out) ?? null, watchRatio: watchRatio(out) ?? null, targets: targetsOf(out) })}\n`);
}

/** The run's temporary data directory, removed at the end and on interruption. */
let workDir: string | undefined;
let interrupting = false;

const interrupted = (): void => {
  interrupting = true;
  process.stderr.write('bench: interrupted, stopping servers\n');
  stopAllChildren()
    .then(() => (workDir ? rm(workDir, { recursive: true, force: true }) : undefined))
    .finally(() => process.exit(130));
};
process.once('SIGINT', interrupted);
process.once('SIGTERM', interrupted);

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: unknown) => {
    if (interrupting) return; // the signal handler stops the children and exits
    process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
    stopAllChildren().finally(() => process.exit(1));
  },
);
