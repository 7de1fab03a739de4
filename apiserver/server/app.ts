// buildApp: the fastify application of the API server (no listen) — discovery, resources, health, errors.

import fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import * as S from '../api/status.js';
import { KUBERNETES_VERSION } from '../api/version.js';
import type { Registry } from '../registry/store.js';
import { serialize } from '../registry/codec.js';
import type { KObject } from '../api/types.js';
import { aggregatedDiscovery, AGGREGATED_V2, apiGroup, apiGroupList, apiResourceList, apiVersions, wantsAggregated } from './discovery.js';
import { parsePath } from './paths.js';
import { handleResource, type HandlerContext } from './resource-handlers.js';
import type { LogSource } from '../registry/pod-logs.js';
import type { WatchServerOptions } from './watch.js';
import { OUTPUT_TYPES, jsonTextToYaml, outputFormat } from './negotiate.js';
import { DRAIN_BYTES, clientError, frameworkError, readBody } from './http-edge.js';
import { registerOpenApi } from './openapi.js';
import { METRICS_CONTENT_TYPE, metricsText } from './metrics.js';
import { inlinePreparer, type CreatePreparer } from './create-workers.js';

/** The largest request body the server reads (upstream's 3 MiB limit). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** The largest request line plus headers (Go's http.DefaultMaxHeaderBytes, which kube-apiserver keeps). */
export const MAX_HEADER_BYTES = 1 << 20;

/** The version kubeling reports: kubectl's dispatcher picks its 1.32 binary from it. */
export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: KUBERNETES_VERSION,
  gitCommit: 'kubeling',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T00:00:00Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

export interface AppOptions {
  registry: Registry;
  now?: () => Date;
  /** Where pods/log reads container logs; an empty log for every started container when absent. */
  logs?: LogSource;
  /** A pino logger or `false`; errors answered as 500 are logged once with their cause. */
  logger?: boolean | FastifyBaseLogger;
  /** Timing of watch streams (bookmark interval, default timeout, slow-reader limit). */
  watch?: WatchServerOptions;
  /** Where create bodies are prepared (default: inline, on the event loop); its owner closes it. */
  creates?: CreatePreparer;
}

function sendStatus(reply: FastifyReply, err: S.ApiError): FastifyReply {
  // Upstream sets Retry-After from the Status (client-go then waits and retries on its own).
  const retry = err.status.details?.retryAfterSeconds;
  if (retry && retry > 0) reply.header('retry-after', String(retry));
  return reply.code(err.code).header('content-type', 'application/json').send(err.status);
}

/** Maps anything thrown in a handler (ours, fastify's, or unexpected) to a Kubernetes Status. */
function toApiError(err: unknown, req: FastifyRequest, log: FastifyBaseLogger | undefined): S.ApiError {
  if (err instanceof S.ApiError) return err;
  const e = err as { code?: string; statusCode?: number; message?: string };
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return S.requestEntityTooLarge(MAX_BODY_BYTES);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return S.unsupportedMediaType(String(req.headers['content-type']), ['application/json', 'application/yaml']);
    default:
      break;
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return S.badRequest(e.message ?? 'bad request');
  log?.error({ err, method: req.method, url: req.url }, 'internal error');
  return S.internal(e.message ?? 'unknown error');
}

/** Requests whose Accept asked for YAML only: their JSON answers are rewritten as YAML on the way out. */
const yamlRequests = new WeakSet<FastifyRequest>();

/** Upstream's answer for paths outside every API group: plain text, not a Status. */
function plainNotFound(reply: FastifyReply): FastifyReply {
  return reply.code(404).type('text/plain; charset=utf-8').header('x-content-type-options', 'nosniff').send('404 page not found\n');
}

function discoveryOrResource(ctx: HandlerContext) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const path = req.url.split('?')[0]!;
    const target = parsePath(path);
    if (target.type === 'unknown') throw S.pathNotFound();
    if (target.type === 'unserved') return plainNotFound(reply);
    const format = outputFormat(req.headers.accept);
    if (!format) throw S.notAcceptable(OUTPUT_TYPES);
    if (format === 'yaml') yamlRequests.add(req);
    if (target.type === 'resource') return handleResource(ctx, req, reply, target);
    if (req.method !== 'GET') throw S.methodNotSupported();
    const aggregated = wantsAggregated(req.headers.accept);
    switch (target.type) {
      case 'root-api':
        if (aggregated) return reply.header('content-type', AGGREGATED_V2).send(Buffer.from(JSON.stringify(aggregatedDiscovery(true))));
        return apiVersions(`${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? 0}`);
      case 'root-apis':
        if (aggregated) return reply.header('content-type', AGGREGATED_V2).send(Buffer.from(JSON.stringify(aggregatedDiscovery(false))));
        return apiGroupList();
      case 'group':
        return apiGroup(target.group);
      case 'group-version':
        return apiResourceList(target.group, target.version);
    }
  };
}

/** Builds the API server's fastify app around a registry. Call `listen` (or `inject` in tests) on the result. */
export function buildApp(opts: AppOptions): FastifyInstance {
  // fastify's own per-request logger stays off (a child logger per request costs throughput); failures are logged
  // through ours in the error handler.
  const log = typeof opts.logger === 'object' ? opts.logger : undefined;
  const app = fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    genReqId: () => randomUUID(),
    return503OnClosing: false,
    forceCloseConnections: true,
    keepAliveTimeout: 65_000,
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    routerOptions: { maxParamLength: MAX_HEADER_BYTES },
    clientErrorHandler: clientError,
    frameworkErrors: (err, req, reply) => sendStatus(reply, frameworkError(err, req)),
  });
  const ctx: HandlerContext = { registry: opts.registry, now: opts.now ?? (() => new Date()), creates: opts.creates ?? inlinePreparer() };
  if (opts.logs) ctx.logs = opts.logs;
  if (opts.watch) ctx.watch = opts.watch;
  // Objects the registry just wrote are sent as their stored text plus resourceVersion (no second stringify);
  // strings are JSON the handlers built already.
  app.setReplySerializer((payload) => (typeof payload === 'string' ? payload : serialize(payload as KObject)));
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { bodyLimit: DRAIN_BYTES }, (req, payload, done) => {
    if (Number(req.headers['content-length']) > DRAIN_BYTES) done(S.requestEntityTooLarge(MAX_BODY_BYTES), undefined);
    else readBody(payload, MAX_BODY_BYTES, done);
  });
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('audit-id', req.id).header('cache-control', 'no-cache, private');
    done();
  });
  // A callback hook, not an async one: every response passes here, and a promise per response is measurable.
  app.addHook('onSend', (req, reply, payload, done) => {
    if (!yamlRequests.has(req) || typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').startsWith('application/json')) return done(null, payload);
    let yaml: string;
    try {
      yaml = jsonTextToYaml(payload);
    } catch (e) {
      return done(e as Error);
    }
    reply.header('content-type', 'application/yaml');
    done(null, yaml);
  });
  app.setErrorHandler((err, req, reply) => sendStatus(reply, toApiError(err, req, log)));
  app.setNotFoundHandler((_req, reply) => plainNotFound(reply));
  const version = JSON.stringify(VERSION_INFO, null, 2);
  app.get('/version', async (_req, reply) => reply.type('application/json').send(version));
  for (const path of ['/healthz', '/livez', '/readyz']) {
    const name = path.slice(1);
    app.get(path, async (req, reply) => {
      reply.type('text/plain; charset=utf-8').header('x-content-type-options', 'nosniff');
      const verbose = req.url.includes('verbose');
      return reply.send(verbose ? `[+]ping ok\n[+]log ok\n[+]storage ok\n${name} check passed\n` : 'ok');
    });
  }
  app.get('/metrics', async (_req, reply) => reply.type(METRICS_CONTENT_TYPE).send(metricsText()));
  registerOpenApi(app);
  const handler = discoveryOrResource(ctx);
  for (const path of ['/api', '/api/*', '/apis', '/apis/*']) {
    app.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: path, handler });
  }
  return app;
}
