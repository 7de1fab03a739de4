// REST verbs on resources: get, list, create, update, patch, delete and the status subresource, per kube-apiserver.

import type { FastifyReply, FastifyRequest } from 'fastify';
import * as S from '../api/status.js';
import { groupVersion, type ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import type { Registry, WriteOptions } from '../registry/store.js';
import { strategyFor } from '../registry/strategy.js';
import { decodeObjectBody, wantsTable } from './negotiate.js';
import { boolParam, checkListOptions, dryRunParam, fieldValidationParam, flattenQuery, intParam, type Query } from './query.js';
import { listPredicate } from './selectors.js';
import { APPLY_PATCH, patchType, preparePatch } from './patch.js';
import { handleApply, managerOf, patchOptions, updateTracker } from './apply.js';
import { requestedDelete } from './delete-options.js';
import { checkBody } from './typed-body.js';
import { fieldChecks } from './field-validation.js';
import { addWarning } from './warnings.js';
import type { CreateOutcome, CreateRequest } from './create-prepare.js';
import type { CreatePreparer } from './create-workers.js';
import { withResourceVersion } from '../registry/codec.js';
import { tableOf } from './tables.js';
import { serveWatch, type WatchServerOptions } from './watch.js';
import type { LogSource } from '../registry/pod-logs.js';
import { subresourceHandler } from './subresources/index.js';

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
  /** Where pods/log reads container logs (the kubelets'); an empty log when absent. */
  logs?: LogSource;
  /** Timing of watch streams (tests shorten it). */
  watch?: WatchServerOptions;
  /** Where create bodies are prepared (inline, or on worker threads). */
  creates: CreatePreparer;
}

function qr(r: ResourceInfo): S.QualifiedResource {
  return { group: r.group, resource: r.plural };
}

async function handleGet(ctx: HandlerContext, req: FastifyRequest, reply: FastifyReply, t: ResourceTarget, q: Query): Promise<unknown> {
  const r = t.resource;
  if (t.name === undefined) {
    if (boolParam(q, 'watch')) return serveWatch(ctx, req, reply, t, q);
    checkListOptions(q);
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

async function handleDelete(ctx: HandlerContext, req: FastifyRequest, reply: FastifyReply, t: ResourceTarget, q: Query): Promise<unknown> {
  const r = t.resource;
  if (t.name === undefined && !r.verbs.includes('deletecollection')) throw S.methodNotSupported();
  const { opts, orphanDependentsFalse } = requestedDelete(req.headers['content-type'], req.body, q);
  if (t.name === undefined) {
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
  // Upstream answers 202 when the object is not gone yet and orphanDependents was false.
  if (!deleted && orphanDependentsFalse) reply.code(202);
  // Upstream returns the object for kinds with ReturnDeletedObject and for any delete still pending; else a Status.
  if (!deleted || strategyFor(r).returnDeletedObject) return object;
  return S.success(qr(r), t.name, object.metadata.uid);
}

/** Warnings for the response `reply` (see addWarning). */
function warnTo(reply: FastifyReply): (text: string) => void {
  return (text) => addWarning(reply, text);
}

/**
 * POST: the body is decoded, defaulted, admitted, validated and serialized by the create preparer (on a worker thread
 * when there is one), then committed here. Pods are prepared with their namespace's `default` ServiceAccount, or again
 * with the one they name, pods and PriorityClasses with the stored PriorityClasses, and claims with the default
 * StorageClass. The answer is the stored text with its resourceVersion (none on dry-run).
 */
async function handleCreate(ctx: HandlerContext, req: FastifyRequest, reply: FastifyReply, t: ResourceTarget, q: Query): Promise<unknown> {
  const r = t.resource;
  const dryRun = dryRunParam(q, 'CreateOptions');
  const { now, uid } = ctx.registry.createIdentity();
  const request: CreateRequest = {
    group: r.group, plural: r.plural, namespace: t.namespace, contentType: req.headers['content-type'],
    fieldValidation: fieldValidationParam(q, 'CreateOptions'), body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    now: now.getTime(), uid,
  };
  const admission = await ctx.registry.admissionInputs(r, t.namespace);
  request.priorityClasses = admission.pod ? admission.pod.priorityClasses : admission.priorityClasses;
  request.defaultStorageClass = admission.defaultStorageClass;
  let account = admission.pod ? 'default' : undefined;
  let outcome: CreateOutcome;
  for (let attempt = 0; ; attempt++) {
    if (account !== undefined) request.account = { name: account, stored: await ctx.registry.storedServiceAccount(t.namespace!, account) };
    outcome = await ctx.creates.prepare(request);
    if (outcome.type !== 'needs-account') break;
    if (attempt > 0) throw new Error(`create of ${r.plural} asked for ServiceAccount ${outcome.name} after ${account}`);
    account = outcome.name;
  }
  for (const w of outcome.warnings) addWarning(reply, w);
  if (outcome.type === 'rejected') throw new S.ApiError(outcome.status);
  const prepared = { name: outcome.name, generated: outcome.generated, text: outcome.text, ...(outcome.invalid && { invalid: new S.ApiError(outcome.invalid) }) };
  const rv = await ctx.registry.commitCreate(r, t.namespace, prepared, { dryRun });
  reply.code(201);
  return json(reply, rv === undefined ? prepared.text : withResourceVersion(prepared.text, rv));
}

async function handlePut(ctx: HandlerContext, req: FastifyRequest, reply: FastifyReply, t: ResourceTarget, q: Query, sub: WriteOptions['subresource']): Promise<unknown> {
  const r = t.resource;
  const name = t.name!;
  const dryRun = dryRunParam(q, 'UpdateOptions');
  const fields = fieldChecks(fieldValidationParam(q, 'UpdateOptions'), warnTo(reply), req.headers['content-type'], req.body);
  const body = checkBody(t, decodeObjectBody(req.headers['content-type'], req.body, r.kind, groupVersion(r), fields.yamlDuplicatesSink), 'update', fields);
  try {
    const managedFields = updateTracker(r, managerOf(q, req.headers['user-agent']), sub, ctx.now);
    return await ctx.registry.update(r, t.namespace, name, structuredClone(body), { dryRun, subresource: sub, managedFields });
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
  const special = sub === undefined || t.allNamespaces ? undefined : subresourceHandler(r, sub);
  if (special) return special(ctx, req, reply, t, q);
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
    case 'POST':
      if (t.name !== undefined) throw S.methodNotSupported();
      return handleCreate(ctx, req, reply, t, q);
    case 'PUT':
      if (t.name === undefined) throw S.methodNotSupported();
      return handlePut(ctx, req, reply, t, q, write.subresource);
    case 'PATCH': {
      if (t.name === undefined || sub === 'finalize') throw S.methodNotSupported();
      const type = patchType(req.headers['content-type']);
      write.dryRun = dryRunParam(q, 'PatchOptions');
      const fields = fieldChecks(fieldValidationParam(q, 'PatchOptions'), warnTo(reply), req.headers['content-type'], req.body);
      const target = { resource: r, namespace: t.namespace, name: t.name };
      if (type === APPLY_PATCH) {
        const applied = await handleApply(ctx.registry, target, req.body, { q, dryRun: write.dryRun, subresource: sub === 'status' ? 'status' : undefined, now: ctx.now, fields });
        if (applied.created) reply.code(201);
        return applied.object;
      }
      patchOptions(q, false);
      const managedFields = updateTracker(r, managerOf(q, req.headers['user-agent']), sub, ctx.now);
      return ctx.registry.guaranteedUpdate(r, t.namespace, t.name, preparePatch(target, type, req.body, fields), { ...write, managedFields });
    }
    case 'DELETE':
      if (sub !== undefined) throw S.methodNotSupported();
      return handleDelete(ctx, req, reply, t, q);
    default:
      throw S.methodNotSupported();
  }
}
