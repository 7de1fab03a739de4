// HTTP watch streams: newline-delimited watch events from the storage change feed, filtered by selectors.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import * as S from '../api/status.js';
import type { KObject } from '../api/types.js';
import type { HandlerContext, ResourceTarget } from './resource-handlers.js';
import { wantsTable } from './negotiate.js';
import { intParam, boolParam, type Query } from './query.js';
import { listPredicate } from './selectors.js';
import { tableOf } from './tables.js';

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
  boolParam(q, 'allowWatchBookmarks'); // validated and accepted; BOOKMARK events are not sent yet
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
  try {
    for (const obj of initial) await write(res, encodeEvent('ADDED', obj), ac.signal);
    for await (const ev of ctx.registry.watch(r, namespace, from, predicate, ac.signal)) {
      await write(res, encodeEvent(ev.type, ev.object), ac.signal);
      if (ac.signal.aborted) break;
    }
  } catch (e) {
    if (!ac.signal.aborted) res.write(encodeEvent('ERROR', e instanceof S.ApiError ? e.status : S.internal((e as Error).message).status));
  } finally {
    if (timer) clearTimeout(timer);
    res.end();
  }
}
