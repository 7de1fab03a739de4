// The shared vitest suite every Storage backend must pass (run by memory.test.ts and level.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { watchConformance } from './conformance-watch.js';
import { bytes, errorCode, startWatch, summary, take, text, deadline } from './conformance-util.js';
import type { ConformanceOptions, OpenStorage, OpenedStorage } from './conformance-util.js';
import type { KV } from './types.js';

export type { ConformanceOptions, OpenStorage, OpenedStorage } from './conformance-util.js';

/** A function that opens a fresh store and cleans it up after the test. */
export type Fresh = (opts?: ConformanceOptions) => Promise<OpenedStorage>;

/**
 * Registers the conformance suite for one backend. `open` returns a fresh, empty store; durable backends
 * also return `reopen`, which closes the store and opens the same data again.
 */
export function storageConformance(name: string, open: OpenStorage, opts: { durable?: boolean } = {}): void {
  describe(`storage conformance: ${name}`, () => {
    const opened: OpenedStorage[] = [];
    const fresh: Fresh = async (opts) => {
      const o = await open(opts);
      opened.push(o);
      return o;
    };
    afterEach(async () => {
      for (const o of opened.splice(0)) await o.cleanup();
    });
    crudTests(fresh);
    deleteTests(fresh);
    listTests(fresh);
    concurrencyTests(fresh);
    watchConformance(fresh);
    if (opts.durable) persistenceTests(fresh);
  });
}

function crudTests(fresh: Fresh): void {
  it('starts empty at revision 1 and counts every write +1, across keys', async () => {
    const { storage } = await fresh();
    expect(await storage.currentRevision()).toBe(1);
    expect(await storage.oldestRevision()).toBe(0);
    const a = await storage.create('/a', bytes('1'));
    const b = await storage.create('/b', bytes('1'));
    const a2 = await storage.update('/a', bytes('2'), a.modRevision);
    const d = await storage.delete('/b');
    expect([a.modRevision, b.modRevision, a2.modRevision, d.modRevision]).toEqual([2, 3, 4, 5]);
    expect(await storage.currentRevision()).toBe(5);
  });

  it('creates, gets, and refuses a second create with KeyExists (no revision used)', async () => {
    const { storage } = await fresh();
    const kv = await storage.create('/registry/pods/default/a', bytes('hello'));
    expect(kv).toMatchObject({ key: '/registry/pods/default/a', createRevision: 2, modRevision: 2 });
    const got = await storage.get('/registry/pods/default/a');
    expect(got && text(got.value)).toBe('hello');
    expect(got).toMatchObject({ createRevision: 2, modRevision: 2 });
    expect(await storage.get('/registry/pods/default/b')).toBeUndefined();
    expect(await errorCode(() => storage.create('/registry/pods/default/a', bytes('x')))).toBe('KeyExists');
    expect(await storage.currentRevision()).toBe(2);
  });

  it('updates with the right modRevision; Conflict with a wrong one; NotFound for a missing key', async () => {
    const { storage } = await fresh();
    const c = await storage.create('/k', bytes('v1'));
    const u = await storage.update('/k', bytes('v2'), c.modRevision);
    expect(u).toMatchObject({ createRevision: c.createRevision, modRevision: 3 });
    expect(await errorCode(() => storage.update('/k', bytes('v3'), c.modRevision))).toBe('Conflict');
    expect(await errorCode(() => storage.update('/missing', bytes('v'), 2))).toBe('NotFound');
    const got = await storage.get('/k');
    expect(got && text(got.value)).toBe('v2');
    expect(await storage.currentRevision()).toBe(3);
  });

}

function deleteTests(fresh: Fresh): void {
  it('deletes with and without a precondition, returning the last value at the delete revision', async () => {
    const { storage } = await fresh();
    const a = await storage.create('/a', bytes('last-a'));
    await storage.create('/b', bytes('last-b'));
    expect(await errorCode(() => storage.delete('/a', a.modRevision + 100))).toBe('Conflict');
    const da = await storage.delete('/a', a.modRevision);
    expect(da).toMatchObject({ key: '/a', createRevision: 2, modRevision: 4 });
    expect(text(da.value)).toBe('last-a');
    const db = await storage.delete('/b');
    expect(db.modRevision).toBe(5);
    expect(await storage.get('/a')).toBeUndefined();
    expect(await errorCode(() => storage.delete('/a'))).toBe('NotFound');
    const again = await storage.create('/a', bytes('new'));
    expect(again).toMatchObject({ createRevision: 6, modRevision: 6 });
  });

  it('fails every call with Closed after close', async () => {
    const { storage } = await fresh();
    await storage.create('/a', bytes('1'));
    await storage.close();
    expect(await errorCode(() => storage.get('/a'))).toBe('Closed');
    expect(await errorCode(() => storage.create('/b', bytes('1')))).toBe('Closed');
    expect(await errorCode(() => startWatch(storage, '/', 0))).toBe('Closed');
  });
}

function listTests(fresh: Fresh): void {
  const keys = ['/r/a/B', '/r/a/a', '/r/a/b', '/r/a/~', '/r/a/é', '/r/a/\uffff', '/r/a/😀', '/r/a/b/c', '/r/ab', '/r/a'];

  it('lists a prefix in byte order and counts it', async () => {
    const { storage } = await fresh();
    for (const k of keys) await storage.create(k, bytes(k));
    const { items, revision, more } = await storage.list('/r/a/');
    const expected = keys
      .filter((k) => k.startsWith('/r/a/'))
      .sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(items.map((i) => i.key)).toEqual(expected);
    expect(items.every((i) => text(i.value) === i.key)).toBe(true);
    expect(revision).toBe(await storage.currentRevision());
    expect(more).toBe(false);
    expect(await storage.count('/r/a/')).toBe(expected.length);
    expect(await storage.count('/r/')).toBe(keys.length);
    expect(await storage.count('/nothing/')).toBe(0);
    expect((await storage.list('/nothing/')).items).toEqual([]);
  });

  it('paginates with limit and after, reporting more', async () => {
    const { storage } = await fresh();
    for (let i = 0; i < 7; i++) await storage.create(`/p/${i}`, bytes(String(i)));
    await storage.create('/q/0', bytes('other'));
    const pages: string[][] = [];
    let after: string | undefined;
    for (;;) {
      const page = await storage.list('/p/', { limit: 3, ...(after === undefined ? {} : { after }) });
      pages.push(page.items.map((i) => i.key));
      after = page.items.at(-1)?.key;
      if (!page.more) break;
    }
    expect(pages).toEqual([['/p/0', '/p/1', '/p/2'], ['/p/3', '/p/4', '/p/5'], ['/p/6']]);
    const exact = await storage.list('/p/', { limit: 7 });
    expect([exact.items.length, exact.more]).toEqual([7, false]);
    expect((await storage.list('/p/', { after: '/p/6' })).items).toEqual([]);
    expect((await storage.list('/p/', { after: '/a' })).items).toHaveLength(7);
  });

  it('lists at an older revision only while the prefix is unchanged since, else Compacted', async () => {
    const { storage } = await fresh();
    await storage.create('/x/1', bytes('1'));
    const at = await storage.currentRevision();
    await storage.create('/y/1', bytes('1'));
    const same = await storage.list('/x/', { revision: at });
    expect(same.revision).toBe(at);
    expect(same.items.map((i) => i.key)).toEqual(['/x/1']);
    await storage.create('/x/2', bytes('2'));
    expect(await errorCode(() => storage.list('/x/', { revision: at }))).toBe('Compacted');
  });
}

function concurrencyTests(fresh: Fresh): void {
  it('lets exactly one of 200 concurrent updates with the same expected revision win', async () => {
    const { storage } = await fresh();
    const kv = await storage.create('/hot', bytes('0'));
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => storage.update('/hot', bytes(`w${i}`), kv.modRevision)),
    );
    const won = results.filter((r): r is PromiseFulfilledResult<KV> => r.status === 'fulfilled');
    const codes = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string }).code] : []));
    expect(won).toHaveLength(1);
    expect(codes).toEqual(Array.from({ length: 199 }, () => 'Conflict'));
    expect(won[0]?.value.modRevision).toBe(kv.modRevision + 1);
    expect(await storage.currentRevision()).toBe(kv.modRevision + 1);
    expect((await storage.get('/hot'))?.modRevision).toBe(kv.modRevision + 1);
  });

  it('lets 64 concurrent read-modify-write retry loops on one key all finish (a conflict shows its cause)', async () => {
    const { storage } = await fresh();
    await storage.create('/rmw', bytes('0'));
    const writer = async (i: number): Promise<number> => {
      for (let attempt = 0; attempt < 10_000; attempt++) {
        const cur = await storage.get('/rmw');
        try {
          return (await storage.update('/rmw', bytes(`w${i}`), cur!.modRevision)).modRevision;
        } catch (e) {
          if ((e as { code?: string }).code !== 'Conflict') throw e;
        }
      }
      throw new Error('retry loop did not converge');
    };
    const revisions = await Promise.all(Array.from({ length: 64 }, (_, i) => writer(i)));
    expect(new Set(revisions).size).toBe(64);
  });

  it('gives concurrent writers distinct, contiguous revisions, seen by a watch in order', async () => {
    const { storage } = await fresh();
    const start = await storage.currentRevision();
    const watch = storage.watch('/c/', start, deadline());
    const kvs = await Promise.all(Array.from({ length: 100 }, (_, i) => storage.create(`/c/${i}`, bytes(String(i)))));
    const revs = kvs.map((k) => k.modRevision).sort((a, b) => a - b);
    expect(revs).toEqual(Array.from({ length: 100 }, (_, i) => start + 1 + i));
    const events = await take(watch, 100);
    expect(events.map((e) => e.revision)).toEqual(revs);
    expect(await storage.count('/c/')).toBe(100);
  });

  it('accepts a write that depends on a not-yet-acknowledged one', async () => {
    const { storage } = await fresh();
    const created = storage.create('/chain', bytes('1'));
    const deleted = storage.delete('/chain', 2);
    const recreated = storage.create('/chain', bytes('2'));
    expect([(await created).modRevision, (await deleted).modRevision, (await recreated).modRevision]).toEqual([2, 3, 4]);
    expect((await storage.get('/chain'))?.createRevision).toBe(4);
  });
}

function persistenceTests(fresh: Fresh): void {
  it('keeps data, revisions and watch history across a reopen (durable backends)', async () => {
    const opened = await fresh();
    if (!opened.reopen) throw new Error('a durable backend must offer reopen');
    const { storage } = opened;
    const a = await storage.create('/d/a', bytes('a1'));
    await storage.update('/d/a', bytes('a2'), a.modRevision);
    await storage.create('/d/b', bytes('b1'));
    await storage.delete('/d/b');
    const before = await storage.currentRevision();
    const again = await opened.reopen();
    expect(await again.currentRevision()).toBe(before);
    expect(await again.oldestRevision()).toBe(0);
    const got = await again.get('/d/a');
    expect(got && { ...got, value: text(got.value) }).toEqual({ key: '/d/a', value: 'a2', createRevision: 2, modRevision: 3 });
    expect(await again.get('/d/b')).toBeUndefined();
    const replay = await take(again.watch('/d/', 0, deadline()), 4);
    expect(summary(replay)).toEqual(['create /d/a 2', 'update /d/a 3', 'create /d/b 4', 'delete /d/b 5']);
    expect(replay[1]?.prev && text(replay[1].prev.value)).toBe('a1');
    expect(replay[3]?.prev?.modRevision).toBe(4);
    expect(text(replay[3]?.kv.value ?? new Uint8Array())).toBe('b1');
    expect((await again.create('/d/c', bytes('c'))).modRevision).toBe(before + 1);
  });
}
