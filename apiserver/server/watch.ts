// HTTP watch streams: `?watch=true` on list paths, newline-delimited watch events.

import type { FastifyReply, FastifyRequest } from 'fastify';
import * as S from '../api/status.js';
import { groupVersion, type ResourceInfo } from '../api/resources.js';
import type { WatchEventType, WatchHandle, WatchItem, WatchSink } from '../registry/store.js';
import type { HandlerContext, ResourceTarget } from './resource-handlers.js';
import { wantsTable } from './negotiate.js';
import type { Query } from './query.js';
import { listPredicate } from './selectors.js';
import { parseIncludeObject } from './table/index.js';
import { LineWriter, eventLine, ownLine, type WatchFormat } from './watch-sink.js';
import { parseWatchParams, type WatchParams, type WatchServerOptions } from './watch-options.js';

export type { WatchServerOptions } from './watch-options.js';

/** The annotation on the BOOKMARK that ends a sendInitialEvents watch's initial state. */
export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/** The BOOKMARK object: the watched kind with only a resourceVersion (and the initial-events-end annotation). */
function bookmark(r: ResourceInfo, rv: number, initialEnd = false): Buffer {
  const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
  if (initialEnd) metadata.annotations = { [INITIAL_EVENTS_END]: 'true' };
  return ownLine('BOOKMARK', { kind: r.kind, apiVersion: groupVersion(r), metadata });
}

/** upstream storage.NewTooLargeResourceVersionError: a 504 Timeout the client retries after a second. */
function tooLarge(requested: number, current: number): S.ApiError {
  const message = `Too large resource version: ${requested}, current: ${current}`;
  return new S.ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Timeout',
    details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 },
    code: 504,
  });
}

/** Waits (polling the revision) until the store has reached `rv`, or throws Too large after `waitMs`. */
async function awaitRevision(ctx: HandlerContext, rv: number, waitMs: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const current = await ctx.registry.currentRevision();
    if (current >= rv || signal.aborted) return;
    if (Date.now() >= deadline) throw tooLarge(rv, current);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One open watch stream: its writer, timers and end. */
class WatchStream implements WatchSink {
  readonly abort = new AbortController();
  private readonly writer: LineWriter;
  private readonly timers: NodeJS.Timeout[] = [];
  private headersSent = false;
  private begun = false;
  private lastBookmark = 0;
  handle: WatchHandle | undefined;

  constructor(
    private readonly r: ResourceInfo,
    private readonly reply: FastifyReply,
    private readonly format: WatchFormat,
    private readonly params: WatchParams,
    maxQueued: number,
  ) {
    const res = reply.raw;
    reply.hijack();
    this.writer = new LineWriter(res, maxQueued, () => this.finish());
    res.on('close', () => this.finish());
  }

  /**
   * Sends the headers (clients wait for them before reading events), then what the watch produced meanwhile, and
   * starts the timers. Called once the watcher is registered, as upstream serves the stream after rw.Watch returned.
   */
  begin(opts: WatchServerOptions): void {
    if (this.begun) return;
    this.begun = true;
    const res = this.reply.raw;
    if (res.destroyed) return;
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' };
    const audit = this.reply.getHeader('audit-id');
    if (typeof audit === 'string') headers['Audit-Id'] = audit;
    res.writeHead(200, headers);
    res.flushHeaders();
    this.writer.release();
    if (this.abort.signal.aborted) return;
    const timeoutMs = this.params.timeoutMs;
    this.timers.push(setTimeout(() => this.finish(), timeoutMs));
    if (!this.params.allowBookmarks) return;
    const every = opts.bookmarkIntervalMs ?? 60_000;
    this.timers.push(setInterval(() => this.sendBookmark(), every));
    // upstream also sends one right before the deadline, so a client resumes from as recent a revision as possible
    if (timeoutMs > 2000 + every) this.timers.push(setTimeout(() => this.sendBookmark(), timeoutMs - 2000));
  }

  event(type: WatchEventType, item: WatchItem): void {
    if (this.writer.ended) return;
    this.writer.write(eventLine(this.r, this.format, type, item, this.headersSent && this.format.kind === 'table'));
    this.headersSent = true;
  }

  initialDone(revision: number): void {
    this.lastBookmark = revision;
    if (this.params.sendInitialEvents === true && this.params.allowBookmarks) this.writer.write(bookmark(this.r, revision, true));
  }

  /** A BOOKMARK at the watcher's progress, when it moved since the last one. */
  private sendBookmark(): void {
    const handle = this.handle;
    if (!handle) return;
    void handle.progress().then((rv) => {
      if (rv <= this.lastBookmark || this.abort.signal.aborted) return;
      this.lastBookmark = rv;
      this.writer.write(bookmark(this.r, rv));
    });
  }

  end(error?: S.ApiError): void {
    this.finish(error);
  }

  /** Ends the stream once: a last ERROR event if any, then the end of the response; frees the watcher. */
  finish(error?: S.ApiError): void {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    for (const t of this.timers) clearTimeout(t);
    if (!this.begun) this.begin({});
    if (this.reply.raw.destroyed) return;
    this.writer.end(error ? ownLine('ERROR', error.status) : undefined);
  }

  /** Starting position: the watch begins after this (lastBookmark tracks it for bookmarks). */
  startAt(revision: number): void {
    this.lastBookmark = revision;
  }
}

/**
 * Serves `?watch=true` (upstream ListResource with watch, Cacher.Watch, the watch handler). Invariants (contract §7):
 * bad options are answered as a plain Status before the stream starts; then headers are flushed before any event;
 * errors after that (410 Expired for a revision older than the history kept, Too large resource version) are an
 * ERROR event; the stream ends at timeoutSeconds (or a random 1800–3600 s), when the client goes, or when the
 * watcher fell too far behind (see LineWriter).
 */
export async function serveWatch(ctx: HandlerContext, req: FastifyRequest, reply: FastifyReply, t: ResourceTarget, q: Query): Promise<void> {
  const r = t.resource;
  const opts = ctx.watch ?? {};
  const predicate = listPredicate(r, q);
  const params = parseWatchParams(q, opts);
  const table = wantsTable(req.headers.accept);
  if (table && !parseIncludeObject(q.includeObject)) throw S.badRequest(`unrecognized includeObject value: ${JSON.stringify(q.includeObject)}`);
  const format: WatchFormat = table ? { kind: 'table', includeObject: q.includeObject, now: ctx.now } : { kind: 'json' };
  const stream = new WatchStream(r, reply, format, params, opts.maxQueuedEvents ?? 1000);
  const signal = stream.abort.signal;
  try {
    if (params.notOlderThan !== undefined) await awaitRevision(ctx, params.notOlderThan, opts.tooLargeWaitMs ?? 3000, signal);
    const from = params.fromRevision === 'now' ? await ctx.registry.currentRevision() : params.fromRevision;
    if (from !== undefined) stream.startAt(from);
    if (signal.aborted) return;
    const namespace = t.allNamespaces ? undefined : t.namespace;
    stream.handle = await ctx.registry.watch(r, { namespace, predicate, fromRevision: from, sink: stream, signal });
    stream.begin(opts);
  } catch (e) {
    stream.finish(e instanceof S.ApiError ? e : S.internal(e instanceof Error ? e.message : String(e)));
  }
}
