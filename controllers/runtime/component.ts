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
