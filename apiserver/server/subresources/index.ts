// Subresources with their own handlers (binding, eviction, log, scale): which handler serves a path.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ResourceInfo } from '../../api/resources.js';
import type { Query } from '../query.js';
import type { HandlerContext, ResourceTarget } from '../resource-handlers.js';
import { handleBinding } from './binding.js';
import { handleEviction } from './eviction.js';
import { handleLog } from './log.js';
import { handleScale } from './scale.js';

/** A handler for one subresource. */
export type SubresourceHandler = (ctx: HandlerContext, req: FastifyRequest, reply: FastifyReply, t: ResourceTarget, q: Query) => Promise<unknown>;

const HANDLERS: Readonly<Record<string, SubresourceHandler>> = {
  binding: handleBinding,
  eviction: handleEviction,
  log: handleLog,
  scale: handleScale,
};

/** The handler of a subresource the resource table lists for this resource (status and finalize excepted). */
export function subresourceHandler(r: ResourceInfo, sub: string): SubresourceHandler | undefined {
  if (!r.subresources.some((s) => s.name === sub)) return undefined;
  return HANDLERS[sub];
}
