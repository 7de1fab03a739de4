// The informer's indexed cache: objects by key plus named secondary indexes kept in step with every write.

import type { ObjectLike } from './keys.js';

/** A function listing the index values of an object (e.g. its node name, its owners' uids). */
export type IndexFunc<T> = (obj: T) => string[];

/**
 * Objects by key, with secondary indexes. Invariants: for every index `n` and value `v`, `indices[n][v]` is exactly
 * the set of keys whose object's `indexers[n]` lists `v`; empty value sets are removed.
 */
export class IndexedStore<T extends ObjectLike> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  /** The number of objects held. */
  get size(): number {
    return this.items.size;
  }

  /** The object stored under `key`. */
  get(key: string): T | undefined {
    return this.items.get(key);
  }

  /** Every stored object (live iterator: do not write while iterating). */
  values(): IterableIterator<T> {
    return this.items.values();
  }

  /** Every key and object (live iterator). */
  entries(): IterableIterator<[string, T]> {
    return this.items.entries();
  }

  /** Registers (or replaces) an index and builds it over the current contents. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    this.indexers.set(name, fn);
    const index = new Map<string, Set<string>>();
    this.indices.set(name, index);
    for (const [key, obj] of this.items) addTo(index, fn(obj), key);
  }

  /** The objects whose index `name` lists `value`; throws for an unknown index. */
  byIndex(name: string, value: string): T[] {
    const index = this.indices.get(name);
    if (!index) throw new Error(`informer: no index named "${name}"`);
    const keys = index.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) {
      const obj = this.items.get(k);
      if (obj) out.push(obj);
    }
    return out;
  }

  /** Stores `obj` under `key`; returns the object it replaced. */
  put(key: string, obj: T): T | undefined {
    const old = this.items.get(key);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexers) {
      const index = this.indices.get(name)!;
      if (old) removeFrom(index, fn(old), key);
      addTo(index, fn(obj), key);
    }
    return old;
  }

  /** Removes `key`; returns the object it held. */
  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.items.delete(key);
    for (const [name, fn] of this.indexers) removeFrom(this.indices.get(name)!, fn(old), key);
    return old;
  }
}

function addTo(index: Map<string, Set<string>>, values: string[], key: string): void {
  for (const v of values) {
    let set = index.get(v);
    if (!set) index.set(v, (set = new Set()));
    set.add(key);
  }
}

function removeFrom(index: Map<string, Set<string>>, values: string[], key: string): void {
  for (const v of values) {
    const set = index.get(v);
    if (!set) continue;
    set.delete(key);
    if (set.size === 0) index.delete(v);
  }
}
