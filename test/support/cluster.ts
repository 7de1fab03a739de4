// Starting real kubeling processes for e2e tests: free ports, temp data dirs, ready lines, SIGKILL.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

/** The compiled command (built by the global setup). */
export const CLI = fileURLToPath(new URL('../../dist/cluster/cli.js', import.meta.url));

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A temp folder removed by the returned cleanup. */
export async function tempDir(prefix = 'kubeling-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A started process and the first stdout line that matched. */
export interface Started {
  proc: ChildProcess;
  line: string;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns `node cli.js <args>` (with extra `env`) and waits for a stdout line matching `ready` (fails fast if it exits first). */
export function startCli(args: string[], ready: RegExp, timeoutMs = 20_000, env?: Record<string, string>): Promise<Started> {
  const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env: { ...process.env, ...env } } : {}) });
  let log = '';
  proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after ${timeoutMs} ms:\n${log}`)), timeoutMs);
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      log += `${line}\n`;
      if (ready.test(line)) {
        clearTimeout(timer);
        resolve({ proc, line, output: () => log, stop });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ready:\n${log}`));
    });
  });
}

/** A `kubeling up` cluster on a free port with a temp data dir. */
export interface UpCluster {
  url: string;
  kubeconfig: string;
  dir: string;
  started: Started;
  stop(): Promise<void>;
}

/** Starts `kubeling up --port 0` in a temp folder (static pod manifests in `<dir>/static-pods`) and waits for its ready line. */
export async function startUp(extra: string[] = []): Promise<UpCluster> {
  const { dir, cleanup } = await tempDir();
  const kubeconfig = join(dir, 'kubeconfig');
  const manifests = extra.includes('--manifests-dir') ? [] : ['--manifests-dir', join(dir, 'static-pods')];
  const started = await startCli(['up', '--port', '0', '--data-dir', join(dir, 'data'), '--kubeconfig', kubeconfig, ...manifests, ...extra], /ready at/);
  const url = /(http:\/\/[^\s]+)/.exec(started.line)![1]!;
  return {
    url,
    kubeconfig,
    dir,
    started,
    async stop() {
      await started.stop();
      await cleanup();
    },
  };
}

/** Writes a kubeconfig for a server URL (for components started alone). */
export async function writeKubeconfig(path: string, server: string): Promise<void> {
  await writeFile(path, stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 't', cluster: { server } }],
    contexts: [{ name: 't', context: { cluster: 't', user: 't', namespace: 'default' } }],
    'current-context': 't',
    users: [{ name: 't', user: {} }],
  }));
}

/** Polls `check` until it returns a truthy value or the timeout passes (no fixed sleeps in tests). */
export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
