// The work queue contract: FIFO, de-duplication, one worker per key, re-add while processing, delays, shutdown.

import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { exponentialRateLimiter } from './rate-limiter.js';
import { WorkQueue } from './workqueue.js';

const newQueue = (clock = new FakeClock()): WorkQueue<string> => new WorkQueue<string>({ clock, rateLimiter: exponentialRateLimiter(5, 1000) });

describe('WorkQueue', () => {
  it('hands keys out in FIFO order and de-duplicates waiting keys', async () => {
    const q = newQueue();
    for (const k of ['a', 'b', 'a', 'c', 'b']) q.add(k);
    expect(q.len()).toBe(3);
    const got = [await q.get(), await q.get(), await q.get()];
    expect(got).toEqual(['a', 'b', 'c']);
    expect(q.len()).toBe(0);
  });

  it('never hands a key to two workers; a re-add while processing runs once more after done', async () => {
    const q = newQueue();
    q.add('a');
    expect(await q.get()).toBe('a');
    q.add('a');
    q.add('a');
    expect(q.len()).toBe(0); // still processing: only marked dirty
    let second: string | undefined;
    void q.get().then((k) => (second = k));
    await Promise.resolve();
    expect(second).toBeUndefined();
    q.done('a');
    await new Promise((r) => setImmediate(r));
    expect(second).toBe('a');
    q.done('a');
    expect(q.len()).toBe(0);
  });

  it('done without a re-add does not requeue', async () => {
    const q = newQueue();
    q.add('a');
    q.done((await q.get())!);
    expect(q.len()).toBe(0);
  });

  it('coalesces adds made in one synchronous run even when a worker waits', async () => {
    const q = newQueue();
    const w = q.get();
    q.add('a');
    q.add('a');
    expect(await w).toBe('a');
    q.done('a');
    expect(q.len()).toBe(0);
  });

  it('wakes waiting workers in order, one key each', async () => {
    const q = newQueue();
    const w1 = q.get();
    const w2 = q.get();
    q.add('x');
    q.add('y');
    expect(await w1).toBe('x');
    expect(await w2).toBe('y');
  });

  it('keeps fairness: a key re-added during processing goes to the back', async () => {
    const q = newQueue();
    q.add('a');
    const a = (await q.get())!;
    q.add('b');
    q.add('a');
    q.done(a);
    expect([await q.get(), await q.get()]).toEqual(['b', 'a']);
  });

  it('addAfter waits on the clock and keeps the earliest time per key', async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.addAfter('a', 100);
    q.addAfter('a', 50);
    q.addAfter('a', 200);
    q.addAfter('b', 0);
    expect(q.len()).toBe(1);
    expect(await q.get()).toBe('b');
    clock.advance(49);
    expect(q.len()).toBe(0);
    clock.advance(1);
    expect(q.len()).toBe(1);
    clock.advance(500);
    expect(q.len()).toBe(1);
    expect(clock.pending()).toBe(0);
  });

  it('addRateLimited backs off per key; forget resets', () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.addRateLimited('a');
    expect(q.numRequeues('a')).toBe(1);
    clock.advance(4);
    expect(q.len()).toBe(0);
    clock.advance(1);
    expect(q.len()).toBe(1);
    q.addRateLimited('a');
    expect(q.numRequeues('a')).toBe(2);
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
  });

  it('shutDown: drains what is queued, then resolves undefined; later adds are ignored', async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    const idle = newQueue(clock);
    const waiting = idle.get();
    idle.shutDown();
    expect(await waiting).toBeUndefined();
    q.add('a');
    q.addAfter('late', 10);
    q.shutDown();
    expect(q.shuttingDown()).toBe(true);
    q.add('b');
    clock.advance(100);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBeUndefined();
    expect(clock.pending()).toBe(0);
  });

  it('stays consistent through many adds and gets (queue compaction)', async () => {
    const q = newQueue();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 3000; i++) q.add(`k${i}`);
      for (let i = 0; i < 3000; i++) {
        const k = await q.get();
        expect(k).toBe(`k${i}`);
        q.done(k!);
      }
    }
    expect(q.len()).toBe(0);
  });
});
