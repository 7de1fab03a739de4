// The scheduling queue: priority then FIFO, back-off, the unschedulable pool and its flush.

import { describe, expect, it } from 'vitest';
import { FakeClock } from '../runtime/index.js';
import { backoffMs, SchedulingQueue } from './queue.js';

async function drain(q: SchedulingQueue): Promise<string[]> {
  const out: string[] = [];
  while (q.sizes().active > 0) out.push((await q.pop())!);
  return out;
}

describe('backoffMs', () => {
  it.each([[0, 0], [1, 1000], [2, 2000], [3, 4000], [4, 8000], [5, 10_000], [9, 10_000]])('after %i attempts: %i ms', (n, ms) => {
    expect(backoffMs(n)).toBe(ms);
  });
});

describe('SchedulingQueue', () => {
  it('pops by priority, then arrival, without duplicates', async () => {
    const q = new SchedulingQueue(new FakeClock(0));
    q.add('a', 0);
    q.add('b', 100);
    q.add('c', 0);
    q.add('a', 0);
    q.add('d', 100);
    expect(await drain(q)).toEqual(['b', 'd', 'a', 'c']);
  });

  it('a waiting pop gets the next pod added', async () => {
    const q = new SchedulingQueue(new FakeClock(0));
    const p = q.pop();
    q.add('x', 0);
    expect(await p).toBe('x');
  });

  it('a failed pod waits in the unschedulable pool until the cluster changes, then for its back-off', async () => {
    const clock = new FakeClock(0);
    const q = new SchedulingQueue(clock);
    q.add('p', 0);
    expect(await q.pop()).toBe('p');
    q.failed('p', 0);
    expect(q.sizes()).toEqual({ active: 0, backoff: 0, unschedulable: 1 });
    q.moveAllToActive();
    expect(q.sizes()).toEqual({ active: 0, backoff: 1, unschedulable: 0 });
    clock.advance(999);
    expect(q.sizes().active).toBe(0);
    clock.advance(1);
    expect(q.sizes()).toEqual({ active: 1, backoff: 0, unschedulable: 0 });
    expect(await q.pop()).toBe('p');
    q.failed('p', 0, true);
    clock.advance(1999);
    expect(q.sizes().active).toBe(0);
    clock.advance(1);
    expect(q.sizes().active).toBe(1);
  });

  it('the periodic flush returns pods unschedulable for 5 minutes', () => {
    const clock = new FakeClock(0);
    const q = new SchedulingQueue(clock);
    q.failed('old', 0);
    clock.advance(200_000);
    q.failed('new', 0);
    clock.advance(100_000);
    q.flushUnschedulable();
    expect(q.sizes()).toEqual({ active: 1, backoff: 0, unschedulable: 1 });
  });

  it('keeps priority order when pods leave or change in the middle of the active heap', async () => {
    const q = new SchedulingQueue(new FakeClock(0));
    for (let i = 0; i < 20; i++) q.add(`p${i}`, i % 5);
    for (let i = 0; i < 20; i += 3) q.delete(`p${i}`);
    q.add('p1', 100);
    q.add('p4', -1);
    const expected = Array.from({ length: 20 }, (_, i) => i)
      .filter((i) => i % 3 !== 0)
      .map((i) => ({ key: `p${i}`, priority: i === 1 ? 100 : i === 4 ? -1 : i % 5, i }))
      .sort((x, y) => y.priority - x.priority || x.i - y.i)
      .map((x) => x.key);
    expect(await drain(q)).toEqual(expected);
  });

  it('a popped pod re-added stays popped; a failed active pod leaves the active heap', async () => {
    const q = new SchedulingQueue(new FakeClock(0));
    q.add('a', 0);
    expect(await q.pop()).toBe('a');
    q.add('a', 5);
    expect(q.sizes()).toEqual({ active: 0, backoff: 0, unschedulable: 0 });
    q.add('b', 0);
    q.failed('b', 0);
    expect(q.sizes()).toEqual({ active: 0, backoff: 0, unschedulable: 1 });
    q.add('b', 0);
    expect(q.sizes()).toEqual({ active: 0, backoff: 1, unschedulable: 0 });
    q.delete('b');
    expect(q.sizes()).toEqual({ active: 0, backoff: 0, unschedulable: 0 });
  });

  it('update keeps a pod where it is (the unschedulable pool too) and adds an unknown one', async () => {
    const q = new SchedulingQueue(new FakeClock(0));
    q.failed('u', 0);
    q.update('u', 3);
    expect(q.sizes()).toEqual({ active: 0, backoff: 0, unschedulable: 1 });
    q.add('a', 0);
    q.update('b', 1);
    q.update('a', 2);
    expect(await drain(q)).toEqual(['a', 'b']);
  });

  it('delete forgets a pod wherever it is; close ends waiting pops', async () => {
    const q = new SchedulingQueue(new FakeClock(0));
    q.add('a', 0);
    q.failed('b', 0);
    q.delete('a');
    q.delete('b');
    expect(q.sizes()).toEqual({ active: 0, backoff: 0, unschedulable: 0 });
    const p = q.pop();
    q.close();
    expect(await p).toBeUndefined();
  });
});
