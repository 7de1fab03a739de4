// The controller work queue: fair, de-duplicating, one worker per key at a time, with delayed and rate-limited adds.

import { realClock, type Clock } from './clock.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';

/**
 * A queue of keys to reconcile, with client-go's work queue contract.
 *
 * Invariants:
 * - `dirty` holds every key that needs processing; `queue` holds the dirty keys not being processed, in FIFO order.
 *   A key is in `queue` at most once, so adding it again while it waits changes nothing (de-duplication).
 * - `processing` holds the keys handed out by `get()` and not yet `done()`. A key added while processing is only
 *   marked dirty; `done()` puts it back in the queue, so no two workers ever hold the same key and no add is lost.
 * - After `shutDown()`, adds are ignored; `get()` keeps handing out what is queued, then resolves `undefined`.
 * - `addAfter` keeps one timer per key, for the earliest requested time.
 */
export class WorkQueue<K = string> {
  /** A label for logs and metrics. */
  readonly name: string;
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter<K>;
  private items: K[] = [];
  private head = 0;
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly waiters: Array<(k: K | undefined) => void> = [];
  private readonly delayed = new Map<K, { due: number; handle: unknown }>();
  private shutting = false;
  private dispatchScheduled = false;

  constructor(opts: { clock?: Clock; rateLimiter?: RateLimiter<K>; name?: string } = {}) {
    this.clock = opts.clock ?? realClock;
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<K>(this.clock);
    this.name = opts.name ?? '';
  }

  /** Marks `k` as needing processing (no-op if it already waits or after shutdown). */
  add(k: K): void {
    if (this.shutting || this.dirty.has(k)) return;
    this.dirty.add(k);
    if (this.processing.has(k)) return;
    this.enqueue(k);
  }

  /** Adds `k` after `ms` milliseconds (immediately if `ms <= 0`); an earlier pending time for `k` wins. */
  addAfter(k: K, ms: number): void {
    if (this.shutting) return;
    if (ms <= 0) {
      this.add(k);
      return;
    }
    const due = this.clock.now() + ms;
    const existing = this.delayed.get(k);
    if (existing) {
      if (existing.due <= due) return;
      this.clock.clearTimeout(existing.handle);
    }
    const handle = this.clock.setTimeout(() => {
      this.delayed.delete(k);
      this.add(k);
    }, ms);
    this.delayed.set(k, { due, handle });
  }

  /** Adds `k` after the rate limiter's delay for it (one more requeue). */
  addRateLimited(k: K): void {
    this.addAfter(k, this.rateLimiter.when(k));
  }

  /** Resets the rate limiter's history of `k` (it does not remove `k` from the queue). */
  forget(k: K): void {
    this.rateLimiter.forget(k);
  }

  /** How often `k` was rate-limited since it was last forgotten. */
  numRequeues(k: K): number {
    return this.rateLimiter.numRequeues(k);
  }

  /** The next key to process, waiting for one; `undefined` once shut down and empty. Call `done(k)` afterwards. */
  get(): Promise<K | undefined> {
    if (this.head < this.items.length) return Promise.resolve(this.take());
    if (this.shutting) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Ends the processing of `k`; if it was added meanwhile it is queued again. */
  done(k: K): void {
    this.processing.delete(k);
    if (this.dirty.has(k)) this.enqueue(k);
  }

  /** The number of keys waiting (not counting those being processed or delayed). */
  len(): number {
    return this.items.length - this.head;
  }

  /** Stops accepting adds, drops pending delayed adds, and wakes idle `get()` callers with `undefined`. */
  shutDown(): void {
    if (this.shutting) return;
    this.shutting = true;
    for (const d of this.delayed.values()) this.clock.clearTimeout(d.handle);
    this.delayed.clear();
    this.dispatch();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  /** True after `shutDown()`. */
  shuttingDown(): boolean {
    return this.shutting;
  }

  /**
   * Queues `k`; idle workers are woken in a microtask, so several adds in one synchronous run (e.g. the old and new
   * object of an update) still coalesce before anyone takes the key.
   */
  private enqueue(k: K): void {
    this.items.push(k);
    if (this.waiters.length === 0 || this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    queueMicrotask(() => {
      this.dispatchScheduled = false;
      this.dispatch();
    });
  }

  /** Hands queued keys to waiting workers, oldest waiter first. */
  private dispatch(): void {
    while (this.waiters.length > 0 && this.head < this.items.length) this.waiters.shift()!(this.take());
  }

  private take(): K {
    const k = this.items[this.head] as K;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.dirty.delete(k);
    this.processing.add(k);
    return k;
  }
}
