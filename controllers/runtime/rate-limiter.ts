// Per-key retry delays for the work queue: exponential backoff, a shared token bucket, and their maximum.

import { realClock, type Clock } from './clock.js';

/** Decides how long a key waits before it is retried. */
export interface RateLimiter<K> {
  /** The delay (ms) before `k` may be processed again; counts as one more requeue of `k`. */
  when(k: K): number;
  /** Clears the failure history of `k` (call after it succeeded). */
  forget(k: K): void;
  /** How many times `k` has been requeued since it was last forgotten. */
  numRequeues(k: K): number;
}

/**
 * Per-key exponential backoff: `baseMs * 2^failures`, capped at `maxMs`.
 * Invariants: the first call for a key returns `baseMs`; `forget` starts the key over.
 */
export function exponentialRateLimiter<K>(baseMs = 5, maxMs = 30_000): RateLimiter<K> {
  const failures = new Map<K, number>();
  return {
    when(k) {
      const n = failures.get(k) ?? 0;
      failures.set(k, n + 1);
      // 2^n overflows to Infinity for large n, which the cap absorbs
      return Math.min(maxMs, baseMs * 2 ** n);
    },
    forget(k) {
      failures.delete(k);
    },
    numRequeues(k) {
      return failures.get(k) ?? 0;
    },
  };
}

/**
 * One token bucket shared by all keys: `burst` immediate retries, then `qps` per second overall.
 * Invariants: every call reserves a token (possibly in the future) and returns the wait until it is available,
 * like Go's rate.Limiter.Reserve; it tracks no per-key state, so forget is a no-op and numRequeues is 0.
 */
export function bucketRateLimiter<K>(qps = 10, burst = 100, clock: Clock = realClock): RateLimiter<K> {
  let tokens = burst;
  let last = clock.now();
  return {
    when() {
      const now = clock.now();
      tokens = Math.min(burst, tokens + ((now - last) / 1000) * qps);
      last = now;
      tokens -= 1;
      return tokens >= 0 ? 0 : Math.ceil((-tokens / qps) * 1000);
    },
    forget() {},
    numRequeues() {
      return 0;
    },
  };
}

/** The strictest of several limiters: the longest delay, the highest requeue count; forget reaches all. */
export function maxOfRateLimiter<K>(...ls: RateLimiter<K>[]): RateLimiter<K> {
  return {
    when(k) {
      let max = 0;
      for (const l of ls) max = Math.max(max, l.when(k));
      return max;
    },
    forget(k) {
      for (const l of ls) l.forget(k);
    },
    numRequeues(k) {
      let max = 0;
      for (const l of ls) max = Math.max(max, l.numRequeues(k));
      return max;
    },
  };
}

/** What controllers use: per-key backoff from 5 ms to 30 s, and at most 10 retries/s overall after a burst of 100. */
export function defaultControllerRateLimiter<K>(clock: Clock = realClock): RateLimiter<K> {
  return maxOfRateLimiter<K>(exponentialRateLimiter<K>(5, 30_000), bucketRateLimiter<K>(10, 100, clock));
}
