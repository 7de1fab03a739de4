// runPeriodically on the FakeClock: waits for readiness, runs every period after the previous run, stops on abort.

import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { runPeriodically } from './periodic.js';

/** Lets pending promise callbacks run (no timer involved). */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('runPeriodically', () => {
  it('runs once ready, then every period until aborted', async () => {
    const clock = new FakeClock(0);
    const ac = new AbortController();
    let markReady!: () => void;
    const ready = new Promise<void>((r) => (markReady = r));
    const runs: number[] = [];
    const done = runPeriodically({ clock, periodMs: 100, signal: ac.signal, ready, onError: () => undefined }, async () => {
      runs.push(clock.now());
    });
    await settle();
    expect(runs).toEqual([]);
    markReady();
    await settle();
    expect(runs).toEqual([0]);
    clock.advance(99);
    await settle();
    expect(runs).toEqual([0]);
    clock.advance(1);
    await settle();
    clock.advance(100);
    await settle();
    expect(runs).toEqual([0, 100, 200]);
    ac.abort();
    await done;
    expect(clock.pending()).toBe(0);
    clock.advance(1000);
    await settle();
    expect(runs).toEqual([0, 100, 200]);
  });

  it('reports a failed run and goes on', async () => {
    const clock = new FakeClock(0);
    const ac = new AbortController();
    const errors: unknown[] = [];
    let n = 0;
    const done = runPeriodically({ clock, periodMs: 10, signal: ac.signal, onError: (e) => errors.push(e) }, async () => {
      if (++n === 1) throw new Error('boom');
    });
    await settle();
    clock.advance(10);
    await settle();
    expect([n, errors.map((e) => (e as Error).message)]).toEqual([2, ['boom']]);
    ac.abort();
    await done;
  });

  it('never runs when aborted while waiting for readiness', async () => {
    const ac = new AbortController();
    let runs = 0;
    const ready = new Promise<void>((_, reject) => ac.signal.addEventListener('abort', () => reject(ac.signal.reason)));
    const done = runPeriodically({ clock: new FakeClock(0), periodMs: 10, signal: ac.signal, ready, onError: () => undefined }, async () => {
      runs++;
    });
    ac.abort();
    await done;
    expect(runs).toBe(0);
  });
});
