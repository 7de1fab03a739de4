// Table tests for handleDisruption's plan: zone states, tainting rates, full-disruption entry and exit.

import { describe, expect, it } from 'vitest';
import { planDisruption, zoneRate } from './disruption.js';
import type { ZoneState } from './zones.js';

const CFG = { evictionRate: 0.1, secondaryEvictionRate: 0.01, unhealthyZoneThreshold: 0.55, largeClusterThreshold: 50 };
const up = (n: number): string[] => Array.from({ length: n }, () => 'True');
const down = (n: number): string[] => Array.from({ length: n }, () => 'Unknown');

describe('planDisruption', () => {
  it.each<[string, Record<string, ZoneState>, Record<string, string[]>, { states: Record<string, ZoneState>; rates: Record<string, number>; reachable: boolean; reset: boolean }]>([
    ['first pass, healthy: every zone Normal at the normal rate', {}, { a: up(2), b: up(1) },
      { states: { a: 'Normal', b: 'Normal' }, rates: { a: 0.1, b: 0.1 }, reachable: false, reset: false }],
    ['one zone fully down among healthy ones keeps the normal rate', { a: 'Normal', c: 'Normal' }, { a: up(2), c: down(1) },
      { states: { a: 'Normal', c: 'FullDisruption' }, rates: { c: 0.1 }, reachable: false, reset: false }],
    ['every zone down: full disruption, rate 0, taints removed', { a: 'Normal', b: 'Normal' }, { a: down(2), b: down(1) },
      { states: { a: 'FullDisruption', b: 'FullDisruption' }, rates: { a: 0, b: 0 }, reachable: true, reset: false }],
    ['still every zone down: nothing changes', { a: 'FullDisruption', b: 'FullDisruption' }, { a: down(2), b: down(1) },
      { states: { a: 'FullDisruption', b: 'FullDisruption' }, rates: {}, reachable: false, reset: false }],
    ['first pass with every node down (restart)', {}, { '': down(3) },
      { states: { '': 'FullDisruption' }, rates: { '': 0 }, reachable: true, reset: false }],
    ['leaving full disruption: rates by new state, probes restart', { a: 'FullDisruption', b: 'FullDisruption' }, { a: ['True', 'Unknown'], b: down(1) },
      { states: { a: 'Normal', b: 'FullDisruption' }, rates: { a: 0.1, b: 0.1 }, reachable: false, reset: true }],
    ['partial disruption of a small zone stops tainting', { a: 'Normal' }, { a: [...down(3), ...up(2)] },
      { states: { a: 'PartialDisruption' }, rates: { a: 0 }, reachable: false, reset: false }],
    ['partial disruption of a large zone slows it', { a: 'Normal' }, { a: [...down(40), ...up(20)] },
      { states: { a: 'PartialDisruption' }, rates: { a: 0.01 }, reachable: false, reset: false }],
    ['a zone no longer seen is dropped', { a: 'Normal', gone: 'Normal' }, { a: up(1) },
      { states: { a: 'Normal' }, rates: {}, reachable: false, reset: false }],
  ])('%s', (_name, prev, zones, want) => {
    const plan = planDisruption(new Map(Object.entries(prev)), new Map(Object.entries(zones)), CFG);
    expect(Object.fromEntries(plan.states)).toEqual(want.states);
    expect(Object.fromEntries(plan.rates)).toEqual(want.rates);
    expect(plan.markAllReachable).toBe(want.reachable);
    expect(plan.resetProbes).toBe(want.reset);
  });

  it('zoneRate', () => {
    expect([zoneRate('Normal', 3, CFG), zoneRate('FullDisruption', 3, CFG), zoneRate('PartialDisruption', 50, CFG), zoneRate('PartialDisruption', 51, CFG)]).toEqual([0.1, 0.1, 0, 0.01]);
  });
});
