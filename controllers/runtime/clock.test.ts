// FakeClock ordering and the abortable sleep.

import { describe, expect, it } from 'vitest';
import { FakeClock, sleep } from './clock.js';

describe('FakeClock', () => {
  it('runs due timers in time order, then creation order, with now() at each due time', () => {
    const c = new FakeClock(1000);
    const seen: Array<[string, number]> = [];
    c.setTimeout(() => seen.push(['b', c.now()]), 20);
    c.setTimeout(() => seen.push(['a', c.now()]), 10);
    c.setTimeout(() => seen.push(['c', c.now()]), 20);
    c.setTimeout(() => seen.push(['late', c.now()]), 100);
    c.advance(50);
    expect(seen).toEqual([['a', 1010], ['b', 1020], ['c', 1020]]);
    expect(c.now()).toBe(1050);
    expect(c.pending()).toBe(1);
  });

  it('fires timers created by callbacks within the same advance when due', () => {
    const c = new FakeClock();
    const seen: number[] = [];
    c.setTimeout(() => {
      seen.push(c.now());
      c.setTimeout(() => seen.push(c.now()), 5);
      c.setTimeout(() => seen.push(c.now()), 500);
    }, 10);
    c.advance(20);
    expect(seen).toEqual([10, 15]);
    expect(c.pending()).toBe(1);
  });

  it('clearTimeout cancels; unknown handles are ignored', () => {
    const c = new FakeClock();
    let fired = false;
    const h = c.setTimeout(() => (fired = true), 1);
    c.clearTimeout(h);
    c.clearTimeout('nope');
    c.advance(10);
    expect(fired).toBe(false);
    expect(c.pending()).toBe(0);
  });

  it('sleep resolves on advance and rejects on abort', async () => {
    const c = new FakeClock();
    const done = sleep(c, 100);
    c.advance(100);
    await expect(done).resolves.toBeUndefined();
    const ac = new AbortController();
    const aborted = sleep(c, 100, ac.signal);
    ac.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(c.pending()).toBe(0);
  });
});
