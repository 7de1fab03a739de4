// The creates and deletes a DaemonSet's sync issued and the pod cache has not shown yet (upstream's expectations, by name).

import type { Pod } from '../../apiserver/api/types.js';

interface Pending {
  /** Pod name → the resourceVersion the create answered with. */
  creates: Map<string, string>;
  /** Pod name → uid of the pod deleted. */
  deletes: Map<string, string>;
  /** When the last write was recorded (ms). */
  at: number;
}

/** What the record reads from the pod cache. */
export interface PodCacheView {
  /** The cached pod `namespace/name`. */
  get(namespace: string, name: string): Pod | undefined;
  /** The resourceVersion the cache has caught up with ('' when unknown). */
  resourceVersion(): string;
}

/** Upstream ExpectationsTimeout: an unobserved write stops blocking after 5 minutes. */
const TIMEOUT_MS = 5 * 60_000;

const rvNumber = (rv: string): number | undefined => (/^\d+$/.test(rv) ? Number(rv) : undefined);

/**
 * Upstream ControllerExpectations, kept per pod rather than as counts, so that a missed watch event cannot leave a
 * DaemonSet waiting.
 *
 * Assumptions / Invariants: while a DaemonSet has a create or delete the pod cache does not reflect yet, its sync
 * only recomputes status (upstream: expectations not satisfied), so it never creates twice for one node. A create
 * is seen once the cache holds the pod, or once the cache has caught up with a resourceVersion at least the
 * create's (kubeling's resourceVersions are one increasing revision: the pod came and went). A delete is seen once
 * the cached pod of that name is gone, has another uid, or has a deletionTimestamp. Failed writes are never recorded.
 * Anything left after 5 minutes is dropped, as upstream's expectations expire.
 */
export class Expectations {
  private readonly byKey = new Map<string, Pending>();

  constructor(private readonly now: () => number) {}

  private entry(key: string): Pending {
    let e = this.byKey.get(key);
    if (!e) this.byKey.set(key, (e = { creates: new Map(), deletes: new Map(), at: 0 }));
    e.at = this.now();
    return e;
  }

  /** Records a pod created for the DaemonSet `key` (`ns/name`). */
  created(key: string, pod: Pod): void {
    this.entry(key).creates.set(pod.metadata?.name ?? '', pod.metadata?.resourceVersion ?? '');
  }

  /** Records a pod deleted by the DaemonSet `key`. */
  deleted(key: string, pod: Pod): void {
    this.entry(key).deletes.set(pod.metadata?.name ?? '', pod.metadata?.uid ?? '');
  }

  /** True when every recorded write of `key` shows in the cache (the ones that do are forgotten). */
  satisfied(key: string, namespace: string, cache: PodCacheView): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    if (this.now() - e.at > TIMEOUT_MS) {
      this.byKey.delete(key);
      return true;
    }
    const cacheRv = rvNumber(cache.resourceVersion());
    for (const [name, rv] of e.creates) {
      const created = rvNumber(rv);
      if (cache.get(namespace, name) || (cacheRv !== undefined && created !== undefined && cacheRv >= created)) e.creates.delete(name);
    }
    for (const [name, uid] of e.deletes) {
      const p = cache.get(namespace, name);
      if (!p || p.metadata?.uid !== uid || p.metadata?.deletionTimestamp) e.deletes.delete(name);
    }
    if (e.creates.size === 0 && e.deletes.size === 0) {
      this.byKey.delete(key);
      return true;
    }
    return false;
  }

  /** Forgets the DaemonSet `key` (it was deleted). */
  delete(key: string): void {
    this.byKey.delete(key);
  }

  /** The writes still pending for `key` (for logs and tests). */
  pending(key: string): { creates: number; deletes: number } {
    const e = this.byKey.get(key);
    return { creates: e?.creates.size ?? 0, deletes: e?.deletes.size ?? 0 };
  }
}
