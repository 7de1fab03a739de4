// A recording in-memory client for the lifecycle controllers' unit tests: get, merge/strategic patch, delete.

import type { ResourceInfo } from '../../apiserver/api/resources.js';
import { conflict, notFound } from '../../apiserver/api/status.js';
import type { Node, Pod } from '../../apiserver/api/types.js';
import type { EventRecorder } from '../runtime/index.js';
import type { WriteClient } from './writes.js';

/** One recorded call. */
export interface Action {
  verb: 'get' | 'patch' | 'delete';
  resource: string;
  name: string;
  subresource?: string;
  body?: unknown;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386 merge, with `conditions` lists merged by `type` when `byType` (a strategic patch of pod status). */
function merge(target: unknown, patch: unknown, byType: boolean): unknown {
  if (!isObj(patch)) return patch;
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (byType && k === 'conditions' && Array.isArray(v)) {
      const list = Array.isArray(out[k]) ? [...(out[k] as Obj[])] : [];
      for (const c of v as Obj[]) {
        const i = list.findIndex((x) => x.type === c.type);
        if (i < 0) list.push(c);
        else list[i] = { ...list[i], ...c };
      }
      out[k] = list;
    } else out[k] = merge(out[k], v, byType);
  }
  return out;
}

/** Objects by `<plural>/<ns>/<name>`; every call recorded in `actions`. */
export class FakeClient {
  readonly objects = new Map<string, Obj>();
  readonly actions: Action[] = [];
  private rv = 100;

  private key(plural: string, ns: string | undefined, name: string): string {
    return `${plural}/${ns ?? ''}/${name}`;
  }

  /** Stores (or replaces) an object with a fresh resourceVersion; returns the stored copy. */
  put<T extends Node | Pod>(plural: 'nodes' | 'pods', obj: T): T {
    const o = structuredClone(obj) as unknown as Obj & { metadata: Obj };
    o.metadata = { ...o.metadata, resourceVersion: String(++this.rv) };
    this.objects.set(this.key(plural, o.metadata.namespace as string | undefined, o.metadata.name as string), o);
    return structuredClone(o) as unknown as T;
  }

  /** The stored object, cloned. */
  obj<T = Obj>(plural: 'nodes' | 'pods', name: string, ns?: string): T | undefined {
    const o = this.objects.get(this.key(plural, ns, name));
    return o ? (structuredClone(o) as T) : undefined;
  }

  /** Every stored object of a kind. */
  all<T = Obj>(plural: 'nodes' | 'pods'): T[] {
    return [...this.objects].filter(([k]) => k.startsWith(`${plural}/`)).map(([, o]) => structuredClone(o) as T);
  }

  /** Recorded writes, as `verb resource/name[/sub]`. */
  writes(): string[] {
    return this.actions.filter((a) => a.verb !== 'get').map((a) => `${a.verb} ${a.resource}/${a.name}${a.subresource ? `/${a.subresource}` : ''}`);
  }

  /** The client face. */
  client(): WriteClient {
    const self = this;
    return {
      async get<T>(r: ResourceInfo, ns: string | undefined, name: string): Promise<T> {
        self.actions.push({ verb: 'get', resource: r.plural, name });
        const o = self.objects.get(self.key(r.plural, ns, name));
        if (!o) throw notFound({ group: r.group, resource: r.plural }, name);
        return structuredClone(o) as T;
      },
      async patch<T>(r: ResourceInfo, ns: string | undefined, name: string, type: string, body: unknown, opts: { subresource?: string } = {}): Promise<T> {
        self.actions.push({ verb: 'patch', resource: r.plural, name, subresource: opts.subresource, body });
        const k = self.key(r.plural, ns, name);
        const o = self.objects.get(k) as (Obj & { metadata: Obj }) | undefined;
        if (!o) throw notFound({ group: r.group, resource: r.plural }, name);
        const meta = isObj(body) && isObj(body.metadata) ? body.metadata : {};
        if (meta.resourceVersion && meta.resourceVersion !== o.metadata.resourceVersion) throw conflict({ group: r.group, resource: r.plural }, name);
        const next = merge(o, { ...(body as Obj), metadata: { ...meta, resourceVersion: String(++self.rv) } }, type === 'strategic') as Obj;
        self.objects.set(k, next);
        return structuredClone(next) as T;
      },
      async delete<T>(r: ResourceInfo, ns: string | undefined, name: string, opts: { gracePeriodSeconds?: number } = {}): Promise<T> {
        self.actions.push({ verb: 'delete', resource: r.plural, name, body: opts });
        const k = self.key(r.plural, ns, name);
        const o = self.objects.get(k) as (Obj & { metadata: Obj }) | undefined;
        if (!o) throw notFound({ group: r.group, resource: r.plural }, name);
        if (opts.gracePeriodSeconds === 0) self.objects.delete(k);
        else self.objects.set(k, { ...o, metadata: { ...o.metadata, deletionTimestamp: '2030-01-01T00:00:00Z', resourceVersion: String(++self.rv) } });
        return structuredClone(o) as T;
      },
    } as unknown as WriteClient;
  }
}

/** An event recorder that keeps `type reason message` lines, with the involved object's name. */
export function recordingRecorder(): EventRecorder & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    event(obj, type, reason, message) {
      events.push(`${obj.kind ?? ''}/${obj.metadata?.name ?? ''} ${type} ${reason} ${message}`);
    },
    flush: () => Promise.resolve(),
  };
}
