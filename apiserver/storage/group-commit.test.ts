// Unit tests of group commit: batching, ordering, visibility only after durability, and failure recovery.
import { describe, expect, it } from 'vitest';
import { GroupCommitter } from './group-commit.js';
import { KeyIndex } from './index.js';
import type { KV, StorageEvent } from './types.js';
import { INITIAL_REVISION } from './write-plan.js';

/** A committer over an in-memory index whose persist() the test completes or fails by hand. */
function harness() {
  const index = new KeyIndex();
  let revision = INITIAL_REVISION;
  const groups: { events: readonly StorageEvent[]; done: () => void; fail: (e: Error) => void }[] = [];
  const applied: number[] = [];
  const committer = new GroupCommitter({
    committed: (k) => index.get(k),
    committedRevision: () => revision,
    persist: (events) => new Promise<void>((done, fail) => groups.push({ events, done, fail })),
    apply: (events) => {
      for (const ev of events) {
        index.apply(ev);
        revision = ev.revision;
        applied.push(ev.revision);
      }
    },
  });
  const nextGroup = async () => {
    while (groups.length === 0) await new Promise((r) => setImmediate(r));
    const g = groups.shift();
    if (!g) throw new Error('unreachable');
    return g;
  };
  const v = (s: string) => new TextEncoder().encode(s);
  return { index, committer, groups, applied, nextGroup, v, revision: () => revision };
}

describe('GroupCommitter', () => {
  it('commits writers of one tick as one group, and writes arriving during a flush as the next one', async () => {
    const h = harness();
    const first = Array.from({ length: 32 }, (_, i) => h.committer.submit({ type: 'create', key: `/k/${i}`, value: h.v('x') }));
    const g1 = await h.nextGroup();
    expect(g1.events.map((e) => e.revision)).toEqual(Array.from({ length: 32 }, (_, i) => 2 + i));
    const second = Array.from({ length: 10 }, (_, i) => h.committer.submit({ type: 'create', key: `/j/${i}`, value: h.v('y') }));
    expect(h.groups).toHaveLength(0); // one batch in flight at a time
    expect(h.index.size).toBe(0); // nothing visible before it is durable
    g1.done();
    const kvs: KV[] = await Promise.all(first);
    expect(kvs.map((k) => k.modRevision)).toEqual(g1.events.map((e) => e.revision));
    expect(h.index.size).toBe(32);
    expect(h.groups).toHaveLength(1); // started before the first group's writers were answered
    const g2 = await h.nextGroup();
    expect(g2.events.map((e) => e.revision)).toEqual(Array.from({ length: 10 }, (_, i) => 34 + i));
    g2.done();
    await Promise.all(second);
    expect(h.applied).toEqual(Array.from({ length: 42 }, (_, i) => 2 + i));
    await h.committer.drain();
  });

  it('checks preconditions against accepted but not yet durable writes', async () => {
    const h = harness();
    const c = h.committer.submit({ type: 'create', key: '/a', value: h.v('1') });
    let dupSettled = false;
    const dup = h.committer.submit({ type: 'create', key: '/a', value: h.v('2') }).finally(() => (dupSettled = true));
    const u = h.committer.submit({ type: 'update', key: '/a', value: h.v('2'), expectedModRevision: 2 });
    const g = await h.nextGroup();
    expect(g.events.map((e) => `${e.type}@${e.revision}`)).toEqual(['create@2', 'update@3']);
    // The duplicate's failure waits until the write that caused it is visible.
    expect(dupSettled).toBe(false);
    g.done();
    await expect(dup).rejects.toThrow(/already exists/);
    expect([(await c).modRevision, (await u).modRevision]).toEqual([2, 3]);
  });

  it('keeps a newer pending write visible to preconditions when an older group for the same key commits', async () => {
    const h = harness();
    const c = h.committer.submit({ type: 'create', key: '/a', value: h.v('1') });
    const g1 = await h.nextGroup();
    const u1 = h.committer.submit({ type: 'update', key: '/a', value: h.v('2'), expectedModRevision: 2 });
    g1.done();
    await c;
    // u1 went out as the next group the moment g1 was durable, before c heard back; u2 is checked against it.
    expect(h.groups.map((g) => g.events.map((e) => e.revision))).toEqual([[3]]);
    const u2 = h.committer.submit({ type: 'update', key: '/a', value: h.v('3'), expectedModRevision: 3 });
    const g2 = await h.nextGroup();
    g2.done();
    const g3 = await h.nextGroup();
    expect(g3.events.map((e) => e.revision)).toEqual([4]);
    g3.done();
    expect([(await u1).modRevision, (await u2).modRevision]).toEqual([3, 4]);
  });

  it('rejects a failed group and the writes planned on top of it, and reuses their revisions', async () => {
    const h = harness();
    const ok = h.committer.submit({ type: 'create', key: '/ok', value: h.v('1') });
    (await h.nextGroup()).done();
    await ok;
    const doomed = h.committer.submit({ type: 'create', key: '/a', value: h.v('1') });
    const g = await h.nextGroup();
    const dependent = h.committer.submit({ type: 'update', key: '/a', value: h.v('2'), expectedModRevision: 3 });
    g.fail(new Error('disk full'));
    await expect(doomed).rejects.toThrow('disk full');
    await expect(dependent).rejects.toThrow('disk full');
    expect(h.revision()).toBe(2);
    expect(h.index.get('/a')).toBeUndefined();
    const retry = h.committer.submit({ type: 'create', key: '/a', value: h.v('again') });
    const g2 = await h.nextGroup();
    expect(g2.events.map((e) => e.revision)).toEqual([3]);
    g2.done();
    expect((await retry).modRevision).toBe(3);
    expect(h.applied).toEqual([2, 3]);
    await h.committer.drain();
  });
});
