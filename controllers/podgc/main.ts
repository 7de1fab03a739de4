// Entry of the pod garbage collector: a periodic pass over the shared pod and node caches.

import { R } from '../../apiserver/api/resources.js';
import type { Node, Pod } from '../../apiserver/api/types.js';
import { runPeriodically, type Runtime } from '../runtime/index.js';
import { PodGC } from './gc.js';

/** Tunables, named after kube-controller-manager's (durations in ms). */
export interface PodGCOptions {
  /** How often a pass runs (upstream gcCheckPeriod, 20 s). */
  periodMs?: number;
  /** --terminated-pod-gc-threshold (12500; ≤ 0 turns terminated-pod GC off). */
  terminatedThreshold?: number;
  /** How long a node must be missing before its pods are orphans (upstream quarantineTime, 40 s). */
  quarantineMs?: number;
}

/** Creates the shared informers and starts the periodic pass; resolves at once (the pass waits for the caches). */
export async function startPodGC(rt: Runtime, opts: PodGCOptions, signal: AbortSignal): Promise<void> {
  const periodMs = opts.periodMs ?? 20_000;
  const cfg = { terminatedThreshold: opts.terminatedThreshold ?? 12_500, quarantineMs: opts.quarantineMs ?? 40_000 };
  const pods = rt.informer<Pod>(R.pods);
  const nodes = rt.informer<Node>(R.nodes);
  const { client, clock, logger } = rt;
  const gc = new PodGC({ client, clock, logger, pods: () => pods.list(), nodes: () => nodes.list(), node: (n) => nodes.get(undefined, n) }, cfg);
  void runPeriodically({
    clock, periodMs, signal,
    ready: Promise.all([pods.waitForSync(signal), nodes.waitForSync(signal)]),
    onError: (err) => logger.error({ controller: 'podgc', err }, 'pod GC pass failed'),
  }, () => gc.gc());
  logger.info({ controller: 'podgc', periodMs, ...cfg }, 'pod GC started');
}
