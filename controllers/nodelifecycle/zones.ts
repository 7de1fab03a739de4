// Zones of nodes: the zone key, a zone's disruption state, and the rate-limited per-zone NoExecute tainting queue.

import type { Clock } from '../runtime/index.js';
import type { Node } from '../../apiserver/api/types.js';

/** A zone's health as the controller classifies it (upstream ZoneState). */
export type ZoneState = 'Initial' | 'Normal' | 'PartialDisruption' | 'FullDisruption';

/** The label that keeps a node out of zone disruption counting (upstream LabelNodeExcludeDisruption). */
export const EXCLUDE_DISRUPTION_LABEL = 'node.kubernetes.io/exclude-disruption';

/**
 * Upstream nodetopology.GetZoneKey: `<region>:\0:<zone>` from topology.kubernetes.io/{region,zone} (the
 * failure-domain.beta labels as fallbacks); '' when both are empty.
 */
export function zoneKey(node: Node): string {
  const l = node.metadata?.labels ?? {};
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\x00:${zone}`;
}

/** A zone key fit for logs (`region/zone`). */
export function printableZone(key: string): string {
  return key.replace(':\x00:', '/');
}

/**
 * Upstream ComputeZoneState over the Ready statuses of a zone's nodes (undefined: no Ready condition = not ready):
 * no ready node → FullDisruption; more than 2 not ready and ≥ threshold of all → PartialDisruption; else Normal.
 */
export function computeZoneState(readyStatuses: readonly (string | undefined)[], unhealthyThreshold: number): { unhealthy: number; state: ZoneState } {
  const ready = readyStatuses.filter((s) => s === 'True').length;
  const notReady = readyStatuses.length - ready;
  if (ready === 0 && notReady > 0) return { unhealthy: notReady, state: 'FullDisruption' };
  if (notReady > 2 && notReady / (notReady + ready) >= unhealthyThreshold) return { unhealthy: notReady, state: 'PartialDisruption' };
  return { unhealthy: notReady, state: 'Normal' };
}

/** A token bucket on the injected clock (flowcontrol.NewTokenBucketRateLimiter); qps ≤ 0 never accepts. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(readonly qps: number, private readonly burst: number, private readonly clock: Clock) {
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Takes a token if one is available. */
  tryAccept(): boolean {
    if (this.qps <= 0) return false;
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Upstream scheduler.EvictionRateLimiterBurst. */
export const EVICTION_BURST = 1;

interface Queued {
  name: string;
  processAt: number;
}

/**
 * One zone's NoExecute tainting queue (upstream RateLimitedTimedQueue over a UniqueQueue).
 * Invariants: a name is queued at most once; after it is processed successfully it leaves the queue but stays in the
 * set, so a later add is refused until remove(); every attempt takes a token first (a refused token ends the pass);
 * a failed attempt is retried later, after the items already due.
 */
export class TaintQueue {
  private queue: Queued[] = [];
  private readonly members = new Set<string>();
  private limiter: TokenBucket;

  constructor(qps: number, private readonly clock: Clock) {
    this.limiter = new TokenBucket(qps, EVICTION_BURST, clock);
  }

  get qps(): number {
    return this.limiter.qps;
  }

  /** Queues a node; false when it is already a member. */
  add(name: string): boolean {
    if (this.members.has(name)) return false;
    this.members.add(name);
    this.queue.push({ name, processAt: this.clock.now() });
    return true;
  }

  /** Forgets a node entirely; true when it was a member. */
  remove(name: string): boolean {
    this.queue = this.queue.filter((q) => q.name !== name);
    return this.members.delete(name);
  }

  /** Names waiting to be processed, in order. */
  pending(): string[] {
    return this.queue.map((q) => q.name);
  }

  /**
   * Upstream SwapLimiter: a new bucket for `qps` (0: never), unless the rate is unchanged; when the old bucket was
   * empty the new one starts empty too (burst 1).
   */
  swapLimiter(qps: number): void {
    if (this.limiter.qps === qps) return;
    const next = new TokenBucket(qps, EVICTION_BURST, this.clock);
    if (qps > 0 && !this.limiter.tryAccept()) next.tryAccept();
    this.limiter = next;
  }

  /** Processes due items while tokens last; `fn` answers true when done with the item. */
  async try(fn: (name: string) => Promise<boolean>): Promise<void> {
    for (let head = this.queue[0]; head; head = this.queue[0]) {
      if (!this.limiter.tryAccept()) return;
      const now = this.clock.now();
      if (now < head.processAt) return;
      const ok = await fn(head.name);
      const i = this.queue.indexOf(head);
      if (i < 0) continue; // removed while fn ran
      this.queue.splice(i, 1);
      if (!ok) {
        head.processAt = now + 1;
        this.queue.push(head);
        this.queue.sort((a, b) => a.processAt - b.processAt);
      }
    }
  }
}
