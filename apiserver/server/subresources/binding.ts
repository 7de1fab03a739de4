// POST pods/<name>/binding: the scheduler's way to assign a pod to a node.

import type { FastifyReply, FastifyRequest } from 'fastify';
import * as S from '../../api/status.js';
import { isPlainObject } from '../../api/types.js';
import { bindPod } from '../../registry/pod-binding.js';
import { dryRunParam, fieldValidationParam, type Query } from '../query.js';
import type { HandlerContext, ResourceTarget } from '../resource-handlers.js';
import { bodyKind, namedCreateBody } from './body.js';

const BINDING = bodyKind('', 'v1', 'Binding');

/** Handles pods/binding: only POST (create) exists; the answer is 201 with a Success Status. */
export async function handleBinding(ctx: HandlerContext, req: FastifyRequest, reply: FastifyReply, t: ResourceTarget, q: Query): Promise<unknown> {
  if (req.method !== 'POST') throw S.methodNotSupported();
  const dryRun = dryRunParam(q, 'CreateOptions');
  fieldValidationParam(q, 'CreateOptions');
  const body = namedCreateBody(t, req.body, req.headers['content-type'], [BINDING]);
  const target = isPlainObject(body.target) ? body.target : {};
  const meta = body.metadata;
  const binding = {
    uid: meta.uid,
    resourceVersion: meta.resourceVersion,
    annotations: meta.annotations,
    target: { kind: typeof target.kind === 'string' ? target.kind : undefined, name: typeof target.name === 'string' ? target.name : undefined },
  };
  const status = await bindPod(ctx.registry, t.namespace!, t.name!, binding, { dryRun, now: ctx.now() });
  reply.code(201);
  return status;
}
