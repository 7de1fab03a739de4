// Tests for static pod sync against a real in-process API server and informer: mirror pods created, recreated, replaced, deleted.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { R } from '../apiserver/api/resources.js';
import type { Node, Pod } from '../apiserver/api/types.js';
import { Client, FakeClock, Informer, type EventRecorder, type Logger } from '../controllers/runtime/index.js';
import { startInProcess, stopInProcess, type InProcessServer } from '../test/support/in-process.js';
import { PodIPAllocator } from './node-object.js';
import type { NodeSet, SimNode } from './nodes.js';
import type { PodEventSink } from './pod-events.js';
import { CONFIG_MIRROR_ANNOTATION, CONFIG_HASH_ANNOTATION, CONFIG_SOURCE_ANNOTATION, type ManifestResult } from './static-pods.js';
import { MIRROR_RECREATE_DELAY_MS, StaticPods } from './static-sync.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const FILE = '/etc/kubeling/manifests/n1/etcd.yaml';
const KEY = 'kube-system/etcd-n1';

let srv: InProcessServer;
let client: Client;
let informer: Informer<Pod>;
const ac = new AbortController();
let nodeUid = '';

beforeAll(async () => {
  srv = await startInProcess();
  await srv.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = srv.app.server.address();
  client = new Client({ server: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` });
  const node = await client.create<Node>(R.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
  nodeUid = node.metadata?.uid ?? '';
  informer = new Informer<Pod>(client, R.pods, { fieldSelector: 'spec.nodeName!=' });
  informer.start(ac.signal);
  await informer.waitForSync(ac.signal);
});

afterAll(async () => {
  ac.abort();
  await client?.close();
  if (srv) await stopInProcess(srv);
});

/** Resolves once `cond` holds, polling between event-loop turns; fails after `timeoutMs` of real time. */
async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function apiPod(key = KEY): Promise<Pod | undefined> {
  const [ns, name] = key.split('/') as [string, string];
  try {
    return await client.get<Pod>(R.pods, ns, name);
  } catch {
    return undefined;
  }
}

/** The informer has seen the API's current state of `key` (present with that resourceVersion, or absent). */
async function caughtUp(key = KEY): Promise<void> {
  await waitFor(async () => {
    const p = await apiPod(key);
    return informer.getByKey(key)?.metadata?.resourceVersion === p?.metadata?.resourceVersion;
  }, `the informer to catch up with ${key}`);
}

interface Harness {
  statics: StaticPods;
  queue: string[];
  events: [string, string, string, string][];
  warnings: { o: object; msg?: string }[];
  emitted: string[];
  clock: FakeClock;
  nodes: Map<string, SimNode>;
}

let h: Harness;

beforeEach(async () => {
  for (const p of (await client.listAll<Pod>(R.pods)).items) await client.delete(R.pods, p.metadata?.namespace, p.metadata!.name!, { gracePeriodSeconds: 0 });
  await waitFor(() => informer.list().length === 0, 'an empty pod cache');
  const clock = new FakeClock(T0);
  const nodes = new Map<string, SimNode>([['n1', { name: 'n1', uid: nodeUid, hostIP: '172.18.0.3', podCIDR: '10.128.1.0/24', ips: new PodIPAllocator('10.128.1.0/24') }]]);
  const queue: string[] = [];
  const events: Harness['events'] = [];
  const warnings: Harness['warnings'] = [];
  const emitted: string[] = [];
  const recorder: EventRecorder = { event: (obj, type, reason, message) => void events.push([obj.metadata?.name ?? '', type, reason, message]), flush: async () => undefined };
  const logger: Logger = { info() {}, debug() {}, error() {}, warn: (o, msg) => void warnings.push({ o, msg }) };
  const sink: PodEventSink = { emit: (_pod, before, after) => void emitted.push(`${before ? 'again' : 'first'}:${after.containers.map((c) => c.state).join(',')}`) };
  const statics = new StaticPods({
    client,
    clock,
    logger,
    nodes: { has: (n: string) => nodes.has(n), get: (n: string) => nodes.get(n) } as unknown as NodeSet,
    pods: informer,
    recorder,
    events: sink,
    enqueue: (k) => void queue.push(k),
  });
  h = { statics, queue, events, warnings, emitted, clock, nodes };
});

function etcd(image = 'registry.k8s.io/etcd:3.5.16-0', annotations?: Record<string, string>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'etcd', namespace: 'kube-system', labels: { component: 'etcd' }, ...(annotations ? { annotations } : {}) },
    spec: { containers: [{ name: 'etcd', image }] },
  } as Pod;
}

const ok = (...pods: Pod[]): ManifestResult => ({ ok: true, pods });
const files = (entries: Record<string, ManifestResult>): Map<string, ManifestResult> => new Map(Object.entries(entries));

/** Reconciles every queued key until the queue is empty (as the controller's workers would). */
async function drain(): Promise<void> {
  for (let i = 0; h.queue.length > 0 && i < 20; i++) await h.statics.reconcile(h.queue.shift()!);
  expect(h.queue).toEqual([]);
}

describe('StaticPods.onManifests', () => {
  it('queues each new static pod of a node under `<ns>/<name>-<node>` and owns it', () => {
    h.statics.onManifests('n1', files({ [FILE]: ok(etcd()) }));
    expect(h.queue).toEqual([KEY]);
    expect(h.statics.owns(KEY)).toBe(true);
    expect(h.statics.owns('kube-system/etcd-n2')).toBe(false);
  });

  it('an unchanged rescan, even later, queues nothing', () => {
    h.statics.onManifests('n1', files({ [FILE]: ok(etcd()) }));
    h.clock.advance(60_000);
    h.statics.onManifests('n1', files({ [FILE]: ok(etcd()) }));
    expect(h.queue).toEqual([KEY]);
  });

  it('reports an invalid file once per content, as a Warning on the Node and a log line naming the file', () => {
    const bad = files({ '/m/n1/bad.yaml': { ok: false, error: 'document 1: expected a Pod object' } });
    h.statics.onManifests('n1', bad);
    h.statics.onManifests('n1', bad);
    expect(h.events).toEqual([['n1', 'Warning', 'FailedStaticPodManifest', 'Could not process manifest file "/m/n1/bad.yaml": document 1: expected a Pod object']]);
    expect(h.warnings).toEqual([{ o: { node: 'n1', file: '/m/n1/bad.yaml', err: 'document 1: expected a Pod object' }, msg: 'invalid static pod manifest' }]);
    h.statics.onManifests('n1', files({ '/m/n1/bad.yaml': { ok: false, error: 'another problem' } }));
    expect(h.events.map((e) => e[3])).toEqual(['Could not process manifest file "/m/n1/bad.yaml": document 1: expected a Pod object', 'Could not process manifest file "/m/n1/bad.yaml": another problem']);
    expect(h.queue).toEqual([]);
  });

  it('reports a file again when it breaks again after being fixed', () => {
    const bad = files({ [FILE]: { ok: false, error: 'oops' } });
    h.statics.onManifests('n1', bad);
    h.statics.onManifests('n1', files({ [FILE]: ok(etcd()) }));
    h.statics.onManifests('n1', bad);
    expect(h.events.map((e) => e[3])).toEqual([`Could not process manifest file "${FILE}": oops`, `Could not process manifest file "${FILE}": oops`]);
  });

  it('an invalid file leaves the node\'s other static pods running', () => {
    h.statics.onManifests('n1', files({ [FILE]: ok(etcd()) }));
    h.statics.onManifests('n1', files({ [FILE]: ok(etcd()), '/m/n1/bad.yaml': { ok: false, error: 'oops' } }));
    expect(h.statics.owns(KEY)).toBe(true);
    expect(h.queue).toEqual([KEY]);
  });

  it('reports a pod defined twice (two files, same name) and keeps the first', () => {
    h.statics.onManifests('n1', files({ [FILE]: ok(etcd()), '/m/n1/copy.yaml': ok(etcd('other:1')) }));
    expect(h.queue).toEqual([KEY]);
    expect(h.events).toEqual([['n1', 'Warning', 'FailedStaticPodManifest', 'Could not process manifest file "/m/n1/copy.yaml": a static pod named etcd-n1 in namespace kube-system is defined twice']]);
  });

  it('forgetNode drops the node\'s static pods', () => {
    h.statics.onManifests('n1', files({ [FILE]: ok(etcd()) }));
    h.statics.forgetNode('n1');
    expect(h.statics.owns(KEY)).toBe(false);
  });
});

describe('StaticPods.reconcile', () => {
  it('creates the mirror pod: owned by its Node, carrying the config hash, with the static pod\'s status', async () => {
    h.statics.onManifests('n1', files({ [FILE]: ok(etcd()) }));
    await drain();
    const m = (await apiPod())!;
    const hash = m.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    expect(m.metadata?.annotations).toMatchObject({ [CONFIG_MIRROR_ANNOTATION]: hash, [CONFIG_SOURCE_ANNOTATION]: 'file' });
    expect(m.metadata?.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: nodeUid, controller: true }]);
    expect(m.metadata?.uid).not.toBe(hash);
    expect(m.spec?.nodeName).toBe('n1');
    expect(m.status).toMatchObject({ phase: 'Running', hostIP: '172.18.0.3', podIP: '10.128.1.2' });
    expect(m.status?.containerStatuses?.[0]).toMatchObject({ name: 'etcd', ready: true });
    expect(h.statics.lookup(KEY)?.runtime.containers[0]?.state).toBe('running');
    expect(h.emitted).toEqual(['first:running']);
  });

  it('a second reconcile with nothing changed writes nothing (before and after the watch catches up)', async () => {
    h.statics.onManifests('n1', files({ [FILE]: ok(etcd()) }));
    await drain();
    const rv = (await apiPod())?.metadata?.resourceVersion;
    await h.statics.reconcile(KEY);
    await caughtUp();
    await h.statics.reconcile(KEY);
    expect((await apiPod())?.metadata?.resourceVersion).toBe(rv);
  });

  it('recreates the mirror after it is deleted through the API; the static pod keeps running', async () => {
    h.statics.onManifests('n1', files({ [FILE]: ok(etcd()) }));
    await drain();
    const first = (await apiPod())!;
    const containerID = h.statics.lookup(KEY)?.runtime.containers[0]?.containerID;
    await client.delete(R.pods, 'kube-system', 'etcd-n1', { gracePeriodSeconds: 0 });
    await caughtUp();
    await h.statics.reconcile(KEY);
    const again = (await apiPod())!;
    expect(again.metadata?.uid).not.toBe(first.metadata?.uid);
    expect(again.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION]).toBe(first.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION]);
    expect(again.status?.phase).toBe('Running');
    expect(h.statics.lookup(KEY)?.runtime.containers[0]?.containerID).toBe(containerID);
  });

  it('a graceful delete of the mirror (kubectl delete) is finished with grace 0 and the mirror comes back a second later', async () => {
    h.statics.onManifests('n1', files({ [FILE]: ok(etcd()) }));
    await drain();
    const first = (await apiPod())!;
    await client.delete(R.pods, 'kube-system', 'etcd-n1');
    await caughtUp();
    expect(informer.getByKey(KEY)?.metadata?.deletionTimestamp).toBeDefined();
    expect(await h.statics.reconcile(KEY)).toEqual({ requeueAfterMs: MIRROR_RECREATE_DELAY_MS });
    expect(await apiPod()).toBeUndefined();
    await caughtUp();
    h.clock.advance(MIRROR_RECREATE_DELAY_MS - 1);
    expect(await h.statics.reconcile(KEY)).toEqual({ requeueAfterMs: 1 });
    expect(await apiPod()).toBeUndefined();
    h.clock.advance(1);
    await h.statics.reconcile(KEY);
    const again = (await apiPod())!;
    expect(again.metadata?.uid).not.toBe(first.metadata?.uid);
    expect(again.metadata?.deletionTimestamp).toBeUndefined();
  });

  it('replaces the mirror when the manifest changes (new hash, new containers)', async () => {
    h.statics.onManifests('n1', files({ [FILE]: ok(etcd()) }));
    await drain();
    const first = (await apiPod())!;
    const oldID = h.statics.lookup(KEY)?.runtime.containers[0]?.containerID;
    await caughtUp();
    h.statics.onManifests('n1', files({ [FILE]: ok(etcd('registry.k8s.io/etcd:3.5.17-0')) }));
    expect(h.queue).toEqual([KEY]);
    await drain();
    const next = (await apiPod())!;
    expect(next.metadata?.uid).not.toBe(first.metadata?.uid);
    expect(next.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION]).not.toBe(first.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION]);
    expect(next.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION]).toBe(next.metadata?.annotations?.[CONFIG_HASH_ANNOTATION]);
    expect(next.spec?.containers[0]?.image).toBe('registry.k8s.io/etcd:3.5.17-0');
    expect(h.statics.lookup(KEY)?.runtime.containers[0]?.containerID).not.toBe(oldID);
  });

  it('deletes the mirror when the manifest goes', async () => {
    h.statics.onManifests('n1', files({ [FILE]: ok(etcd()) }));
    await drain();
    await caughtUp();
    h.statics.onManifests('n1', files({}));
    expect(h.queue).toEqual([KEY]);
    expect(h.statics.owns(KEY)).toBe(false);
    await drain();
    expect(await apiPod()).toBeUndefined();
    expect(h.statics.lookup(KEY)).toBeUndefined();
  });

  it('deletes the mirror when the manifest goes even before the watch has shown the mirror', async () => {
    h.statics.onManifests('n1', files({ [FILE]: ok(etcd()) }));
    await drain();
    h.statics.onManifests('n1', files({}));
    await drain();
    expect(await apiPod()).toBeUndefined();
  });

  it('leaves the mirror of a node it no longer simulates to the garbage collector', async () => {
    h.statics.onManifests('n1', files({ [FILE]: ok(etcd()) }));
    await drain();
    await caughtUp();
    h.statics.forgetNode('n1');
    h.nodes.delete('n1');
    await h.statics.reconcile(KEY);
    expect(await apiPod()).toBeDefined();
  });

  it('does nothing for a static pod whose node is not (yet) simulated', async () => {
    h.nodes.delete('n1');
    h.statics.onManifests('n1', files({ [FILE]: ok(etcd()) }));
    expect(await h.statics.reconcile(KEY)).toBeUndefined();
    expect(await apiPod()).toBeUndefined();
  });

  it('returns requeueAfterMs from the engine\'s wakeAt, and publishes the status when it falls due', async () => {
    h.statics.onManifests('n1', files({ [FILE]: ok(etcd(undefined, { 'kubeling.io/start-delay': '5s' })) }));
    expect(await h.statics.reconcile(h.queue.shift()!)).toEqual({ requeueAfterMs: 5_000 });
    expect((await apiPod())?.status?.phase).toBe('Pending');
    h.clock.advance(5_000);
    expect(await h.statics.reconcile(KEY)).toBeUndefined();
    expect((await apiPod())?.status?.phase).toBe('Running');
  });

  it('never deletes a pod of the same name that is not a mirror pod', async () => {
    // upstream kubelet deletes only pods it knows as mirror pods: a user's pod holding the name is left alone
    const user = await client.create<Pod>(R.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'etcd-n1', namespace: 'kube-system' }, spec: { nodeName: 'elsewhere', containers: [{ name: 'c', image: 'nginx' }] } });
    await caughtUp();
    h.statics.onManifests('n1', files({ [FILE]: ok(etcd()) }));
    await h.statics.reconcile(h.queue.shift()!);
    expect((await apiPod())?.metadata?.uid).toBe(user.metadata?.uid);
  });
});
