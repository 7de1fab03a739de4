// The registry's watch: how a change looks to a filtered watcher, and the watch cache's fast and slow paths.

import { describe, expect, it } from 'vitest';
import { R } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import type { StorageEvent } from '../storage/types.js';
import { createMemoryStorage } from '../storage/memory.js';
import { Registry } from './store.js';
import { bootstrap } from './bootstrap.js';
import { classify, decodedEvent, type WatchEventType, type WatchItem } from './watch.js';
import type { WatchSink } from './watch-cache.js';

const bytes = (labels: Record<string, string>): Uint8Array =>
  Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'd', labels } }));

function change(type: StorageEvent['type'], before: Record<string, string> | undefined, after: Record<string, string>): StorageEvent {
  const kv = { key: '/registry/configmaps/d/x', value: bytes(after), createRevision: 2, modRevision: 5 };
  const ev: StorageEvent = { type, kv, revision: 5 };
  if (before) ev.prev = { ...kv, value: bytes(before), modRevision: 4 };
  return ev;
}

const live = (o: KObject): boolean => o.metadata.labels?.stage === 'live';

describe('classify (upstream cacheWatcher.convertToWatchEvent)', () => {
  it.each([
    ['create, matching', change('create', undefined, { stage: 'live' }), live, 'ADDED live'],
    ['create, not matching', change('create', undefined, { stage: 'dev' }), live, undefined],
    ['update inside the selection', change('update', { stage: 'live' }, { stage: 'live', v: '2' }), live, 'MODIFIED live'],
    ['update entering the selection', change('update', { stage: 'dev' }, { stage: 'live' }), live, 'ADDED live'],
    ['update leaving the selection: the previous state', change('update', { stage: 'live' }, { stage: 'dev' }), live, 'DELETED live'],
    ['update outside the selection', change('update', { stage: 'dev' }, { stage: 'qa' }), live, undefined],
    ['delete of a matching object', change('delete', { stage: 'live' }, { stage: 'live' }), live, 'DELETED live'],
    ['delete of another object', change('delete', { stage: 'dev' }, { stage: 'dev' }), live, undefined],
    ['no selector: update', change('update', { stage: 'dev' }, { stage: 'qa' }), undefined, 'MODIFIED qa'],
  ])('%s', (_name, ev, predicate, want) => {
    const out = classify(decodedEvent(R.configmaps, ev), predicate);
    expect(out && `${out.type} ${out.item.object.metadata.labels?.stage}`).toBe(want);
    if (out) expect(out.item.object.metadata.resourceVersion).toBe('5'); // the change's revision, also for a leave
  });

  it('decodes a change once however many watchers look at it, with stored text as the JSON', () => {
    const ev = change('create', undefined, { stage: 'live' });
    const a = decodedEvent(R.configmaps, ev);
    expect(decodedEvent(R.configmaps, ev)).toBe(a);
    expect(a.current.object).toBe(a.current.object);
    expect(JSON.parse(a.current.text())).toEqual(a.current.object);
  });
});

/** A sink that records `TYPE name rv` lines and how it ended. */
function recorder(): WatchSink & { seen: string[]; ended: string | undefined } {
  const sink = {
    seen: [] as string[],
    ended: undefined as string | undefined,
    event(type: WatchEventType, item: WatchItem) {
      sink.seen.push(`${type} ${item.object.metadata.name} ${item.object.metadata.resourceVersion}`);
    },
    end(error?: { message: string }) {
      sink.ended = error ? error.message : 'closed';
    },
  };
  return sink;
}

const cm = (name: string): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } });

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe('watch cache', () => {
  it('serves a recent revision from the ring and an older one through the storage history, with the same events', async () => {
    const storage = createMemoryStorage();
    const registry = new Registry({ storage, watchCache: { ringSize: 2 } });
    await bootstrap(registry);
    const ac = new AbortController();
    const first = recorder();
    await registry.watch(R.configmaps, { namespace: 'default', predicate: undefined, fromRevision: undefined, sink: first, signal: ac.signal });
    const made: string[] = [];
    for (const n of ['a', 'b', 'c', 'd']) made.push(`ADDED ${n} ${(await registry.create(R.configmaps, 'default', cm(n))).metadata.resourceVersion}`);
    await until(() => first.seen.length === 4);
    expect(first.seen).toEqual(made);
    const from = Number(made[0]!.split(' ')[2]);
    const fast = recorder();
    const slow = recorder();
    await registry.watch(R.configmaps, { namespace: 'default', predicate: undefined, fromRevision: Number(made[1]!.split(' ')[2]), sink: fast, signal: ac.signal });
    await registry.watch(R.configmaps, { namespace: 'default', predicate: undefined, fromRevision: from, sink: slow, signal: ac.signal });
    expect(registry.watches.watcherCount(R.configmaps)).toBe(2); // `slow` has its own storage watch
    await until(() => slow.seen.length === 3 && fast.seen.length === 2);
    expect(fast.seen).toEqual(made.slice(2));
    expect(slow.seen).toEqual(made.slice(1));
    ac.abort();
    expect(registry.watches.watcherCount(R.configmaps)).toBe(0);
    await storage.close();
  });

  it('ends every watcher when the storage closes (clients watch again)', async () => {
    const storage = createMemoryStorage();
    const registry = new Registry({ storage });
    const sink = recorder();
    await registry.watch(R.configmaps, { namespace: undefined, predicate: undefined, fromRevision: undefined, sink, signal: new AbortController().signal });
    await storage.close();
    await until(() => sink.ended === 'closed');
  });
});
