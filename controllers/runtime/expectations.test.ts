// Tests of the own-writes expectations: met when the cache shows the write, expired after the TTL, indexed by object.
// (The DaemonSet's pod rules are exercised through its adapter in controllers/daemonset/expectations.test.ts.)

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
    ['a create with its resourceVersion waits while the cache is behind it', (e) => e.expectCreated('s', 'pods', 'ns/p', '20'), undefined, false],
    ['an expectDeleted waits while the object is cached unchanged', (e) => e.expectDeleted('s', 'pods', 'ns/p', obj('u1', '5')), obj('u1', '5'), false],
    ['an expectDeleted waits while the object only got a new version', (e) => e.expectDeleted('s', 'pods', 'ns/p', obj('u1', '5')), obj('u1', '6'), false],
    ['an expectDeleted is met when the object is terminating', (e) => e.expectDeleted('s', 'pods', 'ns/p', obj('u1', '5')), { metadata: { uid: 'u1', resourceVersion: '6', deletionTimestamp: 'x' } }, true],
    ['an expectDeleted is met when the object is gone', (e) => e.expectDeleted('s', 'pods', 'ns/p', obj('u1', '5')), undefined, true],
    ['an expectDeleted is met when another object took the name', (e) => e.expectDeleted('s', 'pods', 'ns/p', obj('u1', '5')), obj('u2', '6'), true],
  ])('%s', (_n, arrange, cached, met) => {
    const e = new Expectations(() => 0);
    arrange(e);
    expect(e.pendingMs('s', () => cached, () => '19') === 0).toBe(met);
    expect(e.waiting('pods', 'ns/p')).toEqual(met ? [] : ['s']);
  });

  it.each<[string, string | undefined, string, boolean]>([
    ['the cache caught up with the create', '20', '20', true],
    ['the cache went past the create (created and deleted before it looked)', '20', '25', true],
    ['the cache is behind the create', '20', '19', false],
    ['the cache does not know its resourceVersion', '20', '', false],
    ['the create has no resourceVersion', undefined, '25', false],
    ['the create has a resourceVersion that is not a number', 'abc', '25', false],
  ])('a create not cached: %s', (_n, createdRv, cacheRv, met) => {
    const e = new Expectations(() => 0);
    e.expectCreated('s', 'pods', 'ns/p', createdRv);
    const kinds: string[] = [];
    expect(e.pendingMs('s', () => undefined, (kind) => (kinds.push(kind), cacheRv)) === 0).toBe(met);
    expect(kinds).toEqual(['pods']);
  });

  it('keeps an owner indexed by an object while another of its expectations still awaits it', () => {
    const e = new Expectations(() => 0);
    e.expectCreated('s', 'pods', 'ns/p');
    e.expectChanged('s', 'pods', 'ns/p', obj('u1', '5'));
    e.expectCreated('s', 'pods', 'ns/q');
    e.expectCreated('t', 'pods', 'ns/q');
    expect(e.pendingMs('s', (_k, key) => (key === 'ns/p' ? obj('u1', '5') : obj('u9', '1')))).toBeGreaterThan(0);
    expect(e.pending('s')).toEqual([{ kind: 'pods', key: 'ns/p' }]);
    expect(e.waiting('pods', 'ns/p')).toEqual(['s']);
    expect(e.waiting('pods', 'ns/q')).toEqual(['t']);
    expect(e.pendingMs('s', () => obj('u1', '6'))).toBe(0);
    expect(e.pending('s')).toEqual([]);
    expect(e.waiting('pods', 'ns/p')).toEqual([]);
  });

  it('returns the time to the earliest deadline among the pending expectations', () => {
    let now = 0;
    const e = new Expectations(() => now, 1000);
    e.expectCreated('s', 'pods', 'ns/p');
    now = 300;
    e.expectCreated('s', 'pods', 'ns/q');
    now = 500;
    expect(e.pendingMs('s', () => undefined)).toBe(500);
    now = 1000;
    expect(e.pendingMs('s', () => undefined)).toBe(300);
    expect(e.pending('s')).toEqual([{ kind: 'pods', key: 'ns/q' }]);
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
