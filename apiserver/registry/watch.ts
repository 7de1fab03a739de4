// Watching a resource through the registry: storage changes decoded into ADDED/MODIFIED/DELETED for a filter.

import * as S from '../api/status.js';
import { keyPrefix, type ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import { StorageError, type Storage, type StorageEvent } from '../storage/types.js';
import { decode } from './codec.js';

/** One event as a watcher of a filtered resource sees it. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KObject;
}

function withTypeMeta(r: ResourceInfo, obj: KObject): KObject {
  if (obj.apiVersion === undefined) obj.apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
  if (obj.kind === undefined) obj.kind = r.kind;
  return obj;
}

/**
 * Maps one storage change to the event a filtered watcher sees (upstream cacheWatcher.convertToWatchEvent):
 * entering the selector is ADDED, leaving it is DELETED (the previous state at the new resourceVersion).
 */
export function toWatchEvent(r: ResourceInfo, ev: StorageEvent, predicate: (o: KObject) => boolean): WatchEvent | undefined {
  if (ev.type === 'delete') {
    const last = withTypeMeta(r, decode(ev.kv.value, ev.revision));
    return predicate(last) ? { type: 'DELETED', object: last } : undefined;
  }
  const cur = withTypeMeta(r, decode(ev.kv.value, ev.kv.modRevision));
  const curOk = predicate(cur);
  if (ev.type === 'create' || !ev.prev) return curOk ? { type: 'ADDED', object: cur } : undefined;
  const prev = withTypeMeta(r, decode(ev.prev.value, ev.revision));
  const prevOk = predicate(prev);
  if (curOk && prevOk) return { type: 'MODIFIED', object: cur };
  if (curOk) return { type: 'ADDED', object: cur };
  return prevOk ? { type: 'DELETED', object: prev } : undefined;
}

/**
 * Every change after `fromRevision` to the resource (in one namespace, or all), filtered. A revision older than the
 * kept history is 410 Expired; a watcher that falls too far behind simply ends (the client watches again).
 */
export async function* watchResource(
  storage: Storage,
  r: ResourceInfo,
  namespace: string | undefined,
  fromRevision: number,
  predicate: (o: KObject) => boolean,
  signal: AbortSignal,
): AsyncGenerator<WatchEvent> {
  try {
    for await (const ev of storage.watch(keyPrefix(r, namespace), fromRevision, signal)) {
      const out = toWatchEvent(r, ev, predicate);
      if (out) yield out;
    }
  } catch (e) {
    if (e instanceof StorageError && e.code === 'Compacted') {
      throw S.expired(`too old resource version: ${fromRevision} (${e.oldestRevision ?? fromRevision})`);
    }
    if (e instanceof StorageError && (e.code === 'TooSlow' || e.code === 'Closed')) return;
    throw e;
  }
}
