// Turns a write request plus the key's current state into the change it makes, or the StorageError it fails with.
import { StorageError } from './types.js';
import type { KV, Storage, StorageEvent } from './types.js';

/** The revision of an empty store (etcd's convention): the first write gets INITIAL_REVISION + 1 = 2. */
export const INITIAL_REVISION = 1;

/** A write request, before it has a revision. */
export type WriteOp =
  | { type: 'create'; key: string; value: Uint8Array }
  | { type: 'update'; key: string; value: Uint8Array; expectedModRevision: number }
  | { type: 'delete'; key: string; expectedModRevision?: number | undefined };

/**
 * Checks `op`'s precondition against `current` (the key's state as of the latest accepted write) and
 * returns the event the write produces at `revision`. Throws KeyExists / NotFound / Conflict.
 * A delete's event carries the last value and createRevision in `kv`, with kv.modRevision = the delete's revision.
 */
export function planWrite(op: WriteOp, current: KV | undefined, revision: number): StorageEvent {
  const { key } = op;
  if (typeof key !== 'string' || key === '') throw new TypeError(`storage key must be a non-empty string`);
  if (op.type !== 'delete' && !(op.value instanceof Uint8Array)) throw new TypeError(`value of ${key} must be a Uint8Array`);
  if (op.type === 'create') {
    if (current) throw new StorageError('KeyExists', key, `key already exists: ${key}`);
    return { type: 'create', kv: { key, value: op.value, createRevision: revision, modRevision: revision }, revision };
  }
  if (!current) throw new StorageError('NotFound', key, `key not found: ${key}`);
  const expected = op.expectedModRevision;
  if (expected !== undefined && expected !== current.modRevision) {
    throw new StorageError('Conflict', key, `modRevision of ${key} is ${current.modRevision}, not ${expected}`);
  }
  const value = op.type === 'update' ? op.value : current.value;
  const kv: KV = { key, value, createRevision: current.createRevision, modRevision: revision };
  return { type: op.type, kv, prev: current, revision };
}

/** The Storage write methods of a backend, all funnelled into its one `write(op)`. */
export function writeMethods(write: (op: WriteOp) => Promise<KV>): Pick<Storage, 'create' | 'update' | 'delete'> {
  return {
    create: (key, value) => write({ type: 'create', key, value }),
    update: (key, value, expectedModRevision) => write({ type: 'update', key, value, expectedModRevision }),
    delete: (key, expectedModRevision) => write({ type: 'delete', key, expectedModRevision }),
  };
}

/** Checks where a watch wants to start: a valid revision, not older than the history held (else Compacted). */
export function checkWatchStart(prefix: string, fromRevision: number, oldest: number): void {
  checkRevision('fromRevision', prefix, fromRevision);
  if (fromRevision < oldest) {
    throw new StorageError('Compacted', prefix, `revision ${fromRevision} is compacted (oldest ${oldest})`, oldest);
  }
}

/** Validates a revision argument: a non-negative safe integer. */
export function checkRevision(name: string, key: string, revision: number): void {
  if (!Number.isSafeInteger(revision) || revision < 0) {
    throw new TypeError(`${name} for ${key} must be a non-negative integer, got ${String(revision)}`);
  }
}

/**
 * The watch horizon to report given the newest revision whose event is no longer held:
 * revision 1 is the empty store and carries no event, so a history starting right after it is complete (→ 0,
 * and a watch "from the beginning" with fromRevision 0 works).
 */
export function horizon(droppedThrough: number): number {
  return droppedThrough <= INITIAL_REVISION ? 0 : droppedThrough;
}
