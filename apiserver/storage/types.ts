// The storage interface: ordered keys, bytes in and bytes out, one global monotonic revision, and watch.

/** A stored key/value with the revisions upstream etcd reports (create and last modification). */
export interface KV {
  key: string;
  value: Uint8Array;
  createRevision: number;
  modRevision: number;
}

/** One change, as a watch sees it. `prev` is the value before the change (absent for a create). */
export interface StorageEvent {
  type: 'create' | 'update' | 'delete';
  kv: KV;
  prev?: KV;
  /** The revision of this change (= kv.modRevision; for a delete, the delete's own revision). */
  revision: number;
}

/**
 * Storage failures callers branch on. A watch ends with 'Compacted' when it asks for history no longer held
 * (→ 410 Expired, the client re-lists) and with 'TooSlow' when its consumer fell a full queue behind
 * (upstream's cacher closes such a watcher; the client re-watches from the last revision it saw).
 */
export type StorageErrorCode = 'KeyExists' | 'Conflict' | 'NotFound' | 'Compacted' | 'TooSlow' | 'Closed';

/** A storage failure with a machine-readable code. */
export class StorageError extends Error {
  readonly code: StorageErrorCode;
  readonly key: string;
  /** For Compacted: the oldest revision that can still be watched from. */
  readonly oldestRevision?: number;
  constructor(code: StorageErrorCode, key: string, message?: string, oldestRevision?: number) {
    super(message ?? `${code}: ${key}`);
    this.name = 'StorageError';
    this.code = code;
    this.key = key;
    if (oldestRevision !== undefined) this.oldestRevision = oldestRevision;
  }
}

export interface ListOptions {
  /** At most this many items. */
  limit?: number;
  /** Start strictly after this key (pagination). */
  after?: string;
  /** Serve as of this revision (only the current revision is guaranteed; older → Compacted unless unchanged). */
  revision?: number;
}

/**
 * The storage contract every backend satisfies (see storage/conformance.ts).
 * Invariants: one global revision, incremented by exactly one for every successful write;
 * keys are listed in byte order; an acknowledged write is durable (unless the backend was opened without sync).
 */
export interface Storage {
  get(key: string): Promise<KV | undefined>;
  list(prefix: string, opts?: ListOptions): Promise<{ items: KV[]; revision: number; more: boolean }>;
  /** Counts the keys under a prefix (for remainingItemCount). */
  count(prefix: string): Promise<number>;
  create(key: string, value: Uint8Array): Promise<KV>;
  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KV>;
  /** Deletes; returns the deleted KV with modRevision = the delete's revision. */
  delete(key: string, expectedModRevision?: number): Promise<KV>;
  /** Every change under prefix with revision > fromRevision, then live ones; throws Compacted if fromRevision is too old. */
  watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterable<StorageEvent>;
  currentRevision(): Promise<number>;
  /** The oldest revision a watch can start after. */
  oldestRevision(): Promise<number>;
  close(): Promise<void>;
}
