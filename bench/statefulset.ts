// The statefulset phase: a 500-replica OrderedReady StatefulSet on simulated nodes that start pods at once — time until
// all are Ready, then a full rolling update — beside the bench doing the same serial work itself with pre-bound pods.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { R } from '../apiserver/api/resources.js';
import type { Node, Pod } from '../apiserver/api/types.js';
import { Client } from '../controllers/runtime/index.js';
import { startChild, startServerChild, type ServerChild } from './children.js';
import { cpuBetween, sampleCpu, type CpuSample } from './cpu.js';
import { Follow } from './follow.js';
import { nodeReady, seconds } from './kubelet-checks.js';
import { LogCounter } from './kubelet.js';
import { orderViolations, rolloutViolations, type Pass, type PodMoment, type StatefulSetBench } from './statefulset-checks.js';

/** Settings of the phase. */
export interface StatefulSetConfig {
  cli: string;
  dir: string;
  nodes: number;
  replicas: number;
  /** Extra node flags of the children (e.g. --cpu-prof). */
  nodeArgs: string[];
}

const NS = 'default';
const BASE_NS = 'baseline';
const OLD_IMAGE = 'registry.k8s.io/pause:3.9';
const NEW_IMAGE = 'registry.k8s.io/pause:3.10';
const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
const PASS_WAIT_MS = 600_000;

const progress = (line: string): void => {
  process.stderr.write(`statefulset phase: ${line}\n`);
};

const isReady = (p: Pod): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** The pods of one name prefix as a watch sees them: moments in order, and waiters for a pod's next state. */
class PodWatch {
  readonly moments: PodMoment[] = [];
  private readonly seen = new Map<string, Set<string>>();
  private readonly waiters = new Set<() => void>();
  /** ordinal → uid of the newest pod Ready at the new image / any image. */
  readonly readyNew = new Set<number>();
  readonly readyAny = new Set<number>();
  readonly live = new Map<number, string>();

  constructor(private readonly prefix: string) {}

  on = (type: 'ADDED' | 'MODIFIED' | 'DELETED', p: Pod): void => {
    const name = p.metadata?.name ?? '';
    if (!name.startsWith(this.prefix)) return;
    const ordinal = Number(name.slice(this.prefix.length));
    const uid = p.metadata?.uid ?? '';
    const updated = p.spec?.containers[0]?.image === NEW_IMAGE;
    const had = this.seen.get(uid) ?? new Set<string>();
    this.seen.set(uid, had);
    const add = (what: PodMoment['what']): void => {
      if (had.has(what)) return;
      had.add(what);
      this.moments.push({ what, ordinal, updated });
    };
    add('created');
    if (type === 'DELETED') {
      add('gone');
      if (this.live.get(ordinal) === uid) this.live.delete(ordinal);
    } else {
      this.live.set(ordinal, uid);
      if (p.metadata?.deletionTimestamp) add('terminating');
      else if (isReady(p)) {
        add('ready');
        this.readyAny.add(ordinal);
        if (updated) this.readyNew.add(ordinal);
      }
    }
    for (const w of [...this.waiters]) w();
  };

  /** Resolves when `check` holds (checked on every event), or false after `ms`. */
  until(check: () => boolean, ms: number): Promise<boolean> {
    if (check()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(w);
        resolve(false);
      }, ms);
      const w = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters.delete(w);
        resolve(true);
      };
      this.waiters.add(w);
    });
  }
}

/** The processes of the phase and the bench's client and watches. */
interface Cluster {
  api: ServerChild;
  sim: ServerChild;
  client: Client;
  kubeconfig: string;
  base: PodWatch;
  sts: PodWatch;
  follows: Follow<{ metadata?: { resourceVersion?: string } }>[];
  nodeNames: string[];
}

async function startCluster(cfg: StatefulSetConfig): Promise<Cluster> {
  const api = await startServerChild('apiserver-sts', cfg.cli, ['apiserver', '--port', '0', '--data-dir', join(cfg.dir, 'data')], cfg.nodeArgs);
  const client = new Client({ server: api.url }, { userAgent: 'kubeling-bench', connections: 16, timeoutMs: 120_000 });
  const kubeconfig = join(cfg.dir, 'kubeconfig');
  await writeFile(kubeconfig, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'bench',
    clusters: [{ name: 'bench', cluster: { server: api.url } }],
    contexts: [{ name: 'bench', context: { cluster: 'bench', user: 'bench', namespace: NS } }],
    users: [{ name: 'bench', user: {} }],
  }));
  const nodes = new Map<string, Node>();
  const base = new PodWatch('base-');
  const sts = new PodWatch('bench-');
  const follows = [
    new Follow<Node>(client, R.nodes, {}, (t, n) => (t === 'DELETED' ? nodes.delete(n.metadata?.name ?? '') : nodes.set(n.metadata?.name ?? '', n))),
    new Follow<Pod>(client, R.pods, { namespace: BASE_NS }, base.on),
    new Follow<Pod>(client, R.pods, { namespace: NS }, sts.on),
  ] as Follow<{ metadata?: { resourceVersion?: string } }>[];
  await Promise.all(follows.map((f) => f.start()));
  const sim = (await startChild('kubelet-sim-sts', cfg.cli, ['kubelet-sim', '--kubeconfig', kubeconfig, '--nodes', String(cfg.nodes), '--name-prefix', 'sts'], {
    urlKey: 'endpoint', nodeArgs: cfg.nodeArgs, onStderr: new LogCounter('kubelet-sim-sts', 3).line, timeoutMs: 120_000,
  })).child;
  const deadline = performance.now() + 120_000;
  while ([...nodes.values()].filter(nodeReady).length < cfg.nodes) {
    if (performance.now() > deadline) throw new Error('not all nodes Ready');
    await new Promise((r) => setTimeout(r, 20));
  }
  // No node lifecycle controller runs here: the bench lifts the not-ready taint a Ready node loses upstream.
  for (const [name, n] of nodes) {
    const taints = (n.spec?.taints ?? []).filter((t) => t.key !== NOT_READY_TAINT);
    await client.patch(R.nodes, undefined, name, 'merge', { spec: { taints: taints.length ? taints : null } });
  }
  await client.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: BASE_NS } });
  return { api, sim, client, kubeconfig, base, sts, follows, nodeNames: [...nodes.keys()].sort() };
}

/** CPU samples of the processes that take part. */
type Snap = Array<CpuSample | undefined>;
const snap = (pids: number[]): Snap => pids.map((p) => sampleCpu(p));
function cores(a: Snap, b: Snap, pids: { controller?: number; api: number; scheduler?: number; sim: number }, order: number[]): Pass['cores'] {
  const of = (pid: number | undefined): number | undefined => {
    const i = pid === undefined ? -1 : order.indexOf(pid);
    return i < 0 ? undefined : cpuBetween(a[i], b[i], 0)?.serverCores;
  };
  return { controller: of(pids.controller), api: of(pids.api), scheduler: of(pids.scheduler), sim: of(pids.sim) };
}

const basePod = (i: number, node: string, image: string): object => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: `base-${i}`, namespace: BASE_NS, labels: { app: 'base' } },
  spec: { nodeName: node, terminationGracePeriodSeconds: 30, containers: [{ name: 'c', image }] },
});

/** The baseline: pre-bound pods created one at a time, each after the previous is Ready; then replaced highest first. */
async function baseline(c: Cluster, cfg: StatefulSetConfig): Promise<{ create: Pass; replace: Pass }> {
  const nodes = c.nodeNames;
  const pids = [c.api.pid, c.sim.pid];
  let a = snap(pids);
  let t0 = performance.now();
  for (let i = 0; i < cfg.replicas; i++) {
    await c.client.create(R.pods, basePod(i, nodes[i % nodes.length]!, OLD_IMAGE));
    if (!(await c.base.until(() => c.base.readyAny.has(i), 60_000))) throw new Error(`baseline: base-${i} not Ready`);
  }
  const create: Pass = { ms: performance.now() - t0, done: c.base.readyAny.size, violations: orderViolations(c.base.moments, cfg.replicas) };
  create.cores = cores(a, snap(pids), { api: c.api.pid, sim: c.sim.pid }, pids);
  progress(`baseline create: ${seconds(create.ms!)}`);
  const mark = c.base.moments.length;
  a = snap(pids);
  t0 = performance.now();
  for (let i = cfg.replicas - 1; i >= 0; i--) {
    await c.client.delete(R.pods, BASE_NS, `base-${i}`);
    if (!(await c.base.until(() => !c.base.live.has(i), 60_000))) throw new Error(`baseline: base-${i} not gone`);
    await c.client.create(R.pods, basePod(i, nodes[i % nodes.length]!, NEW_IMAGE));
    if (!(await c.base.until(() => c.base.readyNew.has(i), 60_000))) throw new Error(`baseline: new base-${i} not Ready`);
  }
  const replace: Pass = { ms: performance.now() - t0, done: c.base.readyNew.size, violations: rolloutViolations(c.base.moments.slice(mark), cfg.replicas) };
  replace.cores = cores(a, snap(pids), { api: c.api.pid, sim: c.sim.pid }, pids);
  progress(`baseline replace: ${seconds(replace.ms!)}`);
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < cfg.replicas) await c.client.delete(R.pods, BASE_NS, `base-${next++}`);
  }));
  return { create, replace };
}

const statefulSet = (replicas: number): object => ({
  apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'bench', namespace: NS },
  spec: {
    serviceName: 'bench', replicas, selector: { matchLabels: { app: 'bench' } },
    template: { metadata: { labels: { app: 'bench' } }, spec: { containers: [{ name: 'c', image: OLD_IMAGE }] } },
  },
});

/** The controller's two passes on a scheduler + statefulset-controller started beside the cluster. */
async function controllerRun(c: Cluster, cfg: StatefulSetConfig, out: StatefulSetBench): Promise<void> {
  const log = new LogCounter('statefulset-controller', 5);
  const sched = (await startChild('scheduler-sts', cfg.cli, ['scheduler', '--kubeconfig', c.kubeconfig], { urlKey: 'component', nodeArgs: cfg.nodeArgs, onStderr: new LogCounter('scheduler-sts', 5).line })).child;
  const ctl = (await startChild('statefulset-controller', cfg.cli, ['statefulset-controller', '--kubeconfig', c.kubeconfig], { urlKey: 'component', nodeArgs: cfg.nodeArgs, onStderr: log.line })).child;
  try {
    const pids = [ctl.pid, c.api.pid, sched.pid, c.sim.pid];
    const who = { controller: ctl.pid, api: c.api.pid, scheduler: sched.pid, sim: c.sim.pid };
    let a = snap(pids);
    let t0 = performance.now();
    await c.client.create(R.statefulsets, statefulSet(cfg.replicas));
    let ok = await c.sts.until(() => c.sts.readyAny.size >= cfg.replicas, PASS_WAIT_MS);
    out.create = { done: c.sts.readyAny.size, violations: orderViolations(c.sts.moments, cfg.replicas), cores: cores(a, snap(pids), who, pids) };
    if (ok) out.create.ms = performance.now() - t0;
    progress(ok ? `all ${cfg.replicas} Ready in ${seconds(out.create.ms!)}` : `only ${out.create.done} Ready`);
    if (!ok) return;
    const mark = c.sts.moments.length;
    a = snap(pids);
    t0 = performance.now();
    await c.client.patch(R.statefulsets, NS, 'bench', 'strategic', { spec: { template: { spec: { containers: [{ name: 'c', image: NEW_IMAGE }] } } } });
    ok = await c.sts.until(() => c.sts.readyNew.size >= cfg.replicas, PASS_WAIT_MS);
    out.rollout = { done: c.sts.readyNew.size, violations: rolloutViolations(c.sts.moments.slice(mark), cfg.replicas), cores: cores(a, snap(pids), who, pids) };
    if (ok) out.rollout.ms = performance.now() - t0;
    progress(ok ? `rollout complete in ${seconds(out.rollout.ms!)}` : `only ${out.rollout.done} replaced`);
    out.rolloutCompleted = await completed(c.client, 10_000);
  } finally {
    if (log.counts.size > 0) out.controllerLog = log.top(5);
    await ctl.stop();
    await sched.stop();
  }
}

/** Whether the set's status shows the rollout complete (currentRevision == updateRevision) within `ms`. */
async function completed(client: Client, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  for (;;) {
    const s = await client.get<{ status?: { currentRevision?: string; updateRevision?: string } }>(R.statefulsets, NS, 'bench');
    if (s.status?.currentRevision && s.status.currentRevision === s.status.updateRevision) return true;
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The phase: one cluster; the baseline first, then the controller. */
export async function benchStatefulSet(cfg: StatefulSetConfig): Promise<StatefulSetBench> {
  await mkdir(cfg.dir, { recursive: true });
  const out: StatefulSetBench = { nodes: cfg.nodes, replicas: cfg.replicas };
  progress(`apiserver + kubelet-sim with ${cfg.nodes} nodes…`);
  const c = await startCluster(cfg);
  try {
    const b = await baseline(c, cfg);
    out.baselineCreate = b.create;
    out.baselineReplace = b.replace;
    await controllerRun(c, cfg, out);
  } finally {
    await Promise.all(c.follows.map((f) => f.stop()));
    await c.client.close();
    await c.sim.stop();
    await c.api.stop();
  }
  return out;
}
