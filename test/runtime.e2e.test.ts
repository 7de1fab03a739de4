// End-to-end: controllers/runtime against a real `kubeling apiserver` process — REST client, Status errors, watch,
// informers (handlers, indexes, 410 relist through a cut connection, recovery after SIGKILL), controller, events.

import { createServer, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { R } from '../apiserver/api/resources.js';
import { isAlreadyExists, isConflict, isExpired, isNotFound } from '../apiserver/api/status.js';
import type { ConfigMap, KObject, Pod } from '../apiserver/api/types.js';
import { Client, createRuntime, Informer, keyOf, newEventRecorder, type Logger, type WatchEvent } from '../controllers/runtime/index.js';
import { freePort, startCli, tempDir, waitFor, type Started } from './support/cluster.js';

type CM = ConfigMap & KObject;

const READY = /"ready":true/;
const urlOf = (s: Started): string => String((JSON.parse(s.line) as { url: string }).url);

/** A TCP relay whose connections can be cut (and new ones refused) to simulate a network partition. */
async function tcpProxy(targetPort: number): Promise<{ port: number; cut(): void; resume(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let open = true;
  const server = createServer((down) => {
    if (!open) return void down.destroy();
    const up = connect(targetPort, '127.0.0.1');
    for (const s of [down, up]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        down.destroy();
        up.destroy();
      });
    }
    down.pipe(up);
    up.pipe(down);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : 0,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    resume() {
      open = true;
    },
    close: () => new Promise((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

/** A logger that keeps messages, to assert on what the runtime reported. */
function memoryLogger(): Logger & { messages: string[] } {
  const messages: string[] = [];
  const keep = (_o: object, msg?: string): void => void messages.push(msg ?? '');
  return { messages, info: keep, warn: keep, error: keep, debug: keep };
}

const cm = (namespace: string, name: string, data: Record<string, string> = {}, labels?: Record<string, string>): CM => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, ...(labels ? { labels } : {}) }, data,
});

async function ensureNamespace(client: Client, name: string): Promise<void> {
  try {
    await client.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
}

/** Runs `fn` over `n` indexes with `width` in flight. */
async function parallel(n: number, width: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await fn(next++);
  }));
}

describe('controllers/runtime against kubeling apiserver (memory storage)', () => {
  let server: Started;
  let client: Client;
  const ac = new AbortController();

  beforeAll(async () => {
    server = await startCli(['apiserver', '--port', '0', '--storage', 'memory'], READY);
    client = new Client({ server: urlOf(server) }, { userAgent: 'runtime-e2e' });
    await Promise.all(['crud', 'inf', 'relist', 'bulk', 'ctl', 'ev'].map((ns) => ensureNamespace(client, ns)));
  });

  afterAll(async () => {
    ac.abort();
    await client?.close();
    await server?.stop();
  });

  it('does CRUD, pagination and subresources, and maps Status errors to ApiError predicates', async () => {
    const created = await client.create<CM>(R.configmaps, cm('crud', 'one', { a: '1' }));
    expect(created.metadata.uid).toBeTruthy();
    const got = await client.get<CM>(R.configmaps, 'crud', 'one');
    expect(got.data).toEqual({ a: '1' });
    const updated = await client.update<CM>(R.configmaps, { ...got, data: { a: '2' } });
    expect(updated.data).toEqual({ a: '2' });

    const errors = await Promise.allSettled([
      client.get(R.configmaps, 'crud', 'missing'),
      client.create(R.configmaps, cm('crud', 'one')),
      client.update(R.configmaps, { ...got, data: { a: 'stale' } }),
      client.delete(R.configmaps, 'crud', 'one', { preconditions: { uid: 'not-the-uid' } }),
    ]);
    const reasons = errors.map((r) => (r.status === 'rejected' ? r.reason : undefined));
    expect(isNotFound(reasons[0])).toBe(true);
    expect(String((reasons[0] as Error).message)).toBe('configmaps "missing" not found');
    expect(isAlreadyExists(reasons[1])).toBe(true);
    expect(isConflict(reasons[2])).toBe(true);
    expect(isConflict(reasons[3])).toBe(true);

    await parallel(7, 7, (i) => client.create(R.configmaps, cm('crud', `page-${i}`, {}, { page: 'yes' })));
    const page = await client.list(R.configmaps, { namespace: 'crud', labelSelector: 'page=yes', limit: 3 });
    expect(page.items).toHaveLength(3);
    expect(page.metadata.continue).toBeTruthy();
    const all = await client.listAll<CM>(R.configmaps, { namespace: 'crud', labelSelector: 'page=yes', limit: 3 });
    expect(all.items.map((o) => o.metadata.name)).toEqual(Array.from({ length: 7 }, (_, i) => `page-${i}`));
    expect(all.items[0]!.kind).toBe('ConfigMap');

    const dry = await client.create<CM>(R.configmaps, cm('crud', 'dry'), { dryRun: true });
    expect(dry.metadata.name).toBe('dry');
    await expect(client.get(R.configmaps, 'crud', 'dry')).rejects.toSatisfy(isNotFound);

    const pod = await client.create<Pod & KObject>(R.pods, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'crud' }, spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    await client.create(R.pods, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p', namespace: 'crud' }, target: { kind: 'Node', name: 'node-a' } }, { subresource: 'binding' });
    const bound = await client.get<Pod & KObject>(R.pods, 'crud', 'p');
    expect(bound.spec?.nodeName).toBe('node-a');
    const withStatus = await client.update<Pod & KObject>(R.pods, { ...bound, status: { phase: 'Running' } }, { subresource: 'status' });
    expect(withStatus.status?.phase).toBe('Running');
    expect((await client.get<Pod & KObject>(R.pods, 'crud', 'p', { subresource: 'status' })).status?.phase).toBe('Running');
    expect(pod.metadata.uid).toBe(bound.metadata.uid);

    const gone = await client.delete<CM>(R.configmaps, 'crud', 'one', { preconditions: { uid: created.metadata.uid! } });
    expect(gone).toBeTruthy();
    await expect(client.get(R.configmaps, 'crud', 'one')).rejects.toSatisfy(isNotFound);
    await expect(client.delete(R.configmaps, 'crud', 'one')).rejects.toSatisfy(isNotFound);

    const raw = await client.request('GET', '/api/v1/namespaces/crud/configmaps/nope');
    expect(raw.status).toBe(404);
    expect(JSON.parse(raw.body).reason).toBe('NotFound');
  });

  it('sends all four patch types with their content types', async () => {
    await client.create(R.configmaps, cm('crud', 'patchme', { a: '1' }, { l: 'x' }));
    const json = await client.patch<CM>(R.configmaps, 'crud', 'patchme', 'json', [{ op: 'add', path: '/data/b', value: '2' }]);
    expect(json.data).toEqual({ a: '1', b: '2' });
    const merge = await client.patch<CM>(R.configmaps, 'crud', 'patchme', 'merge', { data: { a: null, c: '3' } });
    expect(merge.data).toEqual({ b: '2', c: '3' });
    const strategic = await client.patch<CM>(R.configmaps, 'crud', 'patchme', 'strategic', { metadata: { labels: { m: 'y' } } });
    expect(strategic.metadata.labels).toEqual({ l: 'x', m: 'y' });
    const applied = await client.patch<CM>(R.configmaps, 'crud', 'patchme', 'apply', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'patchme', namespace: 'crud' }, data: { d: '4' } }, { fieldManager: 'e2e', force: true });
    expect(applied.data?.d).toBe('4');
    expect(applied.metadata.managedFields?.some((f) => f.manager === 'e2e' && f.operation === 'Apply')).toBe(true);
    await expect(client.patch(R.configmaps, 'crud', 'nope', 'merge', { data: {} })).rejects.toSatisfy(isNotFound);
  });

  it('streams watch events from a resourceVersion and ends quietly on abort', async () => {
    const start = await client.list(R.configmaps, { namespace: 'crud' });
    const stop = new AbortController();
    const seen: Array<WatchEvent<CM>> = [];
    const done = (async () => {
      for await (const ev of client.watch<CM>(R.configmaps, { namespace: 'crud', resourceVersion: start.metadata.resourceVersion }, stop.signal)) {
        seen.push(ev);
        if (seen.length === 3) stop.abort();
      }
    })();
    await client.create(R.configmaps, cm('crud', 'w'));
    await client.patch(R.configmaps, 'crud', 'w', 'merge', { data: { v: '1' } });
    await client.delete(R.configmaps, 'crud', 'w');
    await done;
    expect(seen.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED w', 'MODIFIED w', 'DELETED w']);
  });

  it('informer: syncs, delivers add/update/delete, keeps indexes current', async () => {
    await client.create(R.configmaps, cm('inf', 'pre', {}, { app: 'web' }));
    const inf = new Informer<CM>(client, R.configmaps, { namespace: 'inf' });
    inf.addIndex('app', (o) => (o.metadata.labels?.app ? [o.metadata.labels.app] : []));
    const log: string[] = [];
    inf.addEventHandler({
      add: (o) => log.push(`add ${keyOf(o)}`),
      update: (_a, b) => log.push(`update ${keyOf(b)}`),
      delete: (o) => log.push(`delete ${keyOf(o)}`),
    });
    inf.start(ac.signal);
    await inf.waitForSync();
    expect(log).toEqual(['add inf/pre']);
    await client.create(R.configmaps, cm('inf', 'x', {}, { app: 'db' }));
    await client.patch(R.configmaps, 'inf', 'pre', 'merge', { metadata: { labels: { app: 'db' } } });
    await client.delete(R.configmaps, 'inf', 'x');
    await waitFor(() => log.length === 4, 5000, 'informer events');
    expect(log).toEqual(['add inf/pre', 'add inf/x', 'update inf/pre', 'delete inf/x']);
    expect(inf.byIndex('app', 'db').map(keyOf)).toEqual(['inf/pre']);
    expect(inf.byIndex('app', 'web')).toEqual([]);
    expect(inf.get('inf', 'pre')?.metadata.labels).toEqual({ app: 'db' });
  });

  it('a runtime controller reconciles keys from its informer', async () => {
    const rt = createRuntime({ client });
    const sources = rt.informer<CM>(R.configmaps, { namespace: 'ctl', labelSelector: 'role=source' });
    expect(rt.informer<CM>(R.configmaps, { namespace: 'ctl', labelSelector: 'role=source' })).toBe(sources);
    const ctl = rt.controller({
      name: 'copier',
      sources: [{ informer: sources, toKeys: (o: CM) => [keyOf(o)] }],
      reconcile: async (key) => {
        const [ns, name] = key.split('/') as [string, string];
        const src = sources.get(ns, name);
        if (!src) return;
        try {
          await client.create(R.configmaps, cm(ns, `${name}-copy`, src.data ?? {}));
        } catch (e) {
          if (!isAlreadyExists(e)) throw e;
        }
      },
    });
    rt.start(ac.signal);
    void ctl.run(ac.signal);
    await client.create(R.configmaps, cm('ctl', 'a', { k: 'v' }, { role: 'source' }));
    const copy = await waitFor(() => client.get<CM>(R.configmaps, 'ctl', 'a-copy'), 5000, 'the copy');
    expect(copy.data).toEqual({ k: 'v' });
  });

  it('event recorder: duplicates increment count, similar events aggregate, visible through the API', async () => {
    const target = await client.create<CM>(R.configmaps, cm('ev', 'target'));
    const rec = newEventRecorder(client, { component: 'e2e', host: 'h1' });
    rec.event(target, 'Warning', 'Failed', 'same');
    rec.event(target, 'Warning', 'Failed', 'same');
    rec.event(target, 'Warning', 'Failed', 'same');
    for (let i = 0; i < 12; i++) rec.event(target, 'Normal', 'Tick', `tick ${i}`);
    await rec.flush();
    const events = (await client.list<KObject>(R.events, { namespace: 'ev', fieldSelector: 'involvedObject.name=target' })).items;
    const byMessage = new Map(events.map((e) => [String(e.message), e]));
    const same = byMessage.get('same')!;
    expect(same.count).toBe(3);
    expect(same.involvedObject).toMatchObject({ kind: 'ConfigMap', name: 'target', namespace: 'ev', uid: target.metadata.uid });
    expect(same.source).toEqual({ component: 'e2e', host: 'h1' });
    expect(same.metadata.name).toMatch(/^target\.[0-9a-f]{16}$/);
    const combined = events.filter((e) => String(e.message).startsWith('(combined from similar events): '));
    expect(combined).toHaveLength(1);
    expect(combined[0]!.message).toBe('(combined from similar events): tick 11');
    expect(combined[0]!.count).toBe(3);
    expect(events.filter((e) => e.reason === 'Tick')).toHaveLength(10); // 9 single ones + the aggregate
  });

  it('a watch from a compacted resourceVersion fails as Expired; an informer cut off past it relists and converges', async () => {
    const proxy = await tcpProxy(Number(new URL(urlOf(server)).port));
    const logger = memoryLogger();
    const viaProxy = new Client({ server: `http://127.0.0.1:${proxy.port}` });
    try {
      await parallel(3, 3, (i) => client.create(R.configmaps, cm('relist', `o${i}`)));
      const inf = new Informer<CM>(viaProxy, R.configmaps, { namespace: 'relist' }, { logger });
      const log: string[] = [];
      inf.addEventHandler({
        add: (o) => log.push(`add ${o.metadata.name}`),
        update: (_a, b) => log.push(`update ${b.metadata.name}`),
        delete: (o) => log.push(`delete ${o.metadata.name}`),
      });
      inf.start(ac.signal);
      await inf.waitForSync();
      const oldRv = inf.lastSyncResourceVersion;
      proxy.cut();
      await client.delete(R.configmaps, 'relist', 'o0');
      await client.patch(R.configmaps, 'relist', 'o1', 'merge', { data: { changed: 'yes' } });
      await client.create(R.configmaps, cm('relist', 'o3'));
      // push the informer's revision out of the server's watch history (10,000 events)
      await parallel(10_050, 64, (i) => client.create(R.configmaps, cm('bulk', `b${i}`)));
      const stale = client.watch(R.configmaps, { namespace: 'relist', resourceVersion: oldRv }, ac.signal);
      await expect((async () => {
        for await (const ev of stale) void ev;
      })()).rejects.toSatisfy(isExpired);

      log.length = 0;
      proxy.resume();
      await waitFor(() => log.length >= 3, 10_000, 'relist diff');
      expect(log.sort()).toEqual(['add o3', 'delete o0', 'update o1']);
      expect(logger.messages).toContain('watch expired; relisting');
      const truth = await client.listAll<CM>(R.configmaps, { namespace: 'relist' });
      expect(inf.list().map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort())
        .toEqual(truth.items.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort());
    } finally {
      await viaProxy.close();
      await proxy.close();
    }
  });
});

describe('controllers/runtime informer across an apiserver SIGKILL (level storage)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let server: Started | undefined;
  const ac = new AbortController();

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('kubeling-runtime-e2e-'));
  });

  afterAll(async () => {
    ac.abort();
    await server?.stop();
    await cleanup?.();
  });

  it('reconnects after a kill and restart on the same port and data dir, and converges', async () => {
    const port = await freePort();
    const args = ['apiserver', '--port', String(port), '--storage', 'level', '--data-dir', join(dir, 'data'), '--no-fsync'];
    server = await startCli(args, READY);
    const client = new Client({ server: urlOf(server) });
    await parallel(3, 3, (i) => client.create(R.configmaps, cm('default', `k${i}`)));
    const logger = memoryLogger();
    const inf = new Informer<CM>(client, R.configmaps, { namespace: 'default' }, { logger });
    inf.start(ac.signal);
    await inf.waitForSync();

    await server.stop('SIGKILL');
    server = await startCli(args, READY);
    // the first writes may meet a connection the kill left half-open; retry until the server answers
    await waitFor(() => client.patch(R.configmaps, 'default', 'k0', 'merge', { data: { after: 'restart' } }), 5000, 'first write after restart');
    await client.delete(R.configmaps, 'default', 'k1');
    await client.create(R.configmaps, cm('default', 'k9'));
    await waitFor(async () => {
      const truth = await client.listAll<CM>(R.configmaps, { namespace: 'default' });
      const want = truth.items.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort();
      const have = inf.list().map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort();
      return JSON.stringify(want) === JSON.stringify(have) && have.some((s) => s.startsWith('k9@')) && !have.some((s) => s.startsWith('k1@'));
    }, 10_000, 'informer to converge after restart');
    expect(inf.get('default', 'k1')).toBeUndefined();
    expect(inf.get('default', 'k0')?.data).toEqual({ after: 'restart' });
    expect(logger.messages).toContain('watch failed; retrying');
    await client.close();
  });
});
