// Server-side apply through the HTTP layer: create, merge, field removal, conflicts, force, options and dry run.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startInProcess, stopInProcess } from '../../test/support/in-process.js';
import type { FastifyInstance } from 'fastify';
import type { Registry } from '../registry/store.js';
import { bootstrap } from '../registry/bootstrap.js';

let app: FastifyInstance;
let registry: Registry;

beforeEach(async () => {
  ({ app, registry } = await startInProcess());
});
afterEach(() => stopInProcess({ app, registry }));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads deep into JSON answers
type Obj = Record<string, any>;

async function send(method: string, url: string, body: unknown, contentType: string): Promise<{ code: number; body: Obj }> {
  const res = await app.inject({ method: method as 'PATCH', url, payload: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': contentType } });
  return { code: res.statusCode, body: JSON.parse(res.body) as Obj };
}

const APPLY = 'application/apply-patch+yaml';
const DS = '/apis/apps/v1/namespaces/default/daemonsets';
const CM = '/api/v1/namespaces/default/configmaps';

/** Applies a configuration to the object it names under a collection URL. */
function apply(collection: string, body: Obj | string, query = 'fieldManager=kubectl&force=false'): Promise<{ code: number; body: Obj }> {
  const name = typeof body === 'string' ? /name: (\S+)/.exec(body)![1] : (body.metadata as Obj).name as string;
  return send('PATCH', `${collection}/${name}?${query}`, body, APPLY);
}

function daemonSet(containers: Obj[], extra: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds', labels: { app: 'a' }, ...extra },
    spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: { containers } } },
  };
}

describe('server-side apply', () => {
  it('creates the object (201) with an Apply entry in managedFields', async () => {
    const res = await apply(DS, daemonSet([{ name: 'c', image: 'i:1' }]));
    expect(res.code).toBe(201);
    expect(res.body.metadata.uid).toBeTruthy();
    const mf = res.body.metadata.managedFields as Obj[];
    expect(mf).toHaveLength(1);
    expect(mf[0]).toMatchObject({ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' });
    expect(Object.keys(mf[0]!)).toEqual(['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1']);
    expect(mf[0]!.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
        },
      },
    });
  });

  it('accepts a YAML body, keeps the resourceVersion when nothing changes', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\ndata:\n  a: "1"\n';
    const first = await apply(CM, yaml);
    expect(first.code).toBe(201);
    const again = await apply(CM, yaml);
    expect(again.code).toBe(200);
    expect(again.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion);
    expect(again.body.metadata.managedFields).toEqual(first.body.metadata.managedFields);
  });

  it('merges containers by name, and removes what the manager applied before but omits now', async () => {
    await apply(DS, daemonSet([{ name: 'c', image: 'i:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }, { name: 'd', image: 'd:1' }]));
    const res = await apply(DS, daemonSet([{ name: 'c', image: 'i:2', env: [{ name: 'A', value: '1' }] }]));
    expect(res.code).toBe(200);
    const containers = res.body.spec.template.spec.containers as Obj[];
    expect(containers.map((c) => c.name)).toEqual(['c']);
    expect(containers[0]!.image).toBe('i:2');
    expect(containers[0]!.env).toEqual([{ name: 'A', value: '1' }]);
    expect(res.body.metadata.generation).toBe(2);
  });

  it('keeps fields another manager owns when the applier drops them', async () => {
    await apply(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared' }, data: { a: '1', b: '2' } });
    await apply(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared' }, data: { b: '2' } }, 'fieldManager=other');
    const res = await apply(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared' }, data: {} });
    expect(res.body.data).toEqual({ b: '2' });
  });

  it('answers a conflict with another applier with 409 and upstream causes; force takes the field', async () => {
    await apply(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } });
    const res = await apply(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '2' } }, 'fieldManager=other');
    expect(res.code).toBe(409);
    expect(res.body).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Conflict', code: 409,
      message: 'Apply failed with 1 conflict: conflict with "kubectl": .data.a',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.data.a' }] },
    });
    const forced = await apply(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '2' } }, 'fieldManager=other&force=true');
    expect(forced.code).toBe(200);
    expect(forced.body.data).toEqual({ a: '2' });
    expect((forced.body.metadata.managedFields as Obj[]).map((m) => m.manager)).toEqual(['other']);
  });

  it('tracks later updates by other managers and reports them as conflicts "using <apiVersion>"', async () => {
    await apply(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'u' }, data: { a: '1', b: '1' } });
    const patched = await send('PATCH', `${CM}/u?fieldManager=kubectl-client-side-apply`, { data: { a: '5', b: '5' } }, 'application/strategic-merge-patch+json');
    // The update takes both fields from the applier, whose then empty entry goes (upstream).
    expect((patched.body.metadata.managedFields as Obj[]).map((m) => [m.manager, m.operation])).toEqual([['kubectl-client-side-apply', 'Update']]);
    const res = await apply(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'u' }, data: { a: '1', b: '1' } });
    expect(res.code).toBe(409);
    expect(res.body.message).toBe('Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using v1:\n- .data.a\n- .data.b');
  });

  it('leaves objects untracked until their first apply', async () => {
    const created = await send('POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' }, data: { a: '1' } }, 'application/json');
    expect(created.body.metadata.managedFields).toBeUndefined();
    const patched = await send('PATCH', `${CM}/plain?fieldManager=kubectl-patch`, { data: { a: '2' } }, 'application/merge-patch+json');
    expect(patched.body.metadata.managedFields).toBeUndefined();
    // The first apply finds the fields owned by upstream's before-first-apply manager.
    const conflict = await apply(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' }, data: { a: '3' } });
    expect(conflict.code).toBe(409);
    expect(conflict.body.message).toBe('Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .data.a');
    const applied = await apply(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' }, data: { a: '3' } }, 'fieldManager=kubectl&force=true');
    expect(applied.code).toBe(200);
    expect(applied.body.data).toEqual({ a: '3' });
  });

  it('persists nothing on dry run, for a create and for an update', async () => {
    const dry = await apply(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'd' }, data: { a: '1' } }, 'fieldManager=kubectl&dryRun=All');
    expect(dry.code).toBe(201);
    expect((await send('GET', `${CM}/d`, '', 'application/json')).code).toBe(404);
    const real = await apply(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'd' }, data: { a: '1' } });
    const dry2 = await apply(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'd' }, data: { a: '2' } }, 'fieldManager=kubectl&dryRun=All');
    expect(dry2.body.data).toEqual({ a: '2' });
    const live = await send('GET', `${CM}/d`, '', 'application/json');
    expect(live.body.data).toEqual({ a: '1' });
    expect(live.body.metadata.resourceVersion).toBe(real.body.metadata.resourceVersion);
  });

  it.each([
    ['no fieldManager', 'force=false', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'e' } }, 422,
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'],
    ['a wrong apiVersion', 'fieldManager=m', { apiVersion: 'v2', kind: 'ConfigMap', metadata: { name: 'e' } }, 400,
      'Incorrect version specified in apply patch. Specified patch version: v2, expected: v1'],
    ['managedFields in the body', 'fieldManager=m', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'e', managedFields: [] } }, 400,
      'metadata.managedFields must be nil'],
    ['another name', 'fieldManager=m', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' } }, 400,
      'the name of the object (other) does not match the name on the URL (e)'],
    ['another namespace', 'fieldManager=m', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'e', namespace: 'kube-system' } }, 400,
      'the namespace of the provided object does not match the namespace sent on the request'],
  ])('refuses %s', async (_name, query, body, code, message) => {
    const res = await send('PATCH', `${CM}/e?${query}`, body, APPLY);
    expect(res.code).toBe(code);
    expect(res.body.message).toBe(message);
  });

  it('refuses force on a non-apply patch (422)', async () => {
    await send('POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'f' } }, 'application/json');
    const res = await send('PATCH', `${CM}/f?force=true`, { data: { a: '1' } }, 'application/merge-patch+json');
    expect(res.code).toBe(422);
    expect(res.body.message).toBe('PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
  });
});

describe('server-side apply and fieldValidation', () => {
  const warnings = async (url: string, body: string): Promise<{ code: number; body: Obj; warnings: string[] }> => {
    const res = await app.inject({ method: 'PATCH', url, payload: body, headers: { 'content-type': APPLY } });
    const w = res.headers.warning;
    return { code: res.statusCode, body: JSON.parse(res.body) as Obj, warnings: w === undefined ? [] : Array.isArray(w) ? w : [w] };
  };

  it.each(['Strict', 'Warn', 'Ignore', undefined])('refuses an undeclared field whatever the directive (%s), naming it by its typed path', async (directive) => {
    const ds = daemonSet([{ name: 'c', image: 'i', bogus: 1 }], { namespace: 'default' });
    const q = `fieldManager=kubectl${directive ? `&fieldValidation=${directive}` : ''}`;
    const res = await apply(DS, ds, q);
    expect(res.code).toBe(400);
    expect(res.body).toMatchObject({
      reason: 'BadRequest',
      message: 'failed to create typed patch object (default/ds; apps/v1, Kind=DaemonSet): .spec.template.spec.containers[name="c"].bogus: field not declared in schema',
    });
    expect((await send('GET', `${DS}/ds`, undefined, 'application/json')).code).toBe(404);
  });

  it('lists undeclared fields of several structs, the first of each', async () => {
    const res = await apply(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'm', nope: 1 }, bogus: 1, other: 2 });
    expect(res.body.message).toBe('failed to create typed patch object (/m; /v1, Kind=ConfigMap): errors:\n  .metadata.nope: field not declared in schema\n  .bogus: field not declared in schema');
  });

  const dupCm = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d"},"data":{"a":"1","a":"2"}}';
  const dupYaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\ndata:\n  a: "1"\n  b: "x"\n  a: "2"\n';

  it('Strict refuses repeated keys with go-yaml\'s strict error and stores nothing', async () => {
    const res = await warnings(`${CM}/d?fieldManager=m&fieldValidation=Strict`, dupYaml);
    expect(res.code).toBe(400);
    expect(res.body.message).toBe('error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  line 8: key "a" already set in map');
    expect((await send('GET', `${CM}/d`, undefined, 'application/json')).code).toBe(404);
  });

  it.each([['Warn', '&fieldValidation=Warn'], ['absent', '']])('%s applies the last value and warns', async (_n, q) => {
    const res = await warnings(`${CM}/d?fieldManager=m${q}`, dupCm);
    expect(res.code).toBe(201);
    expect(res.body.data).toEqual({ a: '2' });
    expect(res.warnings).toEqual(['299 - "line 1: key \\"a\\" already set in map"']);
  });

  it('Ignore applies the last value silently', async () => {
    const res = await warnings(`${CM}/d?fieldManager=m&fieldValidation=Ignore`, dupCm);
    expect([res.code, res.body.data, res.warnings]).toEqual([201, { a: '2' }, []]);
  });
});
