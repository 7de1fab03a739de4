// Zone disruption handling: from each zone's Ready statuses, the zones' new states and tainting rates (pure).

import { computeZoneState, type ZoneState } from './zones.js';

/** The rates and thresholds of disruption handling (kube-controller-manager flags). */
export interface DisruptionConfig {
  evictionRate: number;
  secondaryEvictionRate: number;
  unhealthyZoneThreshold: number;
  largeClusterThreshold: number;
}

/** What one handleDisruption pass decides. */
export interface DisruptionPlan {
  /** Every zone's state after the pass (zones no longer seen are gone). */
  states: Map<string, ZoneState>;
  /** New tainting rates per zone (only zones whose limiter changes). */
  rates: Map<string, number>;
  /** Entering cluster-wide full disruption: remove not-ready/unreachable NoExecute taints from every node. */
  markAllReachable: boolean;
  /** Leaving cluster-wide full disruption: every node's probe and transition time restart now. */
  resetProbes: boolean;
}

/** The rate a zone in `state` of `size` nodes taints at (setLimiterInZone with ReducedQPSFunc / HealthyQPSFunc). */
export function zoneRate(state: ZoneState, size: number, cfg: DisruptionConfig): number {
  if (state === 'PartialDisruption') return size > cfg.largeClusterThreshold ? cfg.secondaryEvictionRate : 0;
  return cfg.evictionRate;
}

/**
 * Upstream handleDisruption.
 * Assumptions / Invariants:
 * - Zones seen for the first time start Initial; zones no longer seen are dropped.
 * - All zones fully disrupted now, but not all before → every zone FullDisruption with rate 0 and every node's
 *   NoExecute not-ready/unreachable taint removed (the master is probably the one cut off: evict nothing).
 * - All were fully disrupted, not all now → each zone gets its new state and the rate for it; probes restart.
 * - Otherwise each zone whose state changed gets the rate for its new state (FullDisruption of one zone among
 *   healthy ones keeps the normal rate; PartialDisruption slows to the secondary rate above the large-cluster size,
 *   else stops).
 * - All fully disrupted before and now: nothing changes.
 */
export function planDisruption(previous: ReadonlyMap<string, ZoneState>, zones: ReadonlyMap<string, readonly (string | undefined)[]>, cfg: DisruptionConfig): DisruptionPlan {
  const fresh = new Map<string, ZoneState>();
  let allAreFull = true;
  for (const [zone, statuses] of zones) {
    const { state } = computeZoneState(statuses, cfg.unhealthyZoneThreshold);
    if (state !== 'FullDisruption') allAreFull = false;
    fresh.set(zone, state);
  }
  const states = new Map<string, ZoneState>();
  for (const zone of zones.keys()) states.set(zone, previous.get(zone) ?? 'Initial');
  const allWereFull = [...states.values()].every((s) => s === 'FullDisruption');
  const plan: DisruptionPlan = { states, rates: new Map(), markAllReachable: false, resetProbes: false };
  if (allAreFull && allWereFull) return plan;
  const size = (zone: string): number => zones.get(zone)?.length ?? 0;
  if (allAreFull) {
    for (const zone of states.keys()) {
      states.set(zone, 'FullDisruption');
      plan.rates.set(zone, 0);
    }
    plan.markAllReachable = true;
    return plan;
  }
  if (allWereFull) plan.resetProbes = true;
  for (const [zone, state] of fresh) {
    if (!allWereFull && states.get(zone) === state) continue;
    plan.rates.set(zone, zoneRate(state, size(zone), cfg));
    states.set(zone, state);
  }
  return plan;
}
