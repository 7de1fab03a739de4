// The statefulset-controller process: flags → kubeconfig → runtime → the StatefulSet controller; SIGTERM stops it.

import { parseArgs } from 'node:util';
import { countFlag, startComponent, type Runtime } from '../runtime/index.js';
import { newStatefulSetController } from './controller.js';

/** Creates the controller's informers on `rt` and starts its workers; resolves at once (the workers wait for the caches). */
export async function startStatefulSetController(rt: Runtime, opts: { workers?: number }, signal: AbortSignal): Promise<void> {
  const { controller } = newStatefulSetController(rt, opts);
  void controller.run(signal).catch((err: unknown) => rt.logger.error({ controller: 'statefulset', err }, 'controller ended with an error'));
  rt.logger.info({ controller: 'statefulset', workers: opts.workers ?? 5 }, 'statefulset controller started');
}

const HELP = `usage: kubeling statefulset-controller [flags]

Runs kube-controller-manager's StatefulSet controller: ordered pod creation and deletion, PersistentVolumeClaims from
volumeClaimTemplates, rolling updates with partitions, ControllerRevisions and status. Prints
{"ready":true,...} on stdout once its informers are in sync. Logs go to stderr (KUBELING_LOG_LEVEL, default warn).

flags:
  --kubeconfig FILE                  cluster (default $KUBECONFIG, then ~/.kube/config)
  --concurrent-statefulset-syncs N   StatefulSets synced at once (default 5)`;

/** Runs `kubeling statefulset-controller` until SIGTERM/SIGINT. */
export async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  const { values } = parseArgs({
    args: argv,
    options: { kubeconfig: { type: 'string' }, 'concurrent-statefulset-syncs': { type: 'string', default: '5' } },
    strict: true,
    allowPositionals: false,
  });
  const workers = countFlag('concurrent-statefulset-syncs', values['concurrent-statefulset-syncs']);
  const c = await startComponent({ name: 'statefulset-controller', kubeconfig: values.kubeconfig, env: process.env, userAgent: 'kube-controller-manager/v1.32.4 (linux/amd64) kubeling' });
  await startStatefulSetController(c.rt, { workers }, c.signal);
  c.rt.start(c.signal);
  await c.rt.waitForSync(c.signal);
  c.serve({ workers });
}
