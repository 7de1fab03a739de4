// HTTP watch streams: newline-delimited watch events from the storage change feed, filtered by selectors.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import * as S from '../api/status.js';
import { keyPrefix, type ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import { decode } from '../registry/codec.js';
import { StorageError, type StorageEvent } from '../storage/types.js';
import type { HandlerContext, ResourceTarget } from './resource-handlers.js';
import { wantsTable } from './negotiate.js';
import { intParam, boolParam, type Query } from './query.js';
import { listPredicate } from './selectors.js';
import { tableOf } from './tables.js';

type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

function withTypeMeta(r: ResourceInfo, obj: KObject): KObject {
  if (obj.apiVersion === undefined) obj.apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
  if (obj.kind === undefined) obj.kind = r.kind;
  return obj;
}

/**
 * Maps one storage change to the event a filtered watcher sees (upstream cacheWatcher.convertToWatchEvent):
 * entering the selector is ADDED, leaving it is DELETED (the previous state at the new resourceVersion).
 */
export function toWatchEvent(r: ResourceInfo, ev: StorageEvent, predicate: (o: KObject) => boolean): { type: WatchType; object: KObject } | undefined {
  const rv = String(ev.revision);
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
  if (prevOk) {
    prev.metadata.resourceVersion = rv;
    return { type: 'DELETED', object: prev };
  }
  return undefined;
}

async function write(res: ServerResponse, line: string, signal: AbortSignal): Promise<void> {
  if (res.write(line)) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.on('drain', done);
    signal.addEventListener('abort', done);
  });
}

function parseStartRevision(q: Query): number | undefined {
  const rv = q.resourceVersion;
  if (rv === undefined || rv === '' || rv === '0') return undefined;
  if (!/^\d+$/.test(rv)) throw S.badRequest(`invalid resource version: ${rv}`);
  return Number(rv);
}

/**
 * Serves `?watch=true`. Invariants (contract §7): headers are flushed before any event; without a resourceVersion
 * (or with 0) the current state comes first as ADDED events; a too-old resourceVersion yields an ERROR event with
 * 410 Expired; the stream ends on client disconnect or after timeoutSeconds; a slow client is disconnected by
 * the storage's bounded per-watcher queue rather than buffering without bound.
 */
export async function serveWatch(ctx: HandlerContext, req: FastifyRequest, reply: FastifyReply, t: ResourceTarget, q: Query): Promise<void> {
  const r = t.resource;
  const namespace = t.allNamespaces ? undefined : t.namespace;
  const filter = listPredicate(r, q);
  const predicate = filter ?? ((): boolean => true);
  const table = wantsTable(req.headers.accept);
  const timeout = intParam(q, 'timeoutSeconds');
  const bookmarks = boolParam(q, 'allowWatchBookmarks');
  let from = parseStartRevision(q);
  let initial: KObject[] = [];
  if (from === undefined) {
    const list = await ctx.registry.list(r, namespace, { predicate: filter });
    initial = list.items;
    from = Number(list.metadata.resourceVersion);
  }
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  const ac = new AbortController();
  res.on('close', () => ac.abort());
  const timer = timeout && timeout > 0 ? setTimeout(() => ac.abort(), timeout * 1000) : undefined;
  const encodeEvent = (type: string, object: KObject | S.Status): string => {
    const obj = table && type !== 'ERROR' && type !== 'BOOKMARK' ? tableOf(r, [object as KObject], { resourceVersion: (object as KObject).metadata.resourceVersion }, q.includeObject, ctx.now()) : object;
    return `${JSON.stringify({ type, object: obj })}\n`;
  };
  void bookmarks;
  try {
    for (const obj of initial) await write(res, encodeEvent('ADDED', obj), ac.signal);
    for await (const ev of ctx.registry.storage.watch(keyPrefix(r, namespace), from, ac.signal)) {
      const out = toWatchEvent(r, ev, predicate);
      if (out) await write(res, encodeEvent(out.type, out.object), ac.signal);
      if (ac.signal.aborted) break;
    }
  } catch (e) {
    // A watcher that fell too far behind is simply closed: the client watches again from its last resourceVersion.
    const tooSlow = e instanceof StorageError && e.code === 'TooSlow';
    if (!ac.signal.aborted && !tooSlow) {
      const status = e instanceof StorageError && e.code === 'Compacted'
        ? S.expired(`too old resource version: ${from} (${e.oldestRevision ?? from})`).status
        : S.internal((e as Error).message).status;
      res.write(encodeEvent('ERROR', status));
    }
  } finally {
    if (timer) clearTimeout(timer);
    res.end();
  }
}
