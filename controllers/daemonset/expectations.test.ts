// The DaemonSet's rules for unobserved writes (on the shared Expectations), and the failed-pod back-off.

import { describe, expect, it } from 'vitest';
import type { Pod } from '../../apiserver/api/types.js';
import { FakeClock, type Expectations } from '../runtime/index.js';
import { Backoff } from './backoff.js';
import { expectPodCreated, expectPodDeleted, newPodExpectations, podWritesSeen, type PodCacheView } from './expectations.js';

const pod = (name: string, rv: string, extra: Record<string, unknown> = {}): Pod => ({ metadata: { name, namespace: 'ns', uid: `u-${name}`, resourceVersion: rv, ...extra } }) as Pod;

function cache(pods: Pod[], rv: string): PodCacheView {
  return { get: (_ns, name) => pods.find((p) => p.metadata?.name === name), resourceVersion: () => rv };
}

describe('DaemonSet pod expectations', () => {
  it.each<[string, (e: Expectations) => void, PodCacheView, boolean]>([
    ['nothing recorded', () => undefined, cache([], '1'), true],
    ['a create not in the cache yet', (e) => expectPodCreated(e, 'ns/d', pod('p', '20')), cache([], '19'), false],
    ['a create in the cache', (e) => expectPodCreated(e, 'ns/d', pod('p', '20')), cache([pod('p', '20')], '20'), true],
    ['a create the cache went past (created and deleted before it looked)', (e) => expectPodCreated(e, 'ns/d', pod('p', '20')), cache([], '25'), true],
    ['a delete not seen yet', (e) => expectPodDeleted(e, 'ns/d', pod('p', '20')), cache([pod('p', '20')], '20'), false],
    ['a delete seen as terminating', (e) => expectPodDeleted(e, 'ns/d', pod('p', '20')), cache([pod('p', '21', { deletionTimestamp: 'x' })], '21'), true],
    ['a delete seen as gone', (e) => expectPodDeleted(e, 'ns/d', pod('p', '20')), cache([], '21'), true],
    ['a delete after which another pod took the name', (e) => expectPodDeleted(e, 'ns/d', pod('p', '20')), cache([{ ...pod('p', '22'), metadata: { name: 'p', uid: 'other' } } as Pod], '22'), true],
  ])('%s', (_name, record, view, satisfied) => {
    const e = newPodExpectations(() => 0);
    record(e);
    expect(podWritesSeen(e, 'ns/d', 'ns', view)).toBe(satisfied);
  });

  it('forgets what it has seen, expires after 5 minutes, and is per DaemonSet', () => {
    let now = 0;
    const e = newPodExpectations(() => now);
    expectPodCreated(e, 'ns/a', pod('p1', '20'));
    expectPodCreated(e, 'ns/a', pod('p2', '21'));
    expect(podWritesSeen(e, 'ns/a', 'ns', cache([pod('p1', '20')], '20'))).toBe(false);
    expect(e.pending('ns/a')).toEqual([{ kind: 'pods', key: 'ns/p2' }]);
    expect(podWritesSeen(e, 'ns/b', 'ns', cache([], '0'))).toBe(true);
    now = 5 * 60_000 - 1;
    expect(podWritesSeen(e, 'ns/a', 'ns', cache([], '0'))).toBe(false);
    now = 5 * 60_000 + 1;
    expect(podWritesSeen(e, 'ns/a', 'ns', cache([], '0'))).toBe(true);
    expect(e.pending('ns/a')).toEqual([]);
  });
});

describe('Backoff', () => {
  it('doubles from 1 s to at most 15 min and starts over after 30 min idle', () => {
    const clock = new FakeClock(0);
    const b = new Backoff(clock);
    expect(b.inBackoffSinceUpdate('k')).toBe(false);
    b.next('k');
    expect(b.get('k')).toBe(1000);
    expect(b.inBackoffSinceUpdate('k', 999)).toBe(true);
    expect(b.inBackoffSinceUpdate('k', 1000)).toBe(false);
    for (let i = 0; i < 20; i++) b.next('k', 0);
    expect(b.get('k')).toBe(15 * 60_000);
    b.next('k', 30 * 60_000 + 1);
    expect(b.get('k')).toBe(1000);
    b.gc(2 * 30 * 60_000 + 10);
    expect(b.size).toBe(0);
  });
});
