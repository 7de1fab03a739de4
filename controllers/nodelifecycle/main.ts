// Entry of the node lifecycle controller: node health monitor, condition taints, NoExecute tainting and taint eviction.

import { R } from '../../apiserver/api/resources.js';
import type { Lease, Node, Pod } from '../../apiserver/api/types.js';
import { keyOf, runPeriodically, type Runtime } from '../runtime/index.js';
import { NodeLifecycleMonitor, type LifecycleListers } from './monitor.js';
import { doNoScheduleTaintingPass } from './no-schedule.js';
import { TaintEviction } from './taint-eviction.js';

/** Tunables, named after kube-controller-manager's flags (durations in ms). */
export interface NodeLifecycleOptions {
  /** --node-monitor-period (5 s). */
  monitorPeriodMs?: number;
  /** --node-monitor-grace-period (40 s, as the issue asks; upstream 1.32 uses 50 s). */
  gracePeriodMs?: number;
  /** --node-startup-grace-period (60 s): for nodes that never posted Ready. */
  startupGracePeriodMs?: number;
  /** --node-eviction-rate (0.1 nodes/s per zone, burst 1). */
  evictionRate?: number;
  /** --secondary-node-eviction-rate (0.01): partial disruption in a large zone. */
  secondaryEvictionRate?: number;
  /** --unhealthy-zone-threshold (0.55). */
  unhealthyZoneThreshold?: number;
  /** --large-cluster-size-threshold (50). */
  largeClusterThreshold?: number;
}

/** Upstream nodeEvictionPeriod: how often the rate-limited NoExecute tainting queues are worked. */
const TAINTING_PERIOD_MS = 100;
/** The pod index by spec.nodeName both controllers read. */
export const POD_NODE_INDEX = 'spec.nodeName';

/** The options with kube-controller-manager's defaults filled in. */
export function resolveNodeLifecycleOptions(o: NodeLifecycleOptions): Required<NodeLifecycleOptions> {
  return {
    monitorPeriodMs: o.monitorPeriodMs ?? 5_000,
    gracePeriodMs: o.gracePeriodMs ?? 40_000,
    startupGracePeriodMs: o.startupGracePeriodMs ?? 60_000,
    evictionRate: o.evictionRate ?? 0.1,
    secondaryEvictionRate: o.secondaryEvictionRate ?? 0.01,
    unhealthyZoneThreshold: o.unhealthyZoneThreshold ?? 0.55,
    largeClusterThreshold: o.largeClusterThreshold ?? 50,
  };
}

/** Creates informers/controllers on `rt` (shared informers) and starts them; resolves once they run (does not wait for the end). */
export async function startNodeLifecycle(rt: Runtime, opts: NodeLifecycleOptions, signal: AbortSignal): Promise<void> {
  const cfg = resolveNodeLifecycleOptions(opts);
  const nodes = rt.informer<Node>(R.nodes);
  const pods = rt.informer<Pod>(R.pods);
  const leases = rt.informer<Lease>(R.leases, { namespace: 'kube-node-lease' });
  pods.addIndex(POD_NODE_INDEX, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
  const listers: LifecycleListers = {
    nodes: () => nodes.list(),
    node: (name) => nodes.get(undefined, name),
    podsOnNode: (name) => pods.byIndex(POD_NODE_INDEX, name),
    lease: (name) => leases.get('kube-node-lease', name),
  };
  const { client, clock, logger } = rt;
  const monitor = new NodeLifecycleMonitor({ client, clock, logger, recorder: rt.recorder('node-controller'), listers }, cfg, cfg);
  const eviction = new TaintEviction({ client, clock, logger, recorder: rt.recorder('taint-eviction-controller'), node: listers.node, podsOnNode: listers.podsOnNode });
  const nodeKey = (n: Node): string[] => [keyOf(n)];
  const noSchedule = rt.controller({
    name: 'nodelifecycle-noschedule',
    sources: [{ informer: nodes, toKeys: nodeKey }],
    reconcile: (name) => doNoScheduleTaintingPass({ client, clock, logger, node: listers.node }, name),
    workers: 2,
  });
  const taintEviction = rt.controller({
    name: 'taint-eviction',
    sources: [{ informer: nodes, toKeys: nodeKey }, { informer: pods, toKeys: (p: Pod) => (p.spec?.nodeName ? [p.spec.nodeName] : []) }],
    reconcile: (name) => eviction.reconcile(name),
    workers: 4,
  });
  void noSchedule.run(signal);
  void taintEviction.run(signal);

  // The monitor and the tainting passes share state: run them one at a time.
  let chain: Promise<void> = Promise.resolve();
  const serial = (what: string, fn: () => Promise<void>): Promise<void> => {
    chain = chain.then(fn).catch((err: unknown) => logger.error({ controller: 'nodelifecycle', err }, `${what} failed`));
    return chain;
  };
  const every = (periodMs: number, what: string, fn: () => Promise<void>): Promise<void> => runPeriodically({
    clock, periodMs, signal,
    ready: Promise.all([nodes.waitForSync(signal), pods.waitForSync(signal), leases.waitForSync(signal)]),
    onError: (err) => logger.error({ controller: 'nodelifecycle', err }, `${what} failed`),
  }, () => serial(what, fn));
  void every(cfg.monitorPeriodMs, 'monitor pass', () => monitor.monitorNodeHealth());
  void every(TAINTING_PERIOD_MS, 'NoExecute tainting pass', () => monitor.tainter.pass());
  logger.info({ controller: 'nodelifecycle', ...cfg }, 'node lifecycle controller started');
}
