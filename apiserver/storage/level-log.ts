// The level backend's start-up load (objects, revision, log tail) and its reader of older history from the on-disk log.
import type { ClassicLevel } from 'classic-level';
import { EventRing } from './event-ring.js';
import { KeyIndex } from './index.js';
import {
  LOG_RANGE,
  META_REVISION_KEY,
  OBJECT_RANGE,
  decodeLogEntry,
  decodeObject,
  decodeRevision,
  encodeObject,
  logKey,
  objectKey,
  revisionOfLogKey,
} from './level-codec.js';
import { StorageError } from './types.js';
import type { KV, StorageEvent } from './types.js';
import { INITIAL_REVISION, horizon } from './write-plan.js';

/** The database as the level backend opens it: string keys, byte values. */
export type Db = ClassicLevel<string, Uint8Array>;

/** Everything the backend holds in memory, as loaded at open. */
export interface LoadedState {
  index: KeyIndex;
  revision: number;
  /** The oldest revision a watch may start after (the log holds every event after it). */
  logOldest: number;
  ring: EventRing;
  /** Live objects stored as pointer rows, by the log revision that holds their value. */
  pointers: Map<number, KV>;
}

/** The pointer rows' bookkeeping, as the committed map and as a group's overlay on it. */
export interface Pointers {
  get(revision: number): KV | undefined;
  set(revision: number, kv: KV): unknown;
  delete(revision: number): unknown;
}

/**
 * Loads the store: every object into the index (a pointer row's value from its log entry), the revision from meta,
 * and the newest `ringSize` log entries into the event ring. Trims log entries older than `logRetention` (left by a
 * larger retention), giving the objects whose value only they hold a full row first.
 * Throws on an inconsistent store (objects newer than the revision, a log that does not end at it, a pointer row
 * without its log entry).
 */
export async function loadState(db: Db, logRetention: number, ringSize: number): Promise<LoadedState> {
  const stored = await db.get(META_REVISION_KEY);
  const revision = stored === undefined ? INITIAL_REVISION : decodeRevision(stored);
  const index = new KeyIndex();
  const pointed: Array<Omit<KV, 'value'>> = [];
  for await (const [k, v] of db.iterator(OBJECT_RANGE)) {
    const row = decodeObject(k.slice(1), v);
    if (row.kv.modRevision > revision) throw new Error(`corrupt store: ${row.kv.key} at ${row.kv.modRevision} > revision ${revision}`);
    if (row.pointer) pointed.push(row.kv);
    else index.put(row.kv);
  }
  const pointers = await resolvePointers(db, pointed, index);
  const keepFrom = revision - logRetention + 1;
  const first = await firstLogRevision(db);
  if (first !== undefined && first < keepFrom) {
    const batch = db.batch();
    for (const [rev, kv] of pointers) {
      if (rev >= keepFrom) continue;
      batch.put(objectKey(kv.key), encodeObject(kv));
      pointers.delete(rev);
    }
    await batch.write({ sync: true });
    await db.clear({ gte: LOG_RANGE.gte, lt: logKey(keepFrom) });
  }
  const tail: StorageEvent[] = [];
  for await (const [k, v] of db.iterator({ ...LOG_RANGE, reverse: true, limit: ringSize })) {
    tail.push(decodeLogEntry(revisionOfLogKey(k), v));
  }
  tail.reverse();
  const last = tail.at(-1);
  if (last && last.revision !== revision) throw new Error(`corrupt store: log ends at ${last.revision}, revision is ${revision}`);
  const oldestLogged = first === undefined ? undefined : Math.max(first, keepFrom);
  const ring = new EventRing(ringSize, tail[0] ? tail[0].revision - 1 : revision);
  for (const ev of tail) ring.push(ev);
  return { index, revision, ring, pointers, logOldest: horizon(oldestLogged === undefined ? revision : oldestLogged - 1) };
}

/** Reads the values of pointer rows from their log entries into the index; returns them by log revision. */
async function resolvePointers(db: Db, pointed: Array<Omit<KV, 'value'>>, index: KeyIndex): Promise<Map<number, KV>> {
  const pointers = new Map<number, KV>();
  const entries = await db.getMany(pointed.map((p) => logKey(p.modRevision)));
  pointed.forEach((p, i) => {
    const bytes = entries[i];
    const ev = bytes === undefined ? undefined : decodeLogEntry(p.modRevision, bytes);
    if (!ev || ev.type === 'delete' || ev.kv.key !== p.key) {
      throw new Error(`corrupt store: ${p.key} points at log revision ${p.modRevision}, which does not hold it`);
    }
    const kv: KV = { ...p, value: ev.kv.value };
    index.put(kv);
    pointers.set(p.modRevision, kv);
  });
  return pointers;
}

async function firstLogRevision(db: Db): Promise<number | undefined> {
  const keys = await db.keys({ ...LOG_RANGE, limit: 1 }).all();
  return keys[0] === undefined ? undefined : revisionOfLogKey(keys[0]);
}

/**
 * The logged events in (after, through] under `prefix`, oldest first. Throws Compacted if any revision in
 * the range is missing (the log was trimmed by writes since the watch started): a watch never skips events.
 */
export async function* readLog(db: Db, after: number, through: number, prefix: string): AsyncGenerator<StorageEvent> {
  let expected = Math.max(after, INITIAL_REVISION) + 1;
  const compacted = (): StorageError =>
    new StorageError('Compacted', prefix, `history after revision ${after} was compacted while the watch started`);
  const it = db.iterator({ gt: logKey(after), lte: logKey(through) });
  try {
    for await (const [k, v] of it) {
      const revision = revisionOfLogKey(k);
      if (revision !== expected) throw compacted();
      expected++;
      const ev = decodeLogEntry(revision, v);
      if (ev.kv.key.startsWith(prefix)) yield ev;
    }
  } finally {
    await it.close();
  }
  if (expected !== through + 1) throw compacted();
}
