// Tests of the own-writes expectations: met when the cache shows the write, expired after the TTL, indexed by object.

import { describe, expect, it } from 'vitest';
import { Expectations, type Observed } from './expectations.js';

describe('Expectations', () => {
  const obj = (uid: string, rv: string): Observed => ({ metadata: { uid, resourceVersion: rv } });

  it.each<[string, (e: Expectations) => void, Observed | undefined, boolean]>([
    ['a create is met once the object is cached', (e) => e.expectCreated('s', 'pods', 'ns/p'), obj('u1', '5'), true],
    ['a create waits while it is not', (e) => e.expectCreated('s', 'pods', 'ns/p'), undefined, false],
    ['a delete is met when the object changed', (e) => e.expectChanged('s', 'pods', 'ns/p', obj('u1', '5')), obj('u1', '6'), true],
    ['a delete is met when the object is gone', (e) => e.expectChanged('s', 'pods', 'ns/p', obj('u1', '5')), undefined, true],
    ['a delete is met when another object took the name', (e) => e.expectChanged('s', 'pods', 'ns/p', obj('u1', '5')), obj('u2', '5'), true],
    ['a delete waits while the cache still has the old version', (e) => e.expectChanged('s', 'pods', 'ns/p', obj('u1', '5')), obj('u1', '5'), false],
  ])('%s', (_n, arrange, cached, met) => {
    const e = new Expectations(() => 0);
    arrange(e);
    expect(e.pendingMs('s', () => cached) === 0).toBe(met);
    expect(e.waiting('pods', 'ns/p')).toEqual(met ? [] : ['s']);
  });

  it('expires after the TTL, so a lost event delays a set but never stalls it', () => {
    let now = 0;
    const e = new Expectations(() => now, 1000);
    e.expectCreated('s', 'pods', 'ns/p');
    now = 400;
    expect(e.pendingMs('s', () => undefined)).toBe(600);
    now = 1000;
    expect(e.pendingMs('s', () => undefined)).toBe(0);
    expect(e.waiting('pods', 'ns/p')).toEqual([]);
  });

  it('forget drops a set and its index entries', () => {
    const e = new Expectations(() => 0);
    e.expectCreated('s', 'pods', 'ns/p');
    e.expectCreated('s', 'pods', 'ns/p');
    e.forget('s');
    expect(e.waiting('pods', 'ns/p')).toEqual([]);
    expect(e.pendingMs('s', () => undefined)).toBe(0);
  });
});
