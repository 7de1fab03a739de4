// The startup phase: `kubeling up` until kubectl sees 3 Ready nodes, an in-process cluster, and an idle cluster's memory.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { kubectlReadyNodes, median, parsePpid, parsePss, parseVmRss, type ProcessMemory, type StartupBench } from './startup-checks.js';

const CHILD = fileURLToPath(new URL('./startup-child.js', import.meta.url));
const NODES = 3;

/** Options of the phase. */
export interface StartupOptions {
  cli: string;
  dir: string;
  runs: number;
  idleSeconds: number;
}

function run(cmd: string, args: string[], timeoutMs = 30_000): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs }, (err, stdout) => resolve({ code: err ? 1 : 0, stdout: String(stdout) }));
  });
}

function exited(proc: ChildProcess): Promise<void> {
  return proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((r) => proc.once('exit', () => r()));
}

/** spawn → exit of `node -e 0`. */
async function nodeBaseline(): Promise<number> {
  const t0 = performance.now();
  await exited(spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' }));
  return performance.now() - t0;
}

async function kubectlAvailable(): Promise<boolean> {
  return (await run('kubectl', ['version', '--client'])).code === 0;
}

async function httpReadyNodes(server: string): Promise<number> {
  try {
    const list = (await (await fetch(`${server}/api/v1/nodes`)).json()) as { items?: { status?: { conditions?: { type?: string; status?: string }[] } }[] };
    return (list.items ?? []).filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
  } catch {
    return 0;
  }
}

/** One `kubeling up` run with default flags: the ready line, then HTTP and kubectl polled in turn until 3 Ready. */
interface UpRun {
  proc: ChildProcess;
  readyLineMs: number;
  httpMs: number;
  kubectlMs?: number;
  kubectlCallMs?: number;
}

async function startUp(o: StartupOptions, dir: string, kubectl: boolean): Promise<UpRun> {
  await mkdir(dir, { recursive: true });
  const kubeconfig = join(dir, 'kubeconfig');
  const t0 = performance.now();
  const proc = spawn(process.execPath, [o.cli, 'up', '--port', '0', '--data-dir', join(dir, 'data'), '--kubeconfig', kubeconfig, '--manifests-dir', join(dir, 'manifests')], { stdio: ['ignore', 'pipe', 'ignore'] });
  const server = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      const m = /^kubeling is ready at (http\S+)/.exec(l);
      if (m) resolve(m[1]!);
    });
    void exited(proc).then(() => reject(new Error('kubeling up exited before its ready line')));
  });
  const r: UpRun = { proc, readyLineMs: performance.now() - t0, httpMs: NaN };
  const deadline = t0 + 30_000;
  while (Number.isNaN(r.httpMs) && performance.now() < deadline) {
    if ((await httpReadyNodes(server)) >= NODES) r.httpMs = performance.now() - t0;
    else await delay(10);
  }
  if (!kubectl) return r;
  // a fresh kubectl cache each run, as a first `kubectl get nodes` after `kubeling up` has; polled from the ready line
  const cache = join(dir, 'kubectl-cache');
  for (let i = 0; r.kubectlMs === undefined && performance.now() < deadline; i++) {
    const c0 = performance.now();
    const got = await run('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', cache, 'get', 'nodes']);
    if (got.code === 0 && kubectlReadyNodes(got.stdout) >= NODES) {
      r.kubectlMs = performance.now() - t0;
      r.kubectlCallMs = performance.now() - c0;
    }
  }
  return r;
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  await exited(proc);
  clearTimeout(timer);
}

/**
 * Every process of the tree rooted at `root`, with its memory. Assumptions / Invariants: Linux /proc; a process's
 * parent is field 4 of /proc/<pid>/stat; the component name is the `kubeling <command>` argument of its cmdline.
 */
async function treeMemory(root: number): Promise<ProcessMemory[]> {
  const parents = new Map<number, number>();
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const ppid = parsePpid(await readFile(`/proc/${e}/stat`, 'utf8').catch(() => ''));
    if (ppid !== undefined) parents.set(Number(e), ppid);
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parents.get(p)) if (p === root) return true;
    return false;
  };
  const out: ProcessMemory[] = [];
  for (const pid of [...parents.keys()].filter(inTree).sort((a, b) => a - b)) {
    const mem = await processMemory(pid);
    if (mem) out.push(mem);
  }
  return out;
}

async function processMemory(pid: number): Promise<ProcessMemory | undefined> {
  const rss = parseVmRss(await readFile(`/proc/${pid}/status`, 'utf8').catch(() => ''));
  if (rss === undefined) return undefined;
  const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
  const cli = argv.findIndex((a) => a.endsWith('cli.js'));
  const name = (cli >= 0 ? argv[cli + 1] : undefined) ?? argv[0] ?? String(pid);
  const pss = parsePss(await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => ''));
  return pss === undefined ? { pid, name, rss } : { pid, name, rss, pss };
}

/** What the in-process probe prints. */
interface InProcessRun {
  importMs: number;
  startMs: number;
  rss: number;
}

/** In a fresh process: import the library, then startCluster() in-process with memory storage until ready. */
async function inProcessRun(): Promise<InProcessRun> {
  const got = await run(process.execPath, [CHILD], 60_000);
  if (got.code !== 0) throw new Error(`the in-process startup probe failed: ${got.stdout}`);
  return JSON.parse(got.stdout.trim().split('\n').pop()!) as InProcessRun;
}

/** An idle bare node process's memory, for scale. */
async function bareNodeMemory(): Promise<ProcessMemory | undefined> {
  const proc = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  await delay(1000);
  const mem = await processMemory(proc.pid!);
  await stop(proc);
  return mem && { ...mem, name: 'bare node' };
}

/** Runs the phase: every figure is the median of `runs` (the footprint is one cluster, idle for `idleSeconds`). */
export async function benchStartup(o: StartupOptions): Promise<StartupBench> {
  const kubectl = await kubectlAvailable();
  const baseline: number[] = [];
  const up: UpRun[] = [];
  const inProc: InProcessRun[] = [];
  const loadBefore = loadavg()[0]!;
  for (let i = 0; i < o.runs; i++) {
    baseline.push(await nodeBaseline());
    const dir = join(o.dir, `up-${i}`);
    const u = await startUp(o, dir, kubectl);
    await stop(u.proc);
    up.push(u);
    await rm(dir, { recursive: true, force: true });
    inProc.push(await inProcessRun());
  }
  const s: StartupBench = { runs: o.runs, loadAvg: [loadBefore, loadavg()[0]!], baselineMs: median(baseline)! };
  const set = <K extends keyof StartupBench>(k: K, v: StartupBench[K] | undefined): void => {
    if (v !== undefined && !Number.isNaN(v)) s[k] = v;
  };
  set('upReadyLineMs', median(up.map((u) => u.readyLineMs)));
  set('upHttpMs', up.some((u) => Number.isNaN(u.httpMs)) ? undefined : median(up.map((u) => u.httpMs)));
  if (kubectl && up.every((u) => u.kubectlMs !== undefined)) {
    set('upKubectlMs', median(up.map((u) => u.kubectlMs!)));
    set('kubectlCallMs', median(up.map((u) => u.kubectlCallMs!)));
  }
  set('inProcessImportMs', median(inProc.map((r) => r.importMs)));
  set('inProcessStartMs', median(inProc.map((r) => r.startMs)));
  set('inProcessRss', median(inProc.map((r) => r.rss)));
  const idle = await startUp(o, join(o.dir, 'idle'), false);
  try {
    await delay(o.idleSeconds * 1000);
    s.footprint = { idleSeconds: o.idleSeconds, processes: await treeMemory(idle.proc.pid!) };
  } finally {
    await stop(idle.proc);
  }
  set('bareNode', await bareNodeMemory());
  return s;
}
