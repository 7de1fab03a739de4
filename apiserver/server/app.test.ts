// The API server in process: buildApp on memory storage, driven with inject — verbs, semantics and Status errors.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { Registry } from '../registry/store.js';
import { bootstrap } from '../registry/bootstrap.js';
import { createMemoryStorage } from '../storage/memory.js';

let app: FastifyInstance;
let registry: Registry;

beforeEach(async () => {
  registry = new Registry({ storage: createMemoryStorage() });
  await bootstrap(registry);
  app = buildApp({ registry });
  await app.ready();
});
afterEach(async () => {
  await app.close();
  await registry.storage.close();
});

type Body = Record<string, unknown> & { metadata?: Record<string, unknown>; items?: Array<Record<string, unknown>> };

async function req(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ code: number; body: Body; raw: string; headers: Record<string, unknown> }> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const res = await app.inject({
    method: method as 'GET',
    url,
    payload,
    headers: { 'content-type': 'application/json', ...headers },
  });
  let parsed: Body = {};
  try {
    parsed = JSON.parse(res.body) as Body;
  } catch {
    // not JSON
  }
  return { code: res.statusCode, body: parsed, raw: res.body, headers: res.headers };
}

const cm = (name: string, data: Record<string, string> = { a: '1' }, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...extra },
  data,
});
const pod = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});
const CMS = '/api/v1/namespaces/default/configmaps';
const PODS = '/api/v1/namespaces/default/pods';

describe('discovery and health', () => {
  it('reports v1.32 and answers health checks', async () => {
    const v = await req('GET', '/version');
    expect(v.body).toMatchObject({ major: '1', minor: '32' });
    expect(String(v.body.gitVersion)).toMatch(/^v1\.32\.\d+/);
    for (const p of ['/healthz', '/livez', '/readyz']) expect((await req('GET', p)).raw).toBe('ok');
  });

  it('serves legacy discovery with short names, categories and subresources', async () => {
    const core = await req('GET', '/api/v1');
    const resources = core.body.resources as Array<Record<string, unknown>>;
    expect(resources.find((r) => r.name === 'pods')).toMatchObject({ shortNames: ['po'], categories: ['all'], namespaced: true, kind: 'Pod' });
    expect(resources.find((r) => r.name === 'pods/eviction')).toMatchObject({ group: 'policy', version: 'v1', kind: 'Eviction' });
    const apps = await req('GET', '/apis/apps/v1');
    const appsRes = apps.body.resources as Array<Record<string, unknown>>;
    expect(appsRes.find((r) => r.name === 'statefulsets/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    const groups = await req('GET', '/apis');
    expect((groups.body.groups as Array<{ name: string }>).map((g) => g.name)).toEqual(['apps', 'coordination.k8s.io', 'policy']);
  });

  it('serves aggregated discovery v2 with its media type', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    const res = await req('GET', '/apis', undefined, { accept });
    expect(res.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    expect(res.body.kind).toBe('APIGroupDiscoveryList');
    const core = await req('GET', '/api', undefined, { accept });
    expect((core.body.items as Array<{ metadata: { name: string } }>)[0]!.metadata.name).toBe('');
  });

  it('has the system namespaces from the first start', async () => {
    const list = await req('GET', '/api/v1/namespaces');
    expect(list.body.items!.map((n) => (n.metadata as { name: string }).name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });
});

describe('create, get, list', () => {
  it('fills server fields and keeps generation for workloads only', async () => {
    const c = await req('POST', CMS, cm('one'));
    expect(c.code).toBe(201);
    expect(c.body.metadata).toMatchObject({ name: 'one', namespace: 'default' });
    expect(c.body.metadata!.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(c.body.metadata!.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(c.body.metadata!.generation).toBeUndefined();
    const ds = await req('POST', '/apis/apps/v1/namespaces/default/daemonsets', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'd' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    });
    expect(ds.code).toBe(201);
    expect(ds.body.metadata!.generation).toBe(1);
    const got = await req('GET', `${CMS}/one`);
    expect(got.body).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', data: { a: '1' } });
    expect(got.body.metadata!.resourceVersion).toBe(c.body.metadata!.resourceVersion);
  });

  it('resolves generateName', async () => {
    const c = await req('POST', CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } });
    expect(c.code).toBe(201);
    expect(c.body.metadata!.name).toMatch(/^gen-[a-z0-9]{5}$/);
  });

  it('lists in key order with label selectors, field selectors and pagination', async () => {
    for (const [n, l] of [['b', { app: 'web', tier: 'x' }], ['a', { app: 'db' }], ['c', { app: 'web' }]] as const) {
      expect((await req('POST', PODS, pod(n, l))).code).toBe(201);
    }
    const names = (b: Body) => b.items!.map((i) => (i.metadata as { name: string }).name);
    expect(names((await req('GET', PODS)).body)).toEqual(['a', 'b', 'c']);
    expect(names((await req('GET', `${PODS}?labelSelector=${encodeURIComponent('app=web')}`)).body)).toEqual(['b', 'c']);
    expect(names((await req('GET', `${PODS}?labelSelector=${encodeURIComponent('app in (db),!tier')}`)).body)).toEqual(['a']);
    expect(names((await req('GET', `${PODS}?labelSelector=tier`)).body)).toEqual(['b']);
    expect(names((await req('GET', `${PODS}?fieldSelector=${encodeURIComponent('metadata.name!=a,status.phase=Pending')}`)).body)).toEqual(['b', 'c']);
    const page1 = await req('GET', `${PODS}?limit=2`);
    expect(names(page1.body)).toEqual(['a', 'b']);
    const token = page1.body.metadata!.continue as string;
    expect(token).toBeTruthy();
    const page2 = await req('GET', `${PODS}?limit=2&continue=${encodeURIComponent(token)}`);
    expect(names(page2.body)).toEqual(['c']);
    expect(page2.body.metadata!.continue).toBeUndefined();
    const all = await req('GET', '/api/v1/pods');
    expect(all.body.kind).toBe('PodList');
    expect(names(all.body)).toEqual(['a', 'b', 'c']);
  });

  it('rejects unsupported field selectors with upstream messages', async () => {
    const p = await req('GET', `${PODS}?fieldSelector=spec.bogus%3Dx`);
    expect(p.code).toBe(400);
    expect(p.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: 'field label not supported: spec.bogus' });
    const c = await req('GET', `${CMS}?fieldSelector=data.x%3Dy`);
    expect(c.body.message).toBe('"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"');
  });

  it('answers a Table when asked, with resourceVersion and row objects', async () => {
    await req('POST', PODS, pod('p', { app: 'x' }));
    const t = await req('GET', PODS, undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    expect(t.body).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(t.body.metadata!.resourceVersion).toBeTruthy();
    const cols = (t.body.columnDefinitions as Array<{ name: string }>).map((c) => c.name);
    expect(cols.slice(0, 5)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    const row = (t.body.rows as Array<{ cells: unknown[]; object: Record<string, unknown> }>)[0]!;
    expect(row.cells.slice(0, 4)).toEqual(['p', '0/1', 'Pending', '0']);
    expect(row.object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'p', labels: { app: 'x' } } });
  });
});

describe('updates', () => {
  it('enforces optimistic concurrency and keeps the resourceVersion of a no-op write', async () => {
    const c = await req('POST', CMS, cm('x'));
    const rv = c.body.metadata!.resourceVersion as string;
    const same = await req('PUT', `${CMS}/x`, { ...cm('x'), metadata: { name: 'x', resourceVersion: rv } });
    expect(same.code).toBe(200);
    expect(same.body.metadata!.resourceVersion).toBe(rv);
    const changed = await req('PUT', `${CMS}/x`, { ...cm('x', { a: '2' }), metadata: { name: 'x', resourceVersion: rv } });
    expect(changed.code).toBe(200);
    expect(Number(changed.body.metadata!.resourceVersion)).toBeGreaterThan(Number(rv));
    const stale = await req('PUT', `${CMS}/x`, { ...cm('x', { a: '3' }), metadata: { name: 'x', resourceVersion: rv } });
    expect(stale.code).toBe(409);
    expect(stale.body.message).toBe('Operation cannot be fulfilled on configmaps "x": the object has been modified; please apply your changes to the latest version and try again');
    const unconditional = await req('PUT', `${CMS}/x`, cm('x', { a: '4' }));
    expect(unconditional.code).toBe(200);
  });

  it('bumps generation on spec changes only, and writes status only through /status', async () => {
    const base = '/apis/apps/v1/namespaces/default/statefulsets';
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 's' },
      spec: { replicas: 1, serviceName: 's', selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    };
    await req('POST', base, sts);
    const labelled = await req('PATCH', `${base}/s`, { metadata: { labels: { x: 'y' } } }, { 'content-type': 'application/merge-patch+json' });
    expect(labelled.body.metadata!.generation).toBe(1);
    const scaled = await req('PATCH', `${base}/s`, { spec: { replicas: 3 }, status: { replicas: 99 } }, { 'content-type': 'application/merge-patch+json' });
    expect(scaled.body.metadata!.generation).toBe(2);
    expect((scaled.body.status as { replicas: number }).replicas).toBe(0);
    const status = await req('PATCH', `${base}/s/status`, { status: { replicas: 3, observedGeneration: 2 }, spec: { replicas: 7 } }, { 'content-type': 'application/merge-patch+json' });
    expect(status.body.status).toMatchObject({ replicas: 3, observedGeneration: 2 });
    expect((status.body.spec as { replicas: number }).replicas).toBe(3);
    expect(status.body.metadata!.generation).toBe(2);
  });

  it('applies json, merge and strategic merge patches; a patch resourceVersion is a precondition', async () => {
    await req('POST', PODS, pod('p'));
    const smp = await req('PATCH', `${PODS}/p`, { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } }, { 'content-type': 'application/strategic-merge-patch+json' });
    expect(smp.code).toBe(200);
    expect((smp.body.spec as { containers: Array<{ image: string }> }).containers).toHaveLength(1);
    expect((smp.body.spec as { containers: Array<{ image: string }> }).containers[0]!.image).toBe('busybox:2');
    const jp = await req('PATCH', `${PODS}/p`, [{ op: 'add', path: '/metadata/labels', value: { k: 'v' } }], { 'content-type': 'application/json-patch+json' });
    expect(jp.body.metadata!.labels).toEqual({ k: 'v' });
    const stale = await req('PATCH', `${PODS}/p`, { metadata: { resourceVersion: '1', labels: { z: 'z' } } }, { 'content-type': 'application/merge-patch+json' });
    expect(stale.code).toBe(409);
    const unsupported = await req('PATCH', `${PODS}/p`, '{}', { 'content-type': 'text/plain' });
    expect(unsupported.code).toBe(415);
  });

  it('PUT creates services, events and leases; leases need a resourceVersion', async () => {
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l' }, spec: { holderIdentity: 'me' } };
    const leases = '/apis/coordination.k8s.io/v1/namespaces/default/leases';
    expect((await req('PUT', `${leases}/l`, lease)).code).toBe(201);
    const noRV = await req('PUT', `${leases}/l`, lease);
    expect(noRV.code).toBe(422);
    expect(noRV.body.message).toBe('leases.coordination.k8s.io "l" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
    expect((await req('PUT', `${CMS}/missing`, cm('missing'))).code).toBe(404);
  });
});

describe('dry run', () => {
  it('persists nothing and moves no resourceVersion', async () => {
    const before = (await req('GET', CMS)).body.metadata!.resourceVersion;
    const c = await req('POST', `${CMS}?dryRun=All`, cm('dry'));
    expect(c.code).toBe(201);
    expect(c.body.metadata!.uid).toBeTruthy();
    expect((await req('GET', `${CMS}/dry`)).code).toBe(404);
    await req('POST', CMS, cm('real'));
    const mid = (await req('GET', CMS)).body.metadata!.resourceVersion;
    await req('PATCH', `${CMS}/real?dryRun=All`, { data: { a: 'z' } }, { 'content-type': 'application/merge-patch+json' });
    await req('DELETE', `${CMS}/real?dryRun=All`);
    const after = await req('GET', `${CMS}/real`);
    expect(after.body.data).toEqual({ a: '1' });
    expect((await req('GET', CMS)).body.metadata!.resourceVersion).toBe(mid);
    expect(Number(mid)).toBe(Number(before) + 1);
    const bad = await req('POST', `${CMS}?dryRun=foo`, cm('x'));
    expect(bad.body.message).toBe('CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"foo"}: supported values: "All"');
  });
});

describe('delete', () => {
  it('returns a Status with the uid for configmaps and the object for pods', async () => {
    const c = await req('POST', CMS, cm('gone'));
    const d = await req('DELETE', `${CMS}/gone`, { propagationPolicy: 'Background' });
    expect(d.code).toBe(200);
    expect(d.body).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'gone', kind: 'configmaps', uid: c.body.metadata!.uid } });
    await req('POST', PODS, pod('p'));
    const dp = await req('DELETE', `${PODS}/p`);
    expect(dp.body).toMatchObject({ kind: 'Pod', metadata: { name: 'p', deletionGracePeriodSeconds: 0 } });
    expect((await req('GET', `${PODS}/p`)).code).toBe(404);
  });

  it('keeps an object with finalizers until the last one is removed', async () => {
    await req('POST', CMS, cm('f', {}, { finalizers: ['example.com/hold'] }));
    const d = await req('DELETE', `${CMS}/f`);
    expect(d.body.metadata!.deletionTimestamp).toBeTruthy();
    const still = await req('GET', `${CMS}/f`);
    expect(still.code).toBe(200);
    const cleared = await req('PATCH', `${CMS}/f`, { metadata: { finalizers: null } }, { 'content-type': 'application/merge-patch+json' });
    expect(cleared.code).toBe(200);
    expect((await req('GET', `${CMS}/f`)).code).toBe(404);
  });

  it('deletes a scheduled pod gracefully', async () => {
    const p = pod('g');
    (p.spec as Record<string, unknown>).nodeName = 'node-1';
    await req('POST', PODS, p);
    const d = await req('DELETE', `${PODS}/g`);
    expect(d.body.metadata).toMatchObject({ deletionGracePeriodSeconds: 30 });
    expect((await req('GET', `${PODS}/g`)).code).toBe(200);
    await req('DELETE', `${PODS}/g`, { gracePeriodSeconds: 0 });
    expect((await req('GET', `${PODS}/g`)).code).toBe(404);
  });

  it('refuses to delete the system namespaces', async () => {
    const d = await req('DELETE', '/api/v1/namespaces/default');
    expect(d.code).toBe(403);
    expect(d.body.message).toBe('namespaces "default" is forbidden: this namespace may not be deleted');
  });
});

describe('errors', () => {
  it.each([
    ['GET', '/api/v1/namespaces/default/pods/nope', undefined, 404, 'NotFound', 'pods "nope" not found'],
    ['GET', '/apis/apps/v1/namespaces/default/daemonsets/nope', undefined, 404, 'NotFound', 'daemonsets.apps "nope" not found'],
    ['GET', '/api/v1/foos', undefined, 404, 'NotFound', 'the server could not find the requested resource'],
    ['POST', '/api/v1/namespaces/default/pods/x', {}, 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'],
    ['POST', '/api/v1/namespaces/nope/configmaps', { metadata: { name: 'x' } }, 404, 'NotFound', 'namespaces "nope" not found'],
    ['POST', CMS, '{"metadata":', 400, 'BadRequest', undefined],
    ['POST', CMS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } }, 400, 'BadRequest', 'Pod in version "v1" cannot be handled as a ConfigMap: converting (v1.Pod) to (core.ConfigMap): unknown conversion'],
    ['POST', CMS, { metadata: { name: 'x', namespace: 'other' } }, 400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request'],
    ['POST', CMS, { metadata: { name: 'Bad_Name' } }, 422, 'Invalid', undefined],
    ['POST', PODS, { metadata: { name: 'bad' }, spec: { containers: [{ name: 'c' }] } }, 422, 'Invalid', 'Pod "bad" is invalid: spec.containers[0].image: Required value'],
    ['PUT', `${CMS}/a`, { metadata: { name: 'b' } }, 400, 'BadRequest', 'the name of the object (b) does not match the name on the URL (a)'],
  ])('%s %s → %s %s', async (method, url, body, code, reason, message) => {
    const res = await req(method, url, body);
    expect(res.code).toBe(code);
    expect(res.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code });
    if (message) expect(res.body.message).toBe(message);
  });

  it('answers plain text outside the API groups, and 413 for bodies over 3 MiB', async () => {
    const res = await req('GET', '/nope');
    expect(res.code).toBe(404);
    expect(res.raw).toBe('404 page not found\n');
    const big = await req('POST', CMS, JSON.stringify({ metadata: { name: 'big' }, data: { x: 'y'.repeat(3 * 1024 * 1024) } }));
    expect(big.code).toBe(413);
    expect(big.body).toMatchObject({ reason: 'RequestEntityTooLarge', message: 'Request entity too large: limit is 3145728' });
  });

  it('reports Invalid with causes as kubectl rebuilds them', async () => {
    const res = await req('POST', PODS, { metadata: { name: 'bad2' }, spec: { containers: [{ name: 'c' }] } });
    expect(res.body.details).toEqual({
      name: 'bad2',
      kind: 'Pod',
      causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }],
    });
  });
});
