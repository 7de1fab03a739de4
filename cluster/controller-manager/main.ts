// `kubeling controller-manager`: one process running the cluster's generic controllers on shared informers.

import { parseArgs } from 'node:util';
import { durationFlag, startComponent, type Runtime } from '../../controllers/runtime/index.js';
import { startGarbageCollector } from '../../controllers/gc/main.js';
import { startNodeLifecycle } from '../../controllers/nodelifecycle/main.js';
import { startPodGC } from '../../controllers/podgc/main.js';
import { startPVCProtection, startPVProtection, startVolumeController } from '../../controllers/volume/main.js';

/** The controllers this process can run, as `--controllers` names them. */
const CONTROLLERS = ['gc', 'nodelifecycle', 'podgc', 'persistentvolume-binder', 'pvc-protection', 'pv-protection'] as const;
type ControllerName = (typeof CONTROLLERS)[number];

/** Flags of `kubeling controller-manager`. */
const CONTROLLER_MANAGER_FLAGS = {
  kubeconfig: { type: 'string' },
  controllers: { type: 'string', default: CONTROLLERS.join(',') },
  'node-monitor-period': { type: 'string', default: '5s' },
  'node-monitor-grace-period': { type: 'string', default: '40s' },
  'node-startup-grace-period': { type: 'string', default: '60s' },
  'node-eviction-rate': { type: 'string', default: '0.1' },
  'secondary-node-eviction-rate': { type: 'string', default: '0.01' },
  'unhealthy-zone-threshold': { type: 'string', default: '0.55' },
  'large-cluster-size-threshold': { type: 'string', default: '50' },
  'terminated-pod-gc-threshold': { type: 'string', default: '12500' },
  'pod-gc-period': { type: 'string', default: '20s' },
  'pod-gc-quarantine': { type: 'string', default: '40s' },
  'concurrent-gc-syncs': { type: 'string', default: '20' },
} as const;

const HELP = `usage: kubeling controller-manager [flags]

Runs the garbage collector, the node lifecycle controller (with taint eviction), pod GC, the PersistentVolume
controller (binding claims to volumes, with a simulated provisioner for every StorageClass but
kubernetes.io/no-provisioner, and reclaiming released volumes), pvc-protection and pv-protection against a cluster,
on shared informers, as kube-controller-manager does. Prints {"ready":true,...} on stdout once they run. Logs go to
stderr (level from KUBELING_LOG_LEVEL, default warn).

flags:
  --kubeconfig FILE                  cluster (default $KUBECONFIG, then ~/.kube/config)
  --controllers LIST                 which to run (default ${CONTROLLERS.join(',')})
  --node-monitor-period D            how often node health is checked (default 5s)
  --node-monitor-grace-period D      a node silent this long is Unknown, then tainted unreachable (default 40s)
  --node-startup-grace-period D      the same for a node that never reported Ready (default 60s)
  --node-eviction-rate R             nodes per second tainted NoExecute in a healthy zone (default 0.1)
  --secondary-node-eviction-rate R   the same in a partially disrupted large zone (default 0.01)
  --unhealthy-zone-threshold F       share of NotReady nodes that makes a zone partially disrupted (default 0.55)
  --large-cluster-size-threshold N   zones above this size keep the secondary rate (default 50)
  --terminated-pod-gc-threshold N    terminated pods kept before the oldest are deleted (default 12500)
  --pod-gc-period D                  how often pod GC runs (default 20s)
  --pod-gc-quarantine D              how long a node must be gone before its pods are deleted (default 40s)
  --concurrent-gc-syncs N            garbage collector workers (default 20)`;

function number(flag: string, v: string, integer = false): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) throw new Error(`--${flag} must be a ${integer ? 'whole ' : ''}number, got ${v}`);
  return n;
}

/** Parsed flags of the command. */
export interface ControllerManagerOptions {
  kubeconfig?: string;
  controllers: Set<ControllerName>;
  nodeLifecycle: Parameters<typeof startNodeLifecycle>[1];
  podGC: Parameters<typeof startPodGC>[1];
  gc: Parameters<typeof startGarbageCollector>[1];
}

/** Parses `kubeling controller-manager` flags. */
export function parseControllerManagerArgs(argv: string[]): ControllerManagerOptions {
  const { values: v } = parseArgs({ args: argv, options: CONTROLLER_MANAGER_FLAGS, strict: true, allowPositionals: false });
  const controllers = new Set<ControllerName>();
  for (const c of v.controllers.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(CONTROLLERS as readonly string[]).includes(c)) throw new Error(`unknown controller "${c}" (controllers: ${CONTROLLERS.join(', ')})`);
    controllers.add(c as ControllerName);
  }
  const opts: ControllerManagerOptions = {
    controllers,
    nodeLifecycle: {
      monitorPeriodMs: durationFlag('node-monitor-period', v['node-monitor-period']),
      gracePeriodMs: durationFlag('node-monitor-grace-period', v['node-monitor-grace-period']),
      startupGracePeriodMs: durationFlag('node-startup-grace-period', v['node-startup-grace-period']),
      evictionRate: number('node-eviction-rate', v['node-eviction-rate']),
      secondaryEvictionRate: number('secondary-node-eviction-rate', v['secondary-node-eviction-rate']),
      unhealthyZoneThreshold: number('unhealthy-zone-threshold', v['unhealthy-zone-threshold']),
      largeClusterThreshold: number('large-cluster-size-threshold', v['large-cluster-size-threshold'], true),
    },
    podGC: {
      periodMs: durationFlag('pod-gc-period', v['pod-gc-period']),
      terminatedThreshold: number('terminated-pod-gc-threshold', v['terminated-pod-gc-threshold'], true),
      quarantineMs: durationFlag('pod-gc-quarantine', v['pod-gc-quarantine']),
    },
    gc: { workers: Math.max(1, number('concurrent-gc-syncs', v['concurrent-gc-syncs'], true)) },
  };
  if (v.kubeconfig !== undefined) opts.kubeconfig = v.kubeconfig;
  return opts;
}

/** Creates the selected controllers on `rt` (their informers included) and starts them; resolves once they run. */
export async function startControllerManager(rt: Runtime, opts: ControllerManagerOptions, signal: AbortSignal): Promise<void> {
  if (opts.controllers.has('gc')) await startGarbageCollector(rt, opts.gc, signal);
  if (opts.controllers.has('nodelifecycle')) await startNodeLifecycle(rt, opts.nodeLifecycle, signal);
  if (opts.controllers.has('podgc')) await startPodGC(rt, opts.podGC, signal);
  if (opts.controllers.has('persistentvolume-binder')) await startVolumeController(rt, {}, signal);
  if (opts.controllers.has('pvc-protection')) await startPVCProtection(rt, signal);
  if (opts.controllers.has('pv-protection')) await startPVProtection(rt, signal);
}

/** Runs the command until SIGTERM/SIGINT. */
export async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  const opts = parseControllerManagerArgs(argv);
  const c = await startComponent({ name: 'controller-manager', kubeconfig: opts.kubeconfig, env: process.env, userAgent: 'kube-controller-manager/v1.32.4 (linux/amd64) kubeling' });
  await startControllerManager(c.rt, opts, c.signal);
  c.rt.start(c.signal);
  await c.rt.waitForSync(c.signal);
  c.serve({ controllers: [...opts.controllers] });
}
