// The DaemonSet phase's "rolled out" test (kubectl rollout status) and its targets.

import { describe, expect, it } from 'vitest';
import { daemonSetLines, daemonSetTargets, rolledOut, type DaemonSetBench } from './daemonset-checks.js';

describe('rolledOut', () => {
  it.each([
    ['done', { metadata: { generation: 2 }, status: { observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 } }, true],
    ['the spec change not observed yet', { metadata: { generation: 3 }, status: { observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 } }, false],
    ['pods not yet updated', { metadata: { generation: 2 }, status: { observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 2, numberAvailable: 3 } }, false],
    ['pods not yet available', { metadata: { generation: 2 }, status: { observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 } }, false],
    ['fewer nodes than expected seen', { metadata: { generation: 1 }, status: { observedGeneration: 1, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2 } }, false],
    ['no status', { metadata: { generation: 1 } }, false],
  ])('%s', (_name, ds, want) => {
    expect(rolledOut(ds, 3)).toBe(want);
  });
});

describe('targets and lines', () => {
  const bench: DaemonSetBench = { nodes: 1000, events: true, maxUnavailable: '10%', baseline: { ms: 2500, createMs: 1400, errors: 0, cores: {} }, create: { ms: 5000, cores: { apiserver: 0.4 } }, update: { cores: {} } };
  it('meets, misses, or reports not done', () => {
    expect(daemonSetTargets(bench)).toEqual([
      { name: 'DS rolled out', want: '<= 15 s', got: '5.00 s', met: true },
      { name: 'DS update done', want: '<= 30 s', got: 'not done', met: false },
    ]);
    expect(daemonSetTargets(undefined)).toEqual([]);
  });
  it('prints each step next to the baseline', () => {
    const text = daemonSetLines(bench).join('\n');
    expect(text).toContain('DaemonSet create → rolled out (1,000 pods Running, Ready, status observed): 5.00 s (2.00× the baseline)   [target <= 15 s]');
    expect(text).toContain('image update, maxUnavailable 10% → rolled out: NOT DONE');
  });
});
