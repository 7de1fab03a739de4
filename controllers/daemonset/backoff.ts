// Per-key exponential back-off for deleting failed daemon pods (upstream client-go flowcontrol.Backoff, no jitter).

import type { Clock } from '../runtime/index.js';

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

/**
 * Back-off per key, as the DaemonSet controller's `failedPodsBackoff` (flowcontrol.NewBackOff(1s, 15m)).
 *
 * Assumptions / Invariants (client-go util/flowcontrol/backoff.go): `next` starts a key at the initial delay and
 * doubles it (capped at the maximum) each time it is called again; an entry idle for more than twice the maximum
 * counts as gone (it starts over, and `gc` drops it). `inBackoffSinceUpdate` is true while less than the key's
 * current delay has passed since its last `next`.
 */
export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock, private readonly initialMs = 1000, private readonly maxMs = 15 * 60_000) {}

  private expired(e: Entry, now: number): boolean {
    return now - e.lastUpdate > 2 * this.maxMs;
  }

  /** The key's current delay (0 when it has none). */
  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /** Moves the key to its next delay and marks it updated now. */
  next(key: string, now = this.clock.now()): void {
    const e = this.entries.get(key);
    if (!e || this.expired(e, now)) this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: now });
    else this.entries.set(key, { backoffMs: Math.min(e.backoffMs * 2, this.maxMs), lastUpdate: now });
  }

  /** True while the key's delay has not passed since its last update. */
  inBackoffSinceUpdate(key: string, now = this.clock.now()): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(e, now)) return false;
    return now - e.lastUpdate < e.backoffMs;
  }

  /** Drops expired entries (upstream runs this every minute). */
  gc(now = this.clock.now()): void {
    for (const [k, e] of this.entries) if (this.expired(e, now)) this.entries.delete(k);
  }

  /** How many keys are held. */
  get size(): number {
    return this.entries.size;
  }
}
