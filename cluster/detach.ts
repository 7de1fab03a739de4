// A cluster in the background: `kubeling up --detach`, `kubeling status` and `kubeling down`.

import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Output } from './supervisor.js';
import { alive, formatStatus, readState, removeState, runsUp, statePath, type ClusterState } from './state.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The last lines of a file (for explaining a failed background start). */
function tail(path: string, lines = 20): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Starts `kubeling up <argv>` as a detached process with its output in a log file, waits until it has written its
 * state file (it does so once ready), prints the ready line and returns 0; returns 1 with the log's tail if it
 * exits first.
 */
export async function detach(argv: string[], o: { cli: string; stateFile: string; logDir: string | undefined; dataDir: string; out: Output; stdout: (t: string) => void }): Promise<number> {
  const logFile = o.logDir ? join(resolve(o.logDir), 'up.log') : join(dirname(resolve(o.dataDir)), 'up.log');
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [o.cli, 'up', ...argv, '--background-log', logFile], { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exit: string | undefined;
  child.once('exit', (code, signal) => (exit = signal ? `signal ${signal}` : `code ${code}`));
  child.unref();
  o.out.write(`[kubeling] starting in the background (pid ${child.pid}); output in ${logFile}`);
  for (;;) {
    const s = await readState(o.stateFile);
    if (s && s.pid === child.pid) {
      o.stdout(`kubeling is ready at ${s.url} — export KUBECONFIG=${s.kubeconfig}\n`);
      o.out.write(`[kubeling] running in the background (pid ${s.pid}); see it with: kubeling status; stop it with: kubeling down`);
      return 0;
    }
    if (exit !== undefined) {
      o.out.write(`[kubeling] the background cluster exited with ${exit} before it was ready:\n${tail(logFile)}`);
      return 1;
    }
    await sleep(25);
  }
}

const DIR_FLAGS = { 'data-dir': { type: 'string', default: '.kubeling/data' }, timeout: { type: 'string', default: '30s' } } as const;

const STATUS_HELP = `usage: kubeling status [--data-dir DIR]

Shows the cluster 'kubeling up' runs with data dir DIR (default .kubeling/data): its URL, kubeconfig, and each
component's pid, status, uptime and restarts. Exits 1 when no cluster runs.`;

const DOWN_HELP = `usage: kubeling down [--data-dir DIR] [--timeout D]

Stops the cluster 'kubeling up' (or 'up --detach') runs with data dir DIR (default .kubeling/data): SIGTERM, then
SIGKILL to it and its components after D (default 30s). Data stays in DIR.`;

/** The state of the cluster `up` runs with this data dir; undefined (and a stale state file removed) when none runs. */
async function runningCluster(dataDir: string, o: { stdout: (t: string) => void }): Promise<{ state: ClusterState; file: string } | undefined> {
  const file = statePath(dataDir);
  const state = await readState(file);
  if (state && runsUp(state.pid)) return { state, file };
  if (state) await removeState(file, state.pid);
  o.stdout(`kubeling is not running (data dir ${resolve(dataDir)})\n`);
  return undefined;
}

/** `kubeling status [--data-dir DIR]`: what runs; exit 0 when a cluster runs, 1 when none does. */
export async function status(argv: string[], o: { out: Output; stdout: (t: string) => void }): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    o.stdout(`${STATUS_HELP}\n`);
    return 0;
  }
  const { values } = parseArgs({ args: argv, options: DIR_FLAGS, strict: true, allowPositionals: false });
  const running = await runningCluster(values['data-dir'], o);
  if (!running) return 1;
  o.stdout(formatStatus(running.state, Date.now()));
  return 0;
}

/** `kubeling down [--data-dir DIR] [--timeout D]`: stops a cluster started with `up` (SIGTERM, then SIGKILL after the timeout). */
export async function down(argv: string[], o: { out: Output; stdout: (t: string) => void }): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    o.stdout(`${DOWN_HELP}\n`);
    return 0;
  }
  const { values } = parseArgs({ args: argv, options: DIR_FLAGS, strict: true, allowPositionals: false });
  const m = /^(\d+)(ms|s)?$/.exec(values.timeout);
  if (!m) throw new Error(`--timeout must be a duration such as 30s, got ${values.timeout}`);
  const timeoutMs = Number(m[1]) * (m[2] === 'ms' ? 1 : 1000);
  const running = await runningCluster(values['data-dir'], o);
  if (!running) return 0;
  const { state: s, file } = running;
  process.kill(s.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (alive(s.pid) && Date.now() < deadline) await sleep(25);
  if (alive(s.pid)) {
    o.out.write(`[kubeling] pid ${s.pid} did not stop within ${values.timeout}; killing it and its components`);
    for (const pid of [s.pid, ...s.components.map((c) => c.pid)]) if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  await removeState(file, s.pid);
  o.stdout(`kubeling stopped (pid ${s.pid}, ${s.url})\n`);
  return 0;
}
