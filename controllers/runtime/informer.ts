// The informer: list + watch one resource into an indexed cache, notify handlers, and recover from any failure.

import type { ResourceInfo } from '../../apiserver/api/resources.js';
import { isExpired } from '../../apiserver/api/status.js';
import type { KObject } from '../../apiserver/api/types.js';
import type { Client } from './client.js';
import { abortReason, realClock, sleep, type Clock } from './clock.js';
import { keyOf, type ObjectLike } from './keys.js';
import { silentLogger, type Logger } from './logger.js';
import { IndexedStore } from './store.js';
import type { WatchEvent } from './watch.js';

export { keyOf, splitKey, type ObjectLike } from './keys.js';

/** Callbacks for cache changes. Objects are the cached ones: treat them as read-only (clone before changing). */
export interface EventHandler<T> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  /** Receives the last known state of the object. */
  delete?(obj: T): void;
}

/** What an informer watches, and how often it replays its cache as updates. */
export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Every `resyncMs`, each cached object is delivered as update(obj, obj); 0 or unset: never. */
  resyncMs?: number;
}

/** Dependencies of an informer. */
export interface InformerDeps {
  clock?: Clock;
  logger?: Logger;
}

const PAGE = 500;
const BACKOFF_BASE_MS = 100;
const BACKOFF_MAX_MS = 1000;

/**
 * A cache of one resource (optionally narrowed by namespace and selectors) kept current by list + watch.
 *
 * Invariants (after upstream's Reflector / SharedIndexInformer):
 * - The cache is replaced by a full list (pages of 500) at start and whenever a watch answers 410 Expired; the
 *   difference from the previous cache is delivered as add / update / delete. An object whose resourceVersion did
 *   not change is not re-delivered.
 * - Between lists, a watch resumes from the last resourceVersion seen (event or bookmark). A watch that ends cleanly
 *   is reopened at once; a failure is retried after an exponential backoff (100 ms doubling to 1 s, plus up to 20 %
 *   jitter). Only the abort signal stops the loop.
 * - Handlers run synchronously, in order, on the informer's loop; a throwing handler is logged and skipped.
 * - Handed-out objects are the cached instances and must be treated as read-only; nothing is frozen (speed).
 */
export class Informer<T extends ObjectLike = KObject> {
  private readonly store = new IndexedStore<T>();
  private readonly handlers: EventHandler<T>[] = [];
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly opts: InformerOptions;
  private synced = false;
  private started = false;
  private rv = '';
  /** Consecutive list/watch failures; reset by any watch event. */
  private failures = 0;
  private readonly syncWaiters = new Set<() => void>();

  constructor(private readonly client: Client, readonly resource: ResourceInfo, opts: InformerOptions = {}, deps: InformerDeps = {}) {
    this.opts = { ...opts };
    this.clock = deps.clock ?? realClock;
    this.logger = deps.logger ?? silentLogger;
  }

  /** The resourceVersion of the last list, event or bookmark seen ('' before the first list). */
  get lastSyncResourceVersion(): string {
    return this.rv;
  }

  /** Adds a handler; once synced, it is first told about every cached object as an add. */
  addEventHandler(h: EventHandler<T>): void {
    this.handlers.push(h);
    if (this.synced) for (const obj of this.store.values()) this.call(h, 'add', obj);
  }

  /** Adds a secondary index (`fn` lists an object's values), before or after start. */
  addIndex(name: string, fn: (obj: T) => string[]): void {
    this.store.addIndex(name, fn);
  }

  /** The cached objects whose index `name` lists `value` (throws for an unknown index). */
  byIndex(name: string, value: string): T[] {
    return this.store.byIndex(name, value);
  }

  /** A cached object by namespace and name (namespace ignored-as-undefined for cluster-scoped objects). */
  get(namespace: string | undefined, name: string): T | undefined {
    return this.store.get(namespace ? `${namespace}/${name}` : name);
  }

  /** A cached object by key (`ns/name` or `name`, see keyOf). */
  getByKey(key: string): T | undefined {
    return this.store.get(key);
  }

  /** Every cached object. */
  list(): T[] {
    return [...this.store.values()];
  }

  /** True once the first list has been delivered. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once synced; rejects if `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.syncWaiters.delete(done);
        reject(abortReason(signal!));
      };
      const done = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.syncWaiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Starts listing and watching until `signal` aborts. A second call is ignored. */
  start(signal: AbortSignal): void {
    if (this.started) return;
    this.started = true;
    void this.run(signal);
    if (this.opts.resyncMs && this.opts.resyncMs > 0) this.scheduleResync(signal, this.opts.resyncMs);
  }

  private get fields(): Record<string, unknown> {
    return { resource: this.resource.plural, namespace: this.opts.namespace, labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector };
  }

  /**
   * The list/watch loop. Backoff rules: a watch that made progress is reopened at once; an Expired watch relists at
   * once unless the watch had just been started from a fresh list; every other failure waits backoffMs(failures).
   */
  private async run(signal: AbortSignal): Promise<void> {
    let needList = true;
    while (!signal.aborted) {
      let listedNow = false;
      try {
        if (needList) {
          await this.relist(signal);
          needList = false;
          listedNow = true;
        }
        if (await this.watchOnce(signal)) {
          this.failures = 0;
          continue;
        }
        this.failures++; // the stream ended at once, without a single event
      } catch (e) {
        if (signal.aborted) break;
        if (isExpired(e)) {
          this.logger.info({ ...this.fields, rv: this.rv, err: e }, 'watch expired; relisting');
          needList = true;
          if (!listedNow) continue;
          this.failures++;
        } else {
          this.failures++;
          this.logger.warn({ ...this.fields, rv: this.rv, err: e, failures: this.failures }, needList ? 'list failed; retrying' : 'watch failed; retrying');
        }
      }
      await sleep(this.clock, backoffMs(this.failures), signal).catch(() => undefined);
    }
    this.logger.debug(this.fields, 'informer stopped');
  }

  /** Lists everything and replaces the cache, delivering the difference. */
  private async relist(signal: AbortSignal): Promise<void> {
    const { namespace, labelSelector, fieldSelector } = this.opts;
    const list = await this.client.listAll<T>(this.resource, { namespace, labelSelector, fieldSelector, limit: PAGE, signal });
    if (signal.aborted) return;
    const fresh = new Map<string, T>();
    for (const item of list.items) fresh.set(keyOf(item), item);
    for (const [key, old] of [...this.store.entries()]) {
      if (fresh.has(key)) continue;
      this.store.delete(key);
      this.notify('delete', old);
    }
    for (const [key, obj] of fresh) {
      const old = this.store.get(key);
      if (old && old.metadata?.resourceVersion === obj.metadata?.resourceVersion) continue;
      this.store.put(key, obj);
      if (old) this.notify('update', old, obj);
      else this.notify('add', obj);
    }
    this.rv = list.metadata.resourceVersion ?? '';
    this.logger.debug({ ...this.fields, rv: this.rv, count: fresh.size }, 'listed');
    if (!this.synced) {
      this.synced = true;
      for (const w of [...this.syncWaiters]) w();
      this.syncWaiters.clear();
    }
  }

  /** One watch from the last resourceVersion; true if it made progress (an event, or lasted a second). */
  private async watchOnce(signal: AbortSignal): Promise<boolean> {
    const started = this.clock.now();
    let progressed = false;
    const { namespace, labelSelector, fieldSelector } = this.opts;
    // like upstream, streams last a random 5–10 minutes so reconnects of many clients spread out
    const timeoutSeconds = Math.floor(300 + Math.random() * 300);
    const events = this.client.watch<T>(this.resource, { namespace, labelSelector, fieldSelector, resourceVersion: this.rv, allowWatchBookmarks: true, timeoutSeconds }, signal);
    for await (const ev of events) {
      progressed = true;
      this.apply(ev);
    }
    return progressed || this.clock.now() - started >= 1000;
  }

  private apply(ev: WatchEvent<T>): void {
    this.failures = 0;
    const obj = ev.object;
    const rv = obj.metadata?.resourceVersion;
    if (ev.type !== 'BOOKMARK') {
      const key = keyOf(obj);
      if (ev.type === 'DELETED') {
        const old = this.store.delete(key);
        this.notify('delete', old ?? obj);
      } else {
        const old = this.store.put(key, obj);
        if (old) this.notify('update', old, obj);
        else this.notify('add', obj);
      }
    }
    if (rv) this.rv = rv;
  }

  private scheduleResync(signal: AbortSignal, every: number): void {
    const handle = this.clock.setTimeout(() => {
      signal.removeEventListener('abort', stop);
      if (signal.aborted) return;
      if (this.synced) for (const obj of this.store.values()) this.notify('update', obj, obj);
      this.scheduleResync(signal, every);
    }, every);
    const stop = (): void => this.clock.clearTimeout(handle);
    signal.addEventListener('abort', stop, { once: true });
  }

  private notify(kind: 'add' | 'delete', obj: T): void;
  private notify(kind: 'update', oldObj: T, newObj: T): void;
  private notify(kind: keyof EventHandler<T>, a: T, b?: T): void {
    for (const h of this.handlers) this.call(h, kind, a, b);
  }

  private call(h: EventHandler<T>, kind: keyof EventHandler<T>, a: T, b?: T): void {
    try {
      if (kind === 'update') h.update?.(a, b ?? a);
      else h[kind]?.(a);
    } catch (e) {
      this.logger.error({ ...this.fields, err: e, key: keyOf(a) }, `informer ${kind} handler threw`);
    }
  }
}

/** Exponential backoff 100 ms → 1 s with up to 20 % jitter, for the n-th consecutive failure (n ≥ 1). */
function backoffMs(n: number): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, n - 1));
  return base * (1 + Math.random() * 0.2);
}
