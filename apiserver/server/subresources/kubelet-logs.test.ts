// pods/log proxied to the kubelet a node advertises: a real HTTP server plays the kubelet.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startInProcess, stopInProcess } from '../../../test/support/in-process.js';
import type { Registry } from '../../registry/store.js';
import { KUBELET_ENDPOINT_ANNOTATION } from '../../api/annotations.js';
import { containerLogsPath, kubeletEndpoint } from './kubelet-logs.js';

let app: FastifyInstance;
let registry: Registry;
let kubelet: Server;
let endpoint: string;
const seen: string[] = [];
let answer: (req: IncomingMessage, res: import('node:http').ServerResponse) => void;

const PODS = '/api/v1/namespaces/default/pods';

async function call(method: string, url: string, body?: unknown, type = 'application/json'): Promise<{ code: number; raw: string; json: Record<string, unknown> }> {
  const res = await app.inject({ method: method as 'GET', url, payload: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': type } });
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(res.body) as Record<string, unknown>;
  } catch {
    // text
  }
  return { code: res.statusCode, raw: res.body, json };
}

beforeEach(async () => {
  ({ app, registry } = await startInProcess());
  seen.length = 0;
  answer = (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('hello from the kubelet\n');
  };
  kubelet = createServer((req, res) => {
    seen.push(req.url ?? '');
    answer(req, res);
  });
  await new Promise<void>((resolve) => kubelet.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(kubelet.address() as AddressInfo).port}`;
  await call('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', annotations: { [KUBELET_ENDPOINT_ANNOTATION]: endpoint } } });
  await call('POST', PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] } });
  const running = { status: { containerStatuses: [{ name: 'c', image: 'busybox', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: '2026-01-01T00:00:00Z' } }, containerID: 'containerd://1' }] } };
  expect((await call('PATCH', `${PODS}/p/status`, running, 'application/merge-patch+json')).code).toBe(200);
});

afterEach(async () => {
  await stopInProcess({ app, registry });
  await new Promise<void>((resolve) => kubelet.close(() => resolve()));
});

describe('pods/log through the kubelet endpoint', () => {
  it('passes the options on as the kubelet containerLogs query and streams the answer', async () => {
    const res = await call('GET', `${PODS}/p/log?tailLines=3&timestamps=true&sinceSeconds=60&limitBytes=1000`);
    expect(res.code).toBe(200);
    expect(res.raw).toBe('hello from the kubelet\n');
    expect(seen).toEqual(['/containerLogs/default/p/c?timestamps=true&tailLines=3&sinceSeconds=60&limitBytes=1000']);
  });

  it.each([
    [400, 'text/plain', 'container "c" is gone', 400, 'BadRequest', 'container "c" is gone'],
    [500, 'text/plain', 'boom', 500, 'InternalError', 'Internal error occurred: boom'],
    [404, 'application/json', JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'pod not known', reason: 'NotFound', code: 404 }), 404, 'NotFound', 'pod not known'],
  ])('a kubelet answering %i (%s) becomes a Status', async (code, type, body, want, reason, message) => {
    answer = (_req, res) => {
      res.writeHead(code, { 'content-type': type });
      res.end(body);
    };
    const res = await call('GET', `${PODS}/p/log`);
    expect([res.code, res.json.reason, res.json.message]).toEqual([want, reason, message]);
  });

  it('a kubelet that is not listening is a 500 worded as Go dials', async () => {
    await new Promise<void>((resolve) => kubelet.close(() => resolve()));
    kubelet = createServer();
    const res = await call('GET', `${PODS}/p/log`);
    expect(res.code).toBe(500);
    expect(res.json.message).toBe(`Get "${endpoint}/containerLogs/default/p/c": dial tcp ${endpoint.slice(7)}: connect: connection refused`);
    await new Promise<void>((resolve) => kubelet.listen(0, '127.0.0.1', resolve));
  });

  it('the kubelet status checks still come first', async () => {
    const waiting = { status: { containerStatuses: [{ name: 'c', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] } };
    await call('PATCH', `${PODS}/p/status`, waiting, 'application/merge-patch+json');
    const res = await call('GET', `${PODS}/p/log`);
    expect([res.code, res.json.message]).toEqual([400, 'container "c" in pod "p" is waiting to start: ContainerCreating']);
    expect(seen).toEqual([]);
  });
});

describe('kubeletEndpoint and containerLogsPath', () => {
  it.each([
    ['http://127.0.0.1:1234', 'http://127.0.0.1:1234'],
    ['http://127.0.0.1:1234/', 'http://127.0.0.1:1234'],
    ['ftp://x', undefined],
    ['http://x/some/path', undefined],
    [undefined, undefined],
  ])('%s → %s', (value, want) => {
    const annotations: Record<string, string> = value === undefined ? {} : { [KUBELET_ENDPOINT_ANNOTATION]: value };
    expect(kubeletEndpoint({ metadata: { name: 'n', annotations } })).toBe(want);
  });

  it('escapes names and keeps only the options given', () => {
    expect(containerLogsPath({ metadata: { name: 'p', namespace: 'ns' } }, { container: 'c', follow: true, previous: true, timestamps: false, sinceTime: '2024-01-01T00:00:00Z' }))
      .toBe('/containerLogs/ns/p/c?follow=true&previous=true&sinceTime=2024-01-01T00%3A00%3A00Z');
  });
});
