// A pure in-memory Storage (tests, and `--storage=memory`): ordered index, event ring, watch fan-out.
import { EventRing } from './event-ring.js';
import { KeyIndex } from './index.js';
import { readMethods } from './reads.js';
import { StorageError } from './types.js';
import type { KV, Storage, StorageEvent } from './types.js';
import { WatchHub } from './watch-hub.js';
import type { WatcherCount } from './watch-hub.js';
import { INITIAL_REVISION, checkWatchStart, planWrite, writeMethods } from './write-plan.js';
import type { WriteOp } from './write-plan.js';

/** Tuning for {@link createMemoryStorage}. */
export interface MemoryStorageOptions {
  /** How many recent events are kept for watch resume (default 10,000). */
  historySize?: number;
  /** How many undelivered events a watcher may have before it is ended with TooSlow (default 10,000). */
  watchQueueLimit?: number;
}

/**
 * Creates an empty in-memory store. Revisions follow etcd: the empty store is at revision 1 and the first
 * write gets 2. Writes apply synchronously (each call is its own revision) and are published to watchers
 * before the returned promise resolves. Values are taken by reference: do not mutate a value after writing
 * it, nor a KV or event you read.
 */
export function createMemoryStorage(opts: MemoryStorageOptions = {}): Storage & WatcherCount {
  const index = new KeyIndex();
  const ring = new EventRing(opts.historySize ?? 10_000, 0);
  const hub = new WatchHub(opts.watchQueueLimit ?? 10_000);
  let revision = INITIAL_REVISION;
  let closed = false;

  const ensureOpen = (key: string): void => {
    if (closed) throw new StorageError('Closed', key, 'storage is closed');
  };
  const write = async (op: WriteOp): Promise<KV> => {
    ensureOpen(op.key);
    const event = planWrite(op, index.get(op.key), revision + 1);
    revision = event.revision;
    index.apply(event);
    ring.push(event);
    hub.publish(event);
    return event.kv;
  };

  return {
    ...readMethods({ index, ring, revision: () => revision, ensureOpen }),
    ...writeMethods(write),
    watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterable<StorageEvent> {
      ensureOpen(prefix);
      checkWatchStart(prefix, fromRevision, ring.completeAfter);
      return hub.subscribe({ prefix, after: fromRevision, signal, replay: ring.since(fromRevision, prefix) });
    },
    async oldestRevision() {
      return ring.completeAfter;
    },
    async close() {
      if (closed) return;
      closed = true;
      hub.close(new StorageError('Closed', '', 'storage is closed'));
    },
    watcherCount: () => hub.watcherCount,
  };
}
