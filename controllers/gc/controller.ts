// The garbage collector's wiring: attemptToDelete and attemptToOrphan controllers over the graph, and their writes.

import { isNotFound } from '../../apiserver/api/status.js';
import type { ResourceInfo } from '../../apiserver/api/resources.js';
import type { KObject, OwnerReference } from '../../apiserver/api/types.js';
import type { Client, Controller, EventRecorder, Logger, Runtime } from '../runtime/index.js';
import { FOREGROUND_FINALIZER } from '../../apiserver/api/finalizers.js';
import { deletingWith, Graph, itemKey, ownerRefs, type Node } from './graph.js';
import {
  attemptToDeleteKeys, attemptToOrphanKeys, classifyReference, invalidNamespaceRefs, ownerNamespace,
  planAttemptToDelete, planOrphan, type ClassifiedRef, type GcAction,
} from './plan.js';

const CONTROLLER = 'garbagecollector';

/** What the collector's reconciles use. */
export interface GcDeps {
  client: Client;
  graph: Graph;
  logger: Logger;
  recorder: EventRecorder;
  /** Adds keys to the attemptToDelete queue. */
  enqueue(keys: string[]): void;
}

/** The two controllers of the collector. */
export interface GarbageCollector {
  attemptToDelete: Controller;
  attemptToOrphan: Controller;
  graph: Graph;
}

/**
 * Builds the collector on `rt`: the graph (shared informers of every deletable kind) and two controllers, as
 * upstream's GarbageCollector with its attemptToDelete and attemptToOrphan queues. Each informer's changes map to keys
 * through the pure functions of plan.ts; a deletion also enqueues the deleted object's dependents.
 */
export function newGarbageCollector(rt: Runtime, opts: { workers?: number } = {}): GarbageCollector {
  const graph = new Graph(rt);
  const recorder = rt.recorder('garbage-collector-controller');
  const entries = [...graph.informers.values()];
  let deleteQueue: Controller | undefined;
  const deps: GcDeps = { client: rt.client, graph, logger: rt.logger, recorder, enqueue: (keys) => keys.forEach((k) => deleteQueue?.queue.add(k)) };
  deleteQueue = rt.controller({
    name: CONTROLLER,
    workers: opts.workers ?? 2,
    sources: entries.map(({ resource, informer }) => ({ informer, toKeys: (obj: KObject) => attemptToDeleteKeys({ resource, obj }, graph) })),
    reconcile: (key) => attemptToDeleteItem(deps, key),
  });
  for (const { resource, informer } of entries) {
    informer.addEventHandler({ delete: (obj) => deps.enqueue(attemptToDeleteKeysOfDeleted({ resource, obj }, graph)) });
  }
  const attemptToOrphan = rt.controller({
    name: `${CONTROLLER}-orphan`,
    workers: opts.workers ?? 2,
    sources: entries.map(({ resource, informer }) => ({ informer, toKeys: (obj: KObject) => attemptToOrphanKeys({ resource, obj }) })),
    reconcile: (key) => attemptToOrphanItem(deps, key),
  });
  return { attemptToDelete: deleteQueue, attemptToOrphan, graph };
}

/** After a deletion: the dependents of the deleted object (their owner may now be absent). */
function attemptToDeleteKeysOfDeleted(node: Node, graph: Graph): string[] {
  const uid = node.obj.metadata.uid;
  return uid ? graph.dependents(uid).map((d) => itemKey(d.resource, d.obj)) : [];
}

/** The live object, or undefined when it is gone or another object (other uid) now has its name. */
async function latest(client: Client, r: ResourceInfo, namespace: string | undefined, name: string, uid?: string): Promise<KObject | undefined> {
  try {
    const obj = await client.get<KObject>(r, namespace, name);
    return uid === undefined || obj.metadata.uid === uid ? obj : undefined;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/**
 * attemptToDelete for one key: reads the item live (as upstream, the cache may lag), classifies its references —
 * an owner found in the cache with the referenced uid is trusted, any other is verified with a live GET — and carries
 * out the plan.
 */
export async function attemptToDeleteItem(deps: GcDeps, key: string): Promise<void> {
  const where = deps.graph.split(key);
  const cached = deps.graph.get(key);
  if (!where || !cached) return; // gone: its deletion enqueued its dependents
  if (cached.obj.metadata.deletionTimestamp && !deletingWith(cached.obj, FOREGROUND_FINALIZER)) return;
  const obj = await latest(deps.client, where.resource, where.namespace, where.name, cached.obj.metadata.uid);
  if (!obj) return;
  const item: Node = { resource: where.resource, obj };
  const needsOwners = !obj.metadata.deletionTimestamp && ownerRefs(obj).length > 0;
  const refs = needsOwners ? await classifyReferences(deps, item) : [];
  const dependents = deps.graph.dependents(obj.metadata.uid ?? '');
  await execute(deps, item, planAttemptToDelete(item, refs, dependents));
}

async function classifyReferences(deps: GcDeps, item: Node): Promise<ClassifiedRef[]> {
  const out: ClassifiedRef[] = [];
  for (const ref of ownerRefs(item.obj)) {
    const resource = deps.graph.resourceOf(ref.apiVersion, ref.kind);
    let owner: KObject | undefined;
    if (resource && (item.resource.namespaced || !resource.namespaced)) {
      const ns = ownerNamespace(item, resource);
      const cached = deps.graph.ownerByName(resource, ref, ns);
      owner = cached && cached.obj.metadata.uid === ref.uid ? cached.obj : await latest(deps.client, resource, ns, ref.name);
    }
    const cls = classifyReference(item, ref, resource, owner);
    out.push({ ref, cls });
    if (cls === 'dangling' || cls === 'invalid') reportInvalidNamespace(deps, item, ref);
    if (cls === 'unknown' || cls === 'invalid') deps.logger.info({ controller: CONTROLLER, key: itemKey(item.resource, item.obj), owner: ref, reason: cls }, 'owner reference cannot be resolved; item left alone');
  }
  return out;
}

function reportInvalidNamespace(deps: GcDeps, item: Node, ref: OwnerReference): void {
  if (!invalidNamespaceRefs(item, deps.graph).some((r) => r.uid === ref.uid)) return;
  const ns = item.obj.metadata.namespace ?? '';
  const message = `ownerRef [${ref.apiVersion}/${ref.kind}, namespace: ${ns}, name: ${ref.name}, uid: ${ref.uid}] does not exist in namespace "${ns}"`;
  deps.recorder.event(item.obj, 'Warning', 'OwnerRefInvalidNamespace', message);
}

/** attemptToOrphan for one key: strips the owner's references from its dependents, then its `orphan` finalizer. */
export async function attemptToOrphanItem(deps: GcDeps, key: string): Promise<void> {
  const where = deps.graph.split(key);
  const cached = deps.graph.get(key);
  if (!where || !cached) return;
  const obj = await latest(deps.client, where.resource, where.namespace, where.name, cached.obj.metadata.uid);
  if (!obj) return;
  const owner: Node = { resource: where.resource, obj };
  await execute(deps, owner, planOrphan(owner, deps.graph.dependents(obj.metadata.uid ?? '')));
}

/** Carries out a plan in order; NotFound is success, anything else is thrown (rate-limited retry from fresh state). */
async function execute(deps: GcDeps, item: Node, actions: GcAction[]): Promise<void> {
  for (const a of actions) {
    deps.logger.info({ controller: CONTROLLER, key: a.type === 'enqueue' ? itemKey(item.resource, item.obj) : a.key, action: a.type, ...(a.type === 'delete' ? { policy: a.policy } : {}) }, 'garbage collector action');
    if (a.type === 'enqueue') {
      deps.enqueue(a.keys);
      continue;
    }
    const where = deps.graph.split(a.key);
    if (!where) continue;
    try {
      await write(deps.client, where.resource, where.namespace, where.name, a, item);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

async function write(client: Client, r: ResourceInfo, ns: string | undefined, name: string, a: Exclude<GcAction, { type: 'enqueue' }>, item: Node): Promise<void> {
  switch (a.type) {
    case 'delete':
      await client.delete(r, ns, name, { propagationPolicy: a.policy, preconditions: { uid: a.uid } });
      return;
    case 'removeOwnerRefs':
      // upstream GenerateDeleteOwnerRefStrategicMergeBytes: delete by merge key uid; metadata.uid pins the object
      await client.patch(r, ns, name, 'strategic', { metadata: { ownerReferences: a.ownerUids.map((uid) => ({ $patch: 'delete', uid })), uid: a.uid } });
      return;
    case 'unblockOwnerRefs':
      await client.patch(r, ns, name, 'strategic', { metadata: { ownerReferences: a.ownerUids.map((uid) => ({ uid, blockOwnerDeletion: false })), uid: a.uid } });
      return;
    case 'removeFinalizer': {
      // upstream removeFinalizer: the finalizers without this one, guarded by the resourceVersion just read
      const obj = item.obj.metadata.uid === a.uid ? item.obj : await client.get<KObject>(r, ns, name);
      const rest = (obj.metadata.finalizers ?? []).filter((f) => f !== a.finalizer);
      await client.patch(r, ns, name, 'merge', { metadata: { finalizers: rest.length > 0 ? rest : null, resourceVersion: obj.metadata.resourceVersion, uid: a.uid } });
      return;
    }
  }
}
