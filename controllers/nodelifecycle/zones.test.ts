// Tests for zones: keys, disruption states, the token bucket and the rate-limited tainting queue, on a FakeClock.

import { describe, expect, it } from 'vitest';
import type { Node } from '../../apiserver/api/types.js';
import { FakeClock } from '../runtime/index.js';
import { computeZoneState, TaintQueue, TokenBucket, zoneKey } from './zones.js';

describe('zoneKey', () => {
  const n = (labels: Record<string, string>): Node => ({ metadata: { name: 'n', labels } });
  it.each<[Record<string, string>, string]>([
    [{}, ''],
    [{ 'topology.kubernetes.io/region': 'r', 'topology.kubernetes.io/zone': 'z' }, 'r:\x00:z'],
    [{ 'topology.kubernetes.io/zone': 'z' }, ':\x00:z'],
    [{ 'failure-domain.beta.kubernetes.io/region': 'r', 'failure-domain.beta.kubernetes.io/zone': 'z' }, 'r:\x00:z'],
    [{ 'topology.kubernetes.io/zone': 'new', 'failure-domain.beta.kubernetes.io/zone': 'old' }, ':\x00:new'],
  ])('%j → %j', (labels, want) => {
    expect(zoneKey(n(labels))).toBe(want);
  });
});

describe('computeZoneState', () => {
  it.each<[string, (string | undefined)[], string, number]>([
    ['all ready', ['True', 'True', 'True'], 'Normal', 0],
    ['1 of 3 down', ['True', 'Unknown', 'True'], 'Normal', 1],
    ['all down', ['Unknown', 'False', undefined], 'FullDisruption', 3],
    ['a single node down', ['Unknown'], 'FullDisruption', 1],
    ['3 of 5 down (60 % ≥ 55 %)', ['Unknown', 'Unknown', 'Unknown', 'True', 'True'], 'PartialDisruption', 3],
    ['2 of 3 down: not more than 2', ['Unknown', 'Unknown', 'True'], 'Normal', 2],
    ['3 of 6 down (50 %)', ['Unknown', 'Unknown', 'Unknown', 'True', 'True', 'True'], 'Normal', 3],
    ['no nodes', [], 'Normal', 0],
  ])('%s', (_name, statuses, state, unhealthy) => {
    expect(computeZoneState(statuses, 0.55)).toEqual({ state, unhealthy });
  });
});

describe('TokenBucket', () => {
  it('burst 1 at 0.1/s: one now, the next after 10 s', () => {
    const clock = new FakeClock(1000);
    const b = new TokenBucket(0.1, 1, clock);
    expect(b.tryAccept()).toBe(true);
    expect(b.tryAccept()).toBe(false);
    clock.advance(9_999);
    expect(b.tryAccept()).toBe(false);
    clock.advance(1);
    expect(b.tryAccept()).toBe(true);
    clock.advance(60_000);
    expect([b.tryAccept(), b.tryAccept()]).toEqual([true, false]);
  });
  it('rate 0 never accepts', () => {
    expect(new TokenBucket(0, 1, new FakeClock()).tryAccept()).toBe(false);
  });
});

describe('TaintQueue', () => {
  it('processes one node per token, keeps processed names as members until removed', async () => {
    const clock = new FakeClock(0);
    const q = new TaintQueue(0.1, clock);
    const done: string[] = [];
    const fn = async (n: string): Promise<boolean> => (done.push(n), true);
    expect([q.add('a'), q.add('b'), q.add('a')]).toEqual([true, true, false]);
    await q.try(fn);
    expect(done).toEqual(['a']);
    clock.advance(10_000);
    await q.try(fn);
    expect(done).toEqual(['a', 'b']);
    expect(q.add('a')).toBe(false); // still a member
    expect(q.remove('a')).toBe(true);
    expect(q.add('a')).toBe(true);
  });

  it('a failed attempt is retried later; remove drops a queued name', async () => {
    const clock = new FakeClock(0);
    const q = new TaintQueue(10, clock);
    let fail = true;
    const seen: string[] = [];
    q.add('a');
    q.add('b');
    await q.try(async (n) => (seen.push(n), !(n === 'a' && fail)));
    expect(q.pending()).toContain('a');
    fail = false;
    for (let i = 0; i < 3; i++) {
      clock.advance(100);
      await q.try(async (n) => (seen.push(n), true));
    }
    expect(seen).toEqual(['a', 'b', 'a']); // burst 1: one attempt per token, the failed one after those due
    expect(q.pending()).toEqual([]);
    q.add('c');
    q.remove('c');
    expect(q.pending()).toEqual([]);
  });

  it('swapLimiter to 0 stops, back to a rate resumes; an empty bucket stays empty across the swap', async () => {
    const clock = new FakeClock(0);
    const q = new TaintQueue(0.1, clock);
    const done: string[] = [];
    const fn = async (n: string): Promise<boolean> => (done.push(n), true);
    q.add('a');
    q.add('b');
    await q.try(fn); // a, bucket empty
    q.swapLimiter(0.2);
    await q.try(fn);
    expect(done).toEqual(['a']);
    q.swapLimiter(0);
    clock.advance(60_000);
    await q.try(fn);
    expect(done).toEqual(['a']);
    q.swapLimiter(0.1); // from the never-limiter: the new bucket starts drained (upstream SwapLimiter)
    await q.try(fn);
    expect(done).toEqual(['a']);
    clock.advance(10_000);
    await q.try(fn);
    expect(done).toEqual(['a', 'b']);
  });
});
