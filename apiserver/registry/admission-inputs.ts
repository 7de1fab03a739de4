// What pod admission reads from storage before a create is prepared: the pod's ServiceAccount, decoded once per revision.

import { R, objectKey } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import type { Storage } from '../storage/types.js';
import { serviceAccountNameFor, type PodAdmissionInputs } from './admission.js';
import { decodeText, textOf } from './codec.js';

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
