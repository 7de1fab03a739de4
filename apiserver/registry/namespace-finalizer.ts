// Namespace deletion: empties a Terminating namespace, then removes its `kubernetes` finalizer (upstream's namespace controller).

import { R, RESOURCES } from '../api/resources.js';
import { isNotFound } from '../api/status.js';
import { isPlainObject, type KObject } from '../api/types.js';
import type { Registry } from './store.js';

/**
 * Watches namespaces and finalizes each one that is Terminating. Invariants (upstream namespace deleter): every
 * namespaced object in it is deleted (objects with finalizers or a grace period are waited for); only when none is
 * left is `kubernetes` removed from spec.finalizers, which lets the registry remove the namespace.
 * Runs inside the API server until a namespace controller process takes it over.
 */
export function startNamespaceFinalizer(registry: Registry, signal: AbortSignal, onError: (e: unknown) => void): void {
  const active = new Set<string>();
  const consider = (ns: KObject): void => {
    const name = ns.metadata.name;
    if (!name || !ns.metadata.deletionTimestamp || active.has(name)) return;
    const spec = isPlainObject(ns.spec) ? ns.spec : {};
    if (!Array.isArray(spec.finalizers) || !spec.finalizers.includes('kubernetes')) return;
    active.add(name);
    finalize(registry, name, signal)
      .catch((e: unknown) => (signal.aborted ? undefined : onError(e)))
      .finally(() => active.delete(name));
  };
  void (async () => {
    const list = await registry.list(R.namespaces, undefined);
    list.items.forEach(consider);
    const from = Number(list.metadata.resourceVersion);
    for await (const ev of registry.storage.watch('/registry/namespaces/', from, signal)) {
      if (ev.type === 'delete') continue;
      consider(JSON.parse(Buffer.from(ev.kv.value).toString('utf8')) as KObject);
    }
  })().catch((e: unknown) => (signal.aborted ? undefined : onError(e)));
}

async function sweep(registry: Registry, namespace: string): Promise<number> {
  let remaining = 0;
  for (const r of RESOURCES) {
    if (!r.namespaced) continue;
    const list = await registry.list(r, namespace);
    for (const item of list.items) {
      remaining++;
      if (item.metadata.deletionTimestamp) continue;
      try {
        await registry.delete(r, namespace, item.metadata.name!, {});
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }
  return remaining;
}

async function finalize(registry: Registry, namespace: string, signal: AbortSignal): Promise<void> {
  for (;;) {
    const from = await registry.storage.currentRevision();
    if ((await sweep(registry, namespace)) === 0) break;
    // Wait for any change in the namespace, then sweep again.
    for await (const ev of registry.storage.watch('/registry/', from, signal)) {
      if (ev.kv.key.includes(`/${namespace}/`)) break;
    }
    if (signal.aborted) return;
  }
  await registry.guaranteedUpdate(R.namespaces, undefined, namespace, (cur) => {
    const spec = isPlainObject(cur.spec) ? cur.spec : {};
    const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers.filter((f) => f !== 'kubernetes') : [];
    return { ...cur, spec: { ...spec, finalizers } };
  }, { subresource: 'finalize' });
}
