// Every patch type through the HTTP layer: a patch that changes nothing writes nothing, a stale resourceVersion is a
// conflict, a missing object is NotFound (server-side apply creates it), dry run persists nothing.

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

type Obj = Record<string, unknown> & { metadata: Record<string, unknown>; data?: Record<string, string>; message?: string };

async function send(method: 'PATCH' | 'POST' | 'GET', url: string, body: unknown, contentType = 'application/json'): Promise<{ code: number; body: Obj }> {
  const res = await app.inject({ method, url, payload: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': contentType } });
  return { code: res.statusCode, body: JSON.parse(res.body) as Obj };
}

const CM = '/api/v1/namespaces/default/configmaps';
const cm = (data: Record<string, string>, meta: Record<string, unknown> = {}): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', ...meta }, data });

/** One patch type: its content type and the body that sets data.a to a value (with extra metadata). */
const TYPES: Array<[string, string, (a: string, meta?: Record<string, unknown>) => unknown]> = [
  ['strategic', 'application/strategic-merge-patch+json', (a, meta = {}) => ({ metadata: meta, data: { a } })],
  ['merge', 'application/merge-patch+json', (a, meta = {}) => ({ metadata: meta, data: { a } })],
  ['json', 'application/json-patch+json', (a, meta = {}) => [
    { op: 'replace', path: '/data/a', value: a },
    ...Object.entries(meta).map(([k, v]) => ({ op: 'replace', path: `/metadata/${k}`, value: v })),
  ]],
  ['apply', 'application/apply-patch+yaml', (a, meta = {}) => cm({ a }, meta)],
];

const url = (type: string, name = 'c'): string => `${CM}/${name}?${type === 'apply' ? 'fieldManager=m&' : ''}`;

describe.each(TYPES)('%s patch', (type, contentType, body) => {
  beforeEach(async () => {
    if (type === 'apply') expect((await send('PATCH', url(type), cm({ a: '1' }), contentType)).code).toBe(201);
    else expect((await send('POST', CM, cm({ a: '1' }))).code).toBe(201);
  });

  it('that changes nothing keeps the resourceVersion and writes nothing', async () => {
    const before = await registry.currentRevision();
    const live = await send('GET', `${CM}/c`, undefined);
    const res = await send('PATCH', url(type), body('1'), contentType);
    expect(res.code).toBe(200);
    expect(res.body).toEqual(live.body);
    expect(await registry.currentRevision()).toBe(before);
  });

  it('with a stale metadata.resourceVersion is a 409 Conflict', async () => {
    const res = await send('PATCH', url(type), body('2', { resourceVersion: '1' }), contentType);
    expect(res.code).toBe(409);
    expect(res.body.message).toBe('Operation cannot be fulfilled on configmaps "c": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('with the current metadata.resourceVersion applies', async () => {
    const live = await send('GET', `${CM}/c`, undefined);
    const res = await send('PATCH', url(type), body('2', { resourceVersion: live.body.metadata.resourceVersion }), contentType);
    expect(res.code).toBe(200);
    expect(res.body.data).toEqual({ a: '2' });
  });

  it('with dryRun=All answers the result and persists nothing', async () => {
    const before = await registry.currentRevision();
    const res = await send('PATCH', `${url(type)}dryRun=All`, body('dry'), contentType);
    expect(res.code).toBe(200);
    expect(res.body.data).toEqual({ a: 'dry' });
    expect((await send('GET', `${CM}/c`, undefined)).body.data).toEqual({ a: '1' });
    expect(await registry.currentRevision()).toBe(before);
  });

  it(type === 'apply' ? 'on a missing object creates it' : 'on a missing object is NotFound', async () => {
    const res = await send('PATCH', url(type, 'nope'), type === 'apply' ? { ...cm({ a: '1' }), metadata: { name: 'nope' } } : body('1'), contentType);
    if (type === 'apply') expect(res.code).toBe(201);
    else expect([res.code, res.body.message]).toEqual([404, 'configmaps "nope" not found']);
  });
});
