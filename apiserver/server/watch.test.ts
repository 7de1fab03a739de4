// Watch streams over real HTTP (buildApp on memory storage, listening on a free loopback port, short timings).

import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { connect, type Socket } from 'node:net';
import { buildApp } from './app.js';
import type { WatchServerOptions } from './watch.js';
import { Registry } from '../registry/store.js';
import { bootstrap } from '../registry/bootstrap.js';
import { createMemoryStorage } from '../storage/memory.js';
import { R } from '../api/resources.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Stream {
  status: number;
  events: Json[];
  /** Resolves once `n` events arrived. */
  take(n: number): Promise<Json[]>;
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  close(): void;
}

let app: FastifyInstance | undefined;
let registry: Registry;
let base: string;
const open: Stream[] = [];

async function start(watch: WatchServerOptions = {}, historySize?: number): Promise<void> {
  registry = new Registry({ storage: createMemoryStorage(historySize ? { historySize } : {}), watchCache: historySize ? { ringSize: historySize } : {} });
  await bootstrap(registry);
  app = buildApp({ registry, watch });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}

afterEach(async () => {
  for (const s of open.splice(0)) s.close();
  await app?.close();
  app = undefined;
  await registry.storage.close();
});

/** Opens a watch and parses its newline-delimited events as they arrive. */
async function watch(path: string, headers: Record<string, string> = {}): Promise<Stream> {
  const ac = new AbortController();
  const res = await fetch(`${base}${path}`, { headers, signal: ac.signal });
  const events: Json[] = [];
  const waiters = new Set<() => void>();
  let done = false;
  const ended = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body) {
        buf += decoder.decode(chunk as Uint8Array, { stream: true });
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          events.push(JSON.parse(buf.slice(0, nl)) as Json);
          buf = buf.slice(nl + 1);
        }
        for (const w of [...waiters]) w();
      }
    } catch {
      // aborted by close()
    }
    done = true;
    for (const w of [...waiters]) w();
  })();
  const take = (n: number): Promise<Json[]> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (events.length >= n) resolve(events.slice(0, n));
        else if (done) reject(new Error(`stream ended after ${events.length} of ${n} events: ${JSON.stringify(events)}`));
        else return;
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  const s: Stream = { status: res.status, events, take, ended, close: () => ac.abort() };
  open.push(s);
  return s;
}

async function call(method: string, path: string, body?: unknown, type = 'application/json'): Promise<Json> {
  const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': type }, body: body === undefined ? undefined : JSON.stringify(body) });
  return (await res.json()) as Json;
}

const CMS = '/api/v1/namespaces/default/configmaps';
const cm = (name: string, labels: Record<string, string> = {}, namespace = 'default'): Json => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels }, data: { k: 'v' } });
const label = (name: string, labels: Record<string, string | null>, ns = 'default'): Promise<Json> =>
  call('PATCH', `/api/v1/namespaces/${ns}/configmaps/${name}`, { metadata: { labels } }, 'application/merge-patch+json');
const summary = (events: Json[]): string[] => events.map((e) => `${e.type} ${e.object?.metadata?.name ?? ''} ${e.object?.metadata?.resourceVersion ?? ''}`.trim());

describe('watch streams', () => {
  it('starts with the current state as ADDED, then streams changes with their resourceVersions', async () => {
    await start();
    const a = await call('POST', CMS, cm('a'));
    const w = await watch(`${CMS}?watch=true`);
    expect(w.status).toBe(200);
    const b = await call('POST', CMS, cm('b'));
    const a2 = await label('a', { x: '1' });
    const gone = await call('DELETE', `${CMS}/b`);
    const events = await w.take(4);
    expect(summary(events)).toEqual([
      `ADDED a ${a.metadata.resourceVersion}`,
      `ADDED b ${b.metadata.resourceVersion}`,
      `MODIFIED a ${a2.metadata.resourceVersion}`,
      `DELETED b ${Number(a2.metadata.resourceVersion) + 1}`,
    ]);
    expect(gone.kind === 'Status' || gone.metadata?.name === 'b').toBe(true);
    expect(events[0]!.object).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', data: { k: 'v' } });
  });

  it('resourceVersion=N: exactly the changes after N; beyond the current revision: nothing until it is passed', async () => {
    await start();
    const a = await call('POST', CMS, cm('a'));
    const b = await call('POST', CMS, cm('b'));
    const w = await watch(`${CMS}?watch=true&resourceVersion=${a.metadata.resourceVersion}`);
    expect(summary(await w.take(1))).toEqual([`ADDED b ${b.metadata.resourceVersion}`]);
    const ahead = await watch(`${CMS}?watch=true&resourceVersion=${Number(b.metadata.resourceVersion) + 1}`);
    await call('POST', CMS, cm('c')); // revision b+1: not delivered to `ahead`
    const d = await call('POST', CMS, cm('d'));
    expect(summary(await ahead.take(1))).toEqual([`ADDED d ${d.metadata.resourceVersion}`]);
  });

  it('label selectors: entering the selection is ADDED, leaving it is DELETED (with the previous state)', async () => {
    await start();
    await call('POST', CMS, cm('m'));
    const w = await watch(`${CMS}?watch=true&labelSelector=stage%3Dlive`);
    const entered = await label('m', { stage: 'live' });
    await label('m', { stage: 'live', other: 'x' });
    const left = await label('m', { stage: 'gone' });
    const events = await w.take(3);
    expect(summary(events)).toEqual([`ADDED m ${entered.metadata.resourceVersion}`, `MODIFIED m ${Number(entered.metadata.resourceVersion) + 1}`, `DELETED m ${left.metadata.resourceVersion}`]);
    expect(events[2]!.object.metadata.labels).toEqual({ stage: 'live', other: 'x' });
  });

  it('cluster-wide watches see every namespace; field selectors filter (metadata.namespace, metadata.name)', async () => {
    await start();
    await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    const all = await watch('/api/v1/configmaps?watch=true&resourceVersion=0&fieldSelector=metadata.name%3Dx');
    const inOther = await watch('/api/v1/configmaps?watch=true&fieldSelector=metadata.namespace%3Dother');
    await call('POST', CMS, cm('x'));
    await call('POST', '/api/v1/namespaces/other/configmaps', cm('y', {}, 'other'));
    await call('POST', '/api/v1/namespaces/other/configmaps', cm('x', {}, 'other'));
    expect((await all.take(2)).map((e) => `${e.type} ${e.object.metadata.namespace}/${e.object.metadata.name}`)).toEqual(['ADDED default/x', 'ADDED other/x']);
    expect((await inOther.take(2)).map((e) => e.object.metadata.name)).toEqual(['y', 'x']);
  });

  it('watch=true on a named object is a plain GET, as upstream (named watches use a metadata.name field selector)', async () => {
    await start();
    const one = await call('POST', CMS, cm('one'));
    const res = await fetch(`${base}${CMS}/one?watch=true`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).metadata).toMatchObject({ name: 'one', resourceVersion: one.metadata.resourceVersion });
  });

  it('a resourceVersion older than the history kept is an ERROR event 410 Expired on a 200 stream', async () => {
    await start({}, 4);
    for (let i = 0; i < 10; i++) await call('POST', CMS, cm(`h${i}`));
    const oldest = await registry.storage.oldestRevision();
    const w = await watch(`${CMS}?watch=true&resourceVersion=2`);
    expect(w.status).toBe(200);
    const [ev] = await w.take(1);
    expect(ev).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: 2 (${oldest})`, reason: 'Expired', code: 410 },
    });
    await w.ended;
  });

  it('BOOKMARK events at the injected interval: the watched kind with only a resourceVersion', async () => {
    await start({ bookmarkIntervalMs: 40 });
    const w = await watch(`${CMS}?watch=true&allowWatchBookmarks=true&resourceVersion=0`);
    const x = await call('POST', CMS, cm('bm'));
    const events = await w.take(2);
    expect(events[0]!.type).toBe('ADDED');
    expect(events[1]).toEqual({ type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: x.metadata.resourceVersion } } });
    // A write to another resource moves the store's revision: the next bookmark follows it.
    const other = await call('POST', '/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } });
    await expectEventually(() => w.events.some((e) => e.type === 'BOOKMARK' && e.object.metadata.resourceVersion === other.metadata.resourceVersion));
    expect(w.events.filter((e) => e.type !== 'BOOKMARK').length).toBe(1);
    const none = await watch(`${CMS}?watch=true&timeoutSeconds=1`);
    await call('POST', CMS, cm('bm2'));
    await none.ended;
    expect(none.events.map((e) => e.type)).toEqual(['ADDED', 'ADDED']);
  });

  it('timeoutSeconds ends the stream cleanly; without it the server picks a random timeout in [min, 2×min)', async () => {
    await start({ minRequestTimeoutSeconds: 0.2, random: () => 0.5 });
    const t0 = Date.now();
    const dflt = await watch(`${CMS}?watch=true`);
    await dflt.ended;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    const given = await watch(`${CMS}?watch=true&timeoutSeconds=1`);
    await given.ended;
    expect(given.events).toEqual([]);
  });

  it('sendInitialEvents=true: initial ADDED events, then a BOOKMARK annotated k8s.io/initial-events-end', async () => {
    await start({ tooLargeWaitMs: 100 });
    const a = await call('POST', CMS, cm('a'));
    const w = await watch(`${CMS}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`);
    const events = await w.take(2);
    expect(summary(events.slice(0, 1))).toEqual([`ADDED a ${a.metadata.resourceVersion}`]);
    expect(events[1]).toEqual({
      type: 'BOOKMARK',
      object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: a.metadata.resourceVersion, annotations: { 'k8s.io/initial-events-end': 'true' } } },
    });
    const future = Number(a.metadata.resourceVersion) + 50;
    const tooLarge = await watch(`${CMS}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=${future}`);
    const [err] = await tooLarge.take(1);
    expect(err!.type).toBe('ERROR');
    expect(err!.object).toMatchObject({ code: 504, reason: 'Timeout', message: `Too large resource version: ${future}, current: ${a.metadata.resourceVersion}`, details: { retryAfterSeconds: 1 } });
  });

  it('sendInitialEvents=false: no initial state, only changes from now (resourceVersion unset or 0) or after N', async () => {
    await start();
    const a = await call('POST', CMS, cm('a'));
    const now = await watch(`${CMS}?watch=true&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&resourceVersion=0`);
    const fromA = await watch(`${CMS}?watch=true&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&resourceVersion=${Number(a.metadata.resourceVersion) - 1}`);
    const b = await call('POST', CMS, cm('b'));
    expect(summary(await now.take(1))).toEqual([`ADDED b ${b.metadata.resourceVersion}`]);
    expect(summary(await fromA.take(2))).toEqual([`ADDED a ${a.metadata.resourceVersion}`, `ADDED b ${b.metadata.resourceVersion}`]);
  });

  it.each([
    ['resourceVersionMatch=NotOlderThan', 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'],
    ['sendInitialEvents=true', 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'],
  ])('rejects %s with 422 before streaming', async (query, message) => {
    await start();
    const res = await fetch(`${base}${CMS}?watch=true&${query}`);
    expect(res.status).toBe(422);
    expect(((await res.json()) as Json).message).toBe(message);
  });

  it('Table watches: one row per event, columnDefinitions on the first event only', async () => {
    await start();
    await call('POST', CMS, cm('t1'));
    const w = await watch(`${CMS}?watch=true`, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    await call('POST', CMS, cm('t2'));
    const [first, second] = await w.take(2);
    expect(first!.object.kind).toBe('Table');
    expect(first!.object.columnDefinitions.map((c: Json) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(first!.object.rows).toHaveLength(1);
    expect(second!.object.columnDefinitions ?? null).toBeNull();
    expect(second!.object.rows[0].cells[0]).toBe('t2');
  });

  it('frees a watcher when its client goes away or its timeout ends', async () => {
    await start();
    const streams = await Promise.all(Array.from({ length: 20 }, () => watch(`${CMS}?watch=true`)));
    const timed = await watch(`${CMS}?watch=true&timeoutSeconds=1&resourceVersion=0`);
    await expectEventually(() => registry.watches.watcherCount(R.configmaps) === 21);
    for (const s of streams) s.close();
    await timed.ended;
    await expectEventually(() => registry.watches.watcherCount(R.configmaps) === 0);
  });

  it('a watcher that never reads is cut off while the others receive every event', async () => {
    await start({ maxQueuedEvents: 4 });
    const sockets: Socket[] = [];
    app!.server.on('connection', (s: Socket) => sockets.push(s));
    const big = 'x'.repeat(256 * 1024);
    const readers = await Promise.all([1, 2, 3].map(() => watch(`${CMS}?watch=true&resourceVersion=0`)));
    // A raw connection that sends the request and never reads its answer.
    const stalled = connect({ host: '127.0.0.1', port: Number(new URL(base).port) });
    await new Promise<void>((resolve) => stalled.once('connect', () => resolve()));
    stalled.pause();
    stalled.write(`GET ${CMS}?watch=true&resourceVersion=0 HTTP/1.1\r\nHost: x\r\n\r\n`);
    await expectEventually(() => registry.watches.watcherCount(R.configmaps) === 4);
    const n = 120;
    // 30 MiB of events: far more than the kernel's socket buffers hold, so without the cut-off the server would keep
    // most of it in memory for the stalled stream. With it, no connection ever has more than a bounded backlog.
    let maxBuffered = 0;
    for (let i = 0; i < n; i++) {
      await call('POST', CMS, { ...cm(`big-${i}`), data: { big } });
      for (const s of sockets) maxBuffered = Math.max(maxBuffered, s.writableLength);
    }
    expect(maxBuffered).toBeLessThan(2 * 1024 * 1024);
    for (const r of readers) expect((await r.take(n)).map((e) => e.object.metadata.name)).toEqual(Array.from({ length: n }, (_, i) => `big-${i}`));
    await expectEventually(() => registry.watches.watcherCount(R.configmaps) === 3);
    stalled.destroy();
  });
});

async function expectEventually(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
