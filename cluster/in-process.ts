// startCluster's in-process mode: the API server and every component on their own clients, in the calling process.

import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import pino from 'pino';
import { startApiserver, type RunningApiserver } from '../apiserver/main.js';
import { Client, createRuntime, silentLogger, type Logger, type Runtime } from '../controllers/runtime/index.js';
import { startScheduler } from '../controllers/scheduler/main.js';
import { startDaemonSetController } from '../controllers/daemonset/main.js';
import { startStatefulSetController } from '../controllers/statefulset/main.js';
import { parseKubeletSimArgs, startSimulator, type Simulator } from '../kubelet-sim/main.js';
import { parseControllerManagerArgs, startControllerManager } from './controller-manager/main.js';
import type { ClusterComponent, ClusterLogLevel } from './cluster-options.js';
import { writeKubeconfig } from './kubeconfig.js';

/** What the in-process mode needs, resolved by startCluster. */
export interface InProcessSpec {
  nodes: number;
  storage: 'memory' | 'level';
  dataDir: string;
  kubeconfigPath: string;
  manifestsDir?: string;
  components: ReadonlySet<ClusterComponent>;
  logLevel: ClusterLogLevel;
}

/** A running in-process cluster: its API URL and how to stop it. */
export interface InProcessCluster {
  server: string;
  stop(): Promise<void>;
}

const USER_AGENTS: Record<ClusterComponent, string> = {
  scheduler: 'kube-scheduler/v1.32.4 (linux/amd64) kubeling',
  'controller-manager': 'kube-controller-manager/v1.32.4 (linux/amd64) kubeling',
  'daemonset-controller': 'kube-controller-manager/v1.32.4 (linux/amd64) kubeling',
  'statefulset-controller': 'kube-controller-manager/v1.32.4 (linux/amd64) kubeling',
  'kubelet-sim': 'kubelet/v1.32.4 (linux/amd64) kubeling',
};

function loggerFor(name: string, level: ClusterLogLevel): pino.Logger | undefined {
  return level === 'silent' ? undefined : pino({ name, level }, pino.destination(2));
}

/**
 * Starts the cluster inside this process. Assumptions / Invariants: each component gets its own Client and
 * Runtime, as each gets its own process under `kubeling up`, so informers, queues and connection pools are never
 * shared and components talk only over HTTP; one AbortSignal ends them all; nothing is global, so several
 * clusters can run side by side. On a failure while starting, what was started is stopped before rethrowing.
 */
export async function startInProcessCluster(spec: InProcessSpec): Promise<InProcessCluster> {
  const ac = new AbortController();
  setMaxListeners(0, ac.signal);
  const clients: Client[] = [];
  let api: RunningApiserver | undefined;
  let sim: Simulator | undefined;
  const stop = async (): Promise<void> => {
    ac.abort();
    await sim?.stop().catch(() => undefined);
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await api?.close();
  };
  try {
    const apiLogger = loggerFor('apiserver', spec.logLevel);
    api = await startApiserver({ port: 0, bind: '127.0.0.1', dataDir: spec.dataDir, storage: spec.storage, fsync: false, createWorkers: 0 }, apiLogger ?? false);
    const server = api.url;
    await writeKubeconfig(spec.kubeconfigPath, server);
    const runtime = (name: ClusterComponent): Runtime => {
      const client = new Client({ server, namespace: 'default' }, { userAgent: USER_AGENTS[name], connections: 8 });
      clients.push(client);
      const logger: Logger = loggerFor(name, spec.logLevel) ?? silentLogger;
      return createRuntime({ client, logger });
    };
    const runtimes: Runtime[] = [];
    const has = (c: ClusterComponent): boolean => spec.components.has(c);
    if (has('scheduler')) runtimes.push(await withRuntime(runtime('scheduler'), (rt) => startScheduler(rt, {}, ac.signal)));
    if (has('controller-manager')) runtimes.push(await withRuntime(runtime('controller-manager'), (rt) => startControllerManager(rt, parseControllerManagerArgs([]), ac.signal)));
    if (has('daemonset-controller')) runtimes.push(await withRuntime(runtime('daemonset-controller'), (rt) => startDaemonSetController(rt, {}, ac.signal)));
    if (has('statefulset-controller')) runtimes.push(await withRuntime(runtime('statefulset-controller'), (rt) => startStatefulSetController(rt, {}, ac.signal)));
    for (const rt of runtimes) rt.start(ac.signal);
    if (has('kubelet-sim') && spec.nodes > 0) sim = await startSimulator(runtime('kubelet-sim'), simulatorOptions(spec), ac.signal);
    await Promise.all(runtimes.map((rt) => rt.waitForSync(ac.signal)));
    return { server, stop };
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
}

async function withRuntime(rt: Runtime, start: (rt: Runtime) => Promise<unknown>): Promise<Runtime> {
  await start(rt);
  return rt;
}

/** The simulator's options, from the same flags `kubeling up` passes to its kubelet-sim process. */
function simulatorOptions(spec: InProcessSpec): ReturnType<typeof parseKubeletSimArgs>['options'] {
  const args = ['--nodes', String(spec.nodes), '--control-planes', '1', '--id', `kubeling-${randomBytes(4).toString('hex')}`];
  if (spec.manifestsDir !== undefined) args.push('--pod-manifest-path', spec.manifestsDir);
  return parseKubeletSimArgs(args).options;
}
