// The startup phase's figures, its parsing of /proc and kubectl output, its targets and its report lines.

/** The issue's startup and footprint targets. */
export const STARTUP_TARGETS = { upMs: 1500, inProcessMs: 300, idleRssMiB: 250 } as const;

/** One process of the idle cluster: its component name, resident and proportional set sizes (bytes). */
export interface ProcessMemory {
  pid: number;
  name: string;
  rss: number;
  /** Shared pages divided among the processes that map them (smaps_rollup); undefined when unreadable. */
  pss?: number;
}

/** The startup phase's figures (all times are medians of `runs`, in ms). */
export interface StartupBench {
  runs: number;
  /** The machine's 1-minute load average before and after the timed runs (other work slows every start). */
  loadAvg?: readonly [number, number];
  /** `node -e 0`: spawn → exit. */
  baselineMs: number;
  /** `kubeling up` (default flags, 3 nodes): spawn → its ready line. */
  upReadyLineMs?: number;
  /** spawn → GET /api/v1/nodes shows 3 Ready nodes (polled over HTTP). */
  upHttpMs?: number;
  /** spawn → `kubectl get nodes` prints 3 Ready nodes (undefined when kubectl is absent). */
  upKubectlMs?: number;
  /** How long the successful `kubectl get nodes` itself took (a fresh cache dir each run). */
  kubectlCallMs?: number;
  /** In a fresh node process: `import('kubeling')`, then startCluster({ mode: 'in-process', storage: 'memory' }) → ready. */
  inProcessImportMs?: number;
  inProcessStartMs?: number;
  /** The probe process's RSS (bytes) right after its in-process cluster was ready. */
  inProcessRss?: number;
  /** An idle 3-node `up` cluster after `idleSeconds`: every process of the tree. */
  footprint?: { idleSeconds: number; processes: ProcessMemory[] };
  /** An idle bare `node` process (setTimeout only), for scale. */
  bareNode?: ProcessMemory;
}

/** The median of a non-empty list (the mean of the middle two for an even count); undefined when empty. */
export function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** VmRSS of /proc/<pid>/status, in bytes. */
export function parseVmRss(status: string): number | undefined {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return m ? Number(m[1]) * 1024 : undefined;
}

/** Pss of /proc/<pid>/smaps_rollup, in bytes. */
export function parsePss(rollup: string): number | undefined {
  const m = /^Pss:\s+(\d+) kB/m.exec(rollup);
  return m ? Number(m[1]) * 1024 : undefined;
}

/** The parent pid in /proc/<pid>/stat (the field after the parenthesised command name, which may hold spaces). */
export function parsePpid(stat: string): number | undefined {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(rest[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

/** How many rows of `kubectl get nodes` (with its header) have STATUS exactly `Ready`. */
export function kubectlReadyNodes(stdout: string): number {
  return stdout.split('\n').slice(1).filter((l) => l.trim().split(/\s+/)[1] === 'Ready').length;
}

const MiB = 1048576;
const mb = (bytes: number): string => `${(bytes / MiB).toFixed(0)} MiB`;
const msText = (n: number): string => `${Math.round(n)} ms`;
const sum = (ps: readonly ProcessMemory[], f: (p: ProcessMemory) => number | undefined): number | undefined =>
  ps.every((p) => f(p) !== undefined) ? ps.reduce((a, p) => a + f(p)!, 0) : undefined;

/** Total RSS and PSS of the footprint's processes (PSS undefined when any was unreadable). */
export function footprintTotals(s: StartupBench): { rss: number; pss?: number } | undefined {
  const ps = s.footprint?.processes;
  if (!ps || ps.length === 0) return undefined;
  const pss = sum(ps, (p) => p.pss);
  return pss === undefined ? { rss: sum(ps, (p) => p.rss)! } : { rss: sum(ps, (p) => p.rss)!, pss };
}

/** The targets with this run's figures. The `up` target uses kubectl's figure, else the HTTP one (named). */
export function startupTargets(s: StartupBench | undefined): Array<{ name: string; want: string; got: string; met: boolean | null }> {
  if (!s) return [];
  const upMs = s.upKubectlMs ?? s.upHttpMs;
  const total = footprintTotals(s);
  return [
    { name: s.upKubectlMs === undefined ? 'up → 3 Ready (HTTP)' : 'up → kubectl', want: `<= ${STARTUP_TARGETS.upMs} ms`, got: upMs === undefined ? 'not ready' : msText(upMs), met: upMs === undefined ? false : upMs <= STARTUP_TARGETS.upMs },
    { name: 'in-process ready', want: `<= ${STARTUP_TARGETS.inProcessMs} ms`, got: s.inProcessStartMs === undefined ? 'not ready' : msText(s.inProcessStartMs), met: s.inProcessStartMs === undefined ? false : s.inProcessStartMs <= STARTUP_TARGETS.inProcessMs },
    { name: 'idle RSS 3 nodes', want: `<= ${STARTUP_TARGETS.idleRssMiB} MiB`, got: total ? mb(total.rss) : 'n/a', met: total ? total.rss <= STARTUP_TARGETS.idleRssMiB * MiB : null },
  ];
}

/** The readable lines of the phase: each figure next to the bare `node -e 0` start and its target. */
export function startupLines(s: StartupBench, cpus = 2): string[] {
  const vs = (ms: number | undefined): string => (ms === undefined ? 'NOT READY' : `${msText(ms)} (${(ms / s.baselineMs).toFixed(1)}× node -e 0)`);
  const lines = [
    `startup (median of ${s.runs}; baseline: spawn → exit of \`node -e 0\` = ${msText(s.baselineMs)}${s.loadAvg ? `; load average ${s.loadAvg[0].toFixed(2)} → ${s.loadAvg[1].toFixed(2)} on ${cpus} CPUs` : ''}):`,
    `  kubeling up, default flags, 3 nodes: ready line ${vs(s.upReadyLineMs)}; GET /api/v1/nodes shows 3 Ready ${vs(s.upHttpMs)}`,
  ];
  if (s.upKubectlMs !== undefined) lines.push(`  kubeling up → \`kubectl get nodes\` prints 3 Ready: ${vs(s.upKubectlMs)} (the kubectl call itself ${msText(s.kubectlCallMs ?? 0)}, fresh cache)   [target <= ${STARTUP_TARGETS.upMs} ms]`);
  else lines.push(`  kubectl not found: the up target is judged on the HTTP figure   [target <= ${STARTUP_TARGETS.upMs} ms]`);
  lines.push(`  startCluster({ mode: 'in-process', storage: 'memory' }) in a fresh process: ${vs(s.inProcessStartMs)} after import('kubeling') ${s.inProcessImportMs === undefined ? 'n/a' : msText(s.inProcessImportMs)}${s.inProcessRss === undefined ? '' : `, the whole cluster in that one process: RSS ${mb(s.inProcessRss)}`}   [target <= ${STARTUP_TARGETS.inProcessMs} ms]`);
  const total = footprintTotals(s);
  if (s.footprint && total) {
    const per = s.footprint.processes.map((p) => `${p.name} ${mb(p.rss)}${p.pss === undefined ? '' : ` (PSS ${mb(p.pss)})`}`).join(', ');
    const n = s.footprint.processes.length;
    const bare = s.bareNode ? `; an idle bare node process: RSS ${mb(s.bareNode.rss)}${s.bareNode.pss === undefined ? '' : `, PSS ${mb(s.bareNode.pss)}`} (${n} of them: RSS ${mb(n * s.bareNode.rss)})` : '';
    lines.push(`  idle 3-node up cluster after ${s.footprint.idleSeconds} s, ${s.footprint.processes.length} processes: RSS sum ${mb(total.rss)}${total.pss === undefined ? '' : `, PSS sum ${mb(total.pss)}`}   [target RSS <= ${STARTUP_TARGETS.idleRssMiB} MiB]${bare}`);
    lines.push(`      ${per}`);
  }
  return lines;
}
