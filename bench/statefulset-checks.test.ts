// Table tests of the statefulset phase's order checks and its targets.

import { describe, expect, it } from 'vitest';
import { orderViolations, rolloutViolations, statefulSetTargets, type PodMoment } from './statefulset-checks.js';

/** `c0 r0 c1` → created 0, ready 0, created 1; `t2 g2` → terminating/gone of the old 2; `C2 R2` → created/ready of the new 2. */
function parse(s: string): PodMoment[] {
  const what = { c: 'created', r: 'ready', t: 'terminating', g: 'gone' } as const;
  return s.split(' ').filter(Boolean).map((w) => ({ what: what[w[0]!.toLowerCase() as keyof typeof what], ordinal: Number(w.slice(1)), updated: w[0] === w[0]!.toUpperCase() }));
}

describe('orderViolations (scale-up)', () => {
  it.each<[string, number, number]>([
    ['c0 r0 c1 r1 c2 r2', 3, 0],
    ['c0 c1 r0 r1 c2 r2', 3, 1],
    ['c0 r0 c1 r1', 3, 1],
    ['c0 c1 c2 r0 r1 r2', 3, 2],
  ])('%s (%i replicas) → %i', (s, n, want) => {
    expect(orderViolations(parse(s), n)).toBe(want);
  });
});

describe('rolloutViolations', () => {
  it.each<[string, number, number]>([
    ['t2 g2 C2 R2 t1 g1 C1 R1 t0 g0 C0 R0', 3, 0],
    ['t2 t1 g2 C2 R2 g1 C1 R1 t0 g0 C0 R0', 3, 1],
    ['t1 g1 C1 R1 t2 g2 C2 R2 t0 g0 C0 R0', 3, 4],
    ['t2 g2 C2 R2 t1 g1 C1 R1', 3, 1],
  ])('%s (%i replicas) → %i', (s, n, want) => {
    expect(rolloutViolations(parse(s), n)).toBe(want);
  });
});

describe('statefulSetTargets', () => {
  it('met within 60 s and in order; missed when out of order or unfinished', () => {
    const t = statefulSetTargets({ nodes: 50, replicas: 500, create: { ms: 30_000, done: 500, violations: 0 }, rollout: { done: 400, violations: 0 } });
    expect(t.map((x) => [x.name, x.met])).toEqual([['sts all Ready', true], ['sts rollout', false]]);
    expect(statefulSetTargets({ nodes: 1, replicas: 2, create: { ms: 1, done: 2, violations: 1 } })[0]!.met).toBe(false);
    expect(statefulSetTargets(undefined)).toEqual([]);
  });
});
