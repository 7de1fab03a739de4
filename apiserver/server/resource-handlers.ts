// REST verbs on resources: get, list, create, update, patch, delete and the status subresource, per kube-apiserver.

import type { FastifyReply, FastifyRequest } from 'fastify';
import * as S from '../api/status.js';
import { findByKind, groupVersion, type ResourceInfo } from '../api/resources.js';
import { isPlainObject, type KObject } from '../api/types.js';
import type { Registry, DeleteOptions, WriteOptions } from '../registry/store.js';
import { strategyFor } from '../registry/strategy.js';
import { decodeObjectBody, wantsTable } from './negotiate.js';
import { boolParam, dryRunParam, fieldValidationParam, flattenQuery, intParam, type Query } from './query.js';
import { listPredicate } from './selectors.js';
import { applyPatch } from './patch.js';
import { tableOf } from './tables.js';
import { serveWatch } from './watch.js';

/** The resource a request names, with its namespace, name and subresource. */
export interface ResourceTarget {
  resource: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
  allNamespaces: boolean;
}

/** What the handlers need from the server. */
export interface HandlerContext {
  registry: Registry;
  now: () => Date;
}

function qr(r: ResourceInfo): S.QualifiedResource {
  return { group: r.group, resource: r.plural };
}

/** Upstream's internal package of a group, as named in conversion errors. */
function internalGroup(group: string): string {
  return group === '' ? 'core' : group.split('.')[0]!;
}

/**
 * Checks a write body against the URL (upstream create/update handlers and the JSON decoder): an absent apiVersion
 * or kind is taken from the URL; a different kind cannot be converted; metadata.namespace must match the URL; a
 * PUT's name must match the URL's.
 */
function checkBody(r: ResourceInfo, body: Record<string, unknown>, t: ResourceTarget, verb: 'create' | 'update'): KObject {
  const gv = groupVersion(r);
  const apiVersion = typeof body.apiVersion === 'string' && body.apiVersion !== '' ? body.apiVersion : gv;
  const kind = typeof body.kind === 'string' && body.kind !== '' ? body.kind : r.kind;
  if (apiVersion !== gv || kind !== r.kind) {
    const version = apiVersion.includes('/') ? apiVersion.split('/')[1]! : apiVersion;
    const inner = findByKind(apiVersion, kind)
      ? `converting (${version}.${kind}) to (${internalGroup(r.group)}.${r.kind}): unknown conversion`
      : `no kind "${kind}" is registered for version "${apiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`;
    throw S.badRequest(`${kind} in version "${version}" cannot be handled as a ${r.kind}: ${inner}`);
  }
  if (body.metadata === undefined || body.metadata === null) body.metadata = {};
  if (!isPlainObject(body.metadata)) {
    throw S.badRequest(`${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: json: cannot unmarshal ${typeof body.metadata} into Go struct field ${r.kind}.metadata of type v1.ObjectMeta`);
  }
  const meta = body.metadata;
  if (r.namespaced && meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== t.namespace) {
    throw S.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (verb === 'update') {
    if (meta.name === undefined || meta.name === '') {
      throw S.badRequest(`the name of the object (${t.name ?? ''} based on URL) was undeterminable: name must be provided`);
    }
    if (meta.name !== t.name) throw S.badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${t.name ?? ''})`);
  }
  // apiVersion, kind and metadata first: the order objects are stored and served in.
  const { apiVersion: _a, kind: _k, metadata, ...rest } = body;
  void _a;
  void _k;
  return { apiVersion: gv, kind: r.kind, metadata, ...rest } as KObject;
}

async function handleGet(ctx: HandlerContext, req: FastifyRequest, reply: FastifyReply, t: ResourceTarget, q: Query): Promise<unknown> {
  const r = t.resource;
  if (t.name === undefined) {
    if (boolParam(q, 'watch')) return serveWatch(ctx, req, reply, t, q);
    const namespace = t.allNamespaces ? undefined : t.namespace;
    const opts = { predicate: listPredicate(r, q), limit: intParam(q, 'limit'), continueToken: q.continue || undefined };
    if (!wantsTable(req.headers.accept)) return json(reply, await ctx.registry.listJSON(r, namespace, opts));
    const list = await ctx.registry.list(r, namespace, opts);
    return tableOf(r, list.items, list.metadata, q.includeObject, ctx.now());
  }
  if (!wantsTable(req.headers.accept)) return json(reply, await ctx.registry.getJSON(r, t.namespace, t.name));
  const obj = await ctx.registry.get(r, t.namespace, t.name);
  return tableOf(r, [obj], { resourceVersion: obj.metadata.resourceVersion }, q.includeObject, ctx.now());
}

/** Answers with JSON text that is already serialized. */
function json(reply: FastifyReply, text: string): FastifyReply {
  return reply.type('application/json').send(text);
}

function deleteOptions(q: Query, body: unknown, dryRun: boolean): DeleteOptions {
  const opts: DeleteOptions = { dryRun };
  const b = isPlainObject(body) ? body : {};
  const grace = intParam(q, 'gracePeriodSeconds') ?? (typeof b.gracePeriodSeconds === 'number' ? b.gracePeriodSeconds : undefined);
  if (grace !== undefined) opts.gracePeriodSeconds = grace;
  const policy = q.propagationPolicy ?? b.propagationPolicy;
  if (policy !== undefined) {
    if (policy !== 'Background' && policy !== 'Foreground' && policy !== 'Orphan') {
      throw S.invalid('DeleteOptions', 'meta.k8s.io', '', [{ type: 'NotSupported', field: 'propagationPolicy', value: policy, supported: ['Foreground', 'Background', 'Orphan', 'nil'] }]);
    }
    opts.propagationPolicy = policy;
  }
  if (isPlainObject(b.preconditions)) {
    const p = b.preconditions;
    opts.preconditions = {};
    if (typeof p.uid === 'string') opts.preconditions.uid = p.uid;
    if (typeof p.resourceVersion === 'string') opts.preconditions.resourceVersion = p.resourceVersion;
  }
  return opts;
}

/** Reads a DELETE body: JSON DeleteOptions when parseable, otherwise ignored (kubectl may send protobuf). */
function deleteBody(req: FastifyRequest): unknown {
  const raw = req.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

async function handleDelete(ctx: HandlerContext, req: FastifyRequest, reply: FastifyReply, t: ResourceTarget, q: Query): Promise<unknown> {
  const r = t.resource;
  const opts = deleteOptions(q, deleteBody(req), dryRunParam(q, 'DeleteOptions'));
  if (t.name === undefined) {
    if (!r.verbs.includes('deletecollection')) throw S.methodNotSupported();
    const list = await ctx.registry.list(r, t.allNamespaces ? undefined : t.namespace, { predicate: listPredicate(r, q) });
    const deleted: KObject[] = [];
    for (const item of list.items) {
      try {
        deleted.push((await ctx.registry.delete(r, item.metadata.namespace, item.metadata.name!, opts)).object);
      } catch (e) {
        if (!S.isNotFound(e)) throw e;
      }
    }
    return { ...list, items: deleted };
  }
  const { object, deleted } = await ctx.registry.delete(r, t.namespace, t.name, opts);
  void reply;
  // Upstream returns the object for kinds with ReturnDeletedObject and for any delete still pending; else a Status.
  if (!deleted || strategyFor(r).returnDeletedObject) return object;
  return S.success(qr(r), t.name, object.metadata.uid);
}

async function handlePut(ctx: HandlerContext, req: FastifyRequest, reply: FastifyReply, t: ResourceTarget, q: Query, sub: WriteOptions['subresource']): Promise<unknown> {
  const r = t.resource;
  const name = t.name!;
  const dryRun = dryRunParam(q, 'UpdateOptions');
  fieldValidationParam(q, 'UpdateOptions');
  const body = checkBody(r, decodeObjectBody(req.headers['content-type'], req.body, r.kind), t, 'update');
  try {
    return await ctx.registry.update(r, t.namespace, name, structuredClone(body), { dryRun, subresource: sub });
  } catch (e) {
    if (!S.isNotFound(e) || sub !== undefined || !strategyFor(r).allowCreateOnUpdate) throw e;
    delete body.metadata.resourceVersion;
    const created = await ctx.registry.create(r, t.namespace, body, { dryRun });
    reply.code(201);
    return created;
  }
}

/** Dispatches a request on a resource path by method and subresource. */
export async function handleResource(ctx: HandlerContext, req: FastifyRequest, reply: FastifyReply, t: ResourceTarget): Promise<unknown> {
  const q = flattenQuery(req.query);
  const r = t.resource;
  const sub = t.subresource;
  if (sub !== undefined && !(sub === 'status' && r.subresources.some((s) => s.name === 'status')) && !(sub === 'finalize' && r.plural === 'namespaces')) {
    const known = r.subresources.some((s) => s.name === sub);
    throw known ? S.methodNotSupported() : S.pathNotFound();
  }
  if (t.allNamespaces && req.method !== 'GET') throw S.methodNotSupported();
  const write = { dryRun: false as boolean, subresource: sub as 'status' | 'finalize' | undefined };
  switch (req.method) {
    case 'GET':
      if (sub === 'finalize') throw S.methodNotSupported();
      return handleGet(ctx, req, reply, t, q);
    case 'POST': {
      if (t.name !== undefined) throw S.methodNotSupported();
      write.dryRun = dryRunParam(q, 'CreateOptions');
      fieldValidationParam(q, 'CreateOptions');
      const body = checkBody(r, decodeObjectBody(req.headers['content-type'], req.body, r.kind), t, 'create');
      const created = await ctx.registry.create(r, t.namespace, body, { dryRun: write.dryRun });
      reply.code(201);
      return created;
    }
    case 'PUT':
      if (t.name === undefined) throw S.methodNotSupported();
      return handlePut(ctx, req, reply, t, q, write.subresource);
    case 'PATCH': {
      if (t.name === undefined || sub === 'finalize') throw S.methodNotSupported();
      write.dryRun = dryRunParam(q, 'PatchOptions');
      fieldValidationParam(q, 'PatchOptions');
      const name = t.name;
      return ctx.registry.guaranteedUpdate(r, t.namespace, name, (current) => applyPatch(r, current, req.headers['content-type'], req.body), write);
    }
    case 'DELETE':
      if (sub !== undefined) throw S.methodNotSupported();
      return handleDelete(ctx, req, reply, t, q);
    default:
      throw S.methodNotSupported();
  }
}
