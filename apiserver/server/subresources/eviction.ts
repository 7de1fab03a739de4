// POST pods/<name>/eviction: a pod deletion that honours PodDisruptionBudgets (policy/v1 and v1beta1 Evictions).

import type { FastifyReply, FastifyRequest } from 'fastify';
import * as S from '../../api/status.js';
import { isPlainObject } from '../../api/types.js';
import { evictPod } from '../../registry/pod-eviction.js';
import { requestedDelete } from '../delete-options.js';
import { dryRunParam, fieldValidationParam, queryValues, type Query } from '../query.js';
import type { HandlerContext, ResourceTarget } from '../resource-handlers.js';
import { bodyKind, namedCreateBody } from './body.js';

const ACCEPTED = [bodyKind('policy', 'v1', 'Eviction'), bodyKind('policy', 'v1beta1', 'Eviction')];

/**
 * Handles pods/eviction (upstream EvictionREST): only POST exists. The Eviction's deleteOptions are decoded and
 * validated as a DELETE's; `dryRun` of the request and of the options must agree (400) and either makes it dry.
 */
export async function handleEviction(ctx: HandlerContext, req: FastifyRequest, reply: FastifyReply, t: ResourceTarget, q: Query): Promise<unknown> {
  if (req.method !== 'POST') throw S.methodNotSupported();
  const dryRun = dryRunParam(q, 'CreateOptions');
  fieldValidationParam(q, 'CreateOptions');
  const body = namedCreateBody(t, req.body, req.headers['content-type'], ACCEPTED);
  const given = isPlainObject(body.deleteOptions) ? body.deleteOptions : undefined;
  const raw = given ? Buffer.from(JSON.stringify(given)) : undefined;
  const { opts } = requestedDelete('application/json', raw, {});
  const inBody = Array.isArray(given?.dryRun) ? (given.dryRun as unknown[]).map(String) : [];
  const inQuery = queryValues(q, 'dryRun');
  if (inBody.length > 0 && inQuery.length > 0 && JSON.stringify(inBody) !== JSON.stringify(inQuery)) {
    throw new S.ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Non-matching dry-run options in request and content: [${inQuery.join(' ')}] and [${inBody.join(' ')}]`, code: 500 });
  }
  opts.dryRun = opts.dryRun || dryRun;
  const status = await evictPod({ registry: ctx.registry, now: ctx.now }, t.namespace!, t.name!, opts);
  reply.code(201);
  return status;
}
