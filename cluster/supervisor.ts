// The supervisor: runs each component as a child process, relays its logs with a prefix, restarts it when it crashes.

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** Where the supervisor writes relayed output (one line at a time, without the newline). */
export interface Output {
  write(line: string): void;
}

/** What to run: `node <script> <args>`, shown in logs as `name`. */
export interface ChildSpec {
  name: string;
  args: string[];
}

/** Restart backoff: `initialMs` doubling up to `maxMs`, back to `initialMs` after a run of `stableMs`. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
  stableMs: number;
}

/** The backoff `kubeling up` uses: 1 s doubling to 30 s, reset after a stable minute. */
export const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, maxMs: 30_000, stableMs: 60_000 };

/** A supervised component: its current process, its first ready line, and its restart count. */
export interface Supervised {
  readonly name: string;
  /** The process running now (replaced on every restart). */
  readonly process: ChildProcess;
  /** When the current process started (ms since the epoch). */
  readonly startedAt: number;
  readonly restarts: number;
  /** Resolves with the first ready line (a JSON object with `ready: true` on stdout); rejects if the first process exits before it. */
  readonly ready: Promise<Record<string, unknown>>;
}

/** Options of a supervisor. */
export interface SupervisorOptions {
  /** The script every child runs (the `kubeling` command). */
  script: string;
  out: Output;
  /** When set, each component's lines are also appended to `<logDir>/<name>.log`. */
  logDir?: string;
  backoff?: Backoff;
  now?: () => number;
  /** Called after a component restarted, with its new process (e.g. to rewrite the state file). */
  onRestart?: (c: Supervised) => void;
  /** The children's environment (default: the supervisor's own). */
  env?: NodeJS.ProcessEnv;
}

class Component implements Supervised {
  process!: ChildProcess;
  startedAt = 0;
  restarts = 0;
  ready: Promise<Record<string, unknown>>;
  delayMs: number;
  exited: Promise<void> = Promise.resolve();
  everReady = false;
  timer: NodeJS.Timeout | undefined;
  private settle!: { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void };

  constructor(readonly spec: ChildSpec, backoff: Backoff, readonly log: WriteStream | undefined) {
    this.delayMs = backoff.initialMs;
    this.ready = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    // a caller that never awaits `ready` must not see an unhandled rejection
    this.ready.catch(() => undefined);
  }

  get name(): string {
    return this.spec.name;
  }

  markReady(msg: Record<string, unknown>): void {
    if (this.everReady) return;
    this.everReady = true;
    this.settle.resolve(msg);
  }

  failFirstStart(e: Error): void {
    if (!this.everReady) this.settle.reject(e);
  }
}

/** How a process ended, in words: `code 1` or `signal SIGKILL`. */
function exitWords(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `code ${code}`;
}

/**
 * Starts and watches the cluster's child processes.
 *
 * Assumptions / Invariants (the restart policy of a process supervisor such as systemd's Restart=always with
 * RestartSec backoff, and of the kubelet's crash-loop backoff: 10 s doubling to 5 min, reset after 10 min of
 * running — ours is shorter because our components start in a fraction of a second):
 * - a component that exits before its first ready line fails its `ready` promise and is NOT restarted: a wrong
 *   flag or a taken port would only crash again; the caller decides (kubeling up stops the cluster);
 * - after that, an exit while the supervisor runs is announced on the log stream and the component is started
 *   again after the current delay, which then doubles up to `maxMs`; a process that ran `stableMs` or longer
 *   before it exited restarts after `initialMs` again;
 * - once `stop()` is called nothing restarts; pending restarts are cancelled.
 */
export class Supervisor {
  private readonly components: Component[] = [];
  private stopping = false;
  private readonly backoff: Backoff;
  private readonly now: () => number;
  private readonly ownLog: WriteStream | undefined;

  constructor(private readonly opts: SupervisorOptions) {
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.now = opts.now ?? Date.now;
    if (opts.logDir) mkdirSync(opts.logDir, { recursive: true });
    this.ownLog = opts.logDir ? createWriteStream(join(opts.logDir, 'kubeling.log'), { flags: 'a' }) : undefined;
  }

  /** The supervised components, in start order. */
  get children(): readonly Supervised[] {
    return this.components;
  }

  /** Starts a component and keeps it running until `stop()`. */
  start(spec: ChildSpec): Supervised {
    const log = this.opts.logDir ? createWriteStream(join(this.opts.logDir, `${spec.name}.log`), { flags: 'a' }) : undefined;
    const c = new Component(spec, this.backoff, log);
    this.components.push(c);
    this.spawn(c);
    return c;
  }

  /** Writes a line of the supervisor itself (`[kubeling] …`), to the stream and to `<logDir>/kubeling.log`. */
  say(line: string): void {
    this.opts.out.write(`[kubeling] ${line}`);
    this.ownLog?.write(`${new Date(this.now()).toISOString()} ${line}\n`);
  }

  private spawn(c: Component): void {
    // The IPC channel is never used for messages: it closes when this process is gone, which stops the child (cli.ts).
    const child = spawn(process.execPath, [this.opts.script, ...c.spec.args], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], ...(this.opts.env ? { env: this.opts.env } : {}) });
    child.channel?.unref();
    c.process = child;
    c.startedAt = this.now();
    const relay = (line: string): void => {
      this.opts.out.write(`[${c.name}] ${line}`);
      c.log?.write(`${line}\n`);
    };
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('{')) {
        try {
          const msg = JSON.parse(line) as Record<string, unknown>;
          if (msg.ready === true) {
            c.log?.write(`${line}\n`);
            return c.markReady(msg);
          }
        } catch {
          // not a control line: relay it
        }
      }
      relay(line);
    });
    createInterface({ input: child.stderr! }).on('line', relay);
    c.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      resolve();
      this.onExit(c, child, code, signal);
    }));
  }

  private onExit(c: Component, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping || c.process !== child) return;
    if (!c.everReady) {
      c.failFirstStart(new Error(`${c.name} exited with ${exitWords(code, signal)} before it was ready`));
      return;
    }
    if (this.now() - c.startedAt >= this.backoff.stableMs) c.delayMs = this.backoff.initialMs;
    const delay = c.delayMs;
    c.delayMs = Math.min(delay * 2, this.backoff.maxMs);
    this.say(`${c.name} exited with ${exitWords(code, signal)}; restarting in ${delay / 1000}s`);
    c.timer = setTimeout(() => {
      c.timer = undefined;
      if (this.stopping) return;
      c.restarts++;
      this.spawn(c);
      this.say(`${c.name} restarted (pid ${c.process.pid}, restart ${c.restarts})`);
      this.opts.onRestart?.(c);
    }, delay);
  }

  /** Stops every component with SIGTERM (SIGKILL after `graceMs`), children started last stopped first; resolves when all exited. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    for (const c of this.components) if (c.timer) clearTimeout(c.timer);
    const stopOne = async (c: Component): Promise<void> => {
      const p = c.process;
      if (p.exitCode === null && p.signalCode === null) {
        p.kill('SIGTERM');
        const timer = setTimeout(() => p.kill('SIGKILL'), graceMs);
        await c.exited;
        clearTimeout(timer);
      }
      await new Promise<void>((resolve) => (c.log ? c.log.end(resolve) : resolve()));
    };
    // the components first, then the API server they talk to (it is started first)
    const [first, ...rest] = this.components;
    await Promise.all(rest.map(stopOne));
    if (first) await stopOne(first);
    await new Promise<void>((resolve) => (this.ownLog ? this.ownLog.end(resolve) : resolve()));
  }
}
