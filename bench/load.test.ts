// The latency recorder: samples of several slices added into one set of percentiles.

import { describe, expect, it } from 'vitest';
import { LatencyRecorder } from './load.js';

describe('LatencyRecorder', () => {
  it('addAll takes every sample of another recorder, past its initial capacity', () => {
    const a = new LatencyRecorder();
    const b = new LatencyRecorder();
    for (let i = 1; i <= 70_000; i++) a.record(i % 2 === 0 ? 1 : 3);
    for (let i = 0; i < 30_000; i++) b.record(100);
    a.addAll(b);
    expect(a.count).toBe(100_000);
    const s = a.summary();
    expect(s.p50).toBe(3);
    expect(s.p90).toBe(100);
    expect(s.max).toBe(100);
    expect(s.mean).toBeCloseTo((35_000 * 1 + 35_000 * 3 + 30_000 * 100) / 100_000, 10);
    expect(b.count).toBe(30_000);
  });
});
