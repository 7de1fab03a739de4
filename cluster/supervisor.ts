// The supervisor: starts each component as a child process, relays its logs with a prefix, and stops them all.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A component started as a child process. */
export interface Child {
  name: string;
  process: ChildProcess;
  /** Resolves with the component's ready line (a JSON object it prints on stdout). */
  ready: Promise<Record<string, unknown>>;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/** Where the supervisor writes relayed output. */
export interface Output {
  write(line: string): void;
}

/**
 * Starts `node <script> <args>` with stdout read for its JSON ready line and stderr relayed line by line as
 * `[name] line`. The ready promise rejects if the child exits before it is ready.
 */
export function startChild(name: string, script: string, args: string[], out: Output): Child {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const msg = JSON.parse(line) as Record<string, unknown>;
        if (msg.ready === true) return resolve(msg);
      } catch {
        // not a control line: relay it
      }
      out.write(`[${name}] ${line}`);
    });
    void exited.then((code) => reject(new Error(`${name} exited with code ${code} before it was ready`)));
  });
  createInterface({ input: child.stderr! }).on('line', (line) => out.write(`[${name}] ${line}`));
  return { name, process: child, ready, exited };
}

/** Stops children with SIGTERM, then SIGKILL after `graceMs`; resolves when all have exited. */
export async function stopChildren(children: Child[], graceMs = 5000): Promise<void> {
  await Promise.all(children.map(async (c) => {
    if (c.process.exitCode !== null || c.process.signalCode !== null) return;
    c.process.kill('SIGTERM');
    const timer = setTimeout(() => c.process.kill('SIGKILL'), graceMs);
    await c.exited;
    clearTimeout(timer);
  }));
}
