// The REST client: typed CRUD, patch, list pagination and watch over keep-alive undici pools; errors as ApiError.

import { Pool, request } from './http-pool.js';
import { groupVersion, type ResourceInfo } from '../../apiserver/api/resources.js';
import { fromResponse, isExpired } from '../../apiserver/api/status.js';
import { isPlainObject, type KList, type KObject } from '../../apiserver/api/types.js';
import type { ClusterConfig } from './kubeconfig.js';
import { queryString, resourcePath } from './paths.js';
import { decodeWatchStream, type WatchEvent } from './watch.js';

/** Options of list and watch calls. An undefined namespace on a namespaced resource means all namespaces. */
export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  /** Cancels the request (an addition to upstream's ListOptions; not sent). */
  signal?: AbortSignal;
}

/** Options of create, update and patch. */
export interface WriteOptions {
  /** Sends `dryRun=All`. */
  dryRun?: boolean;
  fieldManager?: string;
  /** e.g. `status`, `scale`, `binding`, `eviction`. */
  subresource?: string;
}

/** The DeleteOptions body sent with a delete. */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  dryRun?: boolean;
}

/** Patch formats: JSON patch, JSON merge patch, strategic merge patch, server-side apply. */
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** A raw answer of {@link Client.request}. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Options of the {@link Client} constructor. */
export interface ClientOptions {
  /** Sent as User-Agent; its first word is also the default field manager of apply patches. */
  userAgent?: string;
  /** Keep-alive connections for ordinary requests (default 16). Watches use their own, unbounded pool. */
  connections?: number;
  /** Per-phase timeout of ordinary requests: headers, then body (default 60 s). */
  timeoutMs?: number;
}

function metaOf(obj: object): { namespace?: string; name?: string } {
  const m = (obj as { metadata?: unknown }).metadata;
  if (!isPlainObject(m)) return {};
  return { namespace: typeof m.namespace === 'string' ? m.namespace : undefined, name: typeof m.name === 'string' ? m.name : undefined };
}

/**
 * A Kubernetes API client. Every non-2xx answer rejects with an ApiError rebuilt from the response (a Status or not);
 * connection failures reject with the underlying error. For single-object calls on a namespaced resource, an
 * undefined namespace means the config's namespace (`default` unless the kubeconfig context names one).
 */
export class Client {
  /** The server base URL. */
  readonly server: string;
  /** The namespace used when a single-object call names none. */
  readonly namespace: string;
  private readonly prefix: string;
  private readonly pool: Pool;
  private readonly watchPool: Pool;
  private readonly headers: Record<string, string>;
  private readonly fieldManager: string;

  constructor(cfg: ClusterConfig | { server: string }, opts: ClientOptions = {}) {
    const url = new URL(cfg.server);
    this.server = cfg.server.replace(/\/+$/, '');
    this.prefix = url.pathname.replace(/\/+$/, '');
    const full: Partial<ClusterConfig> = cfg;
    this.namespace = full.namespace || 'default';
    const userAgent = opts.userAgent ?? 'kubeling-runtime';
    this.fieldManager = userAgent.split(/[\s/]/)[0] || 'kubeling-runtime';
    this.headers = { 'user-agent': userAgent, accept: 'application/json' };
    if (full.token) this.headers.authorization = `Bearer ${full.token}`;
    const connect = url.protocol === 'https:'
      ? { ca: full.caData, cert: full.certData, key: full.keyData, rejectUnauthorized: !full.insecureSkipTLSVerify }
      : undefined;
    const timeout = opts.timeoutMs ?? 60_000;
    this.pool = new Pool(url.origin, { connections: opts.connections ?? 16, keepAliveTimeout: 30_000, headersTimeout: timeout, bodyTimeout: timeout, ...(connect ? { connect } : {}) });
    this.watchPool = new Pool(url.origin, { connections: null, keepAliveTimeout: 30_000, headersTimeout: timeout, bodyTimeout: 0, ...(connect ? { connect } : {}) });
  }

  /** Reads one object (or a subresource such as `status` or `scale`). */
  get<T = KObject>(r: ResourceInfo, namespace: string | undefined, name: string, opts: { subresource?: string } = {}): Promise<T> {
    return this.json<T>('GET', resourcePath(r, this.ns(r, namespace), name, opts.subresource));
  }

  /** One page of a collection (`limit`/`continue` for more). Items lacking kind/apiVersion get the resource's. */
  async list<T = KObject>(r: ResourceInfo, opts: ListOptions = {}): Promise<KList<T>> {
    const q = queryString({ labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, limit: opts.limit, continue: opts.continue, resourceVersion: opts.resourceVersion, resourceVersionMatch: opts.resourceVersionMatch });
    const list = await this.json<KList<T>>('GET', resourcePath(r, opts.namespace, undefined) + q, undefined, undefined, opts.signal);
    const gv = groupVersion(r);
    for (const item of list.items ?? []) {
      const o: unknown = item;
      if (isPlainObject(o)) {
        o.kind ??= r.kind;
        o.apiVersion ??= gv;
      }
    }
    list.items ??= [];
    return list;
  }

  /**
   * The whole collection, following `continue` in pages of `opts.limit ?? 500`. The result carries the first page's
   * resourceVersion (every page is served at that revision). If a continue token expires midway, the collection is
   * read again in one unpaginated request, as upstream's pager does.
   */
  async listAll<T = KObject>(r: ResourceInfo, opts: ListOptions = {}): Promise<KList<T>> {
    const first = await this.list<T>(r, { ...opts, limit: opts.limit ?? 500 });
    let token = first.metadata.continue;
    while (token) {
      let page: KList<T>;
      try {
        page = await this.list<T>(r, { ...opts, limit: opts.limit ?? 500, continue: token, resourceVersion: undefined, resourceVersionMatch: undefined });
      } catch (e) {
        if (!isExpired(e)) throw e;
        return this.list<T>(r, { ...opts, limit: undefined, continue: undefined });
      }
      first.items.push(...page.items);
      token = page.metadata.continue;
    }
    delete first.metadata.continue;
    delete first.metadata.remainingItemCount;
    return first;
  }

  /** POSTs an object (namespace from opts, else obj.metadata.namespace); with a subresource, to `<name>/<sub>`. */
  create<T = KObject>(r: ResourceInfo, obj: object, opts: WriteOptions & { namespace?: string } = {}): Promise<T> {
    const meta = metaOf(obj);
    const ns = this.ns(r, opts.namespace ?? meta.namespace);
    const path = opts.subresource ? resourcePath(r, ns, this.nameOf(r, meta), opts.subresource) : resourcePath(r, ns, undefined);
    return this.json<T>('POST', path + this.writeQuery(opts), JSON.stringify(obj), 'application/json');
  }

  /** PUTs an object (or its `status`/`scale` subresource); namespace and name come from obj.metadata. */
  update<T = KObject>(r: ResourceInfo, obj: object, opts: WriteOptions = {}): Promise<T> {
    const meta = metaOf(obj);
    const path = resourcePath(r, this.ns(r, meta.namespace), this.nameOf(r, meta), opts.subresource);
    return this.json<T>('PUT', path + this.writeQuery(opts), JSON.stringify(obj), 'application/json');
  }

  /** PATCHes an object. A string body is sent as is; anything else as JSON (valid YAML for apply patches). */
  patch<T = KObject>(r: ResourceInfo, namespace: string | undefined, name: string, type: PatchType, body: unknown, opts: WriteOptions & { force?: boolean } = {}): Promise<T> {
    const fieldManager = opts.fieldManager ?? (type === 'apply' ? this.fieldManager : undefined);
    const q = queryString({ dryRun: opts.dryRun ? 'All' : undefined, fieldManager, force: type === 'apply' && opts.force ? true : undefined });
    const path = resourcePath(r, this.ns(r, namespace), name, opts.subresource) + q;
    return this.json<T>('PATCH', path, typeof body === 'string' ? body : JSON.stringify(body), PATCH_CONTENT_TYPES[type]);
  }

  /** DELETEs an object with a DeleteOptions body; resolves with what the server answered (the object or a Status). */
  delete<T = unknown>(r: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<T> {
    const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
    if (opts.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = opts.gracePeriodSeconds;
    if (opts.preconditions) body.preconditions = opts.preconditions;
    if (opts.propagationPolicy) body.propagationPolicy = opts.propagationPolicy;
    if (opts.dryRun) body.dryRun = ['All'];
    return this.json<T>('DELETE', resourcePath(r, this.ns(r, namespace), name), JSON.stringify(body), 'application/json');
  }

  /**
   * One watch stream, as an async iterable of events. An ERROR event is thrown as its ApiError (410 → isExpired);
   * iteration ends when the server ends the stream; aborting `signal` ends it quietly. Breaking out of the loop
   * closes the connection.
   */
  async *watch<T = KObject>(r: ResourceInfo, opts: ListOptions & { allowWatchBookmarks?: boolean; timeoutSeconds?: number }, signal: AbortSignal): AsyncGenerator<WatchEvent<T>> {
    if (signal.aborted) return;
    const q = queryString({ watch: true, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, resourceVersion: opts.resourceVersion, resourceVersionMatch: opts.resourceVersionMatch, allowWatchBookmarks: opts.allowWatchBookmarks, timeoutSeconds: opts.timeoutSeconds });
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(this.watchPool, { method: 'GET', path: this.prefix + resourcePath(r, opts.namespace, undefined) + q, headers: this.headers, signal });
    } catch (e) {
      if (signal.aborted) return;
      throw e;
    }
    try {
      if (res.statusCode < 200 || res.statusCode >= 300) throw errorOf(res.statusCode, await res.body.text());
      yield* decodeWatchStream<T>(res.body);
    } catch (e) {
      if (signal.aborted) return;
      throw e;
    } finally {
      if (!res.body.destroyed) res.body.destroy();
    }
  }

  /** A raw request (e.g. pod logs): never throws for a status code. Non-string bodies are sent as JSON. */
  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
    const h: Record<string, string> = { ...this.headers, ...headers };
    let payload: string | Uint8Array | undefined;
    if (typeof body === 'string' || body instanceof Uint8Array) payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
    }
    const res = await request(this.pool, { method: method as 'GET', path: this.prefix + path, headers: h, body: payload });
    return { status: res.statusCode, headers: { ...res.headers }, body: await res.body.text() };
  }

  /** Closes the connections: waits for ordinary requests in flight, cuts watches. */
  async close(): Promise<void> {
    await Promise.all([this.pool.close(), this.watchPool.destroy()]);
  }

  private ns(r: ResourceInfo, namespace: string | undefined): string | undefined {
    return r.namespaced ? namespace || this.namespace : undefined;
  }

  private nameOf(r: ResourceInfo, meta: { name?: string }): string {
    if (!meta.name) throw new Error(`${r.plural}: metadata.name is required`);
    return meta.name;
  }

  private writeQuery(opts: WriteOptions): string {
    return queryString({ dryRun: opts.dryRun ? 'All' : undefined, fieldManager: opts.fieldManager });
  }

  /** Sends a request and parses a 2xx JSON answer; anything else throws. */
  private async json<T>(method: string, path: string, body?: string, contentType?: string, signal?: AbortSignal): Promise<T> {
    const headers = contentType ? { ...this.headers, 'content-type': contentType } : this.headers;
    const res = await request(this.pool, { method: method as 'GET', path: this.prefix + path, headers, body, signal: signal ?? null });
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode >= 300) throw errorOf(res.statusCode, text);
    if (!text) return undefined as T;
    return JSON.parse(text) as T;
  }
}

/** The ApiError for a failed answer: its Status if the body is one, else a Status synthesised from the code. */
export function errorOf(status: number, text: string): Error {
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: fromResponse uses the text as the message
  }
  return fromResponse(status, body);
}
