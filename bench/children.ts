// Child processes of the benchmark (apiserver, echo server, kubelet-sim): start, wait for their ready line, and always stop them.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A started child that printed its `{"ready":true,"url":…}` line. */
export interface ServerChild {
  name: string;
  url: string;
  pid: number;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ServerChild>();

function exited(proc: ChildProcess): boolean {
  return proc.exitCode !== null || proc.signalCode !== null;
}

function waitExit(proc: ChildProcess, ms: number): Promise<boolean> {
  if (exited(proc)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function makeChild(name: string, url: string, proc: ChildProcess): ServerChild {
  const child: ServerChild = {
    name,
    url,
    pid: proc.pid ?? -1,
    async stop(graceMs = 15_000) {
      running.delete(child);
      if (exited(proc)) return;
      proc.kill('SIGTERM');
      if (await waitExit(proc, graceMs)) return;
      proc.kill('SIGKILL');
      await waitExit(proc, 5_000);
    },
  };
  running.add(child);
  return child;
}

/**
 * Spawns `node [nodeArgs] script [args]` and resolves once it prints a JSON line with `ready: true` and `url`.
 * Its stderr is forwarded, prefixed with `name`. Rejects (and kills it) if it exits or is not ready in `timeoutMs`.
 */
export async function startServerChild(name: string, script: string, args: string[], nodeArgs: string[] = [], timeoutMs = 20_000): Promise<ServerChild> {
  const { child } = await startChild(name, script, args, { nodeArgs, timeoutMs, urlKey: 'url' });
  return child;
}

/** Options of {@link startChild}. */
export interface StartChildOptions {
  nodeArgs?: string[];
  timeoutMs?: number;
  /** The ready line's field that holds the child's URL (default `url`). */
  urlKey?: string;
  /** Called right after the spawn (e.g. to note the time and pid). */
  onSpawn?: (pid: number) => void;
  /** Gets each stderr line instead of it being forwarded (prefixed with the child's name). */
  onStderr?: (line: string) => void;
}

/**
 * Spawns `node [nodeArgs] script [args]` and resolves once its first stdout line is JSON with `ready: true` and a
 * string at `urlKey`, with that line parsed. Stopped by {@link stopAllChildren} like every child; stderr forwarded.
 */
export function startChild(name: string, script: string, args: string[], opts: StartChildOptions = {}): Promise<{ child: ServerChild; ready: Record<string, unknown> }> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const urlKey = opts.urlKey ?? 'url';
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  opts.onSpawn?.(proc.pid ?? -1);
  // Known to stopAllChildren from the spawn on (an interrupted run stops a child still starting, too).
  const child = makeChild(name, '', proc);
  createInterface({ input: proc.stderr! }).on('line', opts.onStderr ?? ((line) => process.stderr.write(`[${name}] ${line}\n`)));
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      running.delete(child);
      if (!exited(proc)) proc.kill('SIGKILL');
      reject(new Error(`${name}: ${why}`));
    };
    const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
    proc.once('error', (e) => fail(e.message));
    proc.once('exit', (code, signal) => fail(`exited before ready (code ${code}, signal ${signal})`));
    const lines = createInterface({ input: proc.stdout! });
    lines.once('line', (line) => {
      let ready: Record<string, unknown> = {};
      try {
        ready = JSON.parse(line) as Record<string, unknown>;
      } catch {
        // not JSON: handled below
      }
      if (ready.ready !== true || typeof ready[urlKey] !== 'string') return fail(`unexpected first line: ${line}`);
      clearTimeout(timer);
      proc.removeAllListeners('exit');
      (child as { url: string }).url = ready[urlKey] as string;
      resolve({ child, ready });
    });
  });
}

/** Stops every child still running (used in `finally` and on SIGINT). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((c) => c.stop(5_000)));
}
