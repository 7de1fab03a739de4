// The state file of a running `kubeling up` (what `kubeling status` shows and `kubeling down` stops).

import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-file.js';
import { dirname, join, resolve } from 'node:path';

/** One component process of a running cluster. */
export interface ComponentState {
  name: string;
  pid: number;
  /** When the current process started (ms since the epoch). */
  startedAt: number;
  restarts: number;
}

/** What `kubeling up` writes once its cluster is ready, and rewrites whenever a component restarts. */
export interface ClusterState {
  /** The `kubeling up` process. */
  pid: number;
  url: string;
  kubeconfig: string;
  dataDir: string;
  startedAt: number;
  /** The file the cluster's output goes to when it runs in the background. */
  logFile?: string;
  components: ComponentState[];
}

/** The state file of the cluster whose data dir is `dataDir`: `state.json` beside it (`.kubeling/state.json` by default). */
export function statePath(dataDir: string): string {
  return join(dirname(resolve(dataDir)), 'state.json');
}

/** Writes the state file atomically. */
export async function writeState(path: string, state: ClusterState): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`);
}

/** Reads the state file; undefined when there is none or it is not a cluster state. */
export async function readState(path: string): Promise<ClusterState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const v = JSON.parse(text) as Partial<ClusterState>;
    if (typeof v.pid !== 'number' || typeof v.url !== 'string' || !Array.isArray(v.components)) return undefined;
    return v as ClusterState;
  } catch {
    return undefined;
  }
}

/** Removes the state file if it still belongs to process `pid`. */
export async function removeState(path: string, pid: number): Promise<void> {
  const s = await readState(path);
  if (s && s.pid !== pid) return;
  await rm(path, { force: true });
}

/** Whether a process with this pid exists (signal 0 probes without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `pid` is still the `kubeling up` of a state file: alive and, where /proc tells (Linux), running with an
 * `up` argument — a state file left by a killed `up` must not make `down` signal an unrelated process that got its pid.
 */
export function runsUp(pid: number): boolean {
  if (!alive(pid)) return false;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return true;
  }
  return cmdline.split('\0').includes('up');
}

/** A duration the way kubectl prints ages: 45s, 3m12s, 2h5m, 3d4h. */
export function age(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
}

/** The text `kubeling status` prints for a running cluster. */
export function formatStatus(s: ClusterState, now: number, isAlive: (pid: number) => boolean = alive): string {
  const rows = [['COMPONENT', 'PID', 'STATUS', 'UPTIME', 'RESTARTS']];
  rows.push(['kubeling up', String(s.pid), isAlive(s.pid) ? 'Running' : 'Exited', age(now - s.startedAt), '0']);
  for (const c of s.components) rows.push([c.name, String(c.pid), isAlive(c.pid) ? 'Running' : 'Exited', age(now - c.startedAt), String(c.restarts)]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]! + 3))).join('')).join('\n');
  const lines = [`kubeling is running at ${s.url}`, `kubeconfig: ${s.kubeconfig}`, `data dir:   ${s.dataDir}`];
  if (s.logFile) lines.push(`log:        ${s.logFile}`);
  return `${lines.join('\n')}\n\n${table}\n`;
}
