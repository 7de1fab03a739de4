// The registry's watch cache: one storage watch per resource, each change decoded once and handed to every watcher.

import * as S from '../api/status.js';
import { keyPrefix, type ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import { StorageError, type Storage, type StorageEvent } from '../storage/types.js';
import { classify, decodedEvent, listedItem, type DecodedEvent, type WatchEventType, type WatchItem } from './watch.js';

/** Where a watcher's events go. Called synchronously, in revision order; it must not throw. */
export interface WatchSink {
  /** One event for this watcher. */
  event(type: WatchEventType, item: WatchItem): void;
  /** The initial state (ADDED events) has been handed over, as of `revision` (before any later change). */
  initialDone?(revision: number): void;
  /** The watch ended on the storage side: with an error to report (410 Expired), or none (the client re-watches). */
  end(error?: S.ApiError): void;
}

/** A watch request, as the registry serves it. */
export interface CacheWatchRequest {
  namespace: string | undefined;
  predicate: ((o: KObject) => boolean) | undefined;
  /** Deliver changes after this revision. */
  fromRevision: number;
  sink: WatchSink;
  signal: AbortSignal;
}

/** A started watcher. */
export interface WatchHandle {
  /**
   * The newest revision the watcher has been brought up to: every change of the resource up to it has been handed to
   * its sink (a BOOKMARK may carry it). On the cache's path it follows the store's revision even when this resource
   * is quiet, as upstream's watch cache follows etcd's progress, so a resuming client does not fall out of the log.
   */
  progress(): Promise<number>;
}

/** One watcher of a resource: its scope, filter and position. */
class Subscription implements WatchHandle {
  readonly prefix: string;
  private last: number;

  constructor(
    r: ResourceInfo,
    private readonly req: CacheWatchRequest,
    private readonly settled?: () => Promise<number>,
  ) {
    this.prefix = keyPrefix(r, req.namespace);
    this.last = req.fromRevision;
  }

  async progress(): Promise<number> {
    if (this.settled) this.last = Math.max(this.last, await this.settled());
    return this.last;
  }

  /** Offers a change of the resource; delivers it when it is newer than the position and in scope. */
  offer(d: DecodedEvent): void {
    if (d.revision <= this.last) return;
    this.last = d.revision;
    if (!d.key.startsWith(this.prefix)) return;
    const out = classify(d, this.req.predicate);
    if (out) this.req.sink.event(out.type, out.item);
  }

  end(error?: S.ApiError): void {
    this.req.sink.end(error);
  }
}

/**
 * The changes of one resource, fanned out. Assumptions / Invariants (upstream Cacher + watchCache): one storage
 * watch per resource from the revision the cache started at; every change is decoded once (DecodedEvent) and
 * offered synchronously to each watcher, which filters by namespace prefix and selector; the last `ringSize`
 * changes are kept so a watcher starting from a recent revision replays them synchronously before it is registered
 * (no gap, no duplicate). A watcher starting before what the ring holds reads the storage's own history (memory,
 * then the on-disk log) through its own storage watch: the slow path, for resumes after a restart.
 */
class ResourceWatchCache {
  private readonly subs = new Set<Subscription>();
  private ring: DecodedEvent[] = [];
  private ringStart = 0;
  /** The ring holds every change after this revision. */
  private completeAfter = 0;
  private starting: Promise<void> | undefined;
  private stop = new AbortController();

  constructor(
    private readonly storage: Storage,
    private readonly r: ResourceInfo,
    private readonly ringSize: number,
  ) {}

  /** Starts the storage watch once (again after it ended). */
  ready(): Promise<void> {
    this.starting ??= this.start().catch((e: unknown) => {
      this.starting = undefined;
      throw e;
    });
    return this.starting;
  }

  private async start(): Promise<void> {
    const from = await this.storage.currentRevision();
    this.completeAfter = from;
    this.ring = [];
    this.ringStart = 0;
    this.stop = new AbortController();
    const changes = this.storage.watch(keyPrefix(this.r, undefined), from, this.stop.signal);
    void this.pump(changes);
  }

  private async pump(changes: AsyncIterable<StorageEvent>): Promise<void> {
    try {
      for await (const ev of changes) this.dispatch(decodedEvent(this.r, ev));
    } catch {
      // The feed failed (storage closed, or this consumer fell a full queue behind): handled as an end.
    }
    // Every watcher ends and watches again (from its last resourceVersion), as when upstream's cacher re-initialises.
    this.starting = undefined;
    for (const s of [...this.subs]) s.end();
    this.subs.clear();
  }

  private dispatch(d: DecodedEvent): void {
    if (this.ring.length < this.ringSize) this.ring.push(d);
    else {
      this.completeAfter = this.ring[this.ringStart]!.revision;
      this.ring[this.ringStart] = d;
      this.ringStart = (this.ringStart + 1) % this.ringSize;
    }
    for (const s of this.subs) s.offer(d);
    // The lines written hold their own bytes; what the ring keeps for later replays is just the stored value.
    d.release();
  }

  /** Registers a watcher now (synchronously): replays held changes after `fromRevision`, or returns false. */
  attach(req: CacheWatchRequest): WatchHandle | false {
    if (!this.starting || req.fromRevision < this.completeAfter) return false;
    const sub = new Subscription(this.r, req, this.settledRevision);
    for (let i = 0; i < this.ring.length; i++) sub.offer(this.ring[(this.ringStart + i) % this.ring.length]!);
    if (req.signal.aborted) return sub;
    this.subs.add(sub);
    req.signal.addEventListener('abort', () => this.subs.delete(sub), { once: true });
    return sub;
  }

  /**
   * A revision every change up to which has been dispatched: the store's current revision, read before a turn of the
   * event loop. Invariant: storage publishes a change synchronously with its commit, and this cache's feed hands
   * queued changes over in microtasks only, so by the next macrotask every change up to that revision was dispatched.
   */
  private readonly settledRevision = async (): Promise<number> => {
    const current = await this.storage.currentRevision();
    await new Promise((resolve) => setImmediate(resolve));
    return current;
  };

  /** A watcher fed by its own storage watch (history older than the ring). */
  slow(req: CacheWatchRequest): WatchHandle {
    const sub = new Subscription(this.r, req);
    void (async () => {
      try {
        const changes = this.storage.watch(keyPrefix(this.r, req.namespace), req.fromRevision, req.signal);
        for await (const ev of changes) sub.offer(decodedEvent(this.r, ev));
        sub.end();
      } catch (e) {
        sub.end(toApiError(e, req.fromRevision));
      }
    })();
    return sub;
  }

  /** The number of registered fast-path watchers (tests). */
  get size(): number {
    return this.subs.size;
  }
}

function toApiError(e: unknown, from: number): S.ApiError | undefined {
  if (e instanceof StorageError) {
    if (e.code === 'Compacted') return S.expired(`too old resource version: ${from} (${e.oldestRevision ?? from})`);
    return undefined; // TooSlow, Closed: the stream just ends and the client watches again
  }
  return e instanceof S.ApiError ? e : S.internal(e instanceof Error ? e.message : String(e));
}

/** Options of the watch caches. */
export interface WatchCacheOptions {
  /** Changes kept in memory per resource for watchers starting from a recent revision (default 4096). */
  ringSize?: number;
}

/** The watch caches of every resource, started on each resource's first watch. */
export class WatchCaches {
  private readonly caches = new Map<string, ResourceWatchCache>();
  private readonly ringSize: number;

  constructor(private readonly storage: Storage, opts: WatchCacheOptions = {}) {
    this.ringSize = Math.max(1, opts.ringSize ?? 4096);
  }

  private cacheOf(r: ResourceInfo): ResourceWatchCache {
    const key = keyPrefix(r, undefined);
    let c = this.caches.get(key);
    if (!c) {
      c = new ResourceWatchCache(this.storage, r, this.ringSize);
      this.caches.set(key, c);
    }
    return c;
  }

  /** Waits until the resource's cache runs (call before listing the state a watch starts from). */
  ready(r: ResourceInfo): Promise<void> {
    return this.cacheOf(r).ready();
  }

  /**
   * Starts a watcher from `fromRevision`: from the cache when it holds that history, else through the slow path.
   * The caller has awaited `ready(r)`; the fast path registers synchronously, so events handed to the sink before
   * this returns (initial state) come before every change.
   */
  watch(r: ResourceInfo, req: CacheWatchRequest): WatchHandle {
    const c = this.cacheOf(r);
    return c.attach(req) || c.slow(req);
  }

  /** Fast-path watchers registered for a resource (tests and metrics). */
  watcherCount(r: ResourceInfo): number {
    return this.caches.get(keyPrefix(r, undefined))?.size ?? 0;
  }
}

/** A watch as the server asks for it. */
export interface StartWatchRequest {
  namespace: string | undefined;
  predicate: ((o: KObject) => boolean) | undefined;
  /** Start after this revision; undefined: hand the current state over as ADDED events first, then every change. */
  fromRevision: number | undefined;
  sink: WatchSink;
  signal: AbortSignal;
}

/**
 * Starts a watch (upstream Cacher.Watch): without a revision, the matching objects as of a revision R are sent as
 * ADDED, then `initialDone(R)`, then every change after R; with one, every change after it.
 */
export async function startWatch(storage: Storage, caches: WatchCaches, r: ResourceInfo, req: StartWatchRequest): Promise<WatchHandle> {
  await caches.ready(r);
  if (req.fromRevision !== undefined) return caches.watch(r, { ...req, fromRevision: req.fromRevision });
  const prefix = keyPrefix(r, req.namespace);
  const page = await storage.list(prefix);
  // Synchronously from here on: initial events, then registration, so no change can slip in between.
  for (const kv of page.items) {
    const item = listedItem(r, kv);
    if (!req.predicate || req.predicate(item.object)) req.sink.event('ADDED', item);
  }
  req.sink.initialDone?.(page.revision);
  return caches.watch(r, { ...req, fromRevision: page.revision });
}
