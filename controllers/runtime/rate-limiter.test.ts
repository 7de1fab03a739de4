// Rate limiters: exponential per key, token bucket overall, and their maximum.

import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { bucketRateLimiter, defaultControllerRateLimiter, exponentialRateLimiter, maxOfRateLimiter } from './rate-limiter.js';

describe('exponentialRateLimiter', () => {
  it.each([
    [5, 30_000, [5, 10, 20, 40, 80]],
    [100, 350, [100, 200, 350, 350]],
    [1, 1000, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000, 1000]],
  ])('base %i max %i → %j', (base, max, want) => {
    const l = exponentialRateLimiter<string>(base, max);
    expect(want.map(() => l.when('k'))).toEqual(want);
    expect(l.numRequeues('k')).toBe(want.length);
  });

  it('tracks keys separately and forget resets one', () => {
    const l = exponentialRateLimiter<string>(5, 1000);
    l.when('a');
    l.when('a');
    expect(l.when('b')).toBe(5);
    l.forget('a');
    expect(l.numRequeues('a')).toBe(0);
    expect(l.when('a')).toBe(5);
  });

  it('never overflows past the cap', () => {
    const l = exponentialRateLimiter<string>(5, 30_000);
    for (let i = 0; i < 2000; i++) l.when('k');
    expect(l.when('k')).toBe(30_000);
  });
});

describe('bucketRateLimiter', () => {
  it('allows a burst, then spaces retries at qps, refilling with time', () => {
    const clock = new FakeClock();
    const l = bucketRateLimiter<string>(10, 3, clock);
    expect([l.when('a'), l.when('b'), l.when('c')]).toEqual([0, 0, 0]);
    expect(l.when('d')).toBe(100);
    expect(l.when('e')).toBe(200);
    clock.advance(1000);
    expect(l.when('f')).toBe(0);
    expect(l.numRequeues('a')).toBe(0);
  });
});

describe('maxOfRateLimiter / default', () => {
  it('takes the longest delay and forgets everywhere', () => {
    const l = maxOfRateLimiter<string>(exponentialRateLimiter(5, 1000), exponentialRateLimiter(50, 60));
    expect([l.when('k'), l.when('k'), l.when('k')]).toEqual([50, 60, 60]);
    expect(l.numRequeues('k')).toBe(3);
    l.forget('k');
    expect(l.numRequeues('k')).toBe(0);
  });

  it('default limiter: 5 ms exponential while the bucket has tokens', () => {
    const l = defaultControllerRateLimiter<string>(new FakeClock());
    expect([l.when('k'), l.when('k'), l.when('k')]).toEqual([5, 10, 20]);
  });

  it('default limiter: the bucket dominates after 100 fast retries', () => {
    const l = defaultControllerRateLimiter<string>(new FakeClock());
    for (let i = 0; i < 100; i++) l.when(`k${i}`);
    expect(l.when('fresh')).toBe(100);
  });
});
