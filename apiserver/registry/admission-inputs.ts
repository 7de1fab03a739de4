// What admission reads from storage before a create is prepared: the pod's ServiceAccount, the PriorityClasses and the
// StorageClasses, decoded once per revision; the class lists are kept until the Registry writes a class of that kind.

import { parseTimestamp } from '../api/duration.js';
import { R, keyPrefix, objectKey, type ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import { isDefaultStorageClass, type StorageClassRef } from '../api/volumes.js';
import type { Storage } from '../storage/types.js';
import { serviceAccountNameFor, type PodAdmissionInputs, type PriorityClassRef } from './admission.js';
import { decode, decodeText, textOf } from './codec.js';
import type { AdmissionInputs } from './prepare.js';

/**
 * What create admission of a resource reads from storage (the one list of them; upstream: the admission plugins that
 * act on its creates): `pod`, a pod in a namespace (its ServiceAccount, ServiceAccount admission; the PriorityClasses,
 * Priority admission); `priorityclass`, a PriorityClass (the PriorityClasses: Priority admission allows one global
 * default); `claim`, a PersistentVolumeClaim (the default StorageClass, DefaultStorageClass admission).
 */
export type AdmissionNeed = 'pod' | 'priorityclass' | 'claim' | undefined;

/** What create admission of `r` in `namespace` reads from storage (see AdmissionNeed). */
export function admissionNeed(r: ResourceInfo, namespace: string | undefined): AdmissionNeed {
  if (r.plural === 'pods') return namespace ? 'pod' : undefined;
  if (r.plural === 'priorityclasses') return 'priorityclass';
  if (r.plural === 'persistentvolumeclaims') return 'claim';
  return undefined;
}

/** What was read from storage for an AdmissionNeed (a pod's ServiceAccount aside). */
export interface AdmissionReads {
  priorityClasses?: readonly PriorityClassRef[] | undefined;
  defaultStorageClass?: string | undefined;
}

/** The admission inputs of a create with `need`, from what was read for it; a pod's ServiceAccount is the caller's to add. */
export function admissionInputsOf(need: AdmissionNeed, read: AdmissionReads): AdmissionInputs {
  switch (need) {
    case 'pod':
      return { pod: { priorityClasses: read.priorityClasses } };
    case 'priorityclass':
      return { priorityClasses: read.priorityClasses };
    case 'claim':
      return { defaultStorageClass: read.defaultStorageClass };
    default:
      return {};
  }
}

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

/**
 * Reads every stored object of a cluster-scoped kind as a small ref, decoding each once per revision, and keeps the
 * answer until `wrote` hears of a write under its prefix. Safe because the Registry is the storage's only writer and
 * reports each write once it is done (after storage acknowledged it, so a list that starts later sees it); a list
 * that overlapped a write is answered but not kept.
 */
class RefLookup<T> {
  private readonly cache = new Map<string, { revision: number; ref: T }>();
  private readonly prefix: string;
  /** The last complete answer, while no write under the prefix has happened since it was read. */
  private current: readonly T[] | undefined;
  /** Bumped by every write under the prefix, so a list that overlapped one is not kept. */
  private writes = 0;

  constructor(private readonly storage: Storage, r: ResourceInfo, private readonly toRef: (obj: KObject) => T) {
    this.prefix = keyPrefix(r);
  }

  /** Forgets the kept answer when `key` (a key just written, created or deleted) is one of this kind's. */
  wrote(key: string): void {
    if (!key.startsWith(this.prefix)) return;
    this.writes++;
    this.current = undefined;
  }

  /** Every stored object's ref, in name order (shared and frozen: callers must not change it). */
  async all(): Promise<readonly T[]> {
    if (this.current) return this.current;
    const writes = this.writes;
    const out = await this.read();
    if (writes === this.writes) this.current = out;
    return out;
  }

  private async read(): Promise<readonly T[]> {
    const out: T[] = [];
    const seen = new Set<string>();
    let after: string | undefined;
    for (;;) {
      const page = await this.storage.list(this.prefix, { after });
      for (const kv of page.items) {
        seen.add(kv.key);
        let cached = this.cache.get(kv.key);
        if (cached?.revision !== kv.modRevision) {
          cached = { revision: kv.modRevision, ref: Object.freeze(this.toRef(decode(kv.value, kv.modRevision))) };
          this.cache.set(kv.key, cached);
        }
        out.push(cached.ref);
      }
      if (!page.more || page.items.length === 0) break;
      after = page.items[page.items.length - 1]!.key;
    }
    for (const key of this.cache.keys()) if (!seen.has(key)) this.cache.delete(key);
    return Object.freeze(out);
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
