// The scheduler phase's pure helpers: the pending pods, their groups, the placement check, rates, report and targets.

import { describe, expect, it } from 'vitest';
import { formatReport, targetsOf, type Results } from './report.js';
import { checkPlacement, groupOf, pendingPod, placementOk, schedCpuPerPodUs, schedPodName, schedRate, type SchedulerBench, type SchedulerRun } from './scheduler-checks.js';

const pod = (node: string | undefined, app: string): { metadata: { labels: Record<string, string> }; spec: { nodeName?: string } } => ({ metadata: { labels: { app } }, spec: node ? { nodeName: node } : {} });

describe('pending pods', () => {
  it('groups pods ten at a time and names them in order', () => {
    expect([0, 9, 10, 9_999].map((i) => groupOf(i))).toEqual(['g-0', 'g-0', 'g-1', 'g-999']);
    expect(schedPodName(42)).toBe('sp-000042');
  });

  it('has no nodeName, and a required hostname anti-affinity term against its own group only when asked', () => {
    const plain = pendingPod(3, 'default', false) as { spec: Record<string, unknown> };
    expect(plain.spec.nodeName).toBeUndefined();
    expect(plain.spec.affinity).toBeUndefined();
    const anti = pendingPod(23, 'default', true) as { metadata: { labels: Record<string, string> }; spec: { affinity: unknown } };
    expect(anti.metadata.labels.app).toBe('g-2');
    expect(anti.spec.affinity).toEqual({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'g-2' } }, topologyKey: 'kubernetes.io/hostname' }] } });
  });
});

describe('placement', () => {
  const cap = new Map([['n1', 2], ['n2', 2]]);

  it('accepts pods spread within capacity, one of a group per node', () => {
    const p = checkPlacement([pod('n1', 'a'), pod('n2', 'a'), pod('n1', 'b')], cap, true);
    expect(p).toEqual({ pods: 3, unbound: 0, nodesUsed: 2, maxPerNode: 2, overCapacity: 0, unknownNode: 0, groupConflicts: 0 });
    expect(placementOk(p)).toBe(true);
  });

  it('finds unbound pods, nodes over capacity, unknown nodes and a group twice on a node', () => {
    const p = checkPlacement([pod('n1', 'a'), pod('n1', 'a'), pod('n1', 'b'), pod(undefined, 'c'), pod('n9', 'd')], cap, true);
    expect(p).toMatchObject({ unbound: 1, overCapacity: 1, unknownNode: 1, groupConflicts: 1, maxPerNode: 3 });
    expect(placementOk(p)).toBe(false);
    expect(checkPlacement([pod('n1', 'a'), pod('n1', 'a')], cap, false).groupConflicts).toBe(0);
  });
});

describe('rates and targets', () => {
  const run = (over: Partial<SchedulerRun>): SchedulerRun => ({
    antiAffinity: false, nodes: 1000, pods: 10_000, podCreatesMs: 5000, podCreateErrors: 0, boundSeen: 10_000, readyLineMs: 2000, lastBoundMs: 12_000, schedCpuBindMs: 8000,
    placement: { pods: 10_000, unbound: 0, nodesUsed: 1000, maxPerNode: 10, overCapacity: 0, unknownNode: 0, groupConflicts: 0 },
    ...over,
  });

  it('counts the rate from the ready line and the CPU per pod', () => {
    expect(schedRate(run({}))).toBe(1000);
    expect(schedRate(run({ boundSeen: 9_999 }))).toBeUndefined();
    expect(schedCpuPerPodUs(run({}))).toBe(800);
  });

  it('meets the targets only at the rate and with a correct placement', () => {
    const s: SchedulerBench = { concurrency: 32, groupSize: 10, plain: run({}), antiAffinity: run({ antiAffinity: true, lastBoundMs: 102_000 }), baseline: { nodes: 1000, pods: 10_000, bindMs: 5000, errors: 0 } };
    const r: Results = { podBytes: 0, connections: 32, seconds: 1, warmup: 0, cpus: 2, scheduler: s };
    const t = targetsOf(r).filter((x) => x.name.startsWith('sched'));
    expect(t.map((x) => x.met)).toEqual([true, false]);
    expect(formatReport(r)).toContain('÷ raw binding 50.0%');
    const wrong: SchedulerBench = { ...s, plain: run({ placement: { pods: 10_000, unbound: 0, nodesUsed: 1000, maxPerNode: 111, overCapacity: 1, unknownNode: 0, groupConflicts: 0 } }) };
    expect(targetsOf({ ...r, scheduler: wrong }).find((x) => x.name === 'sched pods/s')?.met).toBe(false);
  });
});
