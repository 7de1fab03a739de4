// The kubelet phase: one kubelet-sim process with N nodes against a fresh apiserver (LevelDB, fsync on) — time until
// every node is Ready, CPU and memory of both processes while they heartbeat, time until P pre-bound pods run — and,
// as the baseline, the same writes made by the bench alone on a second fresh apiserver.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { R } from '../apiserver/api/resources.js';
import type { Lease, Node, Pod } from '../apiserver/api/types.js';
import { Client } from '../controllers/runtime/index.js';
import { startChild, startServerChild, type ServerChild } from './children.js';
import { Follow } from './follow.js';
import { cpuBetween, sampleCpu, type CpuSample } from './cpu.js';
import { openConnections, runLoad, type RequestSpec } from './load.js';
import { rssBytes } from './watch-fanout.js';
import {
  leaseStaleness,
  nameTemplate,
  nodeReady,
  podRunning,
  readyHeartbeatMs,
  RenewalGaps,
  renewTimeMs,
  seconds,
  type KubeletBaseline,
  type KubeletBench,
  type KubeletRun,
  type SteadyFigures,
  type WindowUse,
  type WriteCounts,
} from './kubelet-checks.js';

/** Settings of the phase. */
export interface KubeletConfig {
  cli: string;
  dir: string;
  nodes: number;
  pods: number;
  steadySeconds: number;
  /** Pass --no-events to the simulator (by default it writes its kubelet events, as a user runs it). */
  noEvents: boolean;
  /** Requests in flight from the bench's own writers. */
  concurrency: number;
  /** Extra node flags of the apiserver children (e.g. --cpu-prof). */
  nodeArgs: string[];
}

/** Upstream leaseDurationSeconds: a Lease this old means its node would be marked NotReady. */
const LEASE_DURATION_S = 40;
/** How long to wait for every node Ready, and for every pod Running, before giving up (ms). */
const WAIT_MS = 180_000;
/** The steady stretch is sampled this often (ms). */
const SAMPLE_MS = 5_000;
const NAME_PREFIX = 'bench';
const POD_NAMESPACE = 'default';
const POD_IMAGE = 'registry.k8s.io/pause:3.10';

/** The simulator's first log lines are forwarded; after that they are only counted by message. */
const FORWARDED_LOG_LINES = 10;

/** Counts a child's log lines by message (pino JSON `msg`, else the line's start), forwarding the first few. */
export class LogCounter {
  private forwarded = 0;
  readonly counts = new Map<string, number>();

  constructor(private readonly name: string, private readonly forward = FORWARDED_LOG_LINES) {}

  line = (line: string): void => {
    let msg = line.slice(0, 100);
    try {
      const o = JSON.parse(line) as { msg?: unknown };
      if (typeof o.msg === 'string') msg = o.msg;
    } catch {
      // not JSON: counted by its start
    }
    this.counts.set(msg, (this.counts.get(msg) ?? 0) + 1);
    if (this.forwarded < this.forward) {
      this.forwarded++;
      process.stderr.write(`[${this.name}] ${line}\n`);
      if (this.forwarded === this.forward) process.stderr.write(`[${this.name}] (further log lines are counted, not shown)\n`);
    }
  };

  /** The most frequent messages first. */
  top(n: number): Array<{ msg: string; count: number }> {
    return [...this.counts].sort((a, b) => b[1] - a[1]).slice(0, n).map(([msg, count]) => ({ msg, count }));
  }
}

const progress = (line: string): void => {
  process.stderr.write(`kubelet phase: ${line}\n`);
};

/** The pod the bench creates: one pause container, bound to `node`. */
export function kubeletPod(name: string, node: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: POD_NAMESPACE, labels: { app: 'kubelet-bench' } },
      spec: { nodeName: node, containers: [{ name: 'pause', image: POD_IMAGE, resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
    }),
  );
}

const podNameOf = (i: number): string => `kb-${String(i).padStart(6, '0')}`;

const emptyWrites = (): WriteCounts => ({ nodes: 0, leases: 0, pods: 0, events: 0 });
const minus = (a: WriteCounts, b: WriteCounts): WriteCounts => ({ nodes: a.nodes - b.nodes, leases: a.leases - b.leases, pods: a.pods - b.pods, events: a.events - b.events });

/** What the bench's watches see: the simulated nodes' Ready state, Lease renewals, pods Running, and writes counted. */
class Observed {
  readonly writes = emptyWrites();
  readonly nodeReady = new Map<string, boolean>();
  /** Each node's Ready lastHeartbeatTime (ms). */
  readonly nodeHeartbeat = new Map<string, number | undefined>();
  readyNodes = 0;
  notReadyChanges = 0;
  allNodesReadyAt: number | undefined;
  nodeTemplate: { obj: Node; name: string } | undefined;
  readonly gaps = new RenewalGaps();
  leaseTemplate: { obj: Lease; name: string } | undefined;
  readonly podRunning = new Map<string, boolean>();
  runningPods = 0;
  allPodsRunningAt: number | undefined;
  runningStatus: Record<string, unknown> | undefined;

  constructor(private readonly nodes: number, private readonly pods: number) {}

  node = (type: string, n: Node): void => {
    const name = n.metadata?.name ?? '';
    if (!name.startsWith(`${NAME_PREFIX}-`)) return;
    if (type !== 'ADDED' || !this.nodeReady.has(name)) this.writes.nodes++;
    this.nodeTemplate ??= { obj: n, name };
    const was = this.nodeReady.get(name) ?? false;
    const now = type !== 'DELETED' && nodeReady(n);
    if (type === 'DELETED') {
      this.nodeReady.delete(name);
      this.nodeHeartbeat.delete(name);
    } else {
      this.nodeReady.set(name, now);
      this.nodeHeartbeat.set(name, readyHeartbeatMs(n));
    }
    if (was && !now) this.notReadyChanges++;
    this.readyNodes += Number(now) - Number(was);
    if (this.readyNodes >= this.nodes && this.allNodesReadyAt === undefined) this.allNodesReadyAt = performance.now();
  };

  lease = (type: string, l: Lease): void => {
    const name = l.metadata?.name ?? '';
    if (!name.startsWith(`${NAME_PREFIX}-`)) return;
    this.writes.leases++;
    this.leaseTemplate ??= { obj: l, name };
    const t = renewTimeMs(l);
    if (type !== 'DELETED' && t !== undefined) this.gaps.observe(name, t);
  };

  pod = (type: string, p: Pod): void => {
    const name = p.metadata?.name ?? '';
    if (!name.startsWith('kb-')) return;
    this.writes.pods++;
    const was = this.podRunning.get(name) ?? false;
    const now = type !== 'DELETED' && podRunning(p);
    if (type === 'DELETED') this.podRunning.delete(name);
    else this.podRunning.set(name, now);
    if (now && !this.runningStatus && p.status) this.runningStatus = p.status as Record<string, unknown>;
    this.runningPods += Number(now) - Number(was);
    if (this.runningPods >= this.pods && this.allPodsRunningAt === undefined) this.allPodsRunningAt = performance.now();
  };

  event = (): void => {
    this.writes.events++;
  };

  /** Node names of the simulator, in the order they were first seen. */
  nodeNames(): string[] {
    return [...this.nodeReady.keys()];
  }
}

/** CPU counters of both processes at one moment. */
interface Snap {
  at: number;
  sim: CpuSample | undefined;
  api: CpuSample | undefined;
  writes: WriteCounts;
}

function snap(simPid: number, apiPid: number, seen: Observed): Snap {
  return { at: performance.now(), sim: sampleCpu(simPid), api: sampleCpu(apiPid), writes: { ...seen.writes } };
}

/** The CPU of each process between two snaps, and the writes seen in between. */
function useBetween(a: Snap, b: Snap): WindowUse {
  const sim = cpuBetween(a.sim, b.sim, 0);
  const api = cpuBetween(a.api, b.api, 0);
  const out: WindowUse = { seconds: (b.at - a.at) / 1000, writes: minus(b.writes, a.writes) };
  if (sim) out.simCores = sim.serverCores;
  if (api) {
    out.apiCores = api.serverCores;
    out.benchCores = api.generatorCores;
    out.otherCores = Math.max(0, api.machineCores - api.serverCores - api.generatorCores - (sim?.serverCores ?? 0));
  }
  return out;
}

function startApiserver(name: string, dataDir: string, cfg: KubeletConfig): Promise<ServerChild> {
  return startServerChild(name, cfg.cli, ['apiserver', '--port', '0', '--data-dir', dataDir], cfg.nodeArgs);
}

/** Waits until `done()` holds, checking every 20 ms; false after `ms`. Throws if the simulator has exited. */
async function waitUntil(done: () => boolean, ms: number, simPid?: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!done()) {
    if (performance.now() > deadline) return false;
    if (simPid !== undefined && rssBytes(simPid) === undefined) throw new Error('kubelet-sim exited');
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** The steady stretch: every SAMPLE_MS, CPU and RSS of both processes, a list of the Leases, the nodes' Ready state. */
async function steady(cfg: KubeletConfig, client: Client, sim: ServerChild, api: ServerChild, seen: Observed): Promise<SteadyFigures> {
  const names = new Set(seen.nodeNames());
  const first = snap(sim.pid, api.pid, seen);
  seen.gaps.start(Date.now());
  const notReadyBefore = seen.notReadyChanges;
  let samples = 0;
  let simRss = 0;
  let apiRss = 0;
  let maxStaleness = 0;
  let maxLeaseAge = 0;
  let stale = 0;
  let missingFirst: number | undefined;
  let missingLast = 0;
  let notReadyMax = 0;
  const end = first.at + cfg.steadySeconds * 1000;
  for (;;) {
    const wait = Math.min(SAMPLE_MS, end - performance.now());
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (rssBytes(sim.pid) === undefined) throw new Error('kubelet-sim exited during the steady stretch');
    simRss = Math.max(simRss, rssBytes(sim.pid) ?? 0);
    apiRss = Math.max(apiRss, rssBytes(api.pid) ?? 0);
    const leases = await client.listAll<Lease>(R.leases, { namespace: 'kube-node-lease', limit: 1000 });
    const s = leaseStaleness(leases.items, new Map([...names].map((n) => [n, seen.nodeHeartbeat.get(n)])), Date.now(), LEASE_DURATION_S * 1000);
    maxStaleness = Math.max(maxStaleness, s.maxMs);
    maxLeaseAge = Math.max(maxLeaseAge, s.leaseMaxMs);
    stale += s.stale;
    missingFirst ??= s.missing;
    missingLast = s.missing;
    // nodes not (or no longer) Ready, and nodes that never registered
    notReadyMax = Math.max(notReadyMax, cfg.nodes - seen.readyNodes);
    samples++;
    if (performance.now() >= end) break;
  }
  const last = snap(sim.pid, api.pid, seen);
  const use = useBetween(first, last);
  const out: SteadyFigures = {
    seconds: use.seconds,
    samples,
    use,
    maxStalenessMs: maxStaleness,
    maxLeaseAgeMs: maxLeaseAge,
    maxGapMs: seen.gaps.maxGapUntil(Date.now(), names),
    staleLeases: stale,
    missingLeasesFirst: missingFirst ?? 0,
    missingLeasesLast: missingLast,
    notReadyMax,
    notReadyChanges: seen.notReadyChanges - notReadyBefore,
    renewalsPerSecond: seen.gaps.renewals / use.seconds,
  };
  if (simRss > 0) out.simRssMaxBytes = simRss;
  if (apiRss > 0) out.apiRssMaxBytes = apiRss;
  return out;
}

/** POSTs the pods, `concurrency` in flight, bound round-robin to `nodeNames`. */
async function createPods(url: string, cfg: KubeletConfig, nodeNames: string[]): Promise<{ ms: number; errors: number; firstError?: string }> {
  let next = 0;
  const path = `/api/v1/namespaces/${POD_NAMESPACE}/pods`;
  const result = await runLoad({
    origin: url,
    connections: cfg.concurrency,
    count: cfg.pods,
    expectStatus: 201,
    request: (): RequestSpec => {
      const i = next++;
      return { method: 'POST', path, body: kubeletPod(podNameOf(i), nodeNames[i % nodeNames.length]!) };
    },
  });
  const out: { ms: number; errors: number; firstError?: string } = { ms: result.elapsedMs, errors: result.errors };
  if (result.firstError !== undefined) out.firstError = result.firstError;
  return out;
}

/** The simulator run: registration, steady heartbeating, pods. */
async function simulatorRun(cfg: KubeletConfig, seen: Observed): Promise<KubeletRun> {
  const run: KubeletRun = { nodes: cfg.nodes, pods: cfg.pods, events: !cfg.noEvents, nodesReadySeen: 0, podCreateErrors: 0, podsRunningSeen: 0 };
  const api = await startApiserver('apiserver-kubelet', join(cfg.dir, 'sim-data'), cfg);
  const client = new Client({ server: api.url }, { userAgent: 'kubeling-bench', connections: 4, timeoutMs: 120_000 });
  const follows = [
    new Follow<Node>(client, R.nodes, {}, seen.node),
    new Follow<Lease>(client, R.leases, { namespace: 'kube-node-lease' }, seen.lease),
    new Follow<Pod>(client, R.pods, { namespace: POD_NAMESPACE }, seen.pod),
    new Follow(client, R.events, {}, seen.event),
  ];
  let sim: ServerChild | undefined;
  const log = new LogCounter('kubelet-sim');
  try {
    await Promise.all(follows.map((f) => f.start()));
    const kubeconfig = join(cfg.dir, 'kubeconfig');
    await writeFile(kubeconfig, JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'bench', cluster: { server: api.url } }],
      contexts: [{ name: 'bench', context: { cluster: 'bench', user: 'bench', namespace: 'default' } }],
      'current-context': 'bench',
      users: [{ name: 'bench', user: {} }],
    }));
    const args = ['kubelet-sim', '--kubeconfig', kubeconfig, '--nodes', String(cfg.nodes), '--name-prefix', NAME_PREFIX];
    if (cfg.noEvents) args.push('--no-events');
    let spawnedAt = 0;
    let before: Snap | undefined;
    progress(`kubelet-sim with ${cfg.nodes.toLocaleString('en-US')} nodes${cfg.noEvents ? ' (--no-events)' : ''}…`);
    const started = startChild('kubelet-sim', cfg.cli, args, {
      urlKey: 'endpoint',
      onStderr: log.line,
      timeoutMs: WAIT_MS,
      onSpawn: (pid) => {
        spawnedAt = performance.now();
        before = snap(pid, api.pid, seen);
      },
    });
    const ready = await started;
    sim = ready.child;
    run.readyLineMs = performance.now() - spawnedAt;
    const allReady = await waitUntil(() => seen.allNodesReadyAt !== undefined, Math.max(0, spawnedAt + WAIT_MS - performance.now()), sim.pid);
    const after = snap(sim.pid, api.pid, seen);
    if (before) run.registration = useBetween(before, after);
    run.nodesReadySeen = seen.readyNodes;
    if (allReady) run.nodesReadyMs = seen.allNodesReadyAt! - spawnedAt;
    progress(allReady ? `${cfg.nodes.toLocaleString('en-US')} nodes Ready in ${seconds(run.nodesReadyMs!)} (ready line at ${seconds(run.readyLineMs)}); ${cfg.steadySeconds} s of steady heartbeating…` : `only ${seen.readyNodes} of ${cfg.nodes} nodes Ready after ${seconds(WAIT_MS)}`);

    run.steady = await steady(cfg, client, sim, api, seen);

    const nodeNames = seen.nodeNames();
    if (nodeNames.length === 0) throw new Error('kubelet-sim registered no node');
    progress(`${cfg.pods.toLocaleString('en-US')} pods…`);
    const podsFrom = snap(sim.pid, api.pid, seen);
    const createdFrom = performance.now();
    const created = await createPods(api.url, cfg, nodeNames);
    run.podCreatesMs = created.ms;
    run.podCreateErrors = created.errors;
    if (created.firstError !== undefined) run.firstError = created.firstError;
    const target = cfg.pods - created.errors;
    const allRunning = await waitUntil(() => seen.runningPods >= target, Math.max(0, createdFrom + WAIT_MS - performance.now()), sim.pid);
    run.podStart = useBetween(podsFrom, snap(sim.pid, api.pid, seen));
    run.podsRunningSeen = seen.runningPods;
    if (allRunning && created.errors === 0) run.podsRunningMs = (seen.allPodsRunningAt ?? performance.now()) - createdFrom;
    progress(run.podsRunningMs !== undefined ? `pods Running in ${seconds(run.podsRunningMs)}` : `${seen.runningPods} of ${cfg.pods} pods Running`);
    return run;
  } finally {
    await sim?.stop();
    if (log.counts.size > 0) run.simLog = log.top(8);
    await Promise.all(follows.map((f) => f.stop()));
    const errs = follows.filter((f) => f.errors > 0).map((f) => f.lastError);
    if (errs.length) progress(`watch restarts: ${errs.join('; ')}`);
    await client.close();
    await api.stop();
  }
}

/** The bench alone makes the simulator's writes on a fresh apiserver: N Nodes + N Leases, then P pods + P status patches. */
async function baselineRun(cfg: KubeletConfig, seen: Observed): Promise<KubeletBaseline | undefined> {
  const node = seen.nodeTemplate;
  const lease = seen.leaseTemplate;
  const status = seen.runningStatus;
  const names = seen.nodeNames();
  if (!node || !lease || !status || names.length === 0) return undefined;
  const nodeParts = nameTemplate(node.obj, node.name);
  const leaseParts = nameTemplate(lease.obj, lease.name);
  progress('baseline: the same writes from the bench alone on a fresh apiserver…');
  const api = await startApiserver('apiserver-kubelet-base', join(cfg.dir, 'base-data'), cfg);
  const clients = openConnections(api.url, cfg.concurrency);
  try {
    const out: KubeletBaseline = { registerNodesMs: 0, registerLeasesMs: 0, registerMs: 0, podCreatesMs: 0, podPatchesMs: 0, errors: 0 };
    const note = (r: { errors: number; firstError?: string }): void => {
      out.errors += r.errors;
      if (r.firstError !== undefined) out.firstError ??= r.firstError;
    };
    // The Nodes, then their Leases (timed apart: the simulator's first Lease writes may come after its nodes are Ready).
    const postAll = async (path: string, parts: string[]): Promise<number> => {
      let next = 0;
      const r = await runLoad({ origin: api.url, connections: clients, count: names.length, expectStatus: 201, request: (): RequestSpec => ({ method: 'POST', path, body: Buffer.from(parts.join(names[next++]!)) }) });
      note(r);
      return r.elapsedMs;
    };
    const a0 = sampleCpu(api.pid);
    out.registerNodesMs = await postAll('/api/v1/nodes', nodeParts);
    out.registerLeasesMs = await postAll('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', leaseParts);
    out.registerMs = out.registerNodesMs + out.registerLeasesMs;
    const regCpu = cpuBetween(a0, sampleCpu(api.pid), 0);
    if (regCpu) out.registerApiCores = regCpu.serverCores;

    let next = 0;
    const p0 = sampleCpu(api.pid);
    const creates = await runLoad({
      origin: api.url,
      connections: clients,
      count: cfg.pods,
      expectStatus: 201,
      request: (): RequestSpec => {
        const i = next++;
        return { method: 'POST', path: `/api/v1/namespaces/${POD_NAMESPACE}/pods`, body: kubeletPod(podNameOf(i), names[i % names.length]!) };
      },
    });
    note(creates);
    out.podCreatesMs = creates.elapsedMs;
    next = 0;
    const patch = Buffer.from(JSON.stringify({ status }));
    const patches = await runLoad({
      origin: api.url,
      connections: clients,
      count: cfg.pods,
      expectStatus: 200,
      request: (): RequestSpec => ({
        method: 'PATCH',
        path: `/api/v1/namespaces/${POD_NAMESPACE}/pods/${podNameOf(next++)}/status`,
        body: patch,
        headers: { 'Content-Type': 'application/merge-patch+json' },
      }),
    });
    note(patches);
    out.podPatchesMs = patches.elapsedMs;
    const podCpu = cpuBetween(p0, sampleCpu(api.pid), 0);
    if (podCpu) out.podsApiCores = podCpu.serverCores;
    return out;
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await api.stop();
  }
}

/** The kubelet phase: the simulator run, then the baseline. */
export async function benchKubelet(cfg: KubeletConfig): Promise<KubeletBench> {
  await mkdir(cfg.dir, { recursive: true });
  const seen = new Observed(cfg.nodes, cfg.pods);
  const run = await simulatorRun(cfg, seen);
  const out: KubeletBench = { run, concurrency: cfg.concurrency, leaseDurationSeconds: LEASE_DURATION_S };
  const baseline = await baselineRun(cfg, seen);
  if (baseline) out.baseline = baseline;
  return out;
}
