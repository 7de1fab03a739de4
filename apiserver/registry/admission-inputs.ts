// What pod admission reads from storage before a create is prepared: the pod's ServiceAccount, cached by revision.

import { R, objectKey } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import type { Storage } from '../storage/types.js';
import { serviceAccountNameFor, type PodAdmissionInputs } from './admission.js';
import { decode } from './codec.js';

/** Looks up the ServiceAccounts pod creates name, decoding each only when its revision changed. */
export class ServiceAccountLookup {
  /** Decoded accounts by storage key and the revision they were read at (bounded). */
  private readonly cache = new Map<string, { modRevision: number; sa: KObject }>();

  constructor(private readonly storage: Storage) {}

  /** The admission inputs of a pod create in `namespace`: its account, null when missing, none for a mirror pod. */
  async podInputs(namespace: string, pod: KObject): Promise<PodAdmissionInputs> {
    const name = serviceAccountNameFor(pod);
    if (name === undefined) return {};
    const key = objectKey(R.serviceaccounts, namespace, name);
    const kv = await this.storage.get(key);
    if (!kv) {
      this.cache.delete(key);
      return { serviceAccount: null };
    }
    let cached = this.cache.get(key);
    if (cached?.modRevision !== kv.modRevision) {
      if (this.cache.size >= 4096) this.cache.clear();
      cached = { modRevision: kv.modRevision, sa: decode(kv.value, kv.modRevision) };
      this.cache.set(key, cached);
    }
    return { serviceAccount: cached.sa };
  }
}
