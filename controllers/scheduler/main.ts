// The scheduler process: flags → kubeconfig → runtime → scheduler; SIGTERM stops it.

import { setMaxListeners } from 'node:events';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { Client, createRuntime, loadKubeconfig, type Runtime } from '../runtime/index.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';

/** Creates the scheduler on `rt` (its informers included) and starts its loop; resolves once it runs. */
export async function startScheduler(rt: Runtime, opts: SchedulerOptions, signal: AbortSignal): Promise<Scheduler> {
  const s = new Scheduler(rt, opts);
  void s.run(signal).catch((e: unknown) => rt.logger.error({ controller: 'scheduler', err: (e as Error).message }, 'scheduler stopped'));
  return s;
}

const HELP = `usage: kubeling scheduler [flags]

Binds pending pods (schedulerName default-scheduler) to nodes as kube-scheduler's default profile does. Prints
{"ready":true,...} on stdout once its informers are in sync. Logs go to stderr (KUBELING_LOG_LEVEL, default warn).

flags:
  --kubeconfig FILE        cluster (default $KUBECONFIG, then ~/.kube/config)
  --bind-concurrency N     bindings in flight at once (default 32)`;

/** Runs `kubeling scheduler` until SIGTERM/SIGINT. */
export async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  const { values } = parseArgs({ args: argv, options: { kubeconfig: { type: 'string' }, 'bind-concurrency': { type: 'string', default: '32' } }, strict: true, allowPositionals: false });
  const bindConcurrency = Number(values['bind-concurrency']);
  if (!Number.isInteger(bindConcurrency) || bindConcurrency < 1) throw new Error(`--bind-concurrency must be a positive whole number, got ${values['bind-concurrency']}`);
  const logger = pino({ name: 'scheduler', level: process.env.KUBELING_LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const cfg = await loadKubeconfig(values.kubeconfig, undefined, process.env);
  const client = new Client(cfg, { userAgent: 'kube-scheduler/v1.32.4 (linux/amd64) kubeling', connections: 32 });
  const rt = createRuntime({ client, logger });
  const ac = new AbortController();
  setMaxListeners(0, ac.signal);
  await startScheduler(rt, { bindConcurrency }, ac.signal);
  rt.start(ac.signal);
  await rt.waitForSync(ac.signal);
  process.stdout.write(`${JSON.stringify({ ready: true, component: 'scheduler' })}\n`);
  const stop = (): void => {
    ac.abort();
    client.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
