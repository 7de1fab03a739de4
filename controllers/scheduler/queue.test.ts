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
