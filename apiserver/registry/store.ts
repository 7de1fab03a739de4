// The generic registry: get, list, create, update and delete of any resource on the Storage interface.

import { randomUUID } from 'node:crypto';
import * as S from '../api/status.js';
import { groupVersion, keyPrefix, objectKey, type ResourceInfo } from '../api/resources.js';
import { isPlainObject, type KList, type KObject } from '../api/types.js';
import { StorageError, type KV, type Storage } from '../storage/types.js';
import { decode, encode, encodeText, sameBytes, textOf, withResourceVersion } from './codec.js';
import { generateSuffix, prepareCreate, timestamp, type CreateToCommit } from './prepare.js';

export { timestamp } from './prepare.js';
export type { CreateToCommit, PreparedCreate } from './prepare.js';
export type { StoredAccount } from './admission-inputs.js';
import { strategyFor } from './strategy.js';
import {
  PriorityClassLookup, ServiceAccountLookup, StorageClassLookup, admissionInputsOf, admissionNeed, type StoredAccount,
} from './admission-inputs.js';
import { defaultStorageClassName } from './admission-storage.js';
import type { AdmissionInputs } from './prepare.js';
import { semanticEqual } from './semantic.js';
import { comparableStored } from './stored-shape.js';
import { normalizeMeta } from './defaults.js';
import { validateUpdateMeta } from './validate.js';
import { beginDelete, readyToRemove, type DeleteOptions, type DeletePlan } from './delete.js';
import { decodeContinue, encodeContinue } from './continue.js';
import { WatchCaches, startWatch, type StartWatchRequest, type WatchCacheOptions, type WatchHandle } from './watch-cache.js';

export type { DeleteOptions } from './delete.js';
export type { WatchEventType, WatchItem } from './watch.js';
export type { StartWatchRequest, WatchHandle, WatchSink } from './watch-cache.js';

/** What the registry needs from its surroundings. */
export interface RegistryDeps {
  storage: Storage;
  /** The clock (injected so tests control time). */
  now?: () => Date;
  newUid?: () => string;
  /** Sizes of the watch cache. */
  watchCache?: WatchCacheOptions;
}

export interface ListOptions {
  /** Keep only objects for which this is true (label and field selectors). */
  predicate?: (obj: KObject) => boolean;
  limit?: number;
  continueToken?: string;
}

export interface WriteOptions {
  dryRun?: boolean;
  /**
   * Writes through a subresource: `status` writes only status, `finalize` only a namespace's spec.finalizers;
   * `storage` writes the object as given, without the strategy (upstream's direct storage update, as pods/binding).
   */
  subresource?: 'status' | 'finalize' | 'storage' | undefined;
  /**
   * The metadata.managedFields to store (server-side apply field ownership), given the object the request asks for
   * (before the strategy's own changes), the live one (none on create) and the managedFields the request carried.
   * Without it an update keeps the live managedFields and a create stores none.
   */
  managedFields?: (next: KObject, old: KObject | undefined, incoming: unknown) => unknown[] | undefined;
}

function qr(r: ResourceInfo): S.QualifiedResource {
  return { group: r.group, resource: r.plural };
}

/** A deep copy of a JSON object. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

/**
 * The registry applies upstream's generic store semantics (k8s.io/apiserver registry/generic/registry/store.go):
 * server-set metadata on create, optimistic concurrency on update, no-op writes that keep the resourceVersion,
 * generation bumps on spec changes, finalizers and graceful deletion, and dry-run that persists nothing.
 */
export class Registry {
  readonly storage: Storage;
  private readonly now: () => Date;
  private readonly newUid: () => string;
  /** One shared storage watch per watched resource (see watch-cache.ts). */
  readonly watches: WatchCaches;

  /** What pod create admission reads (the pod's ServiceAccount). */
  private readonly serviceAccounts: ServiceAccountLookup;
  /** What Priority admission reads (the stored PriorityClasses). */
  private readonly priorityClasses: PriorityClassLookup;
  /** What DefaultStorageClass admission reads (the stored StorageClasses). */
  private readonly storageClasses: StorageClassLookup;

  constructor(deps: RegistryDeps) {
    this.storage = deps.storage;
    this.watches = new WatchCaches(deps.storage, deps.watchCache);
    this.serviceAccounts = new ServiceAccountLookup(deps.storage);
    this.priorityClasses = new PriorityClassLookup(deps.storage);
    this.storageClasses = new StorageClassLookup(deps.storage);
    this.now = deps.now ?? (() => new Date());
    this.newUid = deps.newUid ?? randomUUID;
  }

  /** Starts a watcher whose events go to `req.sink`; see startWatch. */
  watch(r: ResourceInfo, req: StartWatchRequest): Promise<WatchHandle> {
    return startWatch(this.storage, this.watches, r, req);
  }

  /** The current revision (the resourceVersion a list would report now). */
  currentRevision(): Promise<number> {
    return this.storage.currentRevision();
  }

  /** Reads one object, or throws NotFound. */
  async get(r: ResourceInfo, namespace: string | undefined, name: string): Promise<KObject> {
    return this.toObject(r, await this.getKV(r, namespace, name));
  }

  /** Reads one object as response JSON (its stored text with the resourceVersion), without decoding it. */
  async getJSON(r: ResourceInfo, namespace: string | undefined, name: string): Promise<string> {
    const kv = await this.getKV(r, namespace, name);
    return withResourceVersion(textOf(kv.value), kv.modRevision);
  }

  /** Lists objects in key order (namespace, then name), filtered, in pages of `limit`. */
  async list(r: ResourceInfo, namespace: string | undefined, opts: ListOptions = {}): Promise<KList> {
    const page = await this.listEntries(r, namespace, opts);
    const items = page.entries.map((e) => e.obj ?? this.toObject(r, e.kv));
    return { apiVersion: groupVersion(r), kind: r.listKind, metadata: page.metadata, items };
  }

  /** The same list as response JSON, built from the stored texts without decoding what no selector needs. */
  async listJSON(r: ResourceInfo, namespace: string | undefined, opts: ListOptions = {}): Promise<string> {
    const page = await this.listEntries(r, namespace, opts);
    const items = page.entries.map((e) => withResourceVersion(textOf(e.kv.value), e.kv.modRevision));
    const head = JSON.stringify({ apiVersion: groupVersion(r), kind: r.listKind, metadata: page.metadata });
    return `${head.slice(0, -1)},"items":[${items.join(',')}]}`;
  }

  /**
   * One page of matching entries. Only objects a predicate must see are decoded. `continue` is set when keys remain
   * after the last one examined (upstream sets it from etcd's "more", so a last page may still carry one).
   */
  private async listEntries(r: ResourceInfo, namespace: string | undefined, opts: ListOptions): Promise<{ entries: Array<{ kv: KV; obj?: KObject }>; metadata: KList['metadata'] }> {
    const prefix = keyPrefix(r, namespace);
    let after = opts.continueToken ? decodeContinue(opts.continueToken, prefix) : undefined;
    const limit = opts.limit && opts.limit > 0 ? opts.limit : undefined;
    const entries: Array<{ kv: KV; obj?: KObject }> = [];
    let revision = 0;
    let more = false;
    let lastKey: string | undefined;
    for (;;) {
      const page = await this.storage.list(prefix, { after, limit: limit ? Math.max(limit - entries.length, 64) : undefined });
      if (revision === 0) revision = page.revision;
      for (const kv of page.items) {
        if (limit && entries.length >= limit) {
          more = true;
          break;
        }
        lastKey = kv.key;
        if (!opts.predicate) {
          entries.push({ kv });
          continue;
        }
        const obj = this.toObject(r, kv);
        if (opts.predicate(obj)) entries.push({ kv, obj });
      }
      if (more || !page.more || page.items.length === 0) {
        more = more || (page.more && page.items.length > 0 && !!limit && entries.length >= limit);
        break;
      }
      after = page.items[page.items.length - 1]!.key;
    }
    const metadata: KList['metadata'] = { resourceVersion: String(revision) };
    if (more && lastKey) metadata.continue = encodeContinue(lastKey, prefix, revision);
    return { entries, metadata };
  }

  private async getKV(r: ResourceInfo, namespace: string | undefined, name: string): Promise<KV> {
    const kv = await this.storage.get(objectKey(r, namespace, name));
    if (!kv) throw S.notFound(qr(r), name);
    return kv;
  }

  /** Creates an object (201 semantics): server-set metadata, defaults, validation, then one storage write. */
  async create(r: ResourceInfo, namespace: string | undefined, body: KObject, opts: WriteOptions = {}): Promise<KObject> {
    const incoming = body.metadata.managedFields;
    const admission = await this.admissionInputs(r, namespace);
    if (admission.pod) Object.assign(admission.pod, await this.serviceAccounts.podInputs(namespace!, body));
    const prepared = prepareCreate(r, namespace, body, this.now(), this.newUid(), admission);
    const managed = prepared.invalid ? undefined : opts.managedFields?.(prepared.obj, undefined, incoming);
    if (managed?.length) {
      prepared.obj.metadata.managedFields = managed as KObject['metadata']['managedFields'];
      prepared.text = encodeText(prepared.obj);
    }
    const rv = await this.commitCreate(r, namespace, prepared, opts);
    if (rv !== undefined) prepared.obj.metadata.resourceVersion = rv;
    return prepared.obj;
  }

  /**
   * Stores a prepared create: the namespace check (404, or 403 while it terminates), then the validation failure
   * found while preparing (422), then one storage write. Returns the new resourceVersion (none on dry-run).
   * A generated name that clashes gets a new suffix (upstream retries the same way); a create prepared elsewhere
   * (without `obj`) is decoded from its text for that.
   */
  async commitCreate(r: ResourceInfo, namespace: string | undefined, prepared: CreateToCommit, opts: WriteOptions = {}): Promise<string | undefined> {
    if (r.namespaced) await this.checkNamespace(r, namespace!, prepared.name);
    if (prepared.invalid) throw prepared.invalid;
    if (opts.dryRun) return undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        const key = objectKey(r, namespace, prepared.name);
        const kv = await this.written(key, this.storage.create(key, Buffer.from(prepared.text)));
        return String(kv.modRevision);
      } catch (e) {
        if (!(e instanceof StorageError) || e.code !== 'KeyExists') throw e;
        if (!prepared.generated || attempt >= 5) throw S.alreadyExists(qr(r), prepared.name);
        const obj = (prepared.obj ??= JSON.parse(prepared.text) as KObject);
        prepared.name = obj.metadata.name = `${obj.metadata.generateName}${generateSuffix()}`;
        prepared.text = encodeText(obj);
      }
    }
  }

  /** What a create takes from the server rather than the request: the time and a new uid. */
  createIdentity(): { now: Date; uid: string } {
    return { now: this.now(), uid: this.newUid() };
  }

  /** A ServiceAccount as stored (what pod admission reads), or null when it does not exist. */
  storedServiceAccount(namespace: string, name: string): Promise<StoredAccount | null> {
    return this.serviceAccounts.stored(namespace, name);
  }

  /**
   * What create admission of `r` in `namespace` reads from storage (see admissionNeed): the PriorityClasses for a pod
   * or a PriorityClass, the default StorageClass for a claim. A pod's ServiceAccount depends on its body, so callers
   * add it (create below; the create handler looks it up around the worker).
   */
  async admissionInputs(r: ResourceInfo, namespace: string | undefined): Promise<AdmissionInputs> {
    const need = admissionNeed(r, namespace);
    if (need === 'pod' || need === 'priorityclass') return admissionInputsOf(need, { priorityClasses: await this.priorityClasses.all() });
    if (need === 'claim') return admissionInputsOf(need, { defaultStorageClass: await this.defaultStorageClass() });
    return admissionInputsOf(need, {});
  }

  /** The default StorageClass's name as DefaultStorageClass admission picks it (what claim creates are admitted with). */
  async defaultStorageClass(): Promise<string | undefined> {
    return defaultStorageClassName(await this.storageClasses.all());
  }

  /**
   * Replaces an object (PUT). A non-empty metadata.resourceVersion is a precondition (409 when stale);
   * an empty one is an unconditional update, retried on storage conflicts.
   */
  async update(r: ResourceInfo, namespace: string | undefined, name: string, body: KObject, opts: WriteOptions = {}): Promise<KObject> {
    const wanted = body.metadata.resourceVersion;
    return this.guaranteedUpdate(r, namespace, name, (current) => {
      if (!wanted && strategyFor(r).allowUnconditionalUpdate === false) {
        throw S.invalid(r.plural, r.group, name, [{ type: 'Invalid', field: 'metadata.resourceVersion', valueText: '0x0', detail: 'must be specified for an update' }]);
      }
      if (wanted && wanted !== current.metadata.resourceVersion) throw S.conflict(qr(r), name);
      return clone(body);
    }, opts);
  }

  /**
   * Read-modify-write with retries on storage conflicts (upstream GuaranteedUpdate). `mutate` receives a private
   * copy of the current object and returns the desired one; it may throw ApiErrors (preconditions, bad patches).
   */
  async guaranteedUpdate(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    mutate: (current: KObject) => KObject | Promise<KObject>,
    opts: WriteOptions = {},
  ): Promise<KObject> {
    const key = objectKey(r, namespace, name);
    for (;;) {
      const kv = await this.storage.get(key);
      if (!kv) throw S.notFound(qr(r), name);
      const stored = this.toObject(r, kv);
      const wanted = await mutate(this.toObject(r, kv));
      if (!isPlainObject(wanted) || !isPlainObject(wanted.metadata)) throw S.badRequest('the object provided is unrecognized');
      // Kinds whose updates compare spec with the stored one see it as upstream would have stored it.
      const strategy = strategyFor(r);
      const compares = !opts.subresource && (strategy.tracksGeneration || strategy.validateUpdate !== undefined);
      const old = compares ? comparableStored(r, stored, wanted) : stored;
      const uid = wanted.metadata.uid;
      if (!opts.subresource && uid && uid !== old.metadata.uid) {
        throw S.invalid(r.kind, r.group, name, [{ type: 'Invalid', field: 'metadata.uid', value: uid, detail: 'field is immutable' }]);
      }
      // Field ownership is computed before the strategy runs, so fields it sets (generation, status) are nobody's.
      const managed = opts.managedFields ? opts.managedFields(wanted, old, wanted.metadata.managedFields) : old.metadata.managedFields;
      const next = this.prepareUpdate(r, wanted, old, opts);
      if (managed?.length) next.metadata.managedFields = managed as KObject['metadata']['managedFields'];
      validateUpdateMeta(r, next, old, opts.subresource);
      if (strategy.validateAdmissionUpdate && !opts.subresource) {
        const denied = strategy.validateAdmissionUpdate(next, { name, ...(await this.admissionInputs(r, namespace)) });
        if (denied) throw denied;
      }
      try {
        return await this.commitUpdate(r, key, kv, next, opts);
      } catch (e) {
        if (e instanceof StorageError && (e.code === 'Conflict' || e.code === 'NotFound')) continue;
        throw e;
      }
    }
  }

  /** Deletes an object, honouring finalizers, graceful pod deletion, preconditions and dry-run. */
  async delete(r: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<{ object: KObject; deleted: boolean }> {
    const key = objectKey(r, namespace, name);
    for (;;) {
      const kv = await this.storage.get(key);
      if (!kv) throw S.notFound(qr(r), name);
      const current = this.toObject(r, kv);
      const plan: DeletePlan = beginDelete(r, current, opts, this.now());
      if (opts.dryRun) {
        if (plan.kind === 'update') return { object: plan.object, deleted: false };
        return plan.kind === 'delete' ? { object: plan.answer ?? current, deleted: true } : { object: current, deleted: false };
      }
      try {
        if (plan.kind === 'delete') {
          const gone = await this.written(key, this.storage.delete(key, kv.modRevision));
          const answer = plan.answer ?? current;
          answer.metadata.resourceVersion = String(gone.modRevision);
          return { object: answer, deleted: true };
        }
        if (plan.kind === 'unchanged') return { object: current, deleted: false };
        const next = await this.written(key, this.storage.update(key, encode(plan.object), kv.modRevision));
        plan.object.metadata.resourceVersion = String(next.modRevision);
        return { object: plan.object, deleted: false };
      } catch (e) {
        if (e instanceof StorageError && (e.code === 'Conflict' || e.code === 'NotFound')) continue;
        throw e;
      }
    }
  }

  private async commitUpdate(r: ResourceInfo, key: string, kv: KV, next: KObject, opts: WriteOptions): Promise<KObject> {
    const meta = next.metadata;
    if (readyToRemove(r, next)) {
      if (opts.dryRun) return next;
      const gone = await this.written(key, this.storage.delete(key, kv.modRevision));
      meta.resourceVersion = String(gone.modRevision);
      return next;
    }
    const bytes = encode(next);
    if (sameBytes(bytes, kv.value)) {
      meta.resourceVersion = String(kv.modRevision);
      return next;
    }
    if (opts.dryRun) return next;
    const written = await this.written(key, this.storage.update(key, bytes, kv.modRevision));
    meta.resourceVersion = String(written.modRevision);
    return next;
  }

  /** The object to store: immutable and server-owned fields carried over, generation bumped on spec change. */
  private prepareUpdate(r: ResourceInfo, next: KObject, old: KObject, opts: WriteOptions): KObject {
    if (opts.subresource === 'status') {
      // Upstream ResetObjectMetaForStatus + strategy: a status write changes status and nothing else.
      const base = clone(old);
      if (next.status === undefined) delete base.status;
      else base.status = next.status;
      strategyFor(r).prepareForStatusUpdate?.(base, old, timestamp(this.now()));
      return base;
    }
    if (opts.subresource === 'storage') return next;
    if (opts.subresource === 'finalize') {
      const base = clone(old);
      const spec = isPlainObject(next.spec) ? next.spec : {};
      base.spec = { ...(isPlainObject(base.spec) ? base.spec : {}), finalizers: Array.isArray(spec.finalizers) ? spec.finalizers : [] };
      return base;
    }
    const strategy = strategyFor(r);
    const meta = next.metadata;
    const om = old.metadata;
    meta.name = om.name;
    if (r.namespaced) meta.namespace = om.namespace;
    else delete meta.namespace;
    meta.uid = om.uid;
    meta.creationTimestamp = om.creationTimestamp;
    meta.resourceVersion = om.resourceVersion;
    copyOrDelete(meta, om, 'deletionTimestamp');
    copyOrDelete(meta, om, 'deletionGracePeriodSeconds');
    copyOrDelete(meta, om, 'generation');
    delete meta.managedFields;
    delete meta.selfLink;
    strategy.defaults?.(next);
    strategy.prepareForUpdate?.(next, old);
    normalizeMeta(next);
    if (strategy.tracksGeneration && !semanticEqual(next.spec, old.spec)) {
      meta.generation = (om.generation ?? 0) + 1;
    }
    if (next.apiVersion === undefined && old.apiVersion !== undefined) next.apiVersion = old.apiVersion;
    if (next.kind === undefined && old.kind !== undefined) next.kind = old.kind;
    return next;
  }

  /**
   * Awaits a storage write of `key` (every write the registry makes goes through here), then tells the admission
   * lookups, whose kept answers it may have changed; also when it failed, as a failure may still have been applied.
   */
  private async written<T>(key: string, write: Promise<T>): Promise<T> {
    try {
      return await write;
    } finally {
      this.priorityClasses.wrote(key);
      this.storageClasses.wrote(key);
    }
  }

  /** Whether each namespace was terminating, by the revision it was read at (saves decoding it on every create). */
  private readonly namespaceState = new Map<string, { modRevision: number; terminating: boolean }>();

  private async checkNamespace(r: ResourceInfo, namespace: string, name: string): Promise<void> {
    const kv = await this.storage.get(`/registry/namespaces/${namespace}`);
    if (!kv) {
      this.namespaceState.delete(namespace);
      throw S.notFound({ group: '', resource: 'namespaces' }, namespace);
    }
    let state = this.namespaceState.get(namespace);
    if (state?.modRevision !== kv.modRevision) {
      state = { modRevision: kv.modRevision, terminating: !!decode(kv.value, kv.modRevision).metadata.deletionTimestamp };
      this.namespaceState.set(namespace, state);
    }
    if (state.terminating) {
      throw S.forbidden(qr(r), name, `unable to create new content in namespace ${namespace} because it is being terminated`, [
        { reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' },
      ]);
    }
  }

  private toObject(r: ResourceInfo, kv: KV): KObject {
    const obj = decode(kv.value, kv.modRevision);
    if (obj.apiVersion === undefined) obj.apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
    if (obj.kind === undefined) obj.kind = r.kind;
    return obj;
  }
}

function copyOrDelete<T extends object>(to: T, from: T, k: keyof T): void {
  if (from[k] === undefined) delete to[k];
  else to[k] = from[k];
}
