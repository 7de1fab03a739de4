// Per-pod scheduling-cycle state (upstream CycleState + PreFilter results): everything parsed once per pod.

import type { Pod, Toleration } from '../../apiserver/api/types.js';
import { podAffinityInfo, type NamespaceLabels, type PodAffinityInfo } from './affinity-terms.js';
import type { NodeInfo, Snapshot } from './node-info.js';
import { requiredNodeAffinity, type RequiredNodeAffinity } from '../../apiserver/api/node-selector.js';
import { podRequests, type Resources } from './resources.js';

/** Filter status codes (upstream framework.Unschedulable / UnschedulableAndUnresolvable). */
export type Code = 'Unschedulable' | 'UnschedulableAndUnresolvable';

/** Why a node was rejected: the plugin's code and one or more reason strings. */
export interface Status {
  code: Code;
  reasons: string[];
}

/** Shorthand for a rejecting status. */
export function reject(code: Code, ...reasons: string[]): Status {
  return { code, reasons };
}

/** A filter bound to one pod: null means the node passes. */
export type NodeFilter = (info: NodeInfo) => Status | null;

/** A Filter plugin: `prepare` is its PreFilter (null = Skip, nothing to check for this pod). */
export interface FilterPlugin {
  name: string;
  prepare(ctx: CycleContext): NodeFilter | null;
}

/** A Score plugin: normalised 0..100 scores for the feasible nodes, or null (Skip: contributes nothing). */
export interface ScorePlugin {
  name: string;
  weight: number;
  score(ctx: CycleContext, feasible: readonly NodeInfo[]): number[] | null;
}

/** The pod being scheduled with its parsed constraints and lazily built cluster indexes. */
export interface CycleContext {
  pod: Pod;
  namespace: string;
  snap: Snapshot;
  requests: Resources;
  tolerations: readonly Toleration[];
  nodeAffinity: RequiredNodeAffinity;
  affinity: PodAffinityInfo;
  /** Namespace labels, memoised for the cycle. */
  nsLabels: NamespaceLabels;
  /** Nodes grouped by their value of a label key (nodes without the key omitted); built once per key. */
  domains(key: string): Map<string, NodeInfo[]>;
}

/** Builds the cycle state for a pod (upstream PreFilter parsing, done once per pod, not per node). */
export function newCycle(pod: Pod, snap: Snapshot): CycleContext {
  const nsCache = new Map<string, Readonly<Record<string, string>> | undefined>();
  const domainCache = new Map<string, Map<string, NodeInfo[]>>();
  return {
    pod,
    namespace: pod.metadata?.namespace ?? 'default',
    snap,
    requests: podRequests(pod),
    tolerations: pod.spec?.tolerations ?? [],
    nodeAffinity: requiredNodeAffinity(pod),
    affinity: podAffinityInfo(pod),
    nsLabels(ns) {
      if (!nsCache.has(ns)) nsCache.set(ns, snap.namespaceLabels(ns));
      return nsCache.get(ns);
    },
    domains(key) {
      let m = domainCache.get(key);
      if (!m) {
        m = new Map();
        for (const info of snap.nodes) {
          const v = info.node.metadata?.labels?.[key];
          if (v === undefined) continue;
          const list = m.get(v);
          if (list) list.push(info);
          else m.set(v, [info]);
        }
        domainCache.set(key, m);
      }
      return m;
    },
  };
}
