// Which DaemonSets a pod, revision or node change concerns (upstream's event handlers of the DaemonSet controller).

import { isEverything, matches, safeSelector } from '../../apiserver/api/labels.js';
import { isPodReady } from '../../apiserver/api/pod-state.js';
import type { DaemonSet, Node, ObjectMeta, Pod } from '../../apiserver/api/types.js';
import { controllerOf } from '../history/index.js';
import { keyOf } from '../runtime/index.js';
import { nodeShouldRunDaemonPod } from './util.js';

/** The DaemonSets in the cache (read-only). */
export interface DaemonSetLister {
  get(namespace: string, name: string): DaemonSet | undefined;
  list(): DaemonSet[];
}

/** Upstream resolveControllerRef: the DaemonSet a controller reference names, if it exists with that uid. */
export function resolveControllerRef(dsets: DaemonSetLister, namespace: string, ref: { kind?: string; name?: string; uid?: string }): DaemonSet | undefined {
  if (ref.kind !== 'DaemonSet') return undefined;
  const ds = dsets.get(namespace, ref.name ?? '');
  return ds && ds.metadata?.uid === ref.uid ? ds : undefined;
}

function selects(ds: DaemonSet, labels: Record<string, string> | undefined): boolean {
  const sel = safeSelector(ds.spec?.selector);
  return !isEverything(sel) && matches(sel, labels);
}

/**
 * The DaemonSets to sync when a pod or revision changes (upstream addPod/updatePod/deletePod and the history
 * handlers): its controller if that is a live DaemonSet; for an orphan, every DaemonSet of its namespace whose
 * selector matches it (one of them may adopt it). An object controlled by something else concerns no DaemonSet.
 */
export function ownerKeys(dsets: DaemonSetLister, obj: { metadata?: ObjectMeta }): string[] {
  const ns = obj.metadata?.namespace ?? '';
  const ref = controllerOf(obj);
  if (ref) {
    const ds = resolveControllerRef(dsets, ns, ref);
    return ds ? [keyOf(ds)] : [];
  }
  return dsets.list().filter((ds) => ds.metadata?.namespace === ns && selects(ds, obj.metadata?.labels)).map(keyOf);
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
  const ds = ref ? resolveControllerRef(dsets, curPod.metadata?.namespace ?? '', ref) : undefined;
  const minReady = ds?.spec?.minReadySeconds ?? 0;
  return ds && minReady > 0 ? { key: keyOf(ds), afterMs: minReady * 1000 + 1000 } : undefined;
}
