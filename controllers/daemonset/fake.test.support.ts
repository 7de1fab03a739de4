// An in-memory API for the DaemonSet controller's unit tests: a recording client, caches, a fake clock, and helpers
// that play the scheduler and the kubelet.

import type { ResourceInfo } from '../../apiserver/api/resources.js';
import { alreadyExists, conflict, notFound } from '../../apiserver/api/status.js';
import type { ControllerRevision, DaemonSet, Node, Pod } from '../../apiserver/api/types.js';
import { metaTime } from '../../apiserver/api/time.js';
import { FakeClock, silentLogger, type Client, type EventRecorder } from '../runtime/index.js';
import { Backoff } from './backoff.js';
import type { DaemonSetDeps } from './deps.js';
import { newPodExpectations } from './expectations.js';
import { targetNodeName } from './util.js';

type Obj = Record<string, unknown> & { metadata: Record<string, unknown> & { name: string; namespace?: string } };
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One recorded write. */
export interface Action {
  verb: 'create' | 'update' | 'patch' | 'delete' | 'get';
  resource: string;
  name: string;
  subresource?: string;
  body?: unknown;
}

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Merges a patch the controller sends (adopt, release, relabel): ownerReferences by uid with `$patch: delete`. */
function merge(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return patch;
  const out: Json = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'ownerReferences' && Array.isArray(v)) {
      let refs: Json[] = Array.isArray(out[k]) ? [...(out[k] as Json[])] : [];
      for (const r of v as Json[]) {
        refs = refs.filter((x) => x.uid !== r.uid);
        if (r.$patch !== 'delete') refs.push(r);
      }
      out[k] = refs;
    } else if (v === null) delete out[k];
    else out[k] = merge(out[k], v);
  }
  return out;
}

/** A small API server in memory; `cache` is what the controller's informers would hold. */
export class FakeCluster {
  readonly objects = new Map<string, Obj>();
  /** What the informers show; by default it follows every write at once (see freezeCache). */
  private cache: Map<string, Obj> | undefined;
  readonly actions: Action[] = [];
  readonly events: Array<{ type: string; reason: string; message: string }> = [];
  readonly clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  /** Fails pod creates for which this returns an error. */
  failCreate: ((pod: Pod) => Error | undefined) | undefined;
  private rv = 100;
  private seq = 0;

  private key(plural: string, ns: string | undefined, name: string): string {
    return `${plural}/${ns ?? ''}/${name}`;
  }

  /** Stores an object as the server would (uid, resourceVersion, creationTimestamp filled when missing). */
  put<T>(plural: string, obj: T): T {
    const o = structuredClone(obj) as unknown as Obj;
    o.metadata.uid ??= `uid-${++this.seq}`;
    o.metadata.creationTimestamp ??= metaTime(this.clock.now());
    o.metadata.resourceVersion = String(++this.rv);
    this.objects.set(this.key(plural, o.metadata.namespace, o.metadata.name), o);
    return structuredClone(o) as unknown as T;
  }

  get<T>(plural: string, name: string, ns?: string): T | undefined {
    const o = this.objects.get(this.key(plural, ns, name));
    return o ? (structuredClone(o) as unknown as T) : undefined;
  }

  list<T>(plural: string, ns?: string): T[] {
    return [...this.objects.entries()].filter(([k, o]) => k.startsWith(`${plural}/`) && (ns === undefined || o.metadata.namespace === ns)).map(([, o]) => o as unknown as T);
  }

  remove(plural: string, name: string, ns?: string): void {
    this.objects.delete(this.key(plural, ns, name));
  }

  /** The informers stop seeing writes until `thawCache`. */
  freezeCache(): void {
    this.cache = new Map(this.objects);
  }

  /** Writes an object and shows it in the frozen cache too (e.g. a spec change the informer has seen). */
  putSeen<T>(plural: string, obj: T): T {
    const stored = this.put(plural, obj);
    const o = this.objects.get(this.key(plural, (stored as unknown as Obj).metadata.namespace, (stored as unknown as Obj).metadata.name))!;
    this.cache?.set(this.key(plural, o.metadata.namespace, o.metadata.name), o);
    return stored;
  }

  thawCache(): void {
    this.cache = undefined;
  }

  private cached(): Map<string, Obj> {
    return this.cache ?? this.objects;
  }

  private cachedList<T>(plural: string, ns?: string): T[] {
    return [...this.cached().entries()].filter(([k, o]) => k.startsWith(`${plural}/`) && (ns === undefined || o.metadata.namespace === ns)).map(([, o]) => o as unknown as T);
  }

  /** Writes of `verb` on `resource` recorded so far. */
  writes(verb: Action['verb'], resource: string, subresource?: string): Action[] {
    return this.actions.filter((a) => a.verb === verb && a.resource === resource && a.subresource === subresource);
  }

  client(): Client {
    const c = this;
    const fake = {
      async get(r: ResourceInfo, ns: string | undefined, name: string) {
        c.actions.push({ verb: 'get', resource: r.plural, name });
        const o = c.get<Json>(r.plural, name, r.namespaced ? ns : undefined);
        if (!o) throw notFound({ group: r.group, resource: r.plural }, name);
        return o;
      },
      async create(r: ResourceInfo, body: Json, opts: { namespace?: string } = {}) {
        const o = structuredClone(body);
        o.metadata.namespace ??= opts.namespace;
        if (!o.metadata.name) o.metadata.name = `${o.metadata.generateName}${(++c.seq).toString(36).padStart(5, 'x')}`;
        c.actions.push({ verb: 'create', resource: r.plural, name: o.metadata.name, body: o });
        const err = r.plural === 'pods' ? c.failCreate?.(o as Pod) : undefined;
        if (err) throw err;
        if (c.objects.has(c.key(r.plural, o.metadata.namespace, o.metadata.name))) throw alreadyExists({ group: r.group, resource: r.plural }, o.metadata.name);
        if (r.plural === 'pods') o.status = { phase: 'Pending' };
        return c.put(r.plural, o);
      },
      async update(r: ResourceInfo, body: Json, opts: { subresource?: string } = {}) {
        c.actions.push({ verb: 'update', resource: r.plural, name: body.metadata.name, subresource: opts.subresource, body: structuredClone(body) });
        const cur = c.get<Json>(r.plural, body.metadata.name, body.metadata.namespace);
        if (!cur) throw notFound({ group: r.group, resource: r.plural }, body.metadata.name);
        if (body.metadata.resourceVersion && body.metadata.resourceVersion !== cur.metadata.resourceVersion) throw conflict({ group: r.group, resource: r.plural }, body.metadata.name);
        const next = opts.subresource === 'status' ? { ...cur, status: body.status } : { ...body, status: cur.status };
        return c.put(r.plural, next);
      },
      async patch(r: ResourceInfo, ns: string | undefined, name: string, _type: string, body: Json) {
        c.actions.push({ verb: 'patch', resource: r.plural, name, body });
        const cur = c.get<Json>(r.plural, name, ns);
        if (!cur) throw notFound({ group: r.group, resource: r.plural }, name);
        const { uid, ...meta } = body.metadata ?? {};
        if (uid !== undefined && uid !== cur.metadata.uid) throw conflict({ group: r.group, resource: r.plural }, name, 'Precondition failed: UID in precondition');
        return c.put(r.plural, merge(cur, { ...body, metadata: meta }));
      },
      async delete(r: ResourceInfo, ns: string | undefined, name: string) {
        c.actions.push({ verb: 'delete', resource: r.plural, name });
        const cur = c.get<Json>(r.plural, name, ns);
        if (!cur) throw notFound({ group: r.group, resource: r.plural }, name);
        const graceful = r.plural === 'pods' && cur.spec?.nodeName && !['Succeeded', 'Failed'].includes(cur.status?.phase);
        if (graceful) return c.put(r.plural, { ...cur, metadata: { ...cur.metadata, deletionTimestamp: metaTime(c.clock.now()) } });
        c.remove(r.plural, name, ns);
        return cur;
      },
    };
    return fake as unknown as Client;
  }

  recorder(): EventRecorder {
    return {
      event: (_obj, type, reason, message) => void this.events.push({ type, reason, message }),
      flush: async () => undefined,
    };
  }

  /** Dependencies of syncDaemonSet over this fake (caches read `cache`). */
  deps(overrides: Partial<DaemonSetDeps> = {}): DaemonSetDeps {
    const clock = this.clock;
    return {
      client: this.client(),
      clock,
      logger: silentLogger,
      recorder: this.recorder(),
      expectations: newPodExpectations(() => clock.now()),
      backoff: new Backoff(clock),
      burstReplicas: 250,
      dsets: { get: (ns, name) => this.cached().get(this.key('daemonsets', ns, name)) as DaemonSet | undefined },
      pods: {
        list: (ns) => this.cachedList<Pod>('pods', ns),
        get: (ns, name) => this.cached().get(this.key('pods', ns, name)) as Pod | undefined,
        resourceVersion: () => (this.cache ? '0' : String(this.rv)),
      },
      nodes: { list: () => this.cachedList<Node>('nodes') },
      revisions: { list: (ns) => this.cachedList<ControllerRevision>('controllerrevisions', ns) },
      ...overrides,
    };
  }

  /** Plays the scheduler and the kubelet: every pod is bound to its target node and Running + Ready (since now). */
  runPods(ready = true): void {
    for (const p of this.list<Pod>('pods')) {
      if (p.metadata?.deletionTimestamp || ['Succeeded', 'Failed'].includes(p.status?.phase ?? '')) continue;
      if (p.status?.phase === 'Running' && !!p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === ready) continue;
      const node = targetNodeName(p);
      const at = metaTime(this.clock.now());
      this.put('pods', { ...p, spec: { ...p.spec, nodeName: node }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: at }] } });
    }
  }

  /** Plays the kubelet finishing graceful deletions: terminating pods go away. */
  finishDeletes(): void {
    for (const p of this.list<Pod>('pods')) if (p.metadata?.deletionTimestamp) this.remove('pods', p.metadata.name ?? '', p.metadata.namespace);
  }
}

/** A Ready node named `name` with optional labels and taints. */
export function node(name: string, extra: { labels?: Record<string, string>; taints?: Array<{ key: string; value?: string; effect: string }>; unschedulable?: boolean } = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(extra.labels ?? {}) } },
    spec: { ...(extra.taints ? { taints: extra.taints } : {}), ...(extra.unschedulable ? { unschedulable: true } : {}) },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  } as Node;
}

/** A defaulted DaemonSet `name` in `default` selecting `app: <name>`. */
export function daemonSet(name: string, extra: { spec?: Json; generation?: number; templateGeneration?: number; annotations?: Record<string, string> } = {}): DaemonSet {
  const gen = extra.templateGeneration ?? 1;
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'default', generation: extra.generation ?? 1, annotations: { 'deprecated.daemonset.template.generation': String(gen), ...(extra.annotations ?? {}) } },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'c', image: 'img:1', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }], restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', securityContext: {}, terminationGracePeriodSeconds: 30 },
      },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
      ...(extra.spec ?? {}),
    },
  } as DaemonSet;
}
