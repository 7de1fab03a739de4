// The scheduler phase: P pending pods over N simulated nodes (one kubelet-sim) on a fresh apiserver (LevelDB, fsync
// on), then the scheduler started: pods bound per second and the scheduler's CPU per pod, once without and once
// with a required pod anti-affinity term; the baseline is the bench binding the same pending pods itself.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { R } from '../apiserver/api/resources.js';
import type { Node, Pod } from '../apiserver/api/types.js';
import { Client } from '../controllers/runtime/index.js';
import { startChild, startServerChild, type ServerChild } from './children.js';
import { Follow } from './follow.js';
import { cpuBetween, sampleCpu, type CpuSample } from './cpu.js';
import { nodeReady, seconds } from './kubelet-checks.js';
import { LogCounter } from './kubelet.js';
import { runLoad, type RequestSpec } from './load.js';
import {
  ANTI_AFFINITY_GROUP_SIZE,
  bindingBody,
  checkPlacement,
  pendingPod,
  schedPodName,
  type BindBaseline,
  type SchedulerBench,
  type SchedulerRun,
} from './scheduler-checks.js';
import { rssBytes } from './watch-fanout.js';

/** Settings of the phase. */
export interface SchedulerConfig {
  cli: string;
  dir: string;
  nodes: number;
  pods: number;
  /** Requests in flight from the bench's own writers (pod creates, the baseline's bindings). */
  concurrency: number;
  /** Extra node flags of the apiserver children (e.g. --cpu-prof). */
  nodeArgs: string[];
  /** Extra node flags of the scheduler child (e.g. --cpu-prof). */
  schedulerNodeArgs: string[];
}

const NAMESPACE = 'default';
const NAME_PREFIX = 'sb';
const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
/** How long to wait for every node Ready (ms), and for every pod bound. */
const NODES_WAIT_MS = 180_000;
const BIND_WAIT_MS = 600_000;

const progress = (line: string): void => {
  process.stderr.write(`scheduler phase: ${line}\n`);
};

/** What the bench's watches see: nodes Ready without the not-ready taint, and pods bound. */
class Seen {
  readonly nodes = new Map<string, { usable: boolean; node: Node }>();
  usableNodes = 0;
  readonly bound = new Map<string, string>();
  firstBoundAt: number | undefined;
  allBoundAt: number | undefined;
  target = Infinity;

  node = (type: string, n: Node): void => {
    const name = n.metadata?.name ?? '';
    if (!name.startsWith(`${NAME_PREFIX}-`)) return;
    const was = this.nodes.get(name)?.usable ?? false;
    const now = type !== 'DELETED' && nodeReady(n) && !(n.spec?.taints ?? []).some((t) => t.key === NOT_READY_TAINT);
    if (type === 'DELETED') this.nodes.delete(name);
    else this.nodes.set(name, { usable: now, node: n });
    this.usableNodes += Number(now) - Number(was);
  };

  pod = (type: string, p: Pod): void => {
    const name = p.metadata?.name ?? '';
    if (!name.startsWith('sp-') || type === 'DELETED') return;
    const node = p.spec?.nodeName;
    if (!node || this.bound.has(name)) return;
    this.bound.set(name, node);
    this.firstBoundAt ??= performance.now();
    if (this.bound.size >= this.target && this.allBoundAt === undefined) this.allBoundAt = performance.now();
  };
}

/** Waits until `done()` holds, checking every 20 ms (and `tick` each time); false after `ms`. */
async function waitUntil(done: () => boolean, ms: number, tick?: () => void): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!done()) {
    if (performance.now() > deadline) return false;
    tick?.();
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** A running cluster of the phase: apiserver, simulator, the bench's client and watches. */
interface Cluster {
  api: ServerChild;
  sim: ServerChild;
  client: Client;
  seen: Seen;
  kubeconfig: string;
  nodesReadyMs?: number;
  stop(): Promise<void>;
}

/** A fresh apiserver and a kubelet-sim with `cfg.nodes` nodes, all Ready, their not-ready taint removed. */
async function startCluster(cfg: SchedulerConfig, name: string): Promise<Cluster> {
  const dir = join(cfg.dir, name);
  await mkdir(dir, { recursive: true });
  const api = await startServerChild(`apiserver-${name}`, cfg.cli, ['apiserver', '--port', '0', '--data-dir', join(dir, 'data')], cfg.nodeArgs);
  const client = new Client({ server: api.url }, { userAgent: 'kubeling-bench', connections: cfg.concurrency, timeoutMs: 120_000 });
  const seen = new Seen();
  const follows = [new Follow<Node>(client, R.nodes, {}, seen.node), new Follow<Pod>(client, R.pods, { namespace: NAMESPACE }, seen.pod)];
  let sim: ServerChild | undefined;
  const stop = async (): Promise<void> => {
    await sim?.stop();
    await Promise.all(follows.map((f) => f.stop()));
    const errs = follows.filter((f) => f.errors > 0).map((f) => f.lastError);
    if (errs.length) progress(`${name}: watch restarts: ${errs.join('; ')}`);
    await client.close();
    await api.stop();
  };
  try {
    await Promise.all(follows.map((f) => f.start()));
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'bench', cluster: { server: api.url } }],
      contexts: [{ name: 'bench', context: { cluster: 'bench', user: 'bench', namespace: NAMESPACE } }],
      'current-context': 'bench',
      users: [{ name: 'bench', user: {} }],
    }));
    let spawnedAt = 0;
    const ready = await startChild(`kubelet-sim-${name}`, cfg.cli, ['kubelet-sim', '--kubeconfig', kubeconfig, '--nodes', String(cfg.nodes), '--name-prefix', NAME_PREFIX], {
      urlKey: 'endpoint',
      onStderr: new LogCounter(`kubelet-sim-${name}`, 3).line,
      timeoutMs: NODES_WAIT_MS,
      onSpawn: () => {
        spawnedAt = performance.now();
      },
    });
    sim = ready.child;
    if (!(await waitUntil(() => [...seen.nodes.values()].filter((n) => nodeReady(n.node)).length >= cfg.nodes, NODES_WAIT_MS))) throw new Error(`${name}: not all ${cfg.nodes} nodes Ready`);
    // Upstream's node lifecycle controller lifts the not-ready:NoSchedule taint (added on Node create) once a node
    // is Ready; the bench runs no controller-manager, so it lifts the taint itself.
    const tainted = [...seen.nodes.entries()].filter(([, n]) => (n.node.spec?.taints ?? []).some((t) => t.key === NOT_READY_TAINT));
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(cfg.concurrency, tainted.length) }, async () => {
      while (next < tainted.length) {
        const [nodeName, n] = tainted[next++]!;
        const taints = (n.node.spec?.taints ?? []).filter((t) => t.key !== NOT_READY_TAINT);
        await client.patch(R.nodes, undefined, nodeName, 'merge', { spec: { taints: taints.length ? taints : null } });
      }
    }));
    if (!(await waitUntil(() => seen.usableNodes >= cfg.nodes, NODES_WAIT_MS))) throw new Error(`${name}: only ${seen.usableNodes} of ${cfg.nodes} nodes Ready and untainted`);
    const cluster: Cluster = { api, sim, client, seen, kubeconfig, nodesReadyMs: performance.now() - spawnedAt, stop };
    return cluster;
  } catch (e) {
    await stop();
    throw e;
  }
}

/** POSTs the P pending pods (`concurrency` in flight). */
async function createPending(cfg: SchedulerConfig, api: ServerChild, antiAffinity: boolean): Promise<{ ms: number; errors: number; firstError?: string }> {
  let next = 0;
  const r = await runLoad({
    origin: api.url,
    connections: cfg.concurrency,
    count: cfg.pods,
    expectStatus: 201,
    request: (): RequestSpec => ({ method: 'POST', path: `/api/v1/namespaces/${NAMESPACE}/pods`, body: Buffer.from(JSON.stringify(pendingPod(next++, NAMESPACE, antiAffinity))) }),
  });
  return { ms: r.elapsedMs, errors: r.errors, ...(r.firstError !== undefined ? { firstError: r.firstError } : {}) };
}

/** CPU counters of the processes at one moment. */
interface Snap {
  at: number;
  sched: CpuSample | undefined;
  sim: CpuSample | undefined;
  api: CpuSample | undefined;
}

const snap = (schedPid: number, c: Cluster): Snap => ({ at: performance.now(), sched: sampleCpu(schedPid), sim: sampleCpu(c.sim.pid), api: sampleCpu(c.api.pid) });

/** The CPU time (ms) a process used between two samples. */
const cpuMs = (a: CpuSample | undefined, b: CpuSample | undefined): number | undefined => (a && b ? (b.serverTicks - a.serverTicks) * 10 : undefined);

/** One scheduler run: a fresh cluster, P pending pods, then the scheduler until all are bound. */
async function schedulerRun(cfg: SchedulerConfig, antiAffinity: boolean): Promise<SchedulerRun> {
  const name = antiAffinity ? 'anti-affinity' : 'plain';
  progress(`${name}: apiserver + kubelet-sim with ${cfg.nodes.toLocaleString('en-US')} nodes…`);
  const c = await startCluster(cfg, name);
  const run: SchedulerRun = { antiAffinity, nodes: cfg.nodes, pods: cfg.pods, podCreatesMs: 0, podCreateErrors: 0, boundSeen: 0 };
  if (c.nodesReadyMs !== undefined) run.nodesReadyMs = c.nodesReadyMs;
  const log = new LogCounter(`scheduler-${name}`, 5);
  let sched: ServerChild | undefined;
  try {
    progress(`${name}: nodes Ready in ${seconds(c.nodesReadyMs ?? 0)}; ${cfg.pods.toLocaleString('en-US')} pending pods…`);
    const created = await createPending(cfg, c.api, antiAffinity);
    run.podCreatesMs = created.ms;
    run.podCreateErrors = created.errors;
    if (created.firstError !== undefined) run.firstError = created.firstError;
    c.seen.target = cfg.pods - created.errors;
    if (c.seen.bound.size > 0) throw new Error(`${name}: ${c.seen.bound.size} pods bound before the scheduler started`);
    progress(`${name}: created in ${seconds(created.ms)}; starting the scheduler…`);
    let spawnedAt = 0;
    let spawnSnap: Snap | undefined;
    let rssMax = 0;
    const ready = await startChild(`scheduler-${name}`, cfg.cli, ['scheduler', '--kubeconfig', c.kubeconfig], {
      urlKey: 'component',
      nodeArgs: cfg.schedulerNodeArgs,
      onStderr: log.line,
      timeoutMs: 120_000,
      onSpawn: (pid) => {
        spawnedAt = performance.now();
        spawnSnap = snap(pid, c);
      },
    });
    sched = ready.child;
    const readySnap = snap(sched.pid, c);
    run.readyLineMs = readySnap.at - spawnedAt;
    let lastRss = 0;
    const pid = sched.pid;
    const all = await waitUntil(() => c.seen.allBoundAt !== undefined, BIND_WAIT_MS, () => {
      const now = performance.now();
      if (now - lastRss < 250) return;
      lastRss = now;
      rssMax = Math.max(rssMax, rssBytes(pid) ?? 0);
    });
    const endSnap = snap(sched.pid, c);
    rssMax = Math.max(rssMax, rssBytes(pid) ?? 0);
    if (rssMax > 0) run.schedRssMaxBytes = rssMax;
    run.boundSeen = c.seen.bound.size;
    if (c.seen.firstBoundAt !== undefined) run.firstBoundMs = c.seen.firstBoundAt - spawnedAt;
    if (all) run.lastBoundMs = c.seen.allBoundAt! - spawnedAt;
    const s0 = cpuMs(spawnSnap?.sched, readySnap.sched);
    // The sample at spawn may miss the process (its /proc entry not yet readable): then start-up counts from 0.
    const startMs = s0 ?? (readySnap.sched ? readySnap.sched.serverTicks * 10 : undefined);
    if (startMs !== undefined) run.schedCpuStartMs = startMs;
    const bindMs = cpuMs(readySnap.sched, endSnap.sched);
    if (bindMs !== undefined) run.schedCpuBindMs = bindMs;
    const sim = cpuBetween(readySnap.sim, endSnap.sim, 0);
    const api = cpuBetween(readySnap.api, endSnap.api, 0);
    const sch = cpuBetween(readySnap.sched, endSnap.sched, 0);
    const secs = (endSnap.at - readySnap.at) / 1000;
    run.window = { seconds: secs, writes: { nodes: 0, leases: 0, pods: run.boundSeen, events: 0 } };
    if (sch) run.window.schedCores = sch.serverCores;
    if (sim) run.window.simCores = sim.serverCores;
    if (api) {
      run.window.apiCores = api.serverCores;
      run.window.benchCores = api.generatorCores;
      run.window.otherCores = Math.max(0, api.machineCores - api.serverCores - api.generatorCores - (sim?.serverCores ?? 0) - (sch?.serverCores ?? 0));
    }
    progress(all ? `${name}: all ${cfg.pods.toLocaleString('en-US')} bound ${seconds(run.lastBoundMs! - run.readyLineMs)} after the ready line (${seconds(run.readyLineMs)})` : `${name}: only ${run.boundSeen} of ${cfg.pods} bound within ${seconds(BIND_WAIT_MS)}`);
    await sched.stop();
    sched = undefined;
    // Correctness: where every pod landed, against each node's allocatable pods.
    const pods = await c.client.listAll<Pod>(R.pods, { namespace: NAMESPACE, limit: 1000 });
    const capacity = new Map([...c.seen.nodes].map(([n, v]) => [n, Number(v.node.status?.allocatable?.pods ?? Infinity)]));
    run.placement = checkPlacement(pods.items.filter((p) => p.metadata?.name?.startsWith('sp-')), capacity, antiAffinity);
    return run;
  } finally {
    await sched?.stop();
    if (log.counts.size > 0) run.schedLog = log.top(6);
    await c.stop();
  }
}

/** The baseline: a fresh cluster of the same size and P pending pods, which the bench binds round-robin itself. */
async function baselineRun(cfg: SchedulerConfig): Promise<BindBaseline> {
  progress(`baseline: apiserver + kubelet-sim with ${cfg.nodes.toLocaleString('en-US')} nodes, the bench binding the pods itself…`);
  const c = await startCluster(cfg, 'baseline');
  try {
    const created = await createPending(cfg, c.api, false);
    const nodes = [...c.seen.nodes.keys()];
    c.seen.target = cfg.pods - created.errors;
    const before = snap(c.api.pid, c);
    const started = performance.now();
    let next = 0;
    const r = await runLoad({
      origin: c.api.url,
      connections: cfg.concurrency,
      count: cfg.pods,
      expectStatus: 201,
      request: (): RequestSpec => {
        const i = next++;
        const pod = schedPodName(i);
        return { method: 'POST', path: `/api/v1/namespaces/${NAMESPACE}/pods/${pod}/binding`, body: Buffer.from(JSON.stringify(bindingBody(pod, NAMESPACE, nodes[i % nodes.length]!))) };
      },
    });
    await waitUntil(() => c.seen.allBoundAt !== undefined, 60_000);
    const after = snap(c.api.pid, c);
    const out: BindBaseline = { nodes: cfg.nodes, pods: cfg.pods, bindMs: r.elapsedMs, errors: r.errors + created.errors };
    if (c.seen.allBoundAt !== undefined) out.boundSeenMs = c.seen.allBoundAt - started;
    const firstError = created.firstError ?? r.firstError;
    if (firstError !== undefined) out.firstError = firstError;
    const api = cpuBetween(before.api, after.api, 0);
    const sim = cpuBetween(before.sim, after.sim, 0);
    if (api) out.apiCores = api.serverCores;
    if (sim) out.simCores = sim.serverCores;
    progress(`baseline: ${cfg.pods.toLocaleString('en-US')} bindings in ${seconds(r.elapsedMs)}`);
    return out;
  } finally {
    await c.stop();
  }
}

/** The scheduler phase: without affinity, with anti-affinity, then the raw-binding baseline. */
export async function benchScheduler(cfg: SchedulerConfig): Promise<SchedulerBench> {
  await mkdir(cfg.dir, { recursive: true });
  if (Math.ceil(cfg.pods / cfg.nodes) > 110) throw new Error(`${cfg.pods} pods do not fit on ${cfg.nodes} nodes of 110 pods`);
  const groupSize = Math.min(ANTI_AFFINITY_GROUP_SIZE, cfg.nodes);
  if (groupSize !== ANTI_AFFINITY_GROUP_SIZE) throw new Error(`the anti-affinity run needs at least ${ANTI_AFFINITY_GROUP_SIZE} nodes`);
  const out: SchedulerBench = { concurrency: cfg.concurrency, groupSize };
  out.plain = await schedulerRun(cfg, false);
  out.antiAffinity = await schedulerRun(cfg, true);
  out.baseline = await baselineRun(cfg);
  return out;
}
