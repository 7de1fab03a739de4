// The controller loop: sources enqueue keys, workers reconcile once per key at a time, errors retry, requeueAfter.

import { describe, expect, it } from 'vitest';
import { R } from '../../apiserver/api/resources.js';
import type { KObject } from '../../apiserver/api/types.js';
import { FakeClock } from './clock.js';
import { newController, type ReconcileResult } from './controller.js';
import { FakeApi, settle } from './fake-api.test.support.js';
import { Informer, keyOf } from './informer.js';

function setup(reconcile: (key: string) => Promise<ReconcileResult>, workers = 1) {
  const api = new FakeApi();
  const clock = new FakeClock();
  const inf = new Informer<KObject>(api.client(), R.configmaps, {}, { clock });
  const owners = new Informer<KObject>(api.client(), R.configmaps, { labelSelector: 'x' }, { clock });
  const c = newController({
    name: 'test',
    workers,
    sources: [
      { informer: inf, toKeys: (o) => [keyOf(o)] },
      { informer: owners, toKeys: (o) => [`owner/${String(o.metadata.name)}`] },
    ],
    reconcile,
  }, { clock });
  const ac = new AbortController();
  return { api, clock, inf, owners, c, ac, start: () => { inf.start(ac.signal); owners.start(ac.signal); return c.run(ac.signal); } };
}

describe('newController', () => {
  it('waits for sync, reconciles keys from every source, for old and new objects on update', async () => {
    const seen: string[] = [];
    const t = setup(async (k) => void seen.push(k));
    t.api.put(t.api.obj('a'));
    const running = t.start();
    await settle();
    expect(seen.sort()).toEqual(['ns/a', 'owner/a']);
    seen.length = 0;
    t.api.put(t.api.obj('a', { v: 2 }));
    await settle();
    expect(seen.sort()).toEqual(['ns/a', 'owner/a']);
    t.ac.abort();
    await running;
  });

  it('retries a throwing reconcile rate-limited, and forgets on success', async () => {
    let calls = 0;
    const t = setup(async () => {
      calls++;
      if (calls < 3) throw new Error('transient');
    });
    const running = t.start();
    await settle();
    t.c.queue.add('ns/x');
    await settle();
    expect(calls).toBe(1);
    expect(t.c.queue.numRequeues('ns/x')).toBe(1);
    t.clock.advance(5);
    await settle();
    expect(calls).toBe(2);
    t.clock.advance(9);
    await settle();
    expect(calls).toBe(2);
    t.clock.advance(1);
    await settle();
    expect(calls).toBe(3);
    expect(t.c.queue.numRequeues('ns/x')).toBe(0);
    t.ac.abort();
    await running;
  });

  it('requeueAfterMs adds the key again after the delay', async () => {
    let calls = 0;
    const t = setup(async () => (++calls === 1 ? { requeueAfterMs: 1000 } : undefined));
    const running = t.start();
    await settle();
    t.c.queue.add('k');
    await settle();
    t.clock.advance(999);
    await settle();
    expect(calls).toBe(1);
    t.clock.advance(1);
    await settle();
    expect(calls).toBe(2);
    t.ac.abort();
    await running;
  });

  it('never runs one key on two workers; a re-add during reconcile runs once more', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const gates: Array<() => void> = [];
    const t = setup(async () => {
      active++;
      runs++;
      maxActive = Math.max(maxActive, active);
      await new Promise<void>((r) => gates.push(r));
      active--;
    }, 4);
    const running = t.start();
    await settle();
    t.c.queue.add('k');
    await settle();
    t.c.queue.add('k');
    t.c.queue.add('k');
    await settle();
    expect(runs).toBe(1);
    gates.shift()!();
    await settle();
    expect(runs).toBe(2);
    gates.shift()!();
    await settle();
    expect(runs).toBe(2);
    expect(maxActive).toBe(1);
    t.ac.abort();
    await running;
  });

  it('on abort stops taking keys and waits for reconciles in flight', async () => {
    let finished = false;
    let release!: () => void;
    const t = setup(async () => {
      await new Promise<void>((r) => (release = r));
      finished = true;
    });
    const running = t.start();
    await settle();
    t.c.queue.add('k');
    await settle();
    let done = false;
    void running.then(() => (done = true));
    t.ac.abort();
    await settle();
    expect(done).toBe(false);
    release();
    await running;
    expect(finished).toBe(true);
    expect(t.c.queue.shuttingDown()).toBe(true);
  });
});
