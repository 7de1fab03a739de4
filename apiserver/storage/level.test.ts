// Runs the storage conformance suite against the LevelDB backend, plus its on-disk log and group-commit behaviour.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { describe, expect, it, onTestFinished } from 'vitest';
import { storageConformance } from './conformance.js';
import { bytes, deadline, errorCode, startWatch, take, text } from './conformance-util.js';
import { LOG_RANGE, META_REVISION_KEY, decodeRevision, logKey } from './level-codec.js';
import { openLevelStorage } from './level.js';
import type { LevelStorageOptions } from './level.js';
import type { Storage } from './types.js';
import type { WatcherCount } from './watch-hub.js';

/** Opens a level store in a fresh temp dir; `reopen` closes the current handle and opens the same path. */
async function openTempLevel(opts: Omit<LevelStorageOptions, 'path'> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'kubeling-level-'));
  let current: Storage & WatcherCount = await openLevelStorage({ ...opts, path: dir });
  return {
    dir,
    get storage() {
      return current;
    },
    reopen: async (more: Omit<LevelStorageOptions, 'path'> = {}) => {
      await current.close();
      current = await openLevelStorage({ ...opts, ...more, path: dir });
      return current;
    },
    cleanup: async () => {
      await current.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

storageConformance('level', async (opts = {}) => {
  const t = await openTempLevel({
    ...(opts.historySize === undefined ? {} : { logRetention: opts.historySize, historySize: opts.historySize }),
    ...(opts.watchQueueLimit === undefined ? {} : { watchQueueLimit: opts.watchQueueLimit }),
  });
  return { storage: t.storage, reopen: () => t.reopen(), cleanup: t.cleanup };
}, { durable: true });

/** The log keys and revision on disk, read with a raw handle (the store must be closed). */
async function onDisk(dir: string): Promise<{ logKeys: string[]; revision: number | undefined }> {
  const db = new ClassicLevel<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open();
  try {
    const logKeys = await db.keys(LOG_RANGE).all();
    const rev = await db.get(META_REVISION_KEY);
    return { logKeys, revision: rev === undefined ? undefined : decodeRevision(rev) };
  } finally {
    await db.close();
  }
}

async function temp(opts: Omit<LevelStorageOptions, 'path'>) {
  const t = await openTempLevel(opts);
  onTestFinished(t.cleanup);
  return t;
}

describe('level storage: on-disk log', () => {
  it('bounds the log and resumes a watch from it after a restart', async () => {
    const t = await temp({ logRetention: 10, historySize: 4 });
    for (let i = 0; i < 30; i++) await t.storage.create(`/l/${i}`, bytes(String(i)));
    expect(await t.storage.oldestRevision()).toBe(21);
    await t.storage.close();
    const disk = await onDisk(t.dir);
    expect(disk.revision).toBe(31);
    expect(disk.logKeys).toEqual(Array.from({ length: 10 }, (_, i) => logKey(22 + i)));
    const s = await t.reopen();
    expect([await s.currentRevision(), await s.oldestRevision()]).toEqual([31, 21]);
    const events = await take(s.watch('/l/', 21, deadline()), 10);
    expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 10 }, (_, i) => 22 + i));
    expect(events.map((e) => text(e.kv.value))).toEqual(Array.from({ length: 10 }, (_, i) => String(20 + i)));
    expect(await errorCode(() => startWatch(s, '/l/', 20))).toBe('Compacted');
  });

  it('replays from the disk log, then the ring, then live writes, without gaps', async () => {
    const t = await temp({ logRetention: 100, historySize: 5 });
    for (let i = 0; i < 50; i++) await t.storage.create(`/g/${i}`, bytes(String(i)));
    const watch = t.storage.watch('/g/', 10, deadline());
    const live = (async () => {
      for (let i = 50; i < 70; i++) await t.storage.create(`/g/${i}`, bytes(String(i)));
    })();
    const events = await take(watch, 61);
    await live;
    expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 61 }, (_, i) => 11 + i));
  });

  it('ends with Compacted, never a gap, when writes trim the log before a disk replay reads it', async () => {
    const t = await temp({ logRetention: 10, historySize: 2 });
    for (let i = 0; i < 10; i++) await t.storage.create(`/t/${i}`, bytes(String(i)));
    const partly = t.storage.watch('/t/', 0, deadline())[Symbol.asyncIterator]();
    const wholly = t.storage.watch('/t/', 0, deadline())[Symbol.asyncIterator]();
    for (let i = 10; i < 15; i++) await t.storage.create(`/t/${i}`, bytes(String(i))); // the log now starts at 7, not 2
    expect(await errorCode(() => partly.next())).toBe('Compacted');
    for (let i = 15; i < 30; i++) await t.storage.create(`/t/${i}`, bytes(String(i))); // now at 22: nothing left of (0, 9]
    expect(await errorCode(() => wholly.next())).toBe('Compacted');
  });

  it('ends a watch promptly when aborted during its disk replay', async () => {
    const t = await temp({ logRetention: 1000, historySize: 2 });
    await Promise.all(Array.from({ length: 500 }, (_, i) => t.storage.create(`/x/${i}`, bytes(String(i)))));
    const ctrl = new AbortController();
    const it = t.storage.watch('/none/', 0, ctrl.signal)[Symbol.asyncIterator](); // filters out all 500: one long read
    const pending = it.next();
    await new Promise((r) => setImmediate(r));
    ctrl.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(t.storage.watcherCount()).toBe(0);
  });

  it('trims a log left by a larger retention when reopened with a smaller one', async () => {
    const t = await temp({ logRetention: 50 });
    for (let i = 0; i < 30; i++) await t.storage.create(`/r/${i}`, bytes(String(i)));
    const s = await t.reopen({ logRetention: 5 });
    expect(await s.oldestRevision()).toBe(26);
    await s.close();
    expect((await onDisk(t.dir)).logKeys).toHaveLength(5);
  });

  it('keeps every value whose only copy was in a trimmed log entry, across groups, reopens and retention changes', async () => {
    // Objects are stored as pointer rows into the log; a row must become a full row before its entry is trimmed.
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const t = await temp({ logRetention: 1, historySize: 1 });
    const model = new Map<string, string>();
    const revs = new Map<string, number>();
    const check = async (s: Storage): Promise<void> => {
      const { items } = await s.list('/m/');
      expect(new Map(items.map((kv) => [kv.key, text(kv.value)]))).toEqual(model);
    };
    let s = t.storage;
    for (let round = 0; round < 40; round++) {
      const writes: Promise<unknown>[] = [];
      for (const key of new Set(Array.from({ length: 1 + random(6) }, () => `/m/${random(8)}`))) {
        const value = `${key}@${round}`;
        if (!model.has(key)) {
          writes.push(s.create(key, bytes(value)).then((kv) => revs.set(key, kv.modRevision)));
          model.set(key, value);
        } else if (random(4) === 0) {
          writes.push(s.delete(key, revs.get(key)));
          model.delete(key);
        } else {
          writes.push(s.update(key, bytes(value), revs.get(key) ?? 0).then((kv) => revs.set(key, kv.modRevision)));
          model.set(key, value);
        }
      }
      await Promise.all(writes); // one group: a write may trim the entry an earlier write of the group superseded
      await check(s);
      if (round % 5 === 4) {
        s = await t.reopen({ logRetention: 1 + random(4) });
        await check(s);
      }
    }
    expect(model.size).toBeGreaterThan(0);
  });

  it('refuses to open a store whose pointer row lost its log entry', async () => {
    const t = await temp({ logRetention: 100 });
    const kv = await t.storage.create('/lost/a', bytes('a'));
    await t.storage.close();
    const db = new ClassicLevel<string, Uint8Array>(t.dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
    await db.open();
    await db.del(logKey(kv.modRevision));
    await db.close();
    await expect(t.reopen()).rejects.toThrow('corrupt store: /lost/a points at log revision 2, which does not hold it');
  });

  it('round-trips binary and empty values and unicode keys through disk and log', async () => {
    const t = await temp({ historySize: 1 });
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const a = await t.storage.create('/b/ключ/😀', all);
    await t.storage.update('/b/ключ/😀', new Uint8Array(0), a.modRevision);
    await t.storage.create('/b/empty', new Uint8Array(0));
    await t.storage.delete('/b/empty');
    const s = await t.reopen();
    expect(Array.from((await s.get('/b/ключ/😀'))?.value ?? [1])).toEqual([]);
    const events = await take(s.watch('/b/', 0, deadline()), 4);
    expect(events.map((e) => [e.type, e.kv.key, e.kv.value.length, e.prev?.value.length])).toEqual([
      ['create', '/b/ключ/😀', 256, undefined],
      ['update', '/b/ключ/😀', 0, 256],
      ['create', '/b/empty', 0, undefined],
      ['delete', '/b/empty', 0, 0],
    ]);
    expect(Array.from(events[1]?.prev?.value ?? [])).toEqual(Array.from(all));
  });

  it('works without sync', async () => {
    const t = await temp({ sync: false });
    const kvs = await Promise.all(Array.from({ length: 50 }, (_, i) => t.storage.create(`/n/${i}`, bytes('x'))));
    expect(new Set(kvs.map((k) => k.modRevision)).size).toBe(50);
    expect(await (await t.reopen()).count('/n/')).toBe(50);
  });
});
