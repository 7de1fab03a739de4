// In process: the OpenAPI v3 endpoints (headers, hashes, redirects) and fieldValidation on create, update and patch.

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

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function req(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const res = await app.inject({ method: method as 'GET', url, payload, headers: { 'content-type': 'application/json', ...headers } });
  let parsed: Json = {};
  try {
    parsed = JSON.parse(res.body) as Json;
  } catch {
    // not JSON
  }
  const w = res.headers.warning;
  const warnings = w === undefined ? [] : Array.isArray(w) ? w : [w];
  return { code: res.statusCode, body: parsed, raw: res.body, headers: res.headers, warnings };
}

const PODS = '/api/v1/namespaces/default/pods';
const bogusPod = (name: string) =>
  `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"${name}"},"spec":{"bogusField":1,"containers":[{"name":"c","image":"i","bogus":true}]}}`;

describe('/openapi/v3', () => {
  it('serves the index with an ETag, and 304 when the client has it', async () => {
    const r = await req('GET', '/openapi/v3');
    expect(r.code).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.body.paths['api/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
    expect(r.headers['cache-control']).toBe('no-cache, private');
    const again = await req('GET', '/openapi/v3', undefined, { 'if-none-match': String(r.headers.etag) });
    expect(again.code).toBe(304);
  });

  it('serves a document at its hashed URL as immutable, redirects a stale hash, and serves it unhashed too', async () => {
    const index = (await req('GET', '/openapi/v3')).body;
    const url = index.paths['apis/apps/v1'].serverRelativeURL as string;
    const hash = url.split('hash=')[1]!;
    const r = await req('GET', url, undefined, { accept: 'application/json' });
    expect(r.code).toBe(200);
    expect(r.headers['cache-control']).toBe('public, immutable');
    expect(r.headers.etag).toBe(`"${hash}"`);
    expect(r.headers.vary).toBe('Accept');
    expect(String(r.headers.expires)).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} UTC$/);
    expect(r.body.openapi).toBe('3.0.0');
    expect(r.body.paths['/apis/apps/v1/namespaces/{namespace}/daemonsets/{name}'].patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'DaemonSet' });

    const stale = await req('GET', '/openapi/v3/apis/apps/v1?hash=0123');
    expect(stale.code).toBe(301);
    expect(stale.headers.location).toBe(url);

    const plain = await req('GET', '/openapi/v3/apis/apps/v1');
    expect(plain.code).toBe(200);
    expect(plain.headers['cache-control']).toBe('no-cache, private');
    expect(plain.raw).toBe(r.raw);
  });

  it('answers 406 to a protobuf-only Accept, 404 Status for an unserved group-version', async () => {
    expect((await req('GET', '/openapi/v3/api/v1', undefined, { accept: 'application/com.github.proto-openapi.spec.v3.v1.0+protobuf' })).code).toBe(406);
    const missing = await req('GET', '/openapi/v3/apis/batch/v1');
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({ kind: 'Status', reason: 'NotFound' });
  });

  it('serves /openapi/v2 empty: an empty protobuf document to kubectl, an empty Swagger document as JSON', async () => {
    const pb = await req('GET', '/openapi/v2', undefined, { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
    expect(pb.code).toBe(200);
    expect(pb.headers['content-type']).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    expect(pb.raw).toBe('');
    const json = await req('GET', '/openapi/v2');
    expect(json.code).toBe(200);
    expect(json.body).toMatchObject({ swagger: '2.0', paths: {} });
  });
});

describe('fieldValidation', () => {
  it('Strict refuses unknown fields on create with upstream\'s 400, naming all of them', async () => {
    const r = await req('POST', `${PODS}?fieldValidation=Strict`, bogusPod('s1'));
    expect(r.code).toBe(400);
    expect(r.body).toMatchObject({
      reason: 'BadRequest',
      message: 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.bogusField", unknown field "spec.containers[0].bogus"',
    });
    expect((await req('GET', `${PODS}/s1`)).code).toBe(404);
  });

  it('Strict refuses duplicate fields (which JSON.parse would hide)', async () => {
    const body = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"d1","labels":{"a":"1","a":"2"}},"spec":{"containers":[{"name":"c","image":"i"}]}}';
    const r = await req('POST', `${PODS}?fieldValidation=Strict`, body);
    expect(r.code).toBe(400);
    expect(r.body.message).toBe('Pod in version "v1" cannot be handled as a Pod: strict decoding error: duplicate field "metadata.labels.a"');
  });

  it('Warn creates, warns once per field (Warning: 299) and drops the unknown fields', async () => {
    const r = await req('POST', `${PODS}?fieldValidation=Warn`, bogusPod('w1'));
    expect(r.code).toBe(201);
    expect(r.warnings).toEqual(['299 - "unknown field \\"spec.bogusField\\""', '299 - "unknown field \\"spec.containers[0].bogus\\""']);
    const stored = (await req('GET', `${PODS}/w1`)).body;
    expect(stored.spec.bogusField).toBeUndefined();
    expect(stored.spec.containers[0].bogus).toBeUndefined();
  });

  it('Ignore creates without a word and stores none of the unknown fields', async () => {
    const r = await req('POST', `${PODS}?fieldValidation=Ignore`, bogusPod('i1'));
    expect(r.code).toBe(201);
    expect(r.warnings).toEqual([]);
    expect(r.body.spec.bogusField).toBeUndefined();
    const stored = (await req('GET', `${PODS}/i1`)).body;
    expect(stored.spec).not.toHaveProperty('bogusField');
    expect(stored.spec.containers[0]).not.toHaveProperty('bogus');
  });

  it('an absent parameter is Warn, as upstream: warnings, unknown fields dropped, duplicates named', async () => {
    const r = await req('POST', PODS, bogusPod('a1'));
    expect(r.code).toBe(201);
    expect(r.warnings).toEqual(['299 - "unknown field \\"spec.bogusField\\""', '299 - "unknown field \\"spec.containers[0].bogus\\""']);
    expect((await req('GET', `${PODS}/a1`)).body.spec).not.toHaveProperty('bogusField');
    const dup = await req('POST', PODS, '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a2","name":"a2"},"spec":{"containers":[{"name":"c","image":"i"}]}}');
    expect(dup.code).toBe(201);
    expect(dup.warnings).toEqual(['299 - "duplicate field \\"metadata.name\\""']);
  });

  describe('YAML bodies: repeated keys as go-yaml reports them, before unknown fields', () => {
    const yaml = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: y1\n  name: y1\nspec:\n  bogus: 1\n  containers:\n  - name: c\n    image: i\n';
    const YAML = { 'content-type': 'application/yaml' };

    it('Strict: one 400 naming the lines, then the unknown fields', async () => {
      const r = await req('POST', `${PODS}?fieldValidation=Strict`, yaml, YAML);
      expect(r.code).toBe(400);
      expect(r.body.message).toBe('Pod in version "v1" cannot be handled as a Pod: strict decoding error: yaml: unmarshal errors:\n  line 5: key "name" already set in map, unknown field "spec.bogus"');
    });

    it.each([['Warn', '?fieldValidation=Warn'], ['absent', '']])('%s: created, one warning each', async (_n, q) => {
      const r = await req('POST', `${PODS}${q}`, yaml, YAML);
      expect(r.code).toBe(201);
      expect(r.warnings).toEqual(['299 - "line 5: key \\"name\\" already set in map"', '299 - "unknown field \\"spec.bogus\\""']);
    });

    it('Ignore: created silently', async () => {
      const r = await req('POST', `${PODS}?fieldValidation=Ignore`, yaml, YAML);
      expect([r.code, r.warnings]).toEqual([201, []]);
    });
  });

  it('an unknown directive is 422 as before', async () => {
    const r = await req('POST', `${PODS}?fieldValidation=Loose`, bogusPod('x'));
    expect(r.code).toBe(422);
  });

  it('applies to update (PUT) too', async () => {
    const created = (await req('POST', PODS, '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"u1"},"spec":{"containers":[{"name":"c","image":"i"}]}}')).body;
    const body = { ...created, spec: { ...created.spec, extra: 1 } };
    const strict = await req('PUT', `${PODS}/u1?fieldValidation=Strict`, body);
    expect(strict.code).toBe(400);
    expect(strict.body.message).toBe('Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.extra"');
    const warn = await req('PUT', `${PODS}/u1?fieldValidation=Warn`, body);
    expect(warn.code).toBe(200);
    expect(warn.warnings).toEqual(['299 - "unknown field \\"spec.extra\\""']);
    expect(warn.body.spec.extra).toBeUndefined();
  });

  describe('on patches', () => {
    beforeEach(async () => {
      expect((await req('POST', PODS, '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p1"},"spec":{"containers":[{"name":"c","image":"i"}]}}')).code).toBe(201);
    });

    it('Strict: a strategic merge patch adding an unknown field is 422, quoting the patch', async () => {
      const r = await req('PATCH', `${PODS}/p1?fieldValidation=Strict`, '{"spec":{"bogus":1}}', { 'content-type': 'application/strategic-merge-patch+json' });
      expect(r.code).toBe(422);
      expect(r.body.reason).toBe('Invalid');
      expect(r.body.message).toBe(' "" is invalid: patch: Invalid value: "map[spec:map[bogus:1]]": strict decoding error: unknown field "spec.bogus"');
    });

    it('Strict: duplicates in the patch come first, then unknown fields of the result', async () => {
      const r = await req('PATCH', `${PODS}/p1?fieldValidation=Strict`, '{"metadata":{"labels":{"a":"1","a":"2"}},"spec":{"bogus":1}}', { 'content-type': 'application/merge-patch+json' });
      expect(r.code).toBe(422);
      expect(r.body.message).toMatch(/strict decoding error: duplicate field "metadata.labels.a", unknown field "spec.bogus"$/);
    });

    it('Strict: a JSON patch operation with an unknown key', async () => {
      const r = await req('PATCH', `${PODS}/p1?fieldValidation=Strict`, '[{"op":"add","path":"/metadata/labels","value":{"a":"b"},"extra":1}]', { 'content-type': 'application/json-patch+json' });
      expect(r.code).toBe(422);
      expect(r.body.message).toMatch(/strict decoding error: json patch unknown field "\[0\]\.extra"$/);
    });

    it('Warn: the patch applies without the unknown field, with a warning', async () => {
      const r = await req('PATCH', `${PODS}/p1?fieldValidation=Warn`, '{"metadata":{"labels":{"x":"y"}},"spec":{"bogus":1}}', { 'content-type': 'application/merge-patch+json' });
      expect(r.code).toBe(200);
      expect(r.warnings).toEqual(['299 - "unknown field \\"spec.bogus\\""']);
      expect(r.body.metadata.labels).toEqual({ x: 'y' });
      expect(r.body.spec.bogus).toBeUndefined();
    });

    it('Ignore: the patch applies without the unknown field, silently; duplicates are not looked for', async () => {
      const r = await req('PATCH', `${PODS}/p1?fieldValidation=Ignore`, '{"metadata":{"labels":{"x":"1","x":"y"}},"spec":{"bogus":1}}', { 'content-type': 'application/merge-patch+json' });
      expect(r.code).toBe(200);
      expect(r.warnings).toEqual([]);
      expect(r.body.metadata.labels).toEqual({ x: 'y' });
      expect((await req('GET', `${PODS}/p1`)).body.spec).not.toHaveProperty('bogus');
    });

    it('absent: the patch is checked as Warn', async () => {
      const r = await req('PATCH', `${PODS}/p1`, '{"spec":{"bogus":1}}', { 'content-type': 'application/strategic-merge-patch+json' });
      expect(r.code).toBe(200);
      expect(r.warnings).toEqual(['299 - "unknown field \\"spec.bogus\\""']);
      expect(r.body.spec.bogus).toBeUndefined();
    });
  });
});
