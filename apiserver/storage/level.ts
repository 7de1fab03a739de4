// The durable Storage: LevelDB (classic-level) for durability, the whole dataset in memory for reads, group commit.
import { ClassicLevel } from 'classic-level';
import { GroupCommitter } from './group-commit.js';
import { META_REVISION_KEY, encodeLogEntry, encodeObject, encodePointer, encodeRevision, logKey, objectKey } from './level-codec.js';
import type { EventRing } from './event-ring.js';
import { loadState, readLog } from './level-log.js';
import type { Db, LoadedState, Pointers } from './level-log.js';
import { readMethods } from './reads.js';
import { StorageError } from './types.js';
import type { KV, Storage, StorageEvent } from './types.js';
import { WatchHub } from './watch-hub.js';
import type { WatcherCount } from './watch-hub.js';
import { INITIAL_REVISION, checkWatchStart, horizon, writeMethods } from './write-plan.js';
import type { WriteOp } from './write-plan.js';

/** Options of {@link openLevelStorage}. */
export interface LevelStorageOptions {
  /** Directory of the LevelDB database (created if missing). */
  path: string;
  /** fsync every group before acknowledging it (default true). Without it a machine crash may lose acknowledged writes. */
  sync?: boolean;
  /** How many revisions of change log are kept on disk for watch resume (default 50,000). */
  logRetention?: number;
  /** How many recent events are also kept in memory (default 10,000, at most logRetention). */
  historySize?: number;
  /** How many undelivered events a watcher may have before it is ended with TooSlow (default 10,000). */
  watchQueueLimit?: number;
}

type LogOp = { type: 'put'; key: string; value: Uint8Array } | { type: 'del'; key: string };

/** The log revision an event trims (the newest that falls out of retention), if any. */
function expiredBy(ev: StorageEvent, logRetention: number): number | undefined {
  const expired = ev.revision - logRetention;
  return expired > INITIAL_REVISION ? expired : undefined;
}

/**
 * One event's effect on the pointer rows (live objects whose value is only in the log entry of their modRevision).
 * Returns the object that must become a full row because the log entry holding its value is trimmed now.
 */
function stepPointers(pointers: Pointers, ev: StorageEvent, expired: number | undefined): KV | undefined {
  if (ev.prev) pointers.delete(ev.prev.modRevision);
  if (ev.type !== 'delete') pointers.set(ev.revision, ev.kv);
  if (expired === undefined) return undefined;
  const live = pointers.get(expired);
  if (live) pointers.delete(expired);
  return live;
}

/** The pointer rows as a group sees them: the committed ones overlaid with the group's own changes (kept apart until durable). */
class PointerOverlay implements Pointers {
  private readonly changed = new Map<number, KV | undefined>();
  constructor(private readonly base: Pointers) {}
  get(revision: number): KV | undefined {
    return this.changed.has(revision) ? this.changed.get(revision) : this.base.get(revision);
  }
  set(revision: number, kv: KV): void {
    this.changed.set(revision, kv);
  }
  delete(revision: number): void {
    this.changed.set(revision, undefined);
  }
}

/**
 * The one atomic batch that makes a group durable: for each event its object row (a pointer row: the value is
 * written once, in the log entry) and its log entry, trimming the entry that falls out of retention (a live object
 * whose value is only there gets a full row first); then meta/rev.
 */
function batchOps(events: readonly StorageEvent[], logRetention: number, pointers: Pointers): LogOp[] {
  const ops: LogOp[] = [];
  const overlay = new PointerOverlay(pointers);
  for (const ev of events) {
    const key = objectKey(ev.kv.key);
    ops.push(ev.type === 'delete' ? { type: 'del', key } : { type: 'put', key, value: encodePointer(ev.kv) });
    ops.push({ type: 'put', key: logKey(ev.revision), value: encodeLogEntry(ev) });
    const expired = expiredBy(ev, logRetention);
    const live = stepPointers(overlay, ev, expired);
    if (live) ops.push({ type: 'put', key: objectKey(live.key), value: encodeObject(live) });
    if (expired !== undefined) ops.push({ type: 'del', key: logKey(expired) });
  }
  const last = events.at(-1);
  if (last) ops.push({ type: 'put', key: META_REVISION_KEY, value: encodeRevision(last.revision) });
  return ops;
}

/**
 * Writes one atomic batch. The chained batch API is used because it costs about half the CPU of the array form
 * (which clones and re-encodes every operation in JavaScript before handing it to LevelDB).
 */
function writeBatch(db: Db, ops: readonly LogOp[], sync: boolean): Promise<void> {
  const batch = db.batch();
  for (const op of ops) {
    if (op.type === 'put') batch.put(op.key, op.value);
    else batch.del(op.key);
  }
  return batch.write({ sync });
}

/**
 * LevelDB's table block size (its default is 4 KiB). Every block a flush or compaction writes is its own write()
 * call, and a stored pod is about 3 KiB, so with 4 KiB blocks compaction made about two system calls per object
 * written; 16 KiB blocks make a quarter of them and compress a little better. Reads are served from memory, so the
 * larger block a point read would fetch costs nothing here. Measured: about 13 % more creates/s, 10 % less CPU per
 * create (paired runs); 64 KiB gave the same, 256 KiB slightly less.
 */
const TABLE_BLOCK_BYTES = 16 * 1024;

/**
 * LevelDB's memtable size (its default is 4 MiB). A full memtable is written out as a level-0 table, and every four
 * of those are merged into level 1 (decompressed, merged, compressed and written again). Twice the memtable halves
 * those flushes and merges; LevelDB's own thread spent about a third less CPU, and creates/s rose about 4 % (paired
 * runs on fresh stores, 64 pairs; 16 and 32 MiB gave the same as 8). The cost: up to two memtables in memory, and a
 * restart replays up to this much of LevelDB's own log.
 */
const WRITE_BUFFER_BYTES = 8 * 1024 * 1024;

async function openDb(path: string, logRetention: number, ringSize: number): Promise<{ db: Db; state: LoadedState }> {
  const db: Db = new ClassicLevel<string, Uint8Array>(path, {
    keyEncoding: 'utf8', valueEncoding: 'view', blockSize: TABLE_BLOCK_BYTES, writeBufferSize: WRITE_BUFFER_BYTES,
  });
  await db.open();
  try {
    return { db, state: await loadState(db, logRetention, ringSize) };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/**
 * Opens (or creates) a LevelDB-backed store. Reads are served from memory and show only durable writes;
 * writes are group-committed (one atomic, fsynced batch per group: objects + log entries + meta/rev; see
 * group-commit.ts). Revisions follow etcd: an empty store is at revision 1, the first write gets 2.
 * Values are taken by reference: do not mutate a value after writing it, nor a KV or event you read.
 */
export async function openLevelStorage(opts: LevelStorageOptions): Promise<Storage & WatcherCount> {
  const sync = opts.sync ?? true;
  const logRetention = opts.logRetention ?? 50_000;
  if (!Number.isSafeInteger(logRetention) || logRetention < 1) throw new RangeError('logRetention must be >= 1');
  const { db, state } = await openDb(opts.path, logRetention, Math.min(opts.historySize ?? 10_000, logRetention));
  const { index, ring, pointers } = state;
  let { revision, logOldest } = state;
  let closed = false;
  const hub = new WatchHub(opts.watchQueueLimit ?? 10_000);
  const apply = (events: readonly StorageEvent[]): void => {
    for (const ev of events) {
      index.apply(ev);
      stepPointers(pointers, ev, expiredBy(ev, logRetention));
      ring.push(ev);
      revision = ev.revision;
      logOldest = Math.max(logOldest, horizon(ev.revision - logRetention));
    }
    for (const ev of events) hub.publish(ev);
  };
  const committer = new GroupCommitter({
    committed: (k) => index.get(k),
    committedRevision: () => revision,
    persist: (events) => writeBatch(db, batchOps(events, logRetention, pointers), sync),
    apply,
  });
  const ensureOpen = (key: string): void => {
    if (closed) throw new StorageError('Closed', key, 'storage is closed');
  };
  const write = async (op: WriteOp): Promise<KV> => {
    ensureOpen(op.key);
    return committer.submit(op);
  };

  return {
    ...readMethods({ index, ring, revision: () => revision, ensureOpen }),
    ...writeMethods(write),
    watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterable<StorageEvent> {
      ensureOpen(prefix);
      checkWatchStart(prefix, fromRevision, logOldest);
      return hub.subscribe({ prefix, after: fromRevision, signal, replay: history(db, ring, fromRevision, prefix) });
    },
    oldestRevision: async () => logOldest,
    async close() {
      if (closed) return;
      closed = true;
      await committer.drain();
      hub.close(new StorageError('Closed', '', 'storage is closed'));
      await db.close();
    },
    watcherCount: () => hub.watcherCount,
  };
}

/**
 * The committed events after `from` under `prefix`: from the ring when it reaches back that far, else the
 * on-disk log up to where the ring starts, then the ring. The ring part is copied now (synchronously with
 * the subscription), so later evictions cannot open a gap; the log part is checked for gaps as it is read.
 */
function history(db: Db, ring: EventRing, from: number, prefix: string): AsyncIterable<StorageEvent> | StorageEvent[] {
  const ringAfter = ring.completeAfter;
  const recent = ring.since(Math.max(from, ringAfter), prefix);
  if (from >= ringAfter) return recent;
  const older = readLog(db, from, ringAfter, prefix);
  return (async function* () {
    yield* older;
    yield* recent;
  })();
}
