// GET pods/<name>/log: PodLogOptions from the query, the container chosen as upstream, the text streamed as text/plain.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import * as S from '../../api/status.js';
import { R } from '../../api/resources.js';
import { isPlainObject, type KObject } from '../../api/types.js';
import { rfc3339Error } from '../../api/go-text.js';
import { emptyLogSource, logContainer, type PodLogOptions } from '../../registry/pod-logs.js';
import { boolParam, intParam, type Query } from '../query.js';
import type { HandlerContext, ResourceTarget } from '../resource-handlers.js';
import { kubeletEndpoint, kubeletLogSource } from './kubelet-logs.js';

/** PodLogOptions from the query (400 for values that do not parse), then upstream ValidatePodLogOptions (422). */
export function logOptions(q: Query, pod: string): PodLogOptions {
  const opts: PodLogOptions = {
    container: q.container ?? '',
    follow: boolParam(q, 'follow'),
    previous: boolParam(q, 'previous'),
    timestamps: boolParam(q, 'timestamps'),
  };
  const tailLines = intParam(q, 'tailLines');
  const sinceSeconds = intParam(q, 'sinceSeconds');
  const limitBytes = intParam(q, 'limitBytes');
  boolParam(q, 'insecureSkipTLSVerifyBackend');
  if (tailLines !== undefined) opts.tailLines = tailLines;
  if (sinceSeconds !== undefined) opts.sinceSeconds = sinceSeconds;
  if (limitBytes !== undefined) opts.limitBytes = limitBytes;
  if (q.sinceTime) {
    const bad = rfc3339Error(q.sinceTime);
    if (bad) throw S.badRequest(bad);
    opts.sinceTime = q.sinceTime;
  }
  const errs: S.FieldError[] = [];
  if (tailLines !== undefined && tailLines < 0) errs.push({ type: 'Invalid', field: 'tailLines', value: tailLines, detail: 'must be greater than or equal to 0' });
  if (limitBytes !== undefined && limitBytes < 1) errs.push({ type: 'Invalid', field: 'limitBytes', value: limitBytes, detail: 'must be greater than 0' });
  if (sinceSeconds !== undefined && opts.sinceTime !== undefined) errs.push({ type: 'Forbidden', field: '', detail: 'at most one of `sinceTime` or `sinceSeconds` may be specified' });
  else if (sinceSeconds !== undefined && sinceSeconds < 1) errs.push({ type: 'Invalid', field: 'sinceSeconds', value: sinceSeconds, detail: 'must be greater than 0' });
  if (errs.length) throw invalidOptions(pod, errs);
  return opts;
}

/** 422 for PodLogOptions; Go prints `field: ` even for the empty root path (`is invalid: : Forbidden: …`). */
function invalidOptions(pod: string, errs: S.FieldError[]): S.ApiError {
  const e = S.invalid('PodLogOptions', '', pod, errs);
  const parts = errs.map((x) => `${x.field}: ${S.fieldErrorBody(x)}`);
  e.status.message = `PodLogOptions "${pod}" is invalid: ${parts.length === 1 ? parts[0]! : `[${parts.join(', ')}]`}`;
  return e;
}

/** Ends `signal` when the pod is deleted (or replaced by one with another uid), or when the watch cannot continue. */
async function watchGone(ctx: HandlerContext, pod: KObject, ac: AbortController): Promise<void> {
  const { name, namespace, uid } = pod.metadata;
  try {
    await ctx.registry.watch(R.pods, {
      namespace,
      predicate: (o) => o.metadata.name === name,
      fromRevision: Number(pod.metadata.resourceVersion),
      signal: ac.signal,
      sink: {
        event: (type, item) => {
          if (type === 'DELETED' || item.object.metadata.uid !== uid) ac.abort();
        },
        // a watch that cannot continue ends the stream, as a lost kubelet connection would
        end: () => ac.abort(),
      },
    });
  } catch {
    ac.abort();
  }
}

async function pipe(res: ServerResponse, log: AsyncIterable<string | Uint8Array>, signal: AbortSignal): Promise<void> {
  for await (const chunk of log) {
    if (signal.aborted) break;
    if (!res.write(chunk)) await new Promise<void>((resolve) => res.once('drain', resolve));
  }
}

/**
 * Handles pods/log (upstream LogREST.Get + LogLocation): options are validated, the pod read, the container chosen;
 * a pod not bound to a node has no log location (204, empty); a node that does not exist is its 404; otherwise the
 * log source answers: the kubelet the node advertises, or (no kubelet) an empty log. With `follow` the response stays open until the log ends, the client leaves or the pod goes.
 */
export async function handleLog(ctx: HandlerContext, req: FastifyRequest, reply: FastifyReply, t: ResourceTarget, q: Query): Promise<unknown> {
  if (req.method !== 'GET') throw S.methodNotSupported();
  const opts = logOptions(q, t.name!);
  const pod = await ctx.registry.get(t.resource, t.namespace, t.name!);
  opts.container = logContainer(pod, opts.container);
  const node = isPlainObject(pod.spec) && typeof pod.spec.nodeName === 'string' ? pod.spec.nodeName : '';
  if (node === '') return reply.code(204).send();
  const nodeObj = await ctx.registry.get(R.nodes, undefined, node);
  const endpoint = kubeletEndpoint(nodeObj);
  const source = ctx.logs ?? (endpoint ? kubeletLogSource(endpoint) : emptyLogSource);
  const ac = new AbortController();
  let log: AsyncIterable<string | Uint8Array>;
  try {
    log = await source.open(pod, opts, ac.signal);
  } catch (e) {
    ac.abort();
    throw e;
  }
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { ...reply.getHeaders(), 'content-type': 'text/plain', 'transfer-encoding': 'chunked' } as Record<string, string>);
  res.flushHeaders();
  res.on('close', () => ac.abort());
  if (opts.follow) void watchGone(ctx, pod, ac);
  try {
    await pipe(res, log, ac.signal);
  } finally {
    ac.abort();
    res.end();
  }
}
