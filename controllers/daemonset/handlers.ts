// Which DaemonSets a pod, revision or node change concerns (upstream's event handlers of the DaemonSet controller).

import { isPodReady } from '../../apiserver/api/pod-state.js';
import type { DaemonSet, Node, ObjectMeta, Pod } from '../../apiserver/api/types.js';
import { controllerOf, ownerKeys as historyOwnerKeys, resolveControllerRef, type OwnerLister } from '../history/index.js';
import { keyOf } from '../runtime/index.js';
import { nodeShouldRunDaemonPod } from './util.js';

/** The DaemonSets in the cache (read-only): by name, by namespace (an informer index) and all of them. */
export interface DaemonSetLister extends OwnerLister<DaemonSet> {
  list(): DaemonSet[];
}

/**
 * The DaemonSets to sync when a pod or revision changes (upstream addPod/updatePod/deletePod and the history
 * handlers): its controller if that is the cached DaemonSet with the referenced uid; for an orphan, every DaemonSet
 * of its namespace whose selector matches it (one of them may adopt it). Anything else concerns no DaemonSet.
 */
export function ownerKeys(dsets: DaemonSetLister, obj: { metadata?: ObjectMeta }): string[] {
  return historyOwnerKeys(dsets, 'DaemonSet', obj);
}

/** Upstream addNode: every DaemonSet that should run a pod on the new node. */
export function nodeAddKeys(dsets: DaemonSetLister, node: Node): string[] {
  return dsets.list().filter((ds) => nodeShouldRunDaemonPod(node, ds).shouldRun).map(keyOf);
}

/** Upstream updateNode: every DaemonSet whose (shouldRun, shouldContinueRunning) on the node changed. */
export function nodeUpdateKeys(dsets: DaemonSetLister, oldNode: Node, curNode: Node): string[] {
  if (oldNode === curNode) return [];
  return dsets
    .list()
    .filter((ds) => {
      const a = nodeShouldRunDaemonPod(oldNode, ds);
      const b = nodeShouldRunDaemonPod(curNode, ds);
      return a.shouldRun !== b.shouldRun || a.shouldContinueRunning !== b.shouldContinueRunning;
    })
    .map(keyOf);
}

/**
 * Upstream updatePod's delayed resync: a pod of a DaemonSet with minReadySeconds that just turned Ready is looked at
 * again once it can count as available (minReadySeconds + 1 s). Returns the key and delay, if any.
 */
export function readyResync(dsets: DaemonSetLister, oldPod: Pod, curPod: Pod): { key: string; afterMs: number } | undefined {
  if (isPodReady(oldPod) || !isPodReady(curPod)) return undefined;
  const ref = controllerOf(curPod);
  const ds = ref ? resolveControllerRef(dsets, 'DaemonSet', curPod.metadata?.namespace ?? '', ref) : undefined;
  const minReady = ds?.spec?.minReadySeconds ?? 0;
  return ds && minReady > 0 ? { key: keyOf(ds), afterMs: minReady * 1000 + 1000 } : undefined;
}
