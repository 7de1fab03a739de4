// The API server in process: buildApp on memory storage, driven with inject — verbs, semantics and Status errors.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startInProcess, stopInProcess } from '../../test/support/in-process.js';
import type { FastifyInstance } from 'fastify';
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { buildApp } from './app.js';
import { Registry } from '../registry/store.js';
import { bootstrap } from '../registry/bootstrap.js';
import { createMemoryStorage } from '../storage/memory.js';
import { MAX_NESTING_DEPTH } from '../api/json-value.js';
import { encodeBody } from './protobuf/encode.js';

let app: FastifyInstance;
let registry: Registry;

beforeEach(async () => {
  ({ app, registry } = await startInProcess());
});
afterEach(() => stopInProcess({ app, registry }));

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

/** The value of one unlabelled sample in Prometheus exposition text, or undefined when it is not there. */
function sampleValue(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('discovery and health', () => {
  it('reports v1.32 and answers health checks', async () => {
    const v = await req('GET', '/version');
    expect(v.body).toMatchObject({ major: '1', minor: '32' });
    expect(String(v.body.gitVersion)).toMatch(/^v1\.32\.\d+/);
    for (const p of ['/healthz', '/livez', '/readyz']) expect((await req('GET', p)).raw).toBe('ok');
  });

  it('serves /metrics in the Prometheus text format, with the process and heap figures', async () => {
    const m = await req('GET', '/metrics');
    expect(m.code).toBe(200);
    expect(m.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    for (const name of ['process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_heap_size_total_bytes', 'process_cpu_seconds_total']) {
      expect(m.raw).toContain(`# TYPE ${name} `);
      expect(sampleValue(m.raw, name)).toBeGreaterThan(0);
    }
    expect(sampleValue(m.raw, 'nodejs_heap_size_used_bytes')).toBeLessThanOrEqual(sampleValue(m.raw, 'nodejs_heap_size_total_bytes')!);
    const started = sampleValue(m.raw, 'process_start_time_seconds')!;
    expect(Math.abs(started - (Date.now() / 1000 - process.uptime()))).toBeLessThan(1);
    expect(sampleValue(m.raw, 'no_such_metric')).toBeUndefined();
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
    expect((groups.body.groups as Array<{ name: string }>).map((g) => g.name)).toEqual(['apps', 'coordination.k8s.io', 'policy', 'scheduling.k8s.io', 'storage.k8s.io']);
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

// ---- input handling: bad bodies, queries and headers get upstream's Status, never a 500 or a half write ----

const MERGE = { 'content-type': 'application/merge-patch+json' };
const SMP = { 'content-type': 'application/strategic-merge-patch+json' };
const JSONPATCH = { 'content-type': 'application/json-patch+json' };
const YAML = { 'content-type': 'application/yaml' };

/** `n` nested objects (`{"a":{"a":…1}}`), as JSON text. */
const deepMap = (n: number): string => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
/** `n` nested arrays, as JSON text. */
const deepList = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
/** A ConfigMap whose unknown field `x` makes the whole object `depth` levels deep (as sent; `x` is not stored). */
const deepCm = (name: string, depth: number, nest = deepMap): string => `{"metadata":{"name":"${name}"},"x":${nest(depth - 1)}}`;
const CRS = '/apis/apps/v1/namespaces/default/controllerrevisions';
/** A ControllerRevision whose `data` (a RawExtension: any JSON, stored as sent) makes it `depth` levels deep. */
const deepCr = (name: string, depth: number): string => `{"metadata":{"name":"${name}"},"revision":1,"data":${deepMap(depth - 1)}}`;

async function storedRv(name: string): Promise<string> {
  return (await req('GET', `${CMS}/${name}`)).body.metadata!.resourceVersion as string;
}

describe('nesting depth', () => {
  const L = MAX_NESTING_DEPTH;

  it('accepts bodies exactly at the limit through every write path, and answers them in YAML', async () => {
    expect((await req('POST', CMS, deepCm('m', L))).code).toBe(201);
    expect((await req('POST', CMS, deepCm('l', L, deepList))).code).toBe(201);
    expect((await req('POST', CMS, deepCm('y', L), YAML)).code).toBe(201);
    expect((await req('PUT', `${CMS}/m`, deepCm('m', L))).code).toBe(200);
    expect((await req('POST', CRS, deepCr('m', L))).code).toBe(201);
    expect((await req('PATCH', `${CRS}/m`, `{"data":${deepMap(L - 1)}}`, SMP)).code).toBe(200);
    expect((await req('PATCH', `${CRS}/m`, `{"data":${deepMap(L - 1)}}`, MERGE)).code).toBe(200);
    const ops = `[{"op":"test","path":"/data/a","value":${deepMap(L - 2)}},{"op":"replace","path":"/data","value":${deepMap(L - 2)}}]`;
    expect((await req('PATCH', `${CRS}/m`, ops, JSONPATCH)).code).toBe(200);
    const deep = await req('GET', `${CRS}/m`, undefined, { accept: 'application/yaml' });
    expect(deep.code).toBe(200);
    expect(deep.raw.split('\n').length).toBeGreaterThan(L);
  });

  it.each([
    ['POST JSON', 'POST', CMS, deepCm('d', L + 1), {}, "couldn't get version/kind; json parse error: invalid character '{' exceeded max depth"],
    ['POST JSON arrays', 'POST', CMS, deepCm('d', 10_001, deepList), {}, "invalid character '[' exceeded max depth"],
    ['POST YAML', 'POST', CMS, deepCm('d', L + 1), YAML, `error converting YAML to JSON: yaml: exceeded max depth of ${L}`],
    ['POST YAML blocks', 'POST', CMS, Array.from({ length: L + 1 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'), YAML, 'exceeded max depth'],
    ['PUT', 'PUT', `${CMS}/d`, deepCm('d', L + 1), {}, 'exceeded max depth'],
    ['merge patch', 'PATCH', `${CMS}/d`, `{"x":${deepMap(L)}}`, MERGE, 'Invalid JSON Patch'],
    ['strategic merge patch', 'PATCH', `${CMS}/d`, `{"x":${deepMap(L)}}`, SMP, "invalid character '{' exceeded max depth"],
    ['JSON patch', 'PATCH', `${CMS}/d`, `[{"op":"add","path":"/x","value":${deepMap(L)}}]`, JSONPATCH, "invalid character '{' exceeded max depth"],
    ['DELETE options', 'DELETE', `${CMS}/d`, `{"preconditions":${deepMap(L)}}`, {}, "invalid character '{' exceeded max depth"],
  ])('refuses one level more: %s → 400', async (_n, method, url, body, headers, message) => {
    await req('POST', CMS, cm('d'));
    const rv = await storedRv('d');
    const res = await req(method, url, body, headers);
    expect(res.code).toBe(400);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    expect(res.body.message).toContain(message);
    expect(await storedRv('d')).toBe(rv);
  });

  it('refuses a JSON patch whose result would be too deep with 422, as a patched object that does not decode', async () => {
    expect((await req('POST', CRS, deepCr('d', L))).code).toBe(201);
    const bottom = `/data${'/a'.repeat(L - 3)}/b`;
    const res = await req('PATCH', `${CRS}/d`, [{ op: 'add', path: bottom, value: JSON.parse(deepMap(10)) as unknown }], JSONPATCH);
    expect(res.code).toBe(422);
    expect(res.body.message).toContain("exceeded max depth");
  });

  it('runs every recursive path at the limit with a third of the default stack (the limit has a 3x margin)', () => {
    const dist = (p: string): string => new URL(`../../dist/apiserver/${p}`, import.meta.url).href;
    const script = `
      import { buildApp } from ${JSON.stringify(dist('server/app.js'))};
      import { Registry } from ${JSON.stringify(dist('registry/store.js'))};
      import { bootstrap } from ${JSON.stringify(dist('registry/bootstrap.js'))};
      import { createMemoryStorage } from ${JSON.stringify(dist('storage/memory.js'))};
      const L = ${L};
      const deepMap = (n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
      const deepList = (n) => '['.repeat(n) + ']'.repeat(n);
      const registry = new Registry({ storage: createMemoryStorage() });
      await bootstrap(registry);
      const app = buildApp({ registry });
      const CM = '/api/v1/namespaces/default/configmaps';
      const codes = [];
      const send = async (method, url, payload, ct = 'application/json', accept = 'application/json') =>
        codes.push((await app.inject({ method, url, payload, headers: { 'content-type': ct, accept } })).statusCode);
      await send('POST', CM, '{"metadata":{"name":"m"},"x":' + deepMap(L - 1) + '}');
      await send('POST', CM, '{"metadata":{"name":"l"},"x":' + deepList(L - 1) + '}', 'application/yaml');
      await send('POST', CM, '{"metadata":{"name":"o"},"x":' + deepList(L + 1) + '}', 'application/yaml');
      await send('POST', CM, '[' + deepList(L + 5000) + ']', 'application/yaml');
      await send('PUT', CM + '/m', '{"metadata":{"name":"m"},"x":' + deepMap(L - 1) + '}');
      await send('PATCH', CM + '/m', '{"x":' + deepMap(L - 1) + '}', 'application/strategic-merge-patch+json');
      await send('PATCH', CM + '/m', '{"x":' + deepMap(L - 1) + '}', 'application/merge-patch+json');
      await send('PATCH', CM + '/m', '[{"op":"test","path":"/x","value":' + deepMap(L - 2) + '}]', 'application/json-patch+json');
      await send('GET', CM + '/m', undefined, undefined, 'application/yaml');
      await send('GET', CM, undefined, undefined, 'application/yaml');
      await app.close();
      console.log(codes.join(','));`;
    const out = execFileSync(process.execPath, ['--stack-size=328', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    expect(out.trim()).toBe('201,201,400,400,200,200,200,422,200,200');
  });
});

describe('DeleteOptions in the body', () => {
  it('honours dryRun, preconditions and orphanDependents from the body; the query is then ignored, as upstream', async () => {
    await req('POST', CMS, cm('a'));
    const dry = await req('DELETE', `${CMS}/a`, { apiVersion: 'v1', kind: 'DeleteOptions', dryRun: ['All'] });
    expect(dry.code).toBe(200);
    expect((await req('GET', `${CMS}/a`)).code).toBe(200);
    expect((await req('DELETE', `${CMS}/a`, { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1', preconditions: { resourceVersion: '1' } })).code).toBe(409);
    expect((await req('DELETE', `${CMS}/a?dryRun=All`, {})).code).toBe(200);
    expect((await req('GET', `${CMS}/a`)).code).toBe(404);
    await req('POST', CMS, cm('f', {}, { finalizers: ['example.com/hold'] }));
    const pending = await req('DELETE', `${CMS}/f`, { orphanDependents: false });
    expect(pending.code).toBe(202);
    expect(pending.body.metadata!.deletionTimestamp).toBeTruthy();
  });

  it.each([
    ['{{{garbage', "couldn't get version/kind; json parse error: "],
    ['[1,2]', 'json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string'],
    ['"str"', 'cannot unmarshal string into Go value of type struct'],
    ['42', 'cannot unmarshal number into Go value of type struct'],
    ['{"kind":5}', 'json: cannot unmarshal number into Go struct field .kind of type string'],
    ['{"gracePeriodSeconds":"abc"}', 'json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of type int64'],
    ['{"gracePeriodSeconds":1.5}', 'json: cannot unmarshal number 1.5 into Go struct field DeleteOptions.gracePeriodSeconds of type int64'],
    ['{"preconditions":"x"}', 'json: cannot unmarshal string into Go struct field DeleteOptions.preconditions of type v1.Preconditions'],
    ['{"preconditions":{"uid":5}}', 'json: cannot unmarshal number into Go struct field Preconditions.preconditions.uid of type types.UID'],
    ['{"dryRun":"All"}', 'json: cannot unmarshal string into Go struct field DeleteOptions.dryRun of type []string'],
    ['{"orphanDependents":"yes"}', 'json: cannot unmarshal string into Go struct field DeleteOptions.orphanDependents of type bool'],
    ['{"propagationPolicy":5}', 'json: cannot unmarshal number into Go struct field DeleteOptions.propagationPolicy of type v1.DeletionPropagation'],
    ['{"kind":"fixed"}', 'no kind "fixed" is registered for version "meta.k8s.io/v1" in scheme'],
    ['{"apiVersion":"v2","kind":"DeleteOptions"}', 'no kind "DeleteOptions" is registered for version "v2"'],
  ])('refuses body %s with 400 and deletes nothing', async (body, message) => {
    await req('POST', CMS, cm('v'));
    const res = await req('DELETE', `${CMS}/v`, body);
    expect(res.code).toBe(400);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    expect(res.body.message).toContain(message);
    expect((await req('GET', `${CMS}/v`)).code).toBe(200);
  });

  it('validates options (422), refuses unknown body types (415) and undecodable protobuf bodies (400)', async () => {
    await req('POST', CMS, cm('v'));
    const both = await req('DELETE', `${CMS}/v`, { orphanDependents: true, propagationPolicy: 'Background' });
    expect(both.code).toBe(422);
    expect(both.body.message).toBe('DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Background": orphanDependents and deletionPropagation cannot be both set');
    const dry = await req('DELETE', `${CMS}/v`, { dryRun: ['All', 'x'] });
    expect(dry.body.message).toBe('DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"All", "x"}: supported values: "All"');
    expect((await req('DELETE', `${CMS}/v`, '{}', { 'content-type': 'text/plain' })).code).toBe(415);
    expect((await req('GET', `${CMS}/v`)).code).toBe(200);
    const proto = await req('DELETE', `${CMS}/v`, Buffer.from([0x6b, 0x38, 0x73, 0x00]).toString('latin1'), { 'content-type': 'application/vnd.kubernetes.protobuf' });
    expect(proto.code).toBe(400);
    expect(proto.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: 'empty body' });
    expect((await req('GET', `${CMS}/v`)).code).toBe(200);
  });
});

describe('protobuf request bodies (typed clients)', () => {
  const PB = 'application/vnd.kubernetes.protobuf';
  const send = async (method: 'POST' | 'DELETE', url: string, payload: Buffer): Promise<{ code: number; body: Body }> => {
    const res = await app.inject({ method, url, payload, headers: { 'content-type': PB, accept: `${PB}, application/json` } });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    return { code: res.statusCode, body: JSON.parse(res.body) as Body };
  };
  const withoutServerFields = (o: Body): Body => {
    const { uid: _u, creationTimestamp: _c, resourceVersion: _r, ...meta } = o.metadata!;
    void _u; void _c; void _r;
    return { ...o, metadata: meta };
  };

  it.each([
    ['/api/v1/namespaces', 'Namespace', { metadata: { name: 'pb' } }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pb' }, spec: {}, status: {} }],
    [CMS, 'ConfigMap', { metadata: { name: 'pb' }, data: { a: 'b' }, binaryData: { bin: Buffer.from([0, 255]) } }, cm('pb', { a: 'b' }, {})],
    ['/api/v1/namespaces/default/secrets', 'Secret', { metadata: { name: 'pb' }, data: { u: Buffer.from('p') }, type: 'Opaque' }, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pb' }, data: { u: 'cA==' }, type: 'Opaque' }],
    ['/api/v1/namespaces/default/serviceaccounts', 'ServiceAccount', { metadata: { name: 'pb' }, imagePullSecrets: [{ name: 'r' }] }, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'pb' }, imagePullSecrets: [{ name: 'r' }] }],
  ])('POST %s stores what the same object in JSON stores', async (url, kind, message, json) => {
    if (kind === 'ConfigMap') (json as Body).binaryData = { bin: 'AP8=' };
    const created = await send('POST', url, encodeBody('v1', kind, kind, message));
    expect(created.code, JSON.stringify(created.body)).toBe(201);
    const name = `${url}/pb`;
    const stored = (await req('GET', name)).body;
    expect(stored).toEqual(created.body);
    const fromJson = await req('POST', url, { ...json, metadata: { name: 'pj', creationTimestamp: null } });
    expect(fromJson.code).toBe(201);
    const renamed = JSON.stringify(withoutServerFields(fromJson.body)).replaceAll('"pj"', '"pb"');
    expect(JSON.stringify(withoutServerFields(stored))).toBe(renamed);
  });

  it('honours dryRun on a protobuf create and refuses a body of another kind as upstream', async () => {
    const dry = await send('POST', `${CMS}?dryRun=All`, encodeBody('v1', 'ConfigMap', 'ConfigMap', { metadata: { name: 'dry' } }));
    expect(dry.code).toBe(201);
    expect((await req('GET', `${CMS}/dry`)).code).toBe(404);
    const other = await send('POST', CMS, encodeBody('v1', 'Secret', 'Secret', { metadata: { name: 's' } }));
    expect(other.code).toBe(400);
    expect(other.body.message).toBe('Secret in version "v1" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion');
    const pods = await send('POST', PODS, encodeBody('v1', 'Pod', 'ConfigMap', {}));
    expect(pods.code).toBe(415);
  });

  it('decodes DeleteOptions: preconditions, dryRun and grace period', async () => {
    const created = await req('POST', CMS, cm('d'));
    const options = (o: Record<string, unknown>): Buffer => encodeBody('v1', 'DeleteOptions', 'DeleteOptions', o);
    expect((await send('DELETE', `${CMS}/d`, options({ preconditions: { uid: 'other' } }))).code).toBe(409);
    expect((await send('DELETE', `${CMS}/d`, options({ dryRun: ['All'] }))).code).toBe(200);
    expect((await req('GET', `${CMS}/d`)).code).toBe(200);
    const bad = await send('DELETE', `${CMS}/d`, options({ propagationPolicy: 'Sideways' }));
    expect(bad.code).toBe(422);
    const done = await send('DELETE', `${CMS}/d`, options({ gracePeriodSeconds: 0, propagationPolicy: 'Background', preconditions: { uid: created.body.metadata!.uid } }));
    expect(done.code).toBe(200);
    expect((await req('GET', `${CMS}/d`)).code).toBe(404);
  });
});

describe('typed fields', () => {
  const bad = (m: string): string => `ConfigMap in version "v1" cannot be handled as a ConfigMap: ${m}`;
  it.each([
    [{ apiVersion: 5 }, 'the object provided is unrecognized (must be of type ConfigMap): couldn\'t get version/kind; json parse error: json: cannot unmarshal number into Go struct field .apiVersion of type string ({"apiVersion":5,"kind":"Config ...)'],
    [{ metadata: { name: 5 } }, bad('json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string')],
    [{ metadata: { name: 'x', uid: ['u'] } }, bad('json: cannot unmarshal array into Go struct field ObjectMeta.metadata.uid of type types.UID')],
    [{ metadata: { name: 'x', labels: 'abc' } }, bad('json: cannot unmarshal string into Go struct field ObjectMeta.metadata.labels of type map[string]string')],
    [{ metadata: { name: 'x', annotations: { a: true } } }, bad('json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.annotations of type string')],
    [{ metadata: { name: 'x', finalizers: [1] } }, bad('json: cannot unmarshal number into Go struct field ObjectMeta.metadata.finalizers of type string')],
    [{ metadata: { name: 'x', ownerReferences: 'x' } }, bad('json: cannot unmarshal string into Go struct field ObjectMeta.metadata.ownerReferences of type []v1.OwnerReference')],
    [{ metadata: { name: 'x', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u', controller: 'yes' }] } }, bad('json: cannot unmarshal string into Go struct field OwnerReference.metadata.ownerReferences.controller of type bool')],
    [{ metadata: { name: 'x', generation: 2.5 } }, bad('json: cannot unmarshal number 2.5 into Go struct field ObjectMeta.metadata.generation of type int64')],
    [{ metadata: { name: 'x', creationTimestamp: { t: 1 } } }, bad('json: cannot unmarshal object into Go struct field ObjectMeta.metadata.creationTimestamp of type string')],
    [{ metadata: { name: 'x', creationTimestamp: '2024-13-01T00:00:00Z' } }, bad('parsing time "2024-13-01T00:00:00Z": month out of range')],
    [{ metadata: { name: 'x' }, data: { a: 1 } }, bad('json: cannot unmarshal number into Go struct field ConfigMap.data of type string')],
    [{ metadata: { name: 'x' }, data: [1] }, bad('json: cannot unmarshal array into Go struct field ConfigMap.data of type map[string]string')],
    [{ metadata: { name: 'x' }, binaryData: { a: 'not base64!!' } }, bad('illegal base64 data at input byte 3')],
    [{ metadata: { name: 'x' }, immutable: 'yes' }, bad('json: cannot unmarshal string into Go struct field ConfigMap.immutable of type bool')],
  ])('refuses a ConfigMap %j with 400', async (body, message) => {
    const res = await req('POST', CMS, { apiVersion: 'v1', kind: 'ConfigMap', ...body });
    expect(res.code).toBe(400);
    expect(res.body.message).toBe(message);
  });

  it.each([
    ['/api/v1/namespaces/default/secrets', { kind: 'Secret', data: { a: 'x' } }, 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0'],
    ['/api/v1/namespaces/default/secrets', { kind: 'Secret', stringData: { a: 1 } }, 'json: cannot unmarshal number into Go struct field Secret.stringData of type string'],
    [PODS, { kind: 'Pod', spec: { containers: 'abc' } }, 'json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container'],
    [PODS, { kind: 'Pod', spec: { containers: [{ name: 'c', image: 5 }] } }, 'json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string'],
    [PODS, { kind: 'Pod', spec: 'x' }, 'json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec'],
    ['/apis/apps/v1/namespaces/default/daemonsets', { apiVersion: 'apps/v1', kind: 'DaemonSet', spec: { selector: 'x' } }, 'json: cannot unmarshal string into Go struct field DaemonSetSpec.spec.selector of type v1.LabelSelector'],
    ['/apis/apps/v1/namespaces/default/statefulsets', { apiVersion: 'apps/v1', kind: 'StatefulSet', spec: { template: { spec: { containers: [{ name: 1 }] } } } }, 'json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.name of type string'],
  ])('refuses wrong types in other kinds: %s %j', async (url, body, message) => {
    const res = await req('POST', url, { apiVersion: 'v1', metadata: { name: 'x' }, ...body });
    expect(res.code).toBe(400);
    expect(res.body.message).toContain(message);
  });

  it('treats nulls as Go zero values and keeps integers exact', async () => {
    const res = await req('POST', CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'n', labels: { a: null }, annotations: null }, data: { k: null } });
    expect(res.code).toBe(201);
    expect(res.body.metadata!.labels).toEqual({ a: '' });
    expect(res.body.metadata!.annotations).toBeUndefined();
    expect(res.body.data).toEqual({ k: '' });
  });

  it('answers 422 for a patch result that does not decode (quoting the patched JSON, or the strategic patch)', async () => {
    await req('POST', CMS, cm('p'));
    const merge = await req('PATCH', `${CMS}/p`, { metadata: { labels: { a: 5 } } }, MERGE);
    expect(merge.code).toBe(422);
    expect(merge.body.message).toMatch(/^ "" is invalid: patch: Invalid value: "\{\\"apiVersion\\":\\"v1\\".*": json: cannot unmarshal number into Go struct field ObjectMeta\.metadata\.labels of type string$/);
    const smp = await req('PATCH', `${CMS}/p`, { metadata: { finalizers: 'x' } }, SMP);
    expect(smp.code).toBe(422);
    expect(smp.body.message).toBe(' "" is invalid: patch: Invalid value: "map[metadata:map[finalizers:x]]": cannot restore slice from string');
    expect(smp.body.details).toEqual({ causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "map[metadata:map[finalizers:x]]": cannot restore slice from string', field: 'patch' }] });
    const time = await req('PATCH', `${CMS}/p`, [{ op: 'replace', path: '/metadata/creationTimestamp', value: 'garbage' }], JSONPATCH);
    expect(time.body.message).toContain('parsing time "garbage" as "2006-01-02T15:04:05Z07:00": cannot parse "garbage" as "2006"');
  });

  it('never lets a patch change kind or apiVersion', async () => {
    await req('POST', CMS, cm('k'));
    const rv = await storedRv('k');
    const num = await req('PATCH', `${CMS}/k`, { kind: 7 }, MERGE);
    expect(num.code).toBe(400);
    expect(num.body.message).toContain("couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string");
    const other = await req('PATCH', `${CMS}/k`, { kind: 'Secret' }, MERGE);
    expect(other.body.message).toBe('Secret in version "v1" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion');
    expect((await req('PATCH', `${CMS}/k`, { apiVersion: ['v1'] }, SMP)).code).toBe(400);
    const removed = await req('PATCH', `${CMS}/k`, [{ op: 'remove', path: '/kind' }, { op: 'remove', path: '/apiVersion' }], JSONPATCH);
    expect(removed.code).toBe(200);
    expect(removed.body).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
    expect(await storedRv('k')).toBe(rv);
  });
});

describe('patch name, namespace and failures', () => {
  beforeEach(async () => {
    await req('POST', CMS, cm('cm-1'));
  });

  it.each([
    [MERGE, { metadata: { name: 'renamed' } }, 'the name of the object (renamed) does not match the name on the URL (cm-1)'],
    [SMP, { metadata: { name: 'renamed' } }, 'the name of the object (renamed) does not match the name on the URL (cm-1)'],
    [JSONPATCH, [{ op: 'replace', path: '/metadata/name', value: 'renamed' }], 'the name of the object (renamed) does not match the name on the URL (cm-1)'],
    [MERGE, { metadata: { namespace: 'kube-system' } }, 'the namespace of the provided object does not match the namespace sent on the request'],
    [JSONPATCH, [{ op: 'remove', path: '/metadata' }], 'the name of the object (cm-1 based on URL) was undeterminable: name must be provided'],
  ])('refuses %s %j with 400', async (headers, body, message) => {
    const rv = await storedRv('cm-1');
    const res = await req('PATCH', `${CMS}/cm-1`, body, headers);
    expect(res.code).toBe(400);
    expect(res.body.message).toBe(message);
    expect(await storedRv('cm-1')).toBe(rv);
  });

  it.each([
    [[null], 'Unexpected kind: unknown'],
    [[{ op: 'bogus', path: '/x' }], 'Unexpected kind: bogus'],
    [[{ op: 'add' }], 'add operation failed to decode path: missing value'],
    [[{ op: 'add', path: 'x', value: 1 }], 'add operation does not apply: doc is missing path: "x": missing value'],
    [[{ op: 'remove', path: '/nonexistent' }], "error in remove for path: '/nonexistent': Unable to remove nonexistent key: nonexistent: missing value"],
    [[{ op: 'test', path: '/metadata/name', value: 'zzz' }], 'testing value /metadata/name failed: test failed'],
    [[{ op: 'move', from: '/nope', path: '/x' }], "error in move for path: 'nope': Unable to remove nonexistent key: nope: missing value"],
    [[{ op: 'copy', from: '/nope/deeper', path: '/x' }], 'copy operation does not apply: doc is missing from path: /nope/deeper: missing value'],
    [[{ op: 'add', path: '/__proto__/polluted', value: 'yes' }], 'add operation does not apply: path "/__proto__/polluted" is not a field'],
  ])('answers a JSON patch that does not apply with 422 and upstream\'s text: %j', async (ops, cause) => {
    const res = await req('PATCH', `${CMS}/cm-1`, ops, JSONPATCH);
    expect(res.code).toBe(422);
    expect(res.body).toMatchObject({ reason: 'Invalid', message: 'the server rejected our request due to an error in our request', details: { causes: [{ reason: 'UnexpectedServerResponse', message: cause }] } });
  });

  it('answers 400 for JSON patch bodies that are not patches, 413 past 10,000 operations, and treats null as empty', async () => {
    for (const [body, message] of [['{}', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'], ['[1]', 'json: cannot unmarshal number into Go value of type jsonpatch.Operation'], ['garbage', "invalid character 'g' looking for beginning of value"]]) {
      const res = await req('PATCH', `${CMS}/cm-1`, body, JSONPATCH);
      expect([res.code, res.body.message]).toEqual([400, message]);
    }
    const many = await req('PATCH', `${CMS}/cm-1`, Array.from({ length: 10_001 }, () => ({ op: 'test', path: '/kind', value: 'ConfigMap' })), JSONPATCH);
    expect([many.code, many.body.message]).toEqual([413, 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001']);
    expect((await req('PATCH', `${CMS}/cm-1`, 'null', JSONPATCH)).code).toBe(200);
    for (const body of ['{', '"x"', '1', 'null']) expect((await req('PATCH', `${CMS}/cm-1`, body, MERGE)).body.message).toBe('Invalid JSON Patch');
  });

  it('keeps strategic merge patch directives as upstream: a malformed key is a 400, a misplaced value patches nothing', async () => {
    const rv = await storedRv('cm-1');
    const noSlash = await req('PATCH', `${CMS}/cm-1`, { metadata: { $deleteFromPrimitiveList: ['a'] } }, SMP);
    expect([noSlash.code, noSlash.body.message]).toEqual([400, 'invalid patch format of primitive list']);
    const wrongType = await req('PATCH', `${CMS}/cm-1`, { metadata: { '$deleteFromPrimitiveList/finalizers': 'x' } }, SMP);
    expect(wrongType.code).toBe(200);
    expect(await storedRv('cm-1')).toBe(rv);
  });
});

describe('__proto__ and constructor keys', () => {
  it('drops __proto__ keys without disabling the rest of the body, and pollutes no prototype', async () => {
    await req('POST', CMS, cm('cm-1'));
    const stale = await req('PATCH', `${CMS}/cm-1`, '{"__proto__":{"polluted":"yes"},"metadata":{"resourceVersion":"1"}}', MERGE);
    expect(stale.code).toBe(409);
    for (const [body, headers] of [
      ['{"__proto__":{"polluted":"yes"},"metadata":{"labels":{"a":"b","__proto__":{"polluted":"yes"}}}}', MERGE],
      ['{"metadata":{"__proto__":{"polluted":"yes"},"labels":{"c":"d"}}}', SMP],
    ] as const) {
      expect((await req('PATCH', `${CMS}/cm-1`, body, headers)).code).toBe(200);
    }
    // A JSON patch naming __proto__ does not apply (422) and changes nothing.
    expect((await req('PATCH', `${CMS}/cm-1`, '[{"op":"add","path":"/metadata/__proto__","value":{"polluted":"yes"}}]', JSONPATCH)).code).toBe(422);
    expect((await req('POST', CMS, '{"__proto__":{"kind":"Pod"},"metadata":{"name":"pp","__proto__":{"namespace":"x"}}}')).code).toBe(201);
    expect((await req('DELETE', `${CMS}/pp`, '{"__proto__":{"dryRun":["All"]},"preconditions":{"resourceVersion":"1"}}')).code).toBe(409);
    const got = await req('GET', `${CMS}/cm-1`);
    expect(got.body.metadata!.labels).toEqual({ a: 'b', c: 'd' });
    expect(got.raw).not.toContain('__proto__');
    expect(got.raw).not.toContain('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  });

  it('keeps constructor, prototype and hasOwnProperty as ordinary keys', async () => {
    const data = { constructor: 'c', prototype: 'p', hasOwnProperty: 'h', toString: 't' };
    expect((await req('POST', CMS, cm('ctor', data))).body.data).toEqual(data);
    const merged = await req('PATCH', `${CMS}/ctor`, { data: { constructor: 'c2' } }, MERGE);
    expect(merged.body.data).toEqual({ ...data, constructor: 'c2' });
    const smp = await req('PATCH', `${CMS}/ctor`, { data: { hasOwnProperty: null } }, SMP);
    expect(Object.keys(smp.body.data as object).sort()).toEqual(['constructor', 'prototype', 'toString']);
    const jp = await req('PATCH', `${CMS}/ctor`, [{ op: 'replace', path: '/data/constructor', value: 'c3' }], JSONPATCH);
    expect((jp.body.data as Record<string, string>).constructor).toBe('c3');
  });
});

describe('pod updates are validated like creates', () => {
  // A whole new spec (PUT, or a merge patch replacing the containers) also drops what admission added on create (the
  // kube-api-access volume and mounts): upstream then adds its Forbidden error, as here.
  const FORBIDDEN = ', spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,';
  it.each([
    ['PUT', { spec: { containers: [{ name: 'c' }] } }, {}, `Pod "p" is invalid: [spec.containers[0].image: Required value${FORBIDDEN}`],
    ['PUT', { spec: { containers: [] } }, {}, 'Pod "p" is invalid: [spec.containers: Required value, spec.containers: Forbidden: pod updates may not add or remove containers]'],
    ['PATCH', [{ op: 'remove', path: '/spec/containers/0/image' }], JSONPATCH, 'Pod "p" is invalid: spec.containers[0].image: Required value'],
    ['PATCH', { spec: { containers: [{ name: 'c' }] } }, MERGE, `Pod "p" is invalid: [spec.containers[0].image: Required value${FORBIDDEN}`],
    ['PATCH', { spec: { containers: [{ name: 'c', image: null }] } }, SMP, 'Pod "p" is invalid: spec.containers[0].image: Required value'],
  ])('%s %j → 422', async (method, body, headers, message) => {
    await req('POST', PODS, pod('p'));
    const payload = method === 'PUT' ? { ...pod('p'), ...(body as object) } : body;
    const res = await req(method, `${PODS}/p`, payload, headers);
    expect(res.code).toBe(422);
    expect(message.endsWith(',') ? (res.body.message as string).slice(0, message.length) : res.body.message).toBe(message);
    expect((await req('GET', `${PODS}/p`)).body.spec).toMatchObject({ containers: [{ name: 'c', image: 'busybox' }] });
  });
});

describe('query parameters', () => {
  const token = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  it.each([
    ['garbage', "continue key is not valid: invalid character '\\u0081' looking for beginning of value"],
    [token(null), 'continue key is not valid: server does not recognize this encoded version '],
    [token([]), 'continue key is not valid: json: cannot unmarshal array into Go value of type storage.continueToken'],
    [token({ v: 'meta.k8s.io/v1', rv: 'abc', start: 'a\u0000' }), 'continue key is not valid: json: cannot unmarshal string into Go struct field continueToken.rv of type int64'],
    [token({ v: 'meta.k8s.io/v1', start: 'a\u0000' }), 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'],
    [token({ v: 'meta.k8s.io/v1', rv: 5, start: '' }), 'continue key is not valid: encoded start key empty (version meta.k8s.io/v1)'],
    [token({ v: 'meta.k8s.io/v1', rv: 5, start: '../x' }), 'continue key is not valid: ../x'],
    ['%25%25%25', 'continue key is not valid: illegal base64 data at input byte 0'],
    [`${token({ v: 'meta.k8s.io/v1', rv: 5, start: 'a\u0000' })}=`, 'continue key is not valid: illegal base64 data at input byte'],
  ])('refuses continue=%s with 400', async (value, message) => {
    const res = await req('GET', `${CMS}?limit=1&continue=${value}`);
    expect(res.code).toBe(400);
    expect(res.body.message).toContain(`invalid continue token: ${message}`);
  });

  it.each([
    ['limit=99999999999999999999', 400, 'strconv.ParseInt: parsing "99999999999999999999": value out of range'],
    ['timeoutSeconds=abc', 400, 'strconv.ParseInt: parsing "abc": invalid syntax'],
    ['resourceVersionMatch=bogus&resourceVersion=1', 422, 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: "bogus": supported values: "Exact", "NotOlderThan", ""'],
    ['resourceVersionMatch=Exact', 422, 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided'],
    ['limit=1&continue=x&resourceVersion=5', 400, 'specifying resource version is not allowed when using continue'],
  ])('refuses %s', async (query, code, message) => {
    const res = await req('GET', `${CMS}?${query}`);
    expect([res.code, res.body.message]).toEqual([code, message]);
  });

  it('checks every dryRun value, and parses `a in ()` as upstream (a in (""))', async () => {
    const res = await req('POST', `${CMS}?dryRun=All&dryRun=foo`, cm('d'));
    expect([res.code, res.body.message]).toEqual([422, 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"All", "foo"}: supported values: "All"']);
    await req('POST', CMS, cm('empty', {}, { labels: { a: '' } }));
    await req('POST', CMS, cm('full', {}, { labels: { a: 'x' } }));
    const list = await req('GET', `${CMS}?labelSelector=${encodeURIComponent('a in ()')}`);
    expect(list.body.items!.map((i) => (i.metadata as { name: string }).name)).toEqual(['empty']);
  });
});

describe('content negotiation and malformed requests', () => {
  it.each([['application/xml'], ['text/html'], ['application/json;as=Foo'], ['text/plain, image/*']])('answers Accept: %s with 406', async (accept) => {
    const res = await req('GET', CMS, undefined, { accept });
    expect(res.code).toBe(406);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'NotAcceptable', message: 'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf' });
  });

  it.each([['*/*'], ['application/*'], ['application/json'], ['application/vnd.kubernetes.protobuf, */*'], ['text/html, application/json;q=0.5']])('answers Accept: %s in JSON', async (accept) => {
    const res = await req('GET', CMS, undefined, { accept });
    expect(res.code).toBe(200);
    expect(res.body.kind).toBe('ConfigMapList');
  });

  it('answers Accept: application/yaml in YAML, errors included', async () => {
    await req('POST', CMS, cm('y'));
    const res = await req('GET', `${CMS}/y`, undefined, { accept: 'application/yaml' });
    expect(res.headers['content-type']).toBe('application/yaml');
    expect(res.raw).toMatch(/^apiVersion: v1\ndata:\n {2}a: "1"\nkind: ConfigMap\nmetadata:\n {2}creationTimestamp: "/);
    const missing = await req('GET', `${CMS}/nope`, undefined, { accept: 'application/yaml' });
    expect(missing.code).toBe(404);
    expect(missing.raw).toContain('reason: NotFound\n');
  });

  it('answers a URL that does not decode with a 400 Status, and unknown paths with plain text', async () => {
    const res = await req('GET', `${CMS}/%ZZ`);
    expect(res.code).toBe(400);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: `parse "${CMS}/%ZZ": invalid URL escape "%ZZ"` });
    const plain = await req('GET', '/x-unknown/y');
    expect([plain.code, plain.raw]).toEqual([404, '404 page not found\n']);
  });

  it('answers malformed HTTP in plain text as Go does, and keeps serving', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const exchange = (bytes: string): Promise<string> => new Promise((resolve) => {
      const chunks: Buffer[] = [];
      const sock = connect(port, '127.0.0.1', () => sock.write(bytes));
      sock.on('data', (d: Buffer) => chunks.push(d));
      sock.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
      sock.on('error', () => resolve(Buffer.concat(chunks).toString('latin1')));
    });
    for (const raw of ['GARBAGE\r\n\r\n', 'GET /api HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', 'GET /api HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n']) {
      const answer = await exchange(raw);
      expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(answer).toContain('Content-Type: text/plain; charset=utf-8');
      expect(answer.endsWith('\r\n\r\n400 Bad Request')).toBe(true);
    }
    const huge = await exchange(`GET /api?x=${'a'.repeat(1 << 20)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    const long = await exchange(`GET ${CMS}?labelSelector=${encodeURIComponent(`a=(b${'c'.repeat(20_000)}`)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(long).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[^]*"reason":"BadRequest"/);
    expect((await req('GET', '/readyz')).raw).toBe('ok');
  });
});

describe('YAML bodies', () => {
  it.each([
    ['a: *nope\n', "error converting YAML to JSON: yaml: unknown anchor 'nope' referenced"],
    [`x: &x y\nl: [${Array(500).fill('*x').join(',')}]\n`, 'error converting YAML to JSON: yaml: document contains excessive aliasing'],
    [`a: &a ["lol","lol"]\n${Array.from({ length: 6 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`).join('\n')}\n`, 'excessive aliasing'],
    [`a0: &a0 [x]\n${Array.from({ length: MAX_NESTING_DEPTH + 1 }, (_, i) => `a${i + 1}: &a${i + 1} [*a${i}]`).join('\n')}\n`, `yaml: exceeded max depth of ${MAX_NESTING_DEPTH}`],
    ['a: .inf\n', 'error converting YAML to JSON: json: unsupported value: +Inf'],
    ['? [a, b]\n: c\n', 'Unsupported map key of type: []interface {}'],
  ])('refuses %j with 400', async (body, message) => {
    const res = await req('POST', CMS, body, YAML);
    expect(res.code).toBe(400);
    expect(res.body.message).toContain(message);
  });
});
