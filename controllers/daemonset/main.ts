// The daemonset-controller process: flags → kubeconfig → runtime → DaemonSet controller; SIGTERM stops it.

import { parseArgs } from 'node:util';
import { countFlag, startComponent, type Runtime } from '../runtime/index.js';
import { newDaemonSetController } from './controller.js';

/** Creates the DaemonSet controller on `rt` (its informers included) and starts its workers; resolves once it runs. */
export async function startDaemonSetController(rt: Runtime, opts: { workers?: number }, signal: AbortSignal): Promise<void> {
  const c = newDaemonSetController(rt, opts.workers === undefined ? {} : { workers: opts.workers });
  void c.run(signal).catch((err: unknown) => rt.logger.error({ controller: 'daemonset', err }, 'controller ended with an error'));
  rt.logger.info({ controller: 'daemonset', workers: opts.workers ?? 2 }, 'daemonset controller started');
}

const HELP = `usage: kubeling daemonset-controller [flags]

Runs kube-controller-manager's DaemonSet controller alone: one daemon pod per eligible node, rolling updates and
ControllerRevision history. Prints {"ready":true,...} on stdout once its informers are in sync. Logs go to stderr
(KUBELING_LOG_LEVEL, default warn).

flags:
  --kubeconfig FILE                  cluster (default $KUBECONFIG, then ~/.kube/config)
  --concurrent-daemonset-syncs N     DaemonSets synced at once (default 2)`;

/** Runs `kubeling daemonset-controller` until SIGTERM/SIGINT. */
export async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  const { values } = parseArgs({ args: argv, options: { kubeconfig: { type: 'string' }, 'concurrent-daemonset-syncs': { type: 'string', default: '2' } }, strict: true, allowPositionals: false });
  const workers = countFlag('concurrent-daemonset-syncs', values['concurrent-daemonset-syncs']);
  const c = await startComponent({
    name: 'daemonset-controller',
    kubeconfig: values.kubeconfig,
    env: process.env,
    userAgent: 'kube-controller-manager/v1.32.4 (linux/amd64) kubeling',
    connections: 32,
  });
  await startDaemonSetController(c.rt, { workers }, c.signal);
  c.rt.start(c.signal);
  await c.rt.waitForSync(c.signal);
  c.serve({ workers });
}
