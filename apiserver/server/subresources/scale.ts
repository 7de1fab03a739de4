// GET/PUT/PATCH statefulsets/<name>/scale: the autoscaling/v1 Scale of a StatefulSet (kubectl scale).

import type { FastifyReply, FastifyRequest } from 'fastify';
import * as S from '../../api/status.js';
import type { KObject } from '../../api/types.js';
import { SCALE, applyScale, scaleOf } from '../../registry/scale.js';
import { decodeObjectBody, wantsTable } from '../negotiate.js';
import { tableOf } from '../tables.js';
import { APPLY_PATCH, JSON_PATCH, MERGE_PATCH, patchType, preparePatch } from '../patch.js';
import { dryRunParam, fieldValidationParam, type Query } from '../query.js';
import type { HandlerContext, ResourceTarget } from '../resource-handlers.js';
import { checkBody } from '../typed-body.js';

/** The patch applies to the Scale, but a stale resourceVersion is a conflict on the owner (upstream's patcher). */
function onOwner(t: ResourceTarget, apply: (scale: KObject) => KObject): (scale: KObject) => KObject {
  return (scale) => {
    try {
      return apply(scale);
    } catch (e) {
      if (S.isConflict(e)) throw S.conflict({ group: t.resource.group, resource: t.resource.plural }, t.name!);
      throw e;
    }
  };
}

/**
 * Handles the scale subresource (upstream ScaleREST): GET answers the Scale; PUT and PATCH change the Scale and
 * store its spec.replicas on the owner (generation bumped as for any spec change), answering the new Scale.
 */
export async function handleScale(ctx: HandlerContext, req: FastifyRequest, _reply: FastifyReply, t: ResourceTarget, q: Query): Promise<unknown> {
  const r = t.resource;
  const ns = t.namespace;
  const name = t.name!;
  const target = { resource: SCALE, namespace: ns, name };
  switch (req.method) {
    case 'GET': {
      const scale = scaleOf(await ctx.registry.get(r, ns, name));
      if (!wantsTable(req.headers.accept)) return scale;
      return tableOf(SCALE, [scale], { resourceVersion: scale.metadata.resourceVersion }, q.includeObject, ctx.now());
    }
    case 'PUT': {
      const dryRun = dryRunParam(q, 'UpdateOptions');
      fieldValidationParam(q, 'UpdateOptions');
      const body = checkBody(target, decodeObjectBody(req.headers['content-type'], req.body, SCALE.kind, 'autoscaling/v1'), 'update');
      return scaleOf(await ctx.registry.guaranteedUpdate(r, ns, name, (cur) => applyScale(r, cur, body), { dryRun }));
    }
    case 'PATCH': {
      const type = patchType(req.headers['content-type']);
      // Server-side apply of a Scale is not supported yet: answered as a type this endpoint does not take.
      if (type === APPLY_PATCH) throw S.unsupportedMediaType(type, [JSON_PATCH, MERGE_PATCH, 'application/strategic-merge-patch+json']);
      const dryRun = dryRunParam(q, 'PatchOptions');
      fieldValidationParam(q, 'PatchOptions');
      const patch = onOwner(t, preparePatch(target, type, req.body));
      return scaleOf(await ctx.registry.guaranteedUpdate(r, ns, name, (cur) => applyScale(r, cur, patch(scaleOf(cur))), { dryRun }));
    }
    default:
      throw S.methodNotSupported();
  }
}
