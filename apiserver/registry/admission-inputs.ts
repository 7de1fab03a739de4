// What admission reads from storage before a create is prepared: the pod's ServiceAccount, the PriorityClasses and the
// StorageClasses, decoded once per revision.

import { parseTimestamp } from '../api/duration.js';
import { R, keyPrefix, objectKey, type ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import { isDefaultStorageClass, type StorageClassRef } from '../api/volumes.js';
import type { Storage } from '../storage/types.js';
import { serviceAccountNameFor, type PodAdmissionInputs, type PriorityClassRef } from './admission.js';
import { decode, decodeText, textOf } from './codec.js';

/** A ServiceAccount as stored: its JSON text and the revision it was written at (cheap to hand to another thread). */
export interface StoredAccount {
  text: string;
  revision: number;
}

/** Decoded ServiceAccounts by storage key and revision (bounded), so a busy namespace decodes its account once. */
export class AccountCache {
  private readonly cache = new Map<string, { revision: number; sa: KObject }>();

  /** The decoded account stored under `key` (null when it does not exist), decoding only when its revision changed. */
  decoded(key: string, stored: StoredAccount | null): KObject | null {
    if (!stored) {
      this.cache.delete(key);
      return null;
    }
    let cached = this.cache.get(key);
    if (cached?.revision !== stored.revision) {
      if (this.cache.size >= 4096) this.cache.clear();
      cached = { revision: stored.revision, sa: decodeText(stored.text, stored.revision) };
      this.cache.set(key, cached);
    }
    return cached.sa;
  }
}

/** The storage key of a ServiceAccount. */
export function accountKey(namespace: string, name: string): string {
  return objectKey(R.serviceaccounts, namespace, name);
}

/** Looks up the ServiceAccounts pod creates name. */
export class ServiceAccountLookup {
  private readonly accounts = new AccountCache();

  constructor(private readonly storage: Storage) {}

  /** A ServiceAccount as stored, or null when it does not exist. */
  async stored(namespace: string, name: string): Promise<StoredAccount | null> {
    const kv = await this.storage.get(accountKey(namespace, name));
    return kv ? { text: textOf(kv.value), revision: kv.modRevision } : null;
  }

  /** The admission inputs of a pod create in `namespace`: its account, null when missing, none for a mirror pod. */
  async podInputs(namespace: string, pod: KObject): Promise<PodAdmissionInputs> {
    const name = serviceAccountNameFor(pod);
    if (name === undefined) return {};
    return { serviceAccount: this.accounts.decoded(accountKey(namespace, name), await this.stored(namespace, name)) };
  }
}

/** What Priority admission takes from a stored PriorityClass. */
function priorityClassRef(pc: KObject): PriorityClassRef {
  return {
    name: pc.metadata.name ?? '',
    value: typeof pc.value === 'number' ? pc.value : 0,
    preemptionPolicy: typeof pc.preemptionPolicy === 'string' ? pc.preemptionPolicy : undefined,
    globalDefault: pc.globalDefault === true,
  };
}

/** Reads every stored object of a cluster-scoped kind as a small ref, decoding each once per revision. */
class RefLookup<T> {
  private readonly cache = new Map<string, { revision: number; ref: T }>();

  constructor(private readonly storage: Storage, private readonly r: ResourceInfo, private readonly toRef: (obj: KObject) => T) {}

  /** Every stored object's ref, in name order. */
  async all(): Promise<T[]> {
    const prefix = keyPrefix(this.r);
    const out: T[] = [];
    const seen = new Set<string>();
    let after: string | undefined;
    for (;;) {
      const page = await this.storage.list(prefix, { after });
      for (const kv of page.items) {
        seen.add(kv.key);
        let cached = this.cache.get(kv.key);
        if (cached?.revision !== kv.modRevision) {
          cached = { revision: kv.modRevision, ref: this.toRef(decode(kv.value, kv.modRevision)) };
          this.cache.set(kv.key, cached);
        }
        out.push(cached.ref);
      }
      if (!page.more || page.items.length === 0) break;
      after = page.items[page.items.length - 1]!.key;
    }
    for (const key of this.cache.keys()) if (!seen.has(key)) this.cache.delete(key);
    return out;
  }
}

/** Reads the stored PriorityClasses (upstream Priority admission's lister), decoding each once per revision. */
export class PriorityClassLookup extends RefLookup<PriorityClassRef> {
  constructor(storage: Storage) {
    super(storage, R.priorityclasses, priorityClassRef);
  }
}

/** What DefaultStorageClass admission takes from a stored StorageClass. */
function storageClassRef(sc: KObject): StorageClassRef {
  return { name: sc.metadata.name ?? '', isDefault: isDefaultStorageClass(sc), created: parseTimestamp(sc.metadata.creationTimestamp) ?? 0 };
}

/** Reads the stored StorageClasses (upstream DefaultStorageClass admission's lister), decoding each once per revision. */
export class StorageClassLookup extends RefLookup<StorageClassRef> {
  constructor(storage: Storage) {
    super(storage, R.storageclasses, storageClassRef);
  }
}
