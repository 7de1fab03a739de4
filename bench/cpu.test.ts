// CPU accounting over several spans: what the bench reports for a server measured in slices.

import { describe, expect, it } from 'vitest';
import { cpuBetween, cpuOver, type CpuSample } from './cpu.js';

const at = (wallMs: number, serverTicks: number, selfUs: number, machineBusy: number): CpuSample => ({ wallMs, serverTicks, selfUs, machineBusy, machineTotal: 0 });

describe('cpuOver', () => {
  it('adds the spans up as if they were one: times, server ticks, own CPU and machine CPU', () => {
    // Span 1: 1 s, server 50 ticks (0.5 s), generator 0.2 s, machine 80 ticks. Span 2: 3 s, server 150 ticks, generator 0.4 s, machine 260 ticks.
    const use = cpuOver([[at(0, 0, 0, 0), at(1000, 50, 200_000, 80)], [at(5000, 100, 900_000, 500), at(8000, 250, 1_300_000, 760)]], 4000);
    expect(use).toBeDefined();
    expect(use!.serverCores).toBeCloseTo(200 / 100 / 4, 10);
    expect(use!.generatorCores).toBeCloseTo(0.6 / 4, 10);
    expect(use!.machineCores).toBeCloseTo(340 / 100 / 4, 10);
    expect(use!.otherCores).toBeCloseTo(0.85 - 0.5 - 0.15, 10);
    expect(use!.serverUsPerRequest).toBeCloseTo(2e6 / 4000, 6);
  });

  it('is cpuBetween for one span, and undefined when a span lacks a sample or has no time', () => {
    const a = at(0, 10, 0, 20);
    const b = at(2000, 110, 500_000, 300);
    expect(cpuOver([[a, b]], 100)).toEqual(cpuBetween(a, b, 100));
    expect(cpuOver([[a, b], [undefined, b]], 100)).toBeUndefined();
    expect(cpuOver([[b, a]], 100)).toBeUndefined();
    expect(cpuOver([], 100)).toBeUndefined();
  });
});
