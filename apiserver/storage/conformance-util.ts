// Helpers of the storage conformance suite: byte helpers, bounded watch readers, error matchers.
import type { Storage, StorageEvent } from './types.js';
import type { WatcherCount } from './watch-hub.js';

/** Tuning the suite asks of a backend under test (small bounds make compaction and slowness testable). */
export interface ConformanceOptions {
  /** Events kept for watch resume (for level: both the in-memory ring and the on-disk log). */
  historySize?: number;
  /** Per-watcher queue bound. */
  watchQueueLimit?: number;
}

/** A store under test: `reopen` (durable backends) closes it and opens the same data again. */
export interface OpenedStorage {
  storage: Storage & Partial<WatcherCount>;
  reopen?: () => Promise<Storage & Partial<WatcherCount>>;
  cleanup: () => Promise<void>;
}

/** Opens a fresh, empty store. */
export type OpenStorage = (opts?: ConformanceOptions) => Promise<OpenedStorage>;

/** How long a watch read may wait before the test fails instead of hanging. */
export const WATCH_DEADLINE_MS = 5_000;

/** UTF-8 bytes of a string. */
export function bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** The string a value holds. */
export function text(value: Uint8Array): string {
  return new TextDecoder().decode(value);
}

/** A signal that aborts with `ctrl` or after the deadline, whichever is first. */
export function deadline(ctrl?: AbortController): AbortSignal {
  const t = AbortSignal.timeout(WATCH_DEADLINE_MS);
  return ctrl ? AbortSignal.any([ctrl.signal, t]) : t;
}

/** Reads `n` events (fewer if the stream ends or the deadline passes), then stops the watch. */
export async function take(it: AsyncIterable<StorageEvent>, n: number): Promise<StorageEvent[]> {
  const out: StorageEvent[] = [];
  if (n <= 0) return out;
  for await (const ev of it) {
    out.push(ev);
    if (out.length >= n) break;
  }
  return out;
}

/** Reads events until one for `key` arrives (inclusive). */
export async function takeUntil(it: AsyncIterable<StorageEvent>, key: string): Promise<StorageEvent[]> {
  const out: StorageEvent[] = [];
  for await (const ev of it) {
    out.push(ev);
    if (ev.kv.key === key) break;
  }
  return out;
}

/** Runs `fn` and returns the `code` of the error it throws (synchronously or not); undefined if none. */
export async function errorCode(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  return undefined;
}

/** Consumes a watch to its first event or end, so a failing watch start surfaces as a thrown error. */
export async function startWatch(storage: Storage, prefix: string, from: number): Promise<StorageEvent[]> {
  return take(storage.watch(prefix, from, deadline()), 1);
}

/** Short event summaries for readable assertions: `create /a 2`. */
export function summary(events: readonly StorageEvent[]): string[] {
  return events.map((e) => `${e.type} ${e.kv.key} ${e.revision}`);
}

/** Resolves when `predicate` holds, checking after each microtask/macrotask turn; rejects after the deadline. */
export async function waitFor(predicate: () => boolean, what: string): Promise<void> {
  const until = Date.now() + WATCH_DEADLINE_MS;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}
