// startCluster(): a whole cluster for an integration test, in this process or as `kubeling up`, on a free port.

import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { ALL_COMPONENTS, kubeConfigOptions, type ClusterComponent, type RunningCluster, type StartClusterOptions } from './cluster-options.js';
import { startInProcessCluster } from './in-process.js';
import { CLI } from './up.js';
import { waitClusterReady } from './wait-ready.js';

/** Resolved options shared by both modes. */
interface Resolved {
  nodes: number;
  storage: 'memory' | 'level';
  components: ClusterComponent[];
  timeoutMs: number;
  dir: string;
  dataDir: string;
  kubeconfigPath: string;
  manifestsDir?: string;
}

function resolveOptions(o: StartClusterOptions, dir: string): Resolved {
  const nodes = o.nodes ?? 3;
  if (!Number.isInteger(nodes) || nodes < 0) throw new Error(`startCluster: nodes must be a whole number, got ${o.nodes}`);
  const storage = o.storage ?? 'memory';
  if (storage !== 'memory' && storage !== 'level') throw new Error(`startCluster: storage must be memory or level, got ${String(storage)}`);
  const components = [...(o.components ?? ALL_COMPONENTS)];
  for (const c of components) if (!ALL_COMPONENTS.includes(c)) throw new Error(`startCluster: unknown component "${c}" (components: ${ALL_COMPONENTS.join(', ')})`);
  const r: Resolved = {
    nodes,
    storage,
    components,
    timeoutMs: o.readyTimeoutMs ?? 30_000,
    dir,
    dataDir: o.dataDir === undefined ? join(dir, 'data') : resolve(o.dataDir),
    kubeconfigPath: join(dir, 'kubeconfig'),
  };
  if (o.manifestsDir !== undefined) r.manifestsDir = resolve(o.manifestsDir);
  return r;
}

/**
 * Starts a cluster on a free loopback port and resolves once the API answers and every node is Ready.
 *
 * ```ts
 * const cluster = await startCluster({ nodes: 3 });
 * const kc = new KubeConfig();
 * kc.loadFromOptions(cluster.kubeConfig);
 * // … kubectl --kubeconfig cluster.kubeconfigPath …
 * await cluster.stop();
 * ```
 */
export async function startCluster(options: StartClusterOptions = {}): Promise<RunningCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'kubeling-'));
  const removeDir = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    const r = resolveOptions(options, dir);
    const started = options.mode === 'processes' ? await startProcesses(r) : await startInProcess(r, options);
    let stopping: Promise<void> | undefined;
    return {
      server: started.server,
      kubeconfigPath: r.kubeconfigPath,
      kubeConfig: kubeConfigOptions(started.server),
      stop: () => (stopping ??= started.stop().finally(removeDir)),
    };
  } catch (e) {
    await removeDir();
    throw e;
  }
}

async function startInProcess(r: Resolved, o: StartClusterOptions): Promise<{ server: string; stop(): Promise<void> }> {
  const spec = { nodes: r.nodes, storage: r.storage, dataDir: r.dataDir, kubeconfigPath: r.kubeconfigPath, components: new Set(r.components), logLevel: o.logLevel ?? 'silent' } as const;
  const cluster = await startInProcessCluster(r.manifestsDir === undefined ? spec : { ...spec, manifestsDir: r.manifestsDir });
  try {
    await waitClusterReady(cluster.server, r.components.includes('kubelet-sim') ? r.nodes : 0, r.timeoutMs);
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  return cluster;
}

/** The last lines a child wrote, for the error when it fails to start. */
function tail(lines: string[], line: string): void {
  lines.push(line);
  if (lines.length > 40) lines.shift();
}

/**
 * Runs `kubeling up` as a child process. Assumptions / Invariants: up prints `kubeling is ready at <url>` on stdout
 * only once the API answers and every simulated node is Ready, so nothing is awaited after it. SIGTERM makes up stop its
 * children and exit; if this process exits first, the child is sent SIGTERM, and if it is killed outright, up sees
 * its IPC channel close and stops (cli.ts), so no cluster is left behind.
 */
async function startProcesses(r: Resolved): Promise<{ server: string; stop(): Promise<void> }> {
  const manifestsDir = r.manifestsDir ?? join(r.dir, 'manifests');
  await mkdir(manifestsDir, { recursive: true });
  const args = [CLI, 'up', '--port', '0', '--storage', r.storage, '--no-fsync', '--data-dir', r.dataDir, '--kubeconfig', r.kubeconfigPath,
    '--nodes', String(r.nodes), '--manifests-dir', manifestsDir, '--components', r.components.join(',')];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  child.channel?.unref();
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const killOnExit = (): void => void child.kill('SIGTERM');
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const lines: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => tail(lines, l));
  try {
    const server = await new Promise<string>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`kubeling up was not ready after ${r.timeoutMs} ms:\n${lines.join('\n')}`)), r.timeoutMs);
      createInterface({ input: child.stdout! }).on('line', (l) => {
        const m = /^kubeling is ready at (http\S+)/.exec(l);
        if (!m) return tail(lines, l);
        clearTimeout(timer);
        res(m[1]!);
      });
      void exited.then(() => {
        clearTimeout(timer);
        rej(new Error(`kubeling up exited with code ${child.exitCode} before it was ready:\n${lines.join('\n')}`));
      });
    });
    return { server, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
