// The scheduler process: flags → kubeconfig → runtime → scheduler; SIGTERM stops it.

import { parseArgs } from 'node:util';
import { countFlag, startComponent, type Runtime } from '../runtime/index.js';
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
  const bindConcurrency = countFlag('bind-concurrency', values['bind-concurrency']);
  const c = await startComponent({ name: 'scheduler', kubeconfig: values.kubeconfig, env: process.env, userAgent: 'kube-scheduler/v1.32.4 (linux/amd64) kubeling', connections: 32 });
  await startScheduler(c.rt, { bindConcurrency }, c.signal);
  c.rt.start(c.signal);
  await c.rt.waitForSync(c.signal);
  c.serve({});
}
