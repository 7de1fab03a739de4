// The creates and deletes a DaemonSet's sync issued, kept in the shared own-write Expectations (upstream's expectations, by pod name).

import type { Pod } from '../../apiserver/api/types.js';
import { Expectations } from '../runtime/index.js';

/** What the record reads from the pod cache. */
export interface PodCacheView {
  /** The cached pod `namespace/name`. */
  get(namespace: string, name: string): Pod | undefined;
  /** The resourceVersion the cache has caught up with ('' when unknown). */
  resourceVersion(): string;
}

/** Upstream ExpectationsTimeout: an unobserved write stops blocking after 5 minutes. */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

const PODS = 'pods';

/** The expectations' key of the pod `name` of the DaemonSet `key` (its pods live in the DaemonSet's namespace). */
function podKey(key: string, name: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? name : `${key.slice(0, slash)}/${name}`;
}

/** The pod name back from {@link podKey}. */
const podName = (k: string): string => k.slice(k.indexOf('/') + 1);

/** The record of a DaemonSet controller (upstream ExpectationsTimeout as TTL). */
export function newPodExpectations(now: () => number): Expectations {
  return new Expectations(now, EXPECTATIONS_TIMEOUT_MS);
}

/**
 * Records a pod created for the DaemonSet `key` (`ns/name`): seen once the cache holds the pod, or once the cache
 * has caught up with a resourceVersion at least the create's (the pod came and went).
 */
export function expectPodCreated(e: Expectations, key: string, pod: Pod): void {
  e.expectCreated(key, PODS, podKey(key, pod.metadata?.name ?? ''), pod.metadata?.resourceVersion ?? '');
}

/** Records a pod deleted by the DaemonSet `key`: seen once the cached pod of that name is gone, has another uid, or is terminating. */
export function expectPodDeleted(e: Expectations, key: string, pod: Pod): void {
  e.expectDeleted(key, PODS, podKey(key, pod.metadata?.name ?? ''), pod);
}

/**
 * True when every recorded write of the DaemonSet `key` shows in the pod cache of `namespace` (the ones that do,
 * and the expired ones, are forgotten). Upstream: expectations satisfied.
 */
export function podWritesSeen(e: Expectations, key: string, namespace: string, cache: PodCacheView): boolean {
  return e.pendingMs(key, (_kind, k) => cache.get(namespace, podName(k)), () => cache.resourceVersion()) === 0;
}
