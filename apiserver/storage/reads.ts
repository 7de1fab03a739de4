// The read side shared by every in-memory-served backend: get, list (with pagination and revision), count.
import type { EventRing } from './event-ring.js';
import type { KeyIndex } from './index.js';
import { StorageError } from './types.js';
import type { KV, ListOptions, Storage } from './types.js';

/** What the read methods need from a backend. */
export interface ReadDeps {
  index: KeyIndex;
  ring: EventRing;
  /** The revision of the state `index` holds (committed and visible). */
  revision: () => number;
  /** Throws Closed once the backend is closed. */
  ensureOpen: (key: string) => void;
}

/**
 * The revision a list is served at. Only the current state is kept, so an older `requested` revision is
 * served only when nothing under `prefix` changed since (the state is then identical); otherwise Compacted,
 * as upstream answers for a continue token or exact resourceVersion that is too old. A revision newer than
 * the current one was never handed out and is a caller bug (RangeError).
 */
export function revisionToServe(ring: EventRing, current: number, prefix: string, requested: number | undefined): number {
  if (requested === undefined || requested === current) return current;
  if (!Number.isSafeInteger(requested) || requested < 0 || requested > current) {
    throw new RangeError(`list revision ${String(requested)} is not in [0, ${current}]`);
  }
  if (ring.changedAfter(requested, prefix) === false) return requested;
  throw new StorageError('Compacted', prefix, `revision ${requested} of ${prefix} is no longer available`, current);
}

/** get / list / count / currentRevision over an in-memory index. */
export function readMethods(deps: ReadDeps): Pick<Storage, 'get' | 'list' | 'count' | 'currentRevision'> {
  const { index, ring, revision, ensureOpen } = deps;
  return {
    async get(key: string): Promise<KV | undefined> {
      ensureOpen(key);
      return index.get(key);
    },
    async list(prefix: string, opts: ListOptions = {}) {
      ensureOpen(prefix);
      const rev = revisionToServe(ring, revision(), prefix, opts.revision);
      const page = index.list(prefix, opts);
      return { items: page.items, more: page.more, revision: rev };
    },
    async count(prefix: string): Promise<number> {
      ensureOpen(prefix);
      return index.count(prefix);
    },
    async currentRevision(): Promise<number> {
      return revision();
    },
  };
}
