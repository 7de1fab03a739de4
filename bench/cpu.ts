// CPU accounting of a measured phase (Linux /proc): the server child, the load generator, and the rest of the machine.

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** Clock ticks per second of /proc times (USER_HZ, 100 on every common Linux). */
const TICKS_PER_SECOND = 100;

/** A point-in-time reading of CPU counters. */
export interface CpuSample {
  wallMs: number;
  /** Machine busy and total ticks (all CPUs), from /proc/stat. */
  machineBusy: number;
  machineTotal: number;
  /** This process's user+system time, µs. */
  selfUs: number;
  /** The server child's user+system ticks (all its threads), from /proc/PID/stat. */
  serverTicks: number;
}

/** CPU used during a phase, in cores (1.0 = one CPU fully busy), and the server's CPU per successful request. */
export interface CpuUse {
  serverCores: number;
  generatorCores: number;
  /** Busy CPU not used by the server nor the generator (other processes: noise). */
  otherCores: number;
  machineCores: number;
  serverUsPerRequest: number;
}

function machineTicks(): { busy: number; total: number } | undefined {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (f.length < 8 || f.some((n) => !Number.isFinite(n))) return undefined;
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3]! - f[4]!, total };
}

function processTicks(pid: number): number | undefined {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(f[11]);
  const stime = Number(f[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : undefined;
}

/** Reads the counters now; undefined where /proc is not available. */
export function sampleCpu(serverPid: number): CpuSample | undefined {
  try {
    const m = machineTicks();
    const server = processTicks(serverPid);
    if (!m || server === undefined) return undefined;
    const self = process.cpuUsage();
    return { wallMs: performance.now(), machineBusy: m.busy, machineTotal: m.total, selfUs: self.user + self.system, serverTicks: server };
  } catch {
    return undefined;
  }
}

/** The CPU used between two samples, `requests` being the successful requests in between. */
export function cpuBetween(a: CpuSample | undefined, b: CpuSample | undefined, requests: number): CpuUse | undefined {
  return cpuOver([[a, b]], requests);
}

/**
 * The CPU used over several spans (each a pair of samples), as if they were one: their times and counters are added.
 * `requests` are the successful requests in all of them. Undefined when a span lacks a sample.
 */
export function cpuOver(spans: ReadonlyArray<readonly [CpuSample | undefined, CpuSample | undefined]>, requests: number): CpuUse | undefined {
  let ms = 0;
  let server = 0;
  let self = 0;
  let busy = 0;
  for (const [a, b] of spans) {
    if (!a || !b || b.wallMs <= a.wallMs) return undefined;
    ms += b.wallMs - a.wallMs;
    server += b.serverTicks - a.serverTicks;
    self += b.selfUs - a.selfUs;
    busy += b.machineBusy - a.machineBusy;
  }
  if (ms <= 0) return undefined;
  const seconds = ms / 1000;
  const serverCores = server / TICKS_PER_SECOND / seconds;
  const generatorCores = self / 1e6 / seconds;
  const machineCores = busy / TICKS_PER_SECOND / seconds;
  return {
    serverCores,
    generatorCores,
    otherCores: Math.max(0, machineCores - serverCores - generatorCores),
    machineCores,
    serverUsPerRequest: requests > 0 ? (serverCores * seconds * 1e6) / requests : 0,
  };
}
