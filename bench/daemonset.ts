// The DaemonSet phase: a fresh apiserver (LevelDB, fsync on), one kubelet-sim with N nodes, the controller-manager, the
// scheduler and the daemonset-controller as processes; a DaemonSet over every node until it is rolled out, then an
// image update with maxUnavailable 10% until it is rolled out again. Baseline: the bench's own N pre-bound pods.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { R } from '../apiserver/api/resources.js';
import type { DaemonSet, Node, Pod } from '../apiserver/api/types.js';
import { Client } from '../controllers/runtime/index.js';
import { startChild, startServerChild, type ServerChild } from './children.js';
import { cpuBetween, sampleCpu, type CpuSample } from './cpu.js';
import { rolledOut, type DaemonSetBench, type DsStep, type ProcessCores } from './daemonset-checks.js';
import { Follow } from './follow.js';
import { nodeReady, podRunning, seconds } from './kubelet-checks.js';
import { LogCounter } from './kubelet.js';
import { runLoad, type RequestSpec } from './load.js';

/** Settings of the phase. */
export interface DaemonSetConfig {
  cli: string;
  dir: string;
  nodes: number;
  /** Pass --no-events to the simulator (by default it writes its kubelet events, as a user runs it). */
  noEvents: boolean;
  /** Requests in flight from the bench's own writers. */
  concurrency: number;
  /** Extra node flags of every child (e.g. --cpu-prof). */
  nodeArgs: string[];
}

const DS_NS = 'bench-ds';
const BASE_NS = 'bench-base';
const NAME_PREFIX = 'ds';
const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
const MAX_UNAVAILABLE = '10%';
const IMAGE = 'registry.k8s.io/pause:3.10';
const WAIT_MS = 180_000;

const progress = (line: string): void => {
  process.stderr.write(`daemonset phase: ${line}\n`);
};

/** What the bench's watches see. */
class Seen {
  readonly usable = new Set<string>();
  readonly running = new Map<string, Set<string>>([[DS_NS, new Set()], [BASE_NS, new Set()]]);
  created = 0;
  deleted = 0;
  /** When the DaemonSet's pods created reached `want`, and when as many were Running and Ready (performance.now()). */
  want = Infinity;
  allCreatedAt: number | undefined;
  allRunningAt: number | undefined;
  ds: DaemonSet | undefined;

  node = (type: string, n: Node): void => {
    const name = n.metadata?.name ?? '';
    const ok = type !== 'DELETED' && nodeReady(n) && !(n.spec?.taints ?? []).some((t) => t.key === NOT_READY_TAINT);
    if (ok) this.usable.add(name);
    else this.usable.delete(name);
  };

  pod = (type: string, p: Pod): void => {
    const set = this.running.get(p.metadata?.namespace ?? '');
    if (!set) return;
    const name = p.metadata?.name ?? '';
    if (p.metadata?.namespace === DS_NS) {
      if (type === 'ADDED' && !set.has(name)) this.created++;
      if (type === 'DELETED') this.deleted++;
      if (this.created >= this.want) this.allCreatedAt ??= performance.now();
    }
    if (type !== 'DELETED' && podRunning(p) && !p.metadata?.deletionTimestamp) set.add(name);
    else set.delete(name);
    if (p.metadata?.namespace === DS_NS && set.size >= this.want) this.allRunningAt ??= performance.now();
  };

  daemonSet = (type: string, ds: DaemonSet): void => {
    this.ds = type === 'DELETED' ? undefined : ds;
  };
}

async function waitUntil(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

/** The processes of the phase, for CPU samples. */
interface Procs {
  api: ServerChild;
  sim?: ServerChild;
  cm?: ServerChild;
  sched?: ServerChild;
  ds?: ServerChild;
}

type Snap = Record<keyof Procs, CpuSample | undefined>;

const snap = (p: Procs): Snap => ({ api: sampleCpu(p.api.pid), sim: p.sim && sampleCpu(p.sim.pid), cm: p.cm && sampleCpu(p.cm.pid), sched: p.sched && sampleCpu(p.sched.pid), ds: p.ds && sampleCpu(p.ds.pid) });

function cores(a: Snap, b: Snap): ProcessCores {
  const c = (k: keyof Procs): number | undefined => cpuBetween(a[k], b[k], 0)?.serverCores;
  const out: ProcessCores = {};
  const set = (key: keyof ProcessCores, v: number | undefined): void => {
    if (v !== undefined) out[key] = v;
  };
  set('apiserver', c('api'));
  set('kubeletSim', c('sim'));
  set('controllerManager', c('cm'));
  set('scheduler', c('sched'));
  set('daemonset', c('ds'));
  return out;
}

function daemonSetBody(): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'bench', namespace: DS_NS },
    spec: {
      selector: { matchLabels: { app: 'ds-bench' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: MAX_UNAVAILABLE } },
      template: {
        metadata: { labels: { app: 'ds-bench' } },
        spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'pause', image: IMAGE, resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
      },
    },
  };
}

/** POSTs one pre-bound pod per node in the baseline namespace. */
async function createBaseline(cfg: DaemonSetConfig, api: ServerChild, nodes: string[]): Promise<{ ms: number; errors: number }> {
  let next = 0;
  const r = await runLoad({
    origin: api.url,
    connections: cfg.concurrency,
    count: nodes.length,
    expectStatus: 201,
    request: (): RequestSpec => {
      const i = next++;
      const body = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `base-${String(i).padStart(5, '0')}`, namespace: BASE_NS, labels: { app: 'ds-base' } }, spec: { nodeName: nodes[i]!, terminationGracePeriodSeconds: 1, containers: [{ name: 'pause', image: IMAGE, resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } };
      return { method: 'POST', path: `/api/v1/namespaces/${BASE_NS}/pods`, body: Buffer.from(JSON.stringify(body)) };
    },
  });
  return { ms: r.elapsedMs, errors: r.errors };
}

/** Times `act` until `done`, with each process's CPU meanwhile. */
async function step(procs: Procs, act: () => Promise<void>, done: () => boolean): Promise<DsStep> {
  const a = snap(procs);
  const t0 = performance.now();
  await act();
  const ok = await waitUntil(done, WAIT_MS);
  const out: DsStep = { cores: cores(a, snap(procs)) };
  if (ok) out.ms = performance.now() - t0;
  return out;
}

async function writeKubeconfig(path: string, server: string): Promise<void> {
  await writeFile(path, JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'bench', cluster: { server } }],
    contexts: [{ name: 'bench', context: { cluster: 'bench', user: 'bench', namespace: 'default' } }],
    'current-context': 'bench',
    users: [{ name: 'bench', user: {} }],
  }));
}

/** Starts a component child that prints `{"ready":true,"component":…}`. */
async function component(cfg: DaemonSetConfig, name: string, args: string[], log?: LogCounter): Promise<ServerChild> {
  const { child } = await startChild(name, cfg.cli, args, { urlKey: 'component', nodeArgs: cfg.nodeArgs, timeoutMs: WAIT_MS, ...(log ? { onStderr: log.line } : {}) });
  return child;
}

/** Runs the phase. */
export async function benchDaemonSet(cfg: DaemonSetConfig): Promise<DaemonSetBench> {
  await mkdir(cfg.dir, { recursive: true });
  const out: DaemonSetBench = { nodes: cfg.nodes, events: !cfg.noEvents, maxUnavailable: MAX_UNAVAILABLE, baseline: { cores: {}, errors: 0 }, create: { cores: {} }, update: { cores: {} } };
  const api = await startServerChild('apiserver-ds', cfg.cli, ['apiserver', '--port', '0', '--data-dir', join(cfg.dir, 'data')], cfg.nodeArgs);
  const procs: Procs = { api };
  const client = new Client({ server: api.url }, { userAgent: 'kubeling-bench', connections: 8, timeoutMs: 120_000 });
  const seen = new Seen();
  const follows = [
    new Follow<Node>(client, R.nodes, {}, seen.node),
    new Follow<Pod>(client, R.pods, {}, seen.pod),
    new Follow<DaemonSet>(client, R.daemonsets, { namespace: DS_NS }, seen.daemonSet),
  ];
  const dsLog = new LogCounter('daemonset-controller', 5);
  try {
    await Promise.all(follows.map((f) => f.start()));
    for (const ns of [DS_NS, BASE_NS]) await client.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const kubeconfig = join(cfg.dir, 'kubeconfig');
    await writeKubeconfig(kubeconfig, api.url);
    progress(`controller-manager, kubelet-sim with ${cfg.nodes.toLocaleString('en-US')} nodes${cfg.noEvents ? ' (--no-events)' : ''}…`);
    procs.cm = await component(cfg, 'controller-manager-ds', ['controller-manager', '--kubeconfig', kubeconfig], new LogCounter('controller-manager', 3));
    const simArgs = ['kubelet-sim', '--kubeconfig', kubeconfig, '--nodes', String(cfg.nodes), '--name-prefix', NAME_PREFIX, ...(cfg.noEvents ? ['--no-events'] : [])];
    const t0 = performance.now();
    const { child: sim } = await startChild('kubelet-sim-ds', cfg.cli, simArgs, { urlKey: 'endpoint', nodeArgs: cfg.nodeArgs, timeoutMs: WAIT_MS, onStderr: new LogCounter('kubelet-sim', 3).line });
    procs.sim = sim;
    if (!(await waitUntil(() => seen.usable.size >= cfg.nodes, WAIT_MS))) throw new Error(`only ${seen.usable.size} of ${cfg.nodes} nodes Ready and untainted`);
    out.nodesReadyMs = performance.now() - t0;
    progress(`nodes Ready in ${seconds(out.nodesReadyMs)}; baseline: ${cfg.nodes} pre-bound pods…`);
    const nodes = [...seen.usable].sort();
    let created = { ms: 0, errors: 0 };
    out.baseline = { ...(await step(procs, async () => void (created = await createBaseline(cfg, api, nodes)), () => seen.running.get(BASE_NS)!.size >= cfg.nodes)), createMs: created.ms, errors: created.errors };
    progress(`baseline Running in ${out.baseline.ms === undefined ? 'n/a' : seconds(out.baseline.ms)}; scheduler and daemonset-controller…`);
    procs.sched = await component(cfg, 'scheduler-ds', ['scheduler', '--kubeconfig', kubeconfig], new LogCounter('scheduler', 3));
    procs.ds = await component(cfg, 'daemonset-controller', ['daemonset-controller', '--kubeconfig', kubeconfig], dsLog);

    seen.want = cfg.nodes;
    const created0 = performance.now();
    out.create = await step(procs, async () => void (await client.create(R.daemonsets, daemonSetBody())), () => !!seen.ds && rolledOut(seen.ds, cfg.nodes));
    out.create.podsCreated = seen.created;
    if (seen.allCreatedAt !== undefined) out.create.allCreatedMs = seen.allCreatedAt - created0;
    if (seen.allRunningAt !== undefined) out.create.allRunningMs = seen.allRunningAt - created0;
    progress(`created → rolled out: ${out.create.ms === undefined ? 'NOT DONE' : seconds(out.create.ms)}; image update…`);
    if (out.create.ms === undefined) throw new Error(`not rolled out: ${JSON.stringify(seen.ds?.status)}`);
    const [c0, d0] = [seen.created, seen.deleted];
    const patch = [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'registry.k8s.io/pause:3.9' }];
    out.update = await step(procs, async () => {
      const ds = await client.patch<DaemonSet>(R.daemonsets, DS_NS, 'bench', 'json', patch);
      // the watch may still hold the old generation's status: wait on the patched object's generation
      seen.ds = { ...ds, status: seen.ds?.status ?? {} } as DaemonSet;
    }, () => !!seen.ds && rolledOut(seen.ds, cfg.nodes));
    out.update.podsCreated = seen.created - c0;
    out.update.podsDeleted = seen.deleted - d0;
    progress(`update → rolled out: ${out.update.ms === undefined ? 'NOT DONE' : seconds(out.update.ms)}`);
  } catch (e) {
    out.error = (e as Error).message;
    progress(`failed: ${out.error}`);
  } finally {
    if (dsLog.counts.size > 0) out.controllerLog = dsLog.top(5).map((t) => [t.msg, t.count]);
    for (const p of [procs.ds, procs.sched, procs.sim, procs.cm]) await p?.stop();
    await Promise.all(follows.map((f) => f.stop()));
    await client.close();
    await api.stop();
  }
  return out;
}
