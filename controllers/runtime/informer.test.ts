// Informer behaviour against a scripted API: sync, handlers, indexes, relist diffs on 410, re-watch after errors.

import { describe, expect, it } from 'vitest';
import { R } from '../../apiserver/api/resources.js';
import type { KObject } from '../../apiserver/api/types.js';
import { FakeClock } from './clock.js';
import { FakeApi, settle } from './fake-api.test.support.js';
import { Informer, keyOf, splitKey } from './informer.js';

function recorder(): { log: string[]; handler: Parameters<Informer['addEventHandler']>[0] } {
  const log: string[] = [];
  return {
    log,
    handler: {
      add: (o) => log.push(`add ${keyOf(o)}@${o.metadata.resourceVersion}`),
      update: (a, b) => log.push(`update ${keyOf(b)}@${a.metadata.resourceVersion}->${b.metadata.resourceVersion}`),
      delete: (o) => log.push(`delete ${keyOf(o)}`),
    },
  };
}

async function started(api: FakeApi, clock = new FakeClock(), opts = {}): Promise<{ inf: Informer; ac: AbortController; clock: FakeClock }> {
  const inf = new Informer(api.client(), R.configmaps, opts, { clock });
  const ac = new AbortController();
  inf.start(ac.signal);
  await inf.waitForSync();
  await settle();
  return { inf, ac, clock };
}

describe('keyOf / splitKey', () => {
  it.each([
    [{ metadata: { namespace: 'ns', name: 'a' } }, 'ns/a', { namespace: 'ns', name: 'a' }],
    [{ metadata: { name: 'node-1' } }, 'node-1', { name: 'node-1' }],
  ])('%j ↔ %s', (obj, key, split) => {
    expect(keyOf(obj)).toBe(key);
    expect(splitKey(key)).toEqual(split);
  });
});

describe('Informer', () => {
  it('lists, syncs, then applies watch events to cache, handlers and indexes', async () => {
    const api = new FakeApi();
    api.put(api.obj('a', { data: { node: 'n1' } }));
    api.put(api.obj('b', { data: { node: 'n2' } }));
    const inf = new Informer(api.client(), R.configmaps);
    const r = recorder();
    inf.addEventHandler(r.handler);
    inf.addIndex('node', (o) => [String((o.data as { node: string }).node)]);
    const ac = new AbortController();
    expect(inf.hasSynced()).toBe(false);
    inf.start(ac.signal);
    await inf.waitForSync();
    expect(inf.lastSyncResourceVersion).toBe(String(api.rev));
    expect(r.log).toEqual(['add ns/a@11', 'add ns/b@12']);
    await settle();
    expect(api.last.resourceVersion).toBe('12');

    api.put(api.obj('a', { data: { node: 'n2' } }));
    api.put(api.obj('c', { data: { node: 'n1' } }));
    api.remove('ns/b');
    api.last.push({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '99' } } });
    await settle();
    expect(r.log.slice(2)).toEqual(['update ns/a@11->13', 'add ns/c@14', 'delete ns/b']);
    expect(inf.byIndex('node', 'n2').map(keyOf)).toEqual(['ns/a']);
    expect(inf.byIndex('node', 'n1').map(keyOf)).toEqual(['ns/c']);
    expect(inf.get('ns', 'b')).toBeUndefined();
    expect(inf.getByKey('ns/c')?.metadata.name).toBe('c');
    expect(inf.list().map(keyOf).sort()).toEqual(['ns/a', 'ns/c']);
    expect(inf.lastSyncResourceVersion).toBe('99');
    expect(() => inf.byIndex('nope', 'x')).toThrow(/no index/);
    ac.abort();
  });

  it('gives handlers added after sync a synthetic add per cached object', async () => {
    const api = new FakeApi();
    api.put(api.obj('a'));
    const { inf, ac } = await started(api);
    const r = recorder();
    inf.addEventHandler(r.handler);
    expect(r.log).toEqual(['add ns/a@11']);
    ac.abort();
  });

  it('on 410 Expired relists and delivers only the difference', async () => {
    const api = new FakeApi();
    api.put(api.obj('keep'));
    api.put(api.obj('change'));
    api.put(api.obj('gone'));
    const { inf, ac, clock } = await started(api);
    const r = recorder();
    inf.addEventHandler({ update: r.handler.update!, delete: r.handler.delete!, add: r.handler.add! });
    r.log.length = 0;
    // changes happen while the client misses them; then its watch breaks and its revision is too old
    const before = api.lists;
    const old = api.last;
    api.watches.length = 0;
    api.objects.set('ns/change', api.obj('change', { v: 2 }));
    api.objects.delete('ns/gone');
    api.objects.set('ns/new', api.obj('new'));
    api.oldest = api.rev;
    old.push({ error: new Error('connection reset') });
    await settle();
    clock.advance(150); // the re-watch from the old revision answers 410, and the informer relists at once
    await settle(10);
    expect(api.lists).toBe(before + 1);
    expect(r.log.sort()).toEqual(['add ns/new@15', 'delete ns/gone', 'update ns/change@12->14']);
    expect(inf.lastSyncResourceVersion).toBe(String(api.rev));
    ac.abort();
  });

  it('re-watches from the last revision after an error, with backoff on the clock', async () => {
    const api = new FakeApi();
    api.put(api.obj('a'));
    const { ac, clock } = await started(api);
    api.put(api.obj('b'));
    await settle();
    const lists = api.lists;
    api.last.push({ error: new Error('socket hang up') });
    await settle();
    expect(api.watches).toHaveLength(1);
    clock.advance(150);
    await settle();
    expect(api.watches).toHaveLength(2);
    expect(api.last.resourceVersion).toBe('12');
    expect(api.lists).toBe(lists);
    ac.abort();
  });

  it('a stream that ends cleanly after progress is reopened at once', async () => {
    const api = new FakeApi();
    const { ac } = await started(api);
    api.put(api.obj('x'));
    api.last.push({ end: true });
    await settle();
    expect(api.watches).toHaveLength(2);
    expect(api.last.resourceVersion).toBe('11');
    ac.abort();
  });

  it('resyncs the cache as updates every resyncMs', async () => {
    const api = new FakeApi();
    api.put(api.obj('a'));
    const { inf, ac, clock } = await started(api, new FakeClock(), { resyncMs: 1000 });
    const r = recorder();
    inf.addEventHandler(r.handler);
    clock.advance(2000);
    expect(r.log).toEqual(['add ns/a@11', 'update ns/a@11->11', 'update ns/a@11->11']);
    ac.abort();
    expect(clock.pending()).toBe(0);
  });

  it('waitForSync rejects when the signal aborts first; a throwing handler does not stop others', async () => {
    const api = new FakeApi();
    const inf = new Informer<KObject>(api.client(), R.configmaps);
    const ac = new AbortController();
    const waiting = inf.waitForSync(ac.signal);
    ac.abort(new Error('bye'));
    await expect(waiting).rejects.toThrow('bye');

    api.put(api.obj('a'));
    const seen: string[] = [];
    inf.addEventHandler({ add: () => { throw new Error('boom'); } });
    inf.addEventHandler({ add: (o) => seen.push(keyOf(o)) });
    const ac2 = new AbortController();
    inf.start(ac2.signal);
    await inf.waitForSync();
    expect(seen).toEqual(['ns/a']);
    ac2.abort();
  });
});
