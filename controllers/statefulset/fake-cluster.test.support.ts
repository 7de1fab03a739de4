// An in-memory API for the StatefulSet sync tests: list, watch, get, create, update, patch, delete, every write recorded.

import type { ResourceInfo } from '../../apiserver/api/resources.js';
import { alreadyExists, conflict, notFound } from '../../apiserver/api/status.js';
import type { KList, KObject } from '../../apiserver/api/types.js';
import type { Client, EventRecorder, WatchEvent } from '../runtime/index.js';
import { keyOf } from '../runtime/index.js';

/** One recorded write. */
export interface Call {
  verb: 'create' | 'update' | 'patch' | 'delete';
  resource: string;
  name: string;
  subresource?: string;
  body?: unknown;
}

type Listener = (ev: WatchEvent<KObject>) => void;

/**
 * Objects by `<plural>|<ns>/<name>`. Writes bump a global revision and reach open watches unless `hold` is set (then
 * the events wait in `held` until `release()`, as a lagging watch would). Pods get `status.phase: Pending` on create and
 * a deletionTimestamp on delete (graceful), as the API server and a kubelet would leave them.
 */
export class FakeCluster {
  readonly objects = new Map<string, KObject>();
  readonly calls: Call[] = [];
  readonly events: string[] = [];
  rev = 100;
  hold = false;
  private held: Array<() => void> = [];
  private readonly listeners = new Map<string, Set<Listener>>();
  private uid = 0;

  /** Seeds an object (no call recorded), as if it had been there before. */
  seed(r: ResourceInfo, obj: KObject | object): KObject {
    const o = structuredClone(obj) as KObject;
    o.metadata.resourceVersion ??= String(++this.rev);
    o.metadata.uid ??= `uid-${++this.uid}`;
    this.objects.set(`${r.plural}|${keyOf(o)}`, o);
    return o;
  }

  /** Objects of a resource. */
  list(r: ResourceInfo): KObject[] {
    return [...this.objects.entries()].filter(([k]) => k.startsWith(`${r.plural}|`)).map(([, v]) => v);
  }

  /** Changes a stored object as another component would (no call recorded); `undefined` from `fn` removes it. */
  mutate(r: ResourceInfo, key: string, fn: (o: KObject) => KObject | undefined): void {
    const cur = this.objects.get(`${r.plural}|${key}`);
    if (!cur) throw new Error(`no ${r.plural} ${key}`);
    const next = fn(structuredClone(cur));
    if (next) {
      this.store(r, next, 'MODIFIED');
      return;
    }
    this.objects.delete(`${r.plural}|${key}`);
    this.emit(r, 'DELETED', { ...cur, metadata: { ...cur.metadata, resourceVersion: String(++this.rev) } });
  }

  /** Delivers the held watch events. */
  release(): void {
    this.hold = false;
    const h = this.held;
    this.held = [];
    for (const f of h) f();
  }

  /** Writes names in order, e.g. `create pods web-0`. */
  get writes(): string[] {
    return this.calls.map((c) => `${c.verb} ${c.resource}${c.subresource ? `/${c.subresource}` : ''} ${c.name}`);
  }

  private emit(r: ResourceInfo, type: 'ADDED' | 'MODIFIED' | 'DELETED', o: KObject): void {
    const send = (): void => {
      for (const l of this.listeners.get(r.plural) ?? []) l({ type, object: structuredClone(o) });
    };
    if (this.hold) this.held.push(send);
    else send();
  }

  private store(r: ResourceInfo, o: KObject, type: 'ADDED' | 'MODIFIED'): KObject {
    o.metadata.resourceVersion = String(++this.rev);
    this.objects.set(`${r.plural}|${keyOf(o)}`, o);
    this.emit(r, type, o);
    return structuredClone(o);
  }

  private existing(r: ResourceInfo, ns: string | undefined, name: string): KObject {
    const o = this.objects.get(`${r.plural}|${ns ? `${ns}/` : ''}${name}`);
    if (!o) throw notFound({ group: r.group, resource: r.plural }, name);
    return o;
  }

  /** A recorder that keeps `Type Reason Message` lines. */
  recorder(): EventRecorder {
    return { event: (_o, type, reason, message) => void this.events.push(`${type} ${reason} ${message}`), flush: async () => undefined };
  }

  /** The client surface the controller uses. */
  client(): Client {
    const c = {
      listAll: async (r: ResourceInfo): Promise<KList<KObject>> => ({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: String(this.rev) }, items: this.list(r).map((o) => structuredClone(o)) }),
      watch: (r: ResourceInfo, _o: unknown, signal: AbortSignal) => this.watch(r, signal),
      get: async (r: ResourceInfo, ns: string | undefined, name: string) => structuredClone(this.existing(r, ns, name)),
      create: async (r: ResourceInfo, body: KObject) => {
        const o = structuredClone(body);
        this.calls.push({ verb: 'create', resource: r.plural, name: o.metadata.name ?? '', body });
        if (this.objects.has(`${r.plural}|${keyOf(o)}`)) throw alreadyExists({ group: r.group, resource: r.plural }, o.metadata.name ?? '');
        o.metadata.uid = `uid-${++this.uid}`;
        o.metadata.creationTimestamp = '2025-01-01T00:00:00Z';
        if (r.plural === 'pods') o.status = { phase: 'Pending' };
        return this.store(r, o, 'ADDED');
      },
      update: async (r: ResourceInfo, body: KObject, opts: { subresource?: string } = {}) => {
        this.calls.push({ verb: 'update', resource: r.plural, name: body.metadata.name ?? '', ...(opts.subresource ? { subresource: opts.subresource } : {}), body });
        const cur = this.existing(r, body.metadata.namespace, body.metadata.name ?? '');
        if (body.metadata.resourceVersion && body.metadata.resourceVersion !== cur.metadata.resourceVersion) throw conflict({ group: r.group, resource: r.plural }, body.metadata.name ?? '');
        const next = opts.subresource === 'status' ? { ...structuredClone(cur), status: structuredClone(body.status) } : structuredClone(body);
        return this.store(r, next, 'MODIFIED');
      },
      patch: async (r: ResourceInfo, ns: string | undefined, name: string, _type: string, body: { metadata?: { ownerReferences?: unknown[] } }) => {
        this.calls.push({ verb: 'patch', resource: r.plural, name, body });
        const cur = structuredClone(this.existing(r, ns, name));
        const refs = (body.metadata?.ownerReferences ?? []) as Array<Record<string, unknown>>;
        if (refs.some((x) => x.$patch === 'delete')) cur.metadata.ownerReferences = [];
        else cur.metadata.ownerReferences = [...(cur.metadata.ownerReferences ?? []), ...(refs as never[])];
        return this.store(r, cur, 'MODIFIED');
      },
      delete: async (r: ResourceInfo, ns: string | undefined, name: string, opts: { preconditions?: { uid?: string } } = {}) => {
        this.calls.push({ verb: 'delete', resource: r.plural, name });
        const cur = this.existing(r, ns, name);
        if (opts.preconditions?.uid && opts.preconditions.uid !== cur.metadata.uid) throw conflict({ group: r.group, resource: r.plural }, name);
        if (r.plural === 'pods') return this.store(r, { ...structuredClone(cur), metadata: { ...cur.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' } }, 'MODIFIED');
        this.objects.delete(`${r.plural}|${keyOf(cur)}`);
        this.emit(r, 'DELETED', cur);
        return {};
      },
    };
    return c as unknown as Client;
  }

  private async *watch(r: ResourceInfo, signal: AbortSignal): AsyncGenerator<WatchEvent<KObject>> {
    const queue: WatchEvent<KObject>[] = [];
    let wake: (() => void) | undefined;
    const l: Listener = (ev) => {
      queue.push(ev);
      wake?.();
    };
    const set = this.listeners.get(r.plural) ?? new Set();
    set.add(l);
    this.listeners.set(r.plural, set);
    const onAbort = (): void => wake?.();
    signal.addEventListener('abort', onAbort);
    try {
      for (;;) {
        if (signal.aborted) return;
        const ev = queue.shift();
        if (ev) yield ev;
        else await new Promise<void>((res) => (wake = res));
      }
    } finally {
      set.delete(l);
      signal.removeEventListener('abort', onAbort);
    }
  }
}
