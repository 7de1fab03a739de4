// The create worker pool: real worker threads (the compiled worker, or a misbehaving fixture) against the inline path.

import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../test/support/cluster.js';
import { createPreparer, inlinePreparer, type CreatePreparer } from './create-workers.js';
import { buildApp } from './app.js';
import { Registry } from '../registry/store.js';
import { bootstrap } from '../registry/bootstrap.js';
import { createMemoryStorage } from '../storage/memory.js';
import type { CreateOutcome, CreateRequest } from './create-prepare.js';

/** The compiled worker (dist/ is built before the suites run). */
const COMPILED = fileURLToPath(new URL('../../dist/apiserver/server/create-worker.js', import.meta.url));
const CRASHING = fileURLToPath(new URL('../../test/fixtures/crashing-create-worker.mjs', import.meta.url));

const opened: CreatePreparer[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((p) => p.close()));
});

function pool(workers: number, script: string, startAfter = 0): CreatePreparer {
  const p = createPreparer(workers, () => {}, script, startAfter);
  opened.push(p);
  return p;
}

function request(body: unknown, extra: Partial<CreateRequest> = {}): CreateRequest {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { group: '', plural: 'configmaps', namespace: 'default', contentType: 'application/json', body: Buffer.from(text), now: Date.UTC(2026, 0, 2, 3, 4, 5), uid: 'uid-1', ...extra };
}

const CLASSES = [
  { name: 'high', value: 1000, preemptionPolicy: 'Never', globalDefault: false },
  { name: 'low', value: 10, preemptionPolicy: 'PreemptLowerPriority', globalDefault: true },
];

const REQUESTS: Array<[string, CreateRequest]> = [
  ['a valid configmap', request({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', labels: { x: 'y' } }, data: { k: 'v' } })],
  ['an unknown field (warned)', request({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' }, bogus: 1 })],
  ['an unknown field (Strict)', request({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' }, bogus: 1 }, { fieldValidation: 'Strict' })],
  ['a duplicate key', request('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"k":"1","k":"2"}}')],
  ['text that is not JSON', request('{"apiVersion":')],
  ['a YAML body', request('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\ndata:\n  k: v\n', { contentType: 'application/yaml' })],
  ['an invalid name (422 after the namespace check)', request({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' } })],
  ['a wrong kind', request({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'e' } })],
  ['a pod with the looked-up account', request({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { automountServiceAccountToken: false, containers: [{ name: 'c', image: 'nginx' }] } }, { plural: 'pods', account: { name: 'default', stored: null } })],
  ['a pod naming another account', request({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { serviceAccountName: 'builder', containers: [{ name: 'c', image: 'nginx' }] } }, { plural: 'pods', account: { name: 'default', stored: null } })],
  ['a pod naming a stored PriorityClass', request({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { automountServiceAccountToken: false, priorityClassName: 'high', containers: [{ name: 'c', image: 'nginx' }] } }, { plural: 'pods', account: { name: 'default', stored: null }, priorityClasses: CLASSES })],
  ['a pod taking the global default class', request({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { automountServiceAccountToken: false, containers: [{ name: 'c', image: 'nginx' }] } }, { plural: 'pods', account: { name: 'default', stored: null }, priorityClasses: CLASSES })],
  ['a pod naming a missing class', request({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { priorityClassName: 'nope', containers: [{ name: 'c', image: 'nginx' }] } }, { plural: 'pods', account: { name: 'default', stored: null }, priorityClasses: CLASSES })],
  ['a claim taking the default StorageClass', request({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }, { plural: 'persistentvolumeclaims', defaultStorageClass: 'standard' })],
  ['a second global default PriorityClass', request({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'other' }, value: 5, globalDefault: true }, { group: 'scheduling.k8s.io', plural: 'priorityclasses', namespace: undefined, priorityClasses: CLASSES })],
];

describe('create workers', () => {
  it('prepare every request exactly as the inline path does', async () => {
    const workers = pool(2, COMPILED);
    await waitFor(() => workers.workers().ready === 2, 10_000, 'two ready workers');
    const inline = inlinePreparer();
    for (const [what, req] of REQUESTS) {
      const [here, there] = [await inline.prepare(req), await workers.prepare(req)];
      expect(there, what).toEqual(here);
    }
    // A failure that is not an API error (here a resource no registry serves) fails that request alone, with the
    // worker's message (its stack stays on the error, for the log, not in the message a client sees).
    const unknown = request('{}', { plural: 'nosuch' });
    await expect(inline.prepare(unknown)).rejects.toThrow(/^no resource nosuch in group ""$/);
    const failed = await workers.prepare(unknown).catch((e: Error) => e);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toBe('no resource nosuch in group ""');
    expect((failed as Error).stack).toContain('create-prepare');
    // Concurrent requests (one batch per turn of the event loop) are answered each with its own outcome.
    const names = Array.from({ length: 50 }, (_, i) => `cm-${i}`);
    const outcomes = await Promise.all(names.map((name) => workers.prepare(request({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } }))));
    expect(outcomes.map((o) => (o.type === 'prepared' ? o.name : o.type))).toEqual(names);
  });

  it('fail the creates a worker held when it dies, and start a new worker that answers the next', async () => {
    const workers = pool(1, CRASHING);
    await waitFor(() => workers.workers().ready === 1, 10_000, 'a ready worker');
    const both = [workers.prepare(request('crash')), workers.prepare(request('{}'))];
    for (const p of both) await expect(p).rejects.toThrow('create worker exited with code 7');
    await waitFor(() => workers.workers().ready === 1, 10_000, 'the new worker');
    const outcome: CreateOutcome = await workers.prepare(request('{}'));
    expect(outcome).toMatchObject({ type: 'rejected', status: { code: 418 } });
  });

  it('post a burst of requests in messages of at most four', async () => {
    const workers = pool(1, CRASHING);
    await waitFor(() => workers.workers().ready === 1, 10_000, 'a ready worker');
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => workers.prepare(request('{}'))));
    expect(outcomes.map((o) => (o.type === 'rejected' ? o.status.message : o.type))).toEqual(['4', '4', '4', '4', '4', '4', '4', '4', '2', '2']);
  });

  it('stop restarting a worker that keeps dying, and prepare inline from then on', async () => {
    const workers = pool(1, CRASHING);
    for (let i = 0; i < 3; i++) {
      await waitFor(() => workers.workers().ready === 1, 10_000, `worker ${i + 1}`);
      await expect(workers.prepare(request('crash'))).rejects.toThrow('exited with code 7');
    }
    expect(workers.workers()).toEqual({ live: 0, ready: 0 });
    const outcome = await workers.prepare(request({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inline' } }));
    expect(outcome).toMatchObject({ type: 'prepared', name: 'inline' });
  });

  it('start only once creates are busy, preparing inline until they are ready', async () => {
    const workers = pool(2, COMPILED, 5);
    expect(workers.workers()).toEqual({ live: 0, ready: 0 });
    const first = await Promise.all([1, 2, 3, 4].map((i) => workers.prepare(request({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}` } }))));
    expect(first.map((o) => o.type)).toEqual(['prepared', 'prepared', 'prepared', 'prepared']);
    expect(workers.workers()).toEqual({ live: 0, ready: 0 });
    await workers.prepare(request({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c5' } }));
    expect(workers.workers().live).toBe(2);
    await waitFor(() => workers.workers().ready === 2, 10_000, 'two ready workers');
  });

  it('are not started from the TypeScript sources, where there is no compiled worker', () => {
    const p = pool(2, fileURLToPath(new URL('./no-such-worker.js', import.meta.url)));
    expect(p.workers()).toEqual({ live: 0, ready: 0 });
  });
});

/** An in-process server whose clock and uids are deterministic, so two of them answer the same requests alike. */
async function server(creates: CreatePreparer): Promise<{ inject: (method: string, url: string, body?: unknown, type?: string) => Promise<string>; close: () => Promise<void> }> {
  let uid = 0;
  const registry = new Registry({ storage: createMemoryStorage(), now: () => new Date(Date.UTC(2026, 0, 2)), newUid: () => `uid-${++uid}` });
  await bootstrap(registry);
  const app = buildApp({ registry, creates });
  await app.ready();
  const inject = async (method: string, url: string, body?: unknown, type = 'application/json'): Promise<string> => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const res = await app.inject({ method: method as 'POST', url, payload, headers: payload === undefined ? {} : { 'content-type': type } });
    // Random name suffixes (generateName, the token volume) differ between servers; everything else must not.
    const text = res.body.replace(/kube-api-access-[a-z0-9]{5}/g, 'kube-api-access-XXXXX').replace(/"name":"gen-[a-z0-9]{5}"/g, '"name":"gen-XXXXX"');
    return `${res.statusCode} ${JSON.stringify(res.headers.warning ?? [])} ${text}`;
  };
  return { inject, close: async () => { await app.close(); await registry.storage.close(); } };
}

const PODS = '/api/v1/namespaces/default/pods';
const CLASSES_URL = '/apis/scheduling.k8s.io/v1/priorityclasses';
const pod = (name: string, spec: Record<string, unknown> = {}): Record<string, unknown> => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } });
const CALLS: Array<[string, string, unknown?, string?]> = [
  ['POST', '/api/v1/namespaces/default/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder' }, automountServiceAccountToken: false, imagePullSecrets: [{ name: 'regcred' }] }],
  ['POST', PODS, pod('plain')],
  ['POST', PODS, pod('built', { serviceAccountName: 'builder' })],
  ['POST', PODS, pod('ghost', { serviceAccountName: 'nobody' })],
  ['POST', '/api/v1/namespaces/nowhere/pods', pod('lost')],
  ['POST', '/api/v1/namespaces/nowhere/pods', pod('Bad_Name')],
  ['POST', PODS, pod('Bad_Name')],
  ['POST', PODS, pod('plain')],
  ['POST', `${PODS}?dryRun=All`, pod('dry')],
  ['GET', `${PODS}/dry`],
  ['POST', `${PODS}?fieldValidation=Strict`, { ...pod('strict'), bogus: true }],
  ['POST', PODS, { ...pod('warned'), bogus: true }],
  ['POST', PODS, '{"apiVersion":"v1","kind":"Pod",'],
  ['POST', PODS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }],
  ['POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } }],
  ['POST', '/api/v1/namespaces/default/configmaps', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\n', 'application/yaml'],
  ['POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'made' } }],
  ['GET', `${PODS}/built`],
  ['POST', CLASSES_URL, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000, preemptionPolicy: 'Never' }],
  ['POST', CLASSES_URL, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'low' }, value: 10, globalDefault: true }],
  ['POST', CLASSES_URL, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'also-default' }, value: 20, globalDefault: true }],
  ['POST', PODS, pod('urgent', { priorityClassName: 'high' })],
  ['POST', PODS, pod('defaulted')],
  ['POST', PODS, pod('unclassed', { priorityClassName: 'missing' })],
  ['POST', PODS, pod('overridden', { priorityClassName: 'high', priority: 7 })],
  ['POST', '/api/v1/namespaces/default/persistentvolumeclaims', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
];

describe('POST through create workers', () => {
  it('answers every create as the inline path does: status, warnings and body', async () => {
    const workers = pool(2, COMPILED);
    await waitFor(() => workers.workers().ready === 2, 10_000, 'two ready workers');
    const [inline, threaded] = [await server(inlinePreparer()), await server(workers)];
    try {
      const codes = new Set<string>();
      for (const [method, url, body, type] of CALLS) {
        const [a, b] = [await inline.inject(method, url, body, type), await threaded.inject(method, url, body, type)];
        expect(b, `${method} ${url}`).toBe(a);
        codes.add(a.slice(0, 3));
      }
      // The calls reach every outcome a create has (and the reads see what the creates stored).
      expect([...codes].sort()).toEqual(['200', '201', '400', '403', '404', '409', '422']);
    } finally {
      await inline.close();
      await threaded.close();
    }
  });
});
