// The ordered in-memory key index both backends serve reads from: key → KV in byte (code point) order.
import BTreeModule from 'sorted-btree';
import type { KV, StorageEvent } from './types.js';

type BTreeClass = typeof BTreeModule.default;
// Node hands an ESM importer the CommonJS exports object as the default import (the class is on `.default`);
// vitest's loader unwraps it already. Accept both.
const BTree: BTreeClass =
  (BTreeModule as unknown as { default?: BTreeClass }).default ?? (BTreeModule as unknown as BTreeClass);

/**
 * Compares keys in Unicode code point order, which is the byte order of their UTF-8 encoding
 * (LevelDB's and etcd's order). Plain `<` on JS strings compares UTF-16 code units, which differs
 * only when a surrogate (U+D800–U+DFFF) meets a unit in U+E000–U+FFFF; we fix up that case.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates encode code points above U+FFFF: they must sort after U+E000–U+FFFF.
      x = x < 0xe000 ? x + 0x2000 : x - 0x800;
      y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    }
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Pagination options understood by {@link KeyIndex.list}. */
export interface IndexListOptions {
  /** At most this many items; 0 or absent means no limit. */
  limit?: number;
  /** Start strictly after this key. */
  after?: string;
}

/**
 * key → KV, ordered by {@link compareKeys}. KVs are shared with callers and must be treated as immutable.
 */
export class KeyIndex {
  /**
   * Whether any key ever held a UTF-16 surrogate. Until one does, the engine's native string comparison gives the
   * code point order (they differ only when a surrogate meets U+E000–U+FFFF) and is much cheaper than compareKeys;
   * both orders agree on surrogate-free keys, so switching later keeps the tree consistent.
   */
  private surrogates = false;
  /** The keys in order, for range scans (values live in byKey, so an update never touches the tree). */
  private readonly tree = new BTree<string, true>(undefined, (a, b) => (this.surrogates ? compareKeys(a, b) : a < b ? -1 : a > b ? 1 : 0));

  /**
   * Keys created since the tree was last read: ordering is paid when a range scan needs it, not on every create.
   * Invariant: every key of byKey is in the tree or here; a key here that byKey no longer has was deleted since.
   */
  private pending: string[] = [];

  private insertKey(key: string): void {
    if (!this.surrogates && SURROGATE.test(key)) this.surrogates = true;
    this.pending.push(key);
  }

  /** Moves pending keys into the tree (in order, which suits the B-tree) before a range scan. */
  private ordered(): typeof this.tree {
    if (this.pending.length > 0) {
      const keys = this.pending;
      this.pending = [];
      keys.sort(this.surrogates ? compareKeys : undefined);
      for (const k of keys) if (this.byKey.has(k)) this.tree.set(k, true);
    }
    return this.tree;
  }
  /** The same entries by key, for point lookups (cheaper than a tree search on long keys). */
  private readonly byKey = new Map<string, KV>();

  /** The number of keys. */
  get size(): number {
    return this.byKey.size;
  }

  get(key: string): KV | undefined {
    return this.byKey.get(key);
  }

  /** Inserts or replaces a KV (used when loading from disk). */
  put(kv: KV): void {
    if (!this.byKey.has(kv.key)) this.insertKey(kv.key);
    this.byKey.set(kv.key, kv);
  }

  /** Applies one committed change: create/update store `kv`, delete removes the key. */
  apply(event: StorageEvent): void {
    if (event.type === 'delete') {
      this.tree.delete(event.kv.key);
      this.byKey.delete(event.kv.key);
    } else {
      if (!this.byKey.has(event.kv.key)) this.insertKey(event.kv.key);
      this.byKey.set(event.kv.key, event.kv);
    }
  }

  /** Keys under `prefix` in order, after `opts.after`, at most `opts.limit`; `more` says whether any were left. */
  list(prefix: string, opts: IndexListOptions = {}): { items: KV[]; more: boolean } {
    const limit = opts.limit !== undefined && opts.limit > 0 ? opts.limit : Infinity;
    const after = opts.after;
    const start = after !== undefined && compareKeys(after, prefix) > 0 ? after : prefix;
    const items: KV[] = [];
    for (const key of this.ordered().keys(start)) {
      if (!key.startsWith(prefix)) break;
      if (after !== undefined && compareKeys(key, after) <= 0) continue;
      if (items.length >= limit) return { items, more: true };
      items.push(this.byKey.get(key)!);
    }
    return { items, more: false };
  }

  /** The number of keys under `prefix` (a scan: O(matches)). */
  count(prefix: string): number {
    let n = 0;
    for (const key of this.ordered().keys(prefix)) {
      if (!key.startsWith(prefix)) break;
      n++;
    }
    return n;
  }
}
