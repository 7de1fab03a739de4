// The watch part of the storage conformance suite: replay, live events, prefixes, compaction, abort, slow watchers.
import { expect, it } from 'vitest';
import { bytes, deadline, errorCode, startWatch, summary, take, takeUntil, text, waitFor } from './conformance-util.js';
import type { ConformanceOptions, OpenedStorage } from './conformance-util.js';
import type { Storage, StorageEvent } from './types.js';

type Fresh = (opts?: ConformanceOptions) => Promise<OpenedStorage>;

/** Writes create, update, delete of one key; returns the three revisions. */
async function lifecycle(storage: Storage, key: string): Promise<number[]> {
  const c = await storage.create(key, bytes('v1'));
  const u = await storage.update(key, bytes('v2'), c.modRevision);
  const d = await storage.delete(key, u.modRevision);
  return [c.modRevision, u.modRevision, d.modRevision];
}

/** The watch tests of the conformance suite. */
export function watchConformance(fresh: Fresh): void {
  replayTests(fresh);
  filterTests(fresh);
  boundsTests(fresh);
  slowTests(fresh);
}

function replayTests(fresh: Fresh): void {
  it('watches from the current revision: live events only, with prev and the deleted value', async () => {
    const { storage } = await fresh();
    await storage.create('/w/old', bytes('old'));
    const watch = storage.watch('/w/', await storage.currentRevision(), deadline());
    const [c, u, d] = await lifecycle(storage, '/w/k');
    const events = await take(watch, 3);
    expect(summary(events)).toEqual([`create /w/k ${c}`, `update /w/k ${u}`, `delete /w/k ${d}`]);
    const [ce, ue, de] = events as [StorageEvent, StorageEvent, StorageEvent];
    expect(ce.prev).toBeUndefined();
    expect(ce.kv).toMatchObject({ createRevision: c, modRevision: c });
    expect(ue.prev && text(ue.prev.value)).toBe('v1');
    expect(ue.prev?.modRevision).toBe(c);
    expect(ue.kv).toMatchObject({ createRevision: c, modRevision: u });
    expect(text(de.kv.value)).toBe('v2');
    expect(de.kv).toMatchObject({ createRevision: c, modRevision: d });
    expect(de.prev?.modRevision).toBe(u);
  });

  it('replays from a past revision, then continues live, with no gap and no duplicate', async () => {
    const { storage } = await fresh();
    for (let i = 0; i < 5; i++) await storage.create(`/r/${i}`, bytes(String(i)));
    const ctrl = new AbortController();
    const watch = storage.watch('/r/', 3, deadline(ctrl));
    const live = (async () => {
      for (let i = 5; i < 10; i++) await storage.create(`/r/${i}`, bytes(String(i)));
    })();
    const events = await take(watch, 8);
    await live;
    expect(events.map((e) => e.revision)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    ctrl.abort();
  });

  it('replays everything from 0 while no history was dropped', async () => {
    const { storage } = await fresh();
    const revs = await lifecycle(storage, '/z/a');
    const events = await take(storage.watch('/z/', 0, deadline()), 3);
    expect(events.map((e) => e.revision)).toEqual(revs);
  });

}

function filterTests(fresh: Fresh): void {
  it('delivers only keys under the prefix', async () => {
    const { storage } = await fresh();
    const watch = storage.watch('/ns/a/', 1, deadline());
    await storage.create('/ns/a', bytes('not under /ns/a/'));
    await storage.create('/ns/ab/x', bytes('no'));
    await storage.create('/ns/a/x', bytes('yes'));
    await storage.create('/ns/b/x', bytes('no'));
    await storage.create('/ns/a/end', bytes('yes'));
    const events = await takeUntil(watch, '/ns/a/end');
    expect(summary(events)).toEqual(['create /ns/a/x 4', 'create /ns/a/end 6']);
  });

  it('starts a watch beyond the current revision without delivering older events', async () => {
    const { storage } = await fresh();
    const watch = storage.watch('/f/', 3, deadline());
    for (let i = 0; i < 4; i++) await storage.create(`/f/${i}`, bytes('x'));
    expect((await take(watch, 2)).map((e) => e.revision)).toEqual([4, 5]);
  });
}

function boundsTests(fresh: Fresh): void {
  it('throws Compacted for a revision older than the history kept, and serves the oldest one', async () => {
    const { storage } = await fresh({ historySize: 5 });
    for (let i = 0; i < 20; i++) await storage.create(`/h/${i}`, bytes(String(i)));
    const current = await storage.currentRevision();
    const oldest = await storage.oldestRevision();
    expect(oldest).toBe(current - 5);
    expect(await errorCode(() => startWatch(storage, '/h/', 0))).toBe('Compacted');
    expect(await errorCode(() => startWatch(storage, '/h/', oldest - 1))).toBe('Compacted');
    const events = await take(storage.watch('/h/', oldest, deadline()), 5);
    expect(events.map((e) => e.revision)).toEqual([17, 18, 19, 20, 21]);
  });

  it('ends promptly on abort, including a pending next(), and frees the watcher', async () => {
    const { storage } = await fresh();
    const ctrl = new AbortController();
    const it = storage.watch('/a/', await storage.currentRevision(), ctrl.signal)[Symbol.asyncIterator]();
    const pending = it.next();
    await waitFor(() => storage.watcherCount?.() !== 0, 'the watcher to register');
    ctrl.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(await it.next()).toMatchObject({ done: true });
    if (storage.watcherCount) expect(storage.watcherCount()).toBe(0);
    const already = storage.watch('/a/', 1, AbortSignal.abort());
    expect(await take(already, 1)).toEqual([]);
  });

  it('frees the watcher when the consumer stops iterating', async () => {
    const { storage } = await fresh();
    await storage.create('/s/1', bytes('1'));
    expect(await take(storage.watch('/s/', 0, new AbortController().signal), 1)).toHaveLength(1);
    if (storage.watcherCount) expect(storage.watcherCount()).toBe(0);
  });

}

function slowTests(fresh: Fresh): void {
  it('ends a watcher that falls a full queue behind with TooSlow, without blocking writers or others', async () => {
    const { storage } = await fresh({ watchQueueLimit: 3 });
    const start = await storage.currentRevision();
    const slow = storage.watch('/q/', start, deadline())[Symbol.asyncIterator]();
    const fast = storage.watch('/q/', start, deadline());
    const seen: number[] = [];
    const reader = (async () => {
      for await (const ev of fast) if (seen.push(ev.revision) === 10) break;
    })();
    for (let i = 0; i < 10; i++) {
      const kv = await storage.create(`/q/${i}`, bytes(String(i)));
      await waitFor(() => seen.includes(kv.modRevision), `the fast watcher to see ${kv.modRevision}`);
    }
    await reader;
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => start + 1 + i));
    expect(await errorCode(() => slow.next())).toBe('TooSlow');
    if (storage.watcherCount) expect(storage.watcherCount()).toBe(0);
  });

  it('ends open watches with Closed when the store closes', async () => {
    const { storage } = await fresh();
    const it = storage.watch('/', 1, deadline())[Symbol.asyncIterator]();
    const pending = it.next();
    await storage.close();
    expect(await errorCode(() => pending)).toBe('Closed');
  });
}
