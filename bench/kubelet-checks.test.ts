// The kubelet phase's checks (readiness, lease staleness, renewal gaps, templates) and its report lines and targets.

import { describe, expect, it } from 'vitest';
import { leaseStaleness, nameTemplate, nodeReady, podRunning, readyHeartbeatMs, RenewalGaps, renewTimeMs, times, type KubeletBench } from './kubelet-checks.js';
import { formatReport, targetsOf, type Results } from './report.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const lease = (name: string, renewTime?: string): { metadata: { name: string }; spec: { renewTime?: string } } => ({ metadata: { name }, spec: renewTime === undefined ? {} : { renewTime } });

describe('readiness', () => {
  it('a node is Ready only with Ready=True; a pod only Running with Ready=True', () => {
    expect(nodeReady({ status: { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }] } })).toBe(true);
    expect(nodeReady({ status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } })).toBe(false);
    expect(nodeReady({})).toBe(false);
    expect(podRunning({ status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } })).toBe(true);
    expect(podRunning({ status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] } })).toBe(false);
    expect(podRunning({ status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'True' }] } })).toBe(false);
  });

  it('reads MicroTime renewTimes and Ready heartbeats to the millisecond', () => {
    expect(renewTimeMs(lease('a', '2026-01-01T00:00:01.234567Z'))).toBe(T0 + 1234);
    expect(renewTimeMs(lease('a'))).toBeUndefined();
    expect(renewTimeMs(lease('a', 'not a time'))).toBeUndefined();
    expect(readyHeartbeatMs({ status: { conditions: [{ type: 'Ready', lastHeartbeatTime: '2026-01-01T00:00:05Z' }] } })).toBe(T0 + 5000);
    expect(readyHeartbeatMs({ status: { conditions: [] } })).toBeUndefined();
  });
});

describe('leaseStaleness', () => {
  it('takes the later of a node’s Lease renewal and Ready heartbeat, ignores other Leases, counts the stale and the missing', () => {
    const nodes = new Map<string, number | undefined>([
      ['n1', T0], // lease renewed at +25 s: 5 s old
      ['n2', T0 + 20_000], // no lease, status heartbeat 10 s old
      ['n3', undefined], // lease 45 s old, no status heartbeat: stale
      ['n4', undefined], // nothing at all: stale, not counted in maxMs
    ]);
    const leases = [lease('n1', '2026-01-01T00:00:25.000000Z'), lease('n3', '2025-12-31T23:59:45.000000Z'), lease('other', '2025-01-01T00:00:00.000000Z'), lease('n4')];
    const s = leaseStaleness(leases, nodes, T0 + 30_000, 40_000);
    expect(s).toEqual({ maxMs: 45_000, leaseMaxMs: 45_000, stale: 2, missing: 2 });
    expect(leaseStaleness([], new Map(), T0, 40_000)).toEqual({ maxMs: 0, leaseMaxMs: 0, stale: 0, missing: 0 });
  });

  it('a node with a fresh status heartbeat and an old Lease is not stale', () => {
    const s = leaseStaleness([lease('n1', '2026-01-01T00:00:00.000000Z')], new Map([['n1', T0 + 50_000]]), T0 + 60_000, 40_000);
    expect(s.stale).toBe(0);
    expect(s.maxMs).toBe(10_000);
    expect(s.leaseMaxMs).toBe(60_000);
  });
});

describe('RenewalGaps', () => {
  it('measures the longest time between renewals from the start on, and up to now for Leases not renewed since', () => {
    const g = new RenewalGaps();
    g.observe('a', T0 - 8_000);
    g.observe('b', T0 - 1_000);
    g.start(T0);
    expect(g.renewals).toBe(0);
    g.observe('a', T0 + 2_000); // 2 s after the start (its renewal before the start is not counted as a gap)
    g.observe('a', T0 + 12_000); // 10 s
    g.observe('a', T0 + 12_000); // the same renewal again (a re-list): ignored
    g.observe('b', T0 + 9_000); // 9 s
    g.observe('c', T0 + 3_000); // first seen after the start: 3 s
    expect(g.renewals).toBe(4);
    expect(g.maxGapMs).toBe(10_000);
    // b last renewed at +9 s: by +25 s it has waited 16 s; d was never seen: 25 s since the start
    expect(g.maxGapUntil(T0 + 25_000, ['a', 'b', 'c'])).toBe(22_000);
    expect(g.maxGapUntil(T0 + 25_000, ['a', 'd'])).toBe(25_000);
  });
});

describe('nameTemplate', () => {
  it('drops server-set metadata and renames every whole-word use of the name, not longer names that start with it', () => {
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'bench-worker', uid: 'u', resourceVersion: '7', creationTimestamp: 'x', labels: { 'kubernetes.io/hostname': 'bench-worker', peer: 'bench-worker2' } },
      spec: { providerID: 'kubeling://bench-worker' },
    };
    const parts = nameTemplate(node, 'bench-worker');
    const renamed = JSON.parse(parts.join('bench-worker17')) as typeof node;
    expect(renamed.metadata).toEqual({ name: 'bench-worker17', labels: { 'kubernetes.io/hostname': 'bench-worker17', peer: 'bench-worker2' } });
    expect(renamed.spec.providerID).toBe('kubeling://bench-worker17');
    expect(node.metadata.uid).toBe('u');
  });
});

describe('kubelet report', () => {
  const bench = (over: Partial<KubeletBench['run']> = {}): KubeletBench => ({
    concurrency: 32,
    leaseDurationSeconds: 40,
    run: {
      nodes: 5000,
      pods: 10000,
      events: true,
      readyLineMs: 11_000,
      nodesReadyMs: 12_000,
      nodesReadySeen: 5000,
      podCreateErrors: 0,
      podCreatesMs: 4_000,
      podsRunningMs: 25_000,
      podsRunningSeen: 10000,
      steady: {
        seconds: 300,
        samples: 60,
        use: { seconds: 300, simCores: 0.2, apiCores: 0.3, benchCores: 0.05, otherCores: 0, writes: { nodes: 0, leases: 150_000, pods: 0, events: 0 } },
        maxStalenessMs: 11_000,
        maxLeaseAgeMs: 11_000,
        maxGapMs: 10_500,
        staleLeases: 0,
        missingLeasesFirst: 0,
        missingLeasesLast: 0,
        notReadyMax: 0,
        notReadyChanges: 0,
        renewalsPerSecond: 500,
      },
      ...over,
    },
    baseline: { registerNodesMs: 2_500, registerLeasesMs: 1_500, registerMs: 4_000, podCreatesMs: 2_000, podPatchesMs: 3_000, errors: 0 },
  });
  const results = (k: KubeletBench): Results => ({ podBytes: 0, connections: 32, seconds: 6, warmup: 2, cpus: 2, kubelet: k });

  it('prints each figure beside its baseline with the ratio, and judges the three targets', () => {
    const r = results(bench());
    const text = formatReport(r);
    expect(text).toContain('nodes Ready (spawn → all 5,000 Ready=True on a watch): 12.0 s');
    expect(text).toContain('baseline 5,000 Node + 5,000 Lease POSTs: 4.00 s (2.50 s + 1.50 s) → 3.00× (the Node POSTs alone → 4.80×)');
    expect(text).toContain('baseline 10,000 pod POSTs + 10,000 status PATCHes: 5.00 s (2.00 s + 3.00 s) → 5.00×');
    expect(text).toContain('lease renewals 500/s');
    const t = Object.fromEntries(targetsOf(r).map((x) => [x.name, x]));
    expect(t['nodes Ready']?.met).toBe(true);
    expect(t.heartbeats?.met).toBe(true);
    expect(t['pods Running']?.met).toBe(false);
    expect(t['pods Running']?.got).toBe('25.0 s');
  });

  it('misses the heartbeat target on a stale node or one not Ready, and says how many nodes got Ready when not all did', () => {
    const b = bench({ nodesReadyMs: undefined, nodesReadySeen: 4321 });
    b.run.steady!.notReadyMax = 3;
    const t = Object.fromEntries(targetsOf(results(b)).map((x) => [x.name, x]));
    expect(t['nodes Ready']).toMatchObject({ met: false, got: '4321 of 5000' });
    expect(t.heartbeats?.met).toBe(false);
    expect(formatReport(results(b))).toContain('NOT ALL READY: 4,321 of 5,000');
    expect(times(undefined, 3)).toBe('n/a');
  });
});
