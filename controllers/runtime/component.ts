// What every component process does around its work: logs, kubeconfig, client and runtime, the ready line, a clean stop.

import { setMaxListeners } from 'node:events';
import pino from 'pino';
import { parseGoDuration } from '../../apiserver/api/duration.js';
import { Client } from './client.js';
import { loadKubeconfig } from './kubeconfig.js';
import { createRuntime, type Runtime } from './runtime.js';

/** A duration flag (`40s`, `500ms`, or plain seconds) in ms; a clear Error naming the flag otherwise. */
export function durationFlag(flag: string, value: string): number {
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : parseGoDuration(value);
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) throw new Error(`--${flag} must be a duration such as 10s or 500ms, got ${value}`);
  return ms;
}

/** A count flag (workers, requests in flight): a positive whole number; a clear Error naming the flag otherwise. */
export function countFlag(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a positive whole number, got ${value}`);
  return n;
}

/** A started component: its runtime and client, and the signal that ends its work. */
export interface Component {
  rt: Runtime;
  client: Client;
  signal: AbortSignal;
  /**
   * Prints the `{"ready":true,"component":…}` line on stdout, then stops on SIGTERM or SIGINT: the signal aborts,
   * `stop` runs, the client closes and the process exits (1 if stopping failed).
   */
  serve(fields: Record<string, unknown>, stop?: () => Promise<void>): void;
}

/**
 * Waits until the API server answers `GET /readyz` with anything but a 5xx (a component started beside its API server, as `kubeling up`
 * does, would otherwise log a failed list per informer): quiet polling every 50 ms, one warning after 5 s, then
 * every second.
 */
async function waitForApi(client: Client, logger: pino.Logger): Promise<void> {
  const started = Date.now();
  let warned = false;
  for (;;) {
    let why: unknown;
    try {
      const { status } = await client.request('GET', '/readyz');
      // 200, or a server that guards /readyz (401/403): it answers; 5xx: it is still starting
      if (status < 500) return;
      why = `GET /readyz answered ${status}`;
    } catch (e) {
      why = e;
    }
    if (!warned && Date.now() - started > 5000) {
      warned = true;
      logger.warn({ err: why }, 'waiting for the API server');
    }
    await new Promise((r) => setTimeout(r, warned ? 1000 : 50));
  }
}

/**
 * Sets a component process up (the composition root passes its kubeconfig flag and environment): pino logs on
 * stderr at `KUBELING_LOG_LEVEL` (default warn), the kubeconfig, a client with `userAgent`, a runtime on it.
 */
export async function startComponent(opts: { name: string; kubeconfig?: string; env: NodeJS.ProcessEnv; userAgent: string; connections?: number }): Promise<Component> {
  const logger = pino({ name: opts.name, level: opts.env.KUBELING_LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const cfg = await loadKubeconfig(opts.kubeconfig, undefined, opts.env);
  const client = new Client(cfg, { userAgent: opts.userAgent, connections: opts.connections ?? 16 });
  const rt = createRuntime({ client, logger });
  const ac = new AbortController();
  // every informer and controller of the process listens on this one signal
  setMaxListeners(0, ac.signal);
  // the runtime's timers are unref'd: while every informer waits out a retry (API not up yet, or restarting) nothing
  // else would keep the process alive, and it would end with code 0
  const keepAlive = setInterval(() => undefined, 1 << 30);
  ac.signal.addEventListener('abort', () => clearInterval(keepAlive), { once: true });
  await waitForApi(client, logger);
  return {
    rt,
    client,
    signal: ac.signal,
    serve(fields, stop) {
      process.stdout.write(`${JSON.stringify({ ready: true, component: opts.name, ...fields })}\n`);
      const onSignal = (): void => {
        ac.abort();
        Promise.resolve(stop?.())
          .then(() => client.close())
          .then(() => process.exit(0), () => process.exit(1));
      };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
    },
  };
}
