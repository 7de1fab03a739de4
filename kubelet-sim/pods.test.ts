// Tests for the pod player: one reconcile plays a pod with the engine and writes the minimal status / the final DELETE.

import { beforeEach, describe, expect, it } from 'vitest';
import { conflict, internal, invalid, notFound } from '../apiserver/api/status.js';
import type { Pod } from '../apiserver/api/types.js';
import { FakeClock, silentLogger, type Client, type Informer } from '../controllers/runtime/index.js';
import type { PodRuntime } from './lifecycle.js';
import { PodIPAllocator } from './node-object.js';
import type { NodeSet, SimNode } from './nodes.js';
import type { PodEventSink } from './pod-events.js';
import { PodPlayer } from './pods.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const KEY = 'shop/web';
const QR = { group: '', resource: 'pods' };

interface Call {
  op: 'patch' | 'delete';
  name: string;
  type?: string;
  body?: unknown;
  opts?: unknown;
}

/** An API holding pods (the server side), an informer cache that lags it until sync(), and a recording client. */
class FakePods {
  server = new Map<string, Pod>();
  cache = new Map<string, Pod>();
  calls: Call[] = [];
  rv = 10;
  patchError: Error | undefined;
  deleteError: Error | undefined;

  /** Writes a pod server-side (new resourceVersion) and into the cache. */
  put(pod: Pod): Pod {
    const p = structuredClone(pod);
    (p.metadata as { resourceVersion?: string }).resourceVersion = String(++this.rv);
    this.server.set(keyOf(p), p);
    this.cache.set(keyOf(p), p);
    return p;
  }

  /** The informer catches up with the server for one key. */
  sync(key = KEY): void {
    const p = this.server.get(key);
    if (p) this.cache.set(key, p);
    else this.cache.delete(key);
  }

  client(): Client {
    const api = this;
    return {
      async patch(_r: unknown, ns: string, name: string, type: string, body: { metadata: { uid: string }; status: Record<string, unknown> }, opts: unknown) {
        api.calls.push({ op: 'patch', name, type, body: structuredClone(body), opts });
        if (api.patchError) throw api.patchError;
        const cur = api.server.get(`${ns}/${name}`);
        if (!cur) throw notFound(QR, name);
        if (body.metadata.uid !== cur.metadata?.uid) throw conflict(QR, name, 'Precondition failed: UID in precondition');
        const status: Record<string, unknown> = { ...(cur.status as Record<string, unknown>) };
        for (const [k, v] of Object.entries(body.status)) {
          if (v === null) delete status[k];
          else status[k] = v;
        }
        const next = { ...cur, metadata: { ...cur.metadata, resourceVersion: String(++api.rv) }, status } as Pod;
        api.server.set(`${ns}/${name}`, next);
        return structuredClone(next);
      },
      async delete(_r: unknown, ns: string, name: string, opts: unknown) {
        api.calls.push({ op: 'delete', name, opts });
        if (api.deleteError) throw api.deleteError;
        api.server.delete(`${ns}/${name}`);
        return {};
      },
    } as unknown as Client;
  }

  informer(): Informer<Pod> {
    return { get: (ns: string | undefined, name: string) => this.cache.get(`${ns}/${name}`) } as unknown as Informer<Pod>;
  }

  ops(): string[] {
    return this.calls.map((c) => c.op);
  }
}

const keyOf = (p: Pod): string => `${p.metadata?.namespace}/${p.metadata?.name}`;

function makePod(over: { uid?: string; node?: string; annotations?: Record<string, string>; containers?: unknown[]; status?: Record<string, unknown>; deletionTimestamp?: string } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: over.uid ?? 'u1',
      ...(over.annotations ? { annotations: over.annotations } : {}),
      ...(over.deletionTimestamp ? { deletionTimestamp: over.deletionTimestamp, deletionGracePeriodSeconds: 30 } : {}),
    },
    spec: { nodeName: over.node ?? 'n1', containers: over.containers ?? [{ name: 'app', image: 'nginx:1.27' }] },
    status: over.status ?? { phase: 'Pending', qosClass: 'BestEffort' },
  } as unknown as Pod;
}

let api: FakePods;
let clock: FakeClock;
let node: SimNode;
let emitted: { uid: string; before?: string; after: PodRuntime }[];
let player: PodPlayer;

beforeEach(() => {
  api = new FakePods();
  clock = new FakeClock(T0);
  node = { name: 'n1', uid: 'node-uid', hostIP: '172.18.0.3', podCIDR: '10.128.1.0/24', ips: new PodIPAllocator('10.128.1.0/24') };
  const other: SimNode = { name: 'n2', uid: 'node-uid-2', hostIP: '172.18.0.4', podCIDR: '10.128.2.0/24', ips: new PodIPAllocator('10.128.2.0/24') };
  const nodes = new Map([[node.name, node], [other.name, other]]);
  const nodeSet = { has: (n: string) => nodes.has(n), get: (n: string) => nodes.get(n) } as unknown as NodeSet;
  emitted = [];
  const events: PodEventSink = { emit: (pod, before, after) => void emitted.push({ uid: pod.metadata?.uid ?? '', ...(before ? { before: before.uid } : {}), after }) };
  player = new PodPlayer({ client: api.client(), clock, logger: silentLogger, nodes: nodeSet, pods: api.informer(), events });
});

const patches = (): { metadata: { uid: string }; status: Record<string, any> }[] => api.calls.filter((c) => c.op === 'patch').map((c) => c.body as never); // eslint-disable-line @typescript-eslint/no-explicit-any

describe('PodPlayer.reconcile', () => {
  it('plays a new pod and PATCHes pods/status once, as a merge patch with the uid precondition', async () => {
    api.put(makePod());
    expect(await player.reconcile(KEY)).toBeUndefined();
    expect(api.calls).toHaveLength(1);
    expect(api.calls[0]).toMatchObject({ op: 'patch', name: 'web', type: 'merge', opts: { subresource: 'status' } });
    const body = patches()[0]!;
    expect(body.metadata).toEqual({ uid: 'u1' });
    expect(body.status).toMatchObject({ phase: 'Running', hostIP: '172.18.0.3', podIP: '10.128.1.2', qosClass: 'BestEffort' });
    expect(body.status.containerStatuses[0]).toMatchObject({ name: 'app', ready: true, state: { running: {} } });
    expect(player.lookup(KEY)?.pod.metadata?.resourceVersion).toBe('12');
    expect(player.lookup(KEY)?.node).toBe('n1');
    expect(emitted).toEqual([{ uid: 'u1', after: player.lookup(KEY)!.runtime }]);
  });

  it('posts nothing when the status is unchanged: before the watch catches up (what it wrote wins) and after', async () => {
    api.put(makePod());
    await player.reconcile(KEY);
    await player.reconcile(KEY); // the cache still holds the pod without status
    api.sync();
    await player.reconcile(KEY);
    clock.advance(60_000);
    await player.reconcile(KEY);
    expect(api.ops()).toEqual(['patch']);
    expect(emitted).toHaveLength(4);
    expect(emitted.slice(1).every((e) => e.before === 'u1')).toBe(true);
  });

  it('posts again when the status changes (a container becomes ready) and asks to be woken for it', async () => {
    api.put(makePod({ containers: [{ name: 'app', image: 'nginx', readinessProbe: { initialDelaySeconds: 10, httpGet: { port: 80 } } }] }));
    expect(await player.reconcile(KEY)).toEqual({ requeueAfterMs: 10_000 });
    expect(patches()[0]!.status.containerStatuses[0].ready).toBe(false);
    clock.advance(10_000);
    expect(await player.reconcile(KEY)).toBeUndefined();
    expect(api.ops()).toEqual(['patch', 'patch']);
    expect(patches()[1]!.status.containerStatuses[0].ready).toBe(true);
    expect(patches()[1]!.metadata).toEqual({ uid: 'u1' });
  });

  it.each<[string, Record<string, string>, number, number]>([
    ['a start delay', { 'kubeling.io/start-delay': '5s' }, 5_000, 3_000],
    ['an exit after', { 'kubeling.io/exit-after': '1m' }, 60_000, 58_000],
  ])('returns requeueAfterMs from the engine\'s wakeAt (%s)', async (_name, annotations, first, after2s) => {
    api.put(makePod({ annotations }));
    expect(await player.reconcile(KEY)).toEqual({ requeueAfterMs: first });
    clock.advance(2_000);
    expect(await player.reconcile(KEY)).toEqual({ requeueAfterMs: after2s });
  });

  it('deletes with grace 0 and the uid precondition when the engine says deleteNow (a terminal pod being deleted)', async () => {
    api.put(makePod({ deletionTimestamp: '2026-01-02T03:04:00Z', status: { phase: 'Succeeded', qosClass: 'BestEffort' } }));
    expect(await player.reconcile(KEY)).toBeUndefined();
    expect(api.calls).toEqual([{ op: 'delete', name: 'web', opts: { gracePeriodSeconds: 0, preconditions: { uid: 'u1' } } }]);
  });

  it('graceful deletion: stops the containers, posts the final status, then DELETEs once that status is written', async () => {
    api.put(makePod());
    await player.reconcile(KEY);
    api.sync();
    const running = api.server.get(KEY)!;
    api.put({ ...running, metadata: { ...running.metadata, deletionTimestamp: '2026-01-02T03:04:05Z', deletionGracePeriodSeconds: 30 } } as Pod);
    const r = await player.reconcile(KEY);
    expect(api.ops()).toEqual(['patch', 'patch']);
    expect(patches()[1]!.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0 });
    expect(r).toEqual({ requeueAfterMs: 1_000 });
    expect(emitted.at(-1)!.after.terminatingSince).toBe(T0);
    await player.reconcile(KEY); // the cache still lags: what it wrote (the final status) is acted on
    expect(api.ops()).toEqual(['patch', 'patch', 'delete']);
    expect(api.calls[2]).toEqual({ op: 'delete', name: 'web', opts: { gracePeriodSeconds: 0, preconditions: { uid: 'u1' } } });
  });

  it.each<[string, Error]>([
    ['NotFound', notFound(QR, 'web')],
    ['Conflict (uid precondition)', conflict(QR, 'web')],
  ])('the final DELETE answered %s is success', async (_name, err) => {
    api.put(makePod({ deletionTimestamp: '2026-01-02T03:04:00Z', status: { phase: 'Failed' } }));
    api.deleteError = err;
    await expect(player.reconcile(KEY)).resolves.toBeUndefined();
    expect(api.ops()).toEqual(['delete']);
  });

  it('any other DELETE failure is thrown (the controller retries)', async () => {
    api.put(makePod({ deletionTimestamp: '2026-01-02T03:04:00Z', status: { phase: 'Failed' } }));
    api.deleteError = internal('boom');
    await expect(player.reconcile(KEY)).rejects.toThrow(/boom/);
  });

  it.each<[string, Error]>([
    ['NotFound', notFound(QR, 'web')],
    ['Conflict', conflict(QR, 'web')],
    ['Invalid', invalid('Pod', '', 'web', [{ type: 'Invalid', field: 'status.phase', value: 'Running' }])],
  ])('a status PATCH answered %s is dropped quietly; the next reconcile posts again', async (_name, err) => {
    api.put(makePod({ annotations: { 'kubeling.io/start-delay': '5s' } }));
    api.patchError = err;
    expect(await player.reconcile(KEY)).toBeUndefined();
    expect(player.lookup(KEY)?.pod.metadata?.resourceVersion).toBe('11');
    api.patchError = undefined;
    expect(await player.reconcile(KEY)).toEqual({ requeueAfterMs: 5_000 });
    expect(api.ops()).toEqual(['patch', 'patch']);
  });

  it('any other status PATCH failure is thrown', async () => {
    api.put(makePod());
    api.patchError = internal('etcd timeout');
    await expect(player.reconcile(KEY)).rejects.toThrow(/etcd timeout/);
  });

  it('starts over for a pod recreated under the same name (new uid): new containers, new IP, old state dropped', async () => {
    api.put(makePod());
    await player.reconcile(KEY);
    const firstID = player.lookup(KEY)!.runtime.containers[0]!.containerID;
    expect(node.ips.ipOf('u1')).toBe('10.128.1.2');
    api.server.delete(KEY);
    api.put(makePod({ uid: 'u2' }));
    await player.reconcile(KEY);
    const played = player.lookup(KEY)!;
    expect(played.runtime.uid).toBe('u2');
    expect(played.runtime.containers[0]!.containerID).not.toBe(firstID);
    expect(node.ips.ipOf('u1')).toBeUndefined();
    expect(node.ips.ipOf('u2')).toBe('10.128.1.3');
    expect(patches().map((b) => b.metadata.uid)).toEqual(['u1', 'u2']);
    expect(emitted.map((e) => `${e.before ?? '-'}→${e.uid}`)).toEqual(['-→u1', '-→u2']);
  });

  it('starts over for a pod that moved to another of its nodes', async () => {
    api.put(makePod());
    await player.reconcile(KEY);
    api.put(makePod({ node: 'n2' }));
    await player.reconcile(KEY);
    expect(player.lookup(KEY)?.node).toBe('n2');
    expect(node.ips.ipOf('u1')).toBeUndefined();
    expect(patches()[1]!.status.podIP).toBe('10.128.2.2');
    expect(emitted.map((e) => e.before ?? '-')).toEqual(['-', '-']);
  });

  it('forgets a pod that is gone from the cache and frees its IP, without any API call', async () => {
    api.put(makePod());
    await player.reconcile(KEY);
    api.cache.delete(KEY);
    expect(await player.reconcile(KEY)).toBeUndefined();
    expect(player.lookup(KEY)).toBeUndefined();
    expect(node.ips.size).toBe(0);
    expect(api.ops()).toEqual(['patch']);
  });

  it('ignores a pod bound to a node it does not simulate', async () => {
    api.put(makePod({ node: 'elsewhere' }));
    expect(await player.reconcile(KEY)).toBeUndefined();
    expect(api.calls).toEqual([]);
    expect(player.lookup(KEY)).toBeUndefined();
    expect(emitted).toEqual([]);
  });

  it('uses a hostNetwork pod\'s node IP and allocates none', async () => {
    const pod = makePod();
    (pod.spec as { hostNetwork?: boolean }).hostNetwork = true;
    api.put(pod);
    await player.reconcile(KEY);
    expect(patches()[0]!.status.podIP).toBe('172.18.0.3');
    expect(node.ips.size).toBe(0);
  });
});

describe('PodPlayer.ours / forgetNode', () => {
  it.each<[string, unknown, boolean]>([
    ['one of its nodes', 'n1', true],
    ['another node', 'n9', false],
    ['unbound', undefined, false],
  ])('ours: %s', (_name, nodeName, want) => {
    expect(player.ours({ spec: { nodeName, containers: [] } } as unknown as Pod)).toBe(want);
  });

  it('forgetNode drops the pods of that node only and returns their keys', async () => {
    api.put(makePod());
    api.put({ ...makePod({ uid: 'u3', node: 'n2' }), metadata: { name: 'db', namespace: 'shop', uid: 'u3' } } as Pod);
    await player.reconcile(KEY);
    await player.reconcile('shop/db');
    expect(player.forgetNode('n1')).toEqual([KEY]);
    expect(player.lookup(KEY)).toBeUndefined();
    expect(player.lookup('shop/db')).toBeDefined();
    expect(node.ips.size).toBe(0);
  });
});
