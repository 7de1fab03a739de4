// Long-running commands in tests (`kubectl get -w`): their output read line by line while the test makes changes.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A running command whose stdout lines are collected as they arrive. */
export interface LineStream {
  proc: ChildProcess;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** Everything on stderr so far. */
  stderr(): string;
  /** Resolves with the line count once `n` lines arrived (rejects after `timeoutMs`, or when the command exits first). */
  waitLines(n: number, timeoutMs?: number): Promise<string[]>;
  /** Resolves once the command exited, with its code. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Spawns `cmd args` and collects its output lines (no fixed sleeps: tests wait for lines). */
export function streamLines(cmd: string, args: string[], env: NodeJS.ProcessEnv): LineStream {
  const proc = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let err = '';
  const waiters = new Set<() => void>();
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of [...waiters]) w();
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => {
    resolve(code);
    for (const w of [...waiters]) w();
  }));
  let done = false;
  void exited.then(() => (done = true));
  const waitLines = (n: number, timeoutMs = 15_000): Promise<string[]> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (lines.length >= n) {
          cleanup();
          resolve(lines);
        } else if (done || proc.exitCode !== null) {
          cleanup();
          reject(new Error(`${cmd} exited with ${proc.exitCode} after ${lines.length} of ${n} lines:\n${lines.join('\n')}\nstderr: ${err}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${n} lines from ${cmd} ${args.join(' ')}; got ${lines.length}:\n${lines.join('\n')}\nstderr: ${err}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return {
    proc,
    lines,
    stderr: () => err,
    waitLines,
    exited,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}
