// A periodic pass of a controller: wait for the caches, then run, sleep, run again until the signal aborts.

import { sleep, type Clock } from './clock.js';

/** How {@link runPeriodically} runs its pass. */
export interface PeriodicOptions {
  clock: Clock;
  /** The pause after each run, in ms (upstream wait.Until's period, counted from the end of a run). */
  periodMs: number;
  /** Ends the loop: no run starts after it aborts, a pending sleep or wait is cut short. */
  signal: AbortSignal;
  /** Awaited before the first run (e.g. the informers' waitForSync); a rejection (abort) ends the loop unrun. */
  ready?: Promise<unknown>;
  /** Called with the error of a failed run; the loop goes on with the next period. */
  onError(err: unknown): void;
}

/**
 * Runs `fn` once `ready` resolves, then again `periodMs` after each run ends, until `signal` aborts (upstream
 * WaitForCacheSync followed by wait.Until). Resolves when the loop ends; never rejects.
 */
export async function runPeriodically(opts: PeriodicOptions, fn: () => Promise<void>): Promise<void> {
  const { clock, periodMs, signal } = opts;
  try {
    await opts.ready;
    while (!signal.aborted) {
      await fn().catch((err: unknown) => opts.onError(err));
      await sleep(clock, periodMs, signal);
    }
  } catch {
    // aborted
  }
}
