// A reusable closed-loop HTTP load generator: N keep-alive connections, each sending requests back to back.

import { performance } from 'node:perf_hooks';
import { RawConnection } from './raw-http.js';

/** One request the generator sends. */
export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: Buffer;
  headers?: Record<string, string>;
  /** A label of the caller's (e.g. the pod's name), handed back to `onResult`. */
  tag?: string;
}

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** e.g. `http://127.0.0.1:8080` (loopback only). */
  origin: string;
  /** Concurrent keep-alive connections, one request in flight on each: a count (opened and closed by the run) or open clients to reuse. */
  connections: number | RawConnection[];
  /** Stop sending after this long (ms); at least one of `durationMs` and `count` must be given. */
  durationMs?: number;
  /** Stop after this many requests in total. */
  count?: number;
  /** Builds the `seq`-th request of connection `worker` (seq counts from 0 per worker). */
  request: (worker: number, seq: number) => RequestSpec;
  /** The status a successful answer has (default 200); any other counts as an error. */
  expectStatus?: number;
  /** Called after every answer (e.g. to remember which pods were created). */
  onResult?: (spec: RequestSpec, status: number) => void;
  /** Where the latencies go (default: a recorder of this run's own). */
  recorder?: LatencyRecorder;
}

/** Latency percentiles in milliseconds. */
export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** What a load run measured. */
export interface LoadResult {
  requests: number;
  errors: number;
  elapsedMs: number;
  /** Successful requests per second. */
  rps: number;
  latency: LatencySummary;
  /** Status and body of the first unexpected answer, if any. */
  firstError?: string;
}

/** A growable array of latency samples with sorted-array percentiles (nearest-rank). */
export class LatencyRecorder {
  private samples = new Float64Array(1 << 16);
  private n = 0;

  /** Adds one sample (ms). */
  record(ms: number): void {
    if (this.n === this.samples.length) {
      const bigger = new Float64Array(this.samples.length * 2);
      bigger.set(this.samples);
      this.samples = bigger;
    }
    this.samples[this.n++] = ms;
  }

  /** Adds every sample of `other`. */
  addAll(other: LatencyRecorder): void {
    for (let i = 0; i < other.n; i++) this.record(other.samples[i]!);
  }

  /** How many samples were recorded. */
  get count(): number {
    return this.n;
  }

  /** Percentiles of everything recorded so far. */
  summary(): LatencySummary {
    if (this.n === 0) return { p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
    const sorted = this.samples.slice(0, this.n).sort();
    const at = (p: number): number => sorted[Math.min(this.n - 1, Math.max(0, Math.ceil((p / 100) * this.n) - 1))]!;
    let sum = 0;
    for (const v of sorted) sum += v;
    return { p50: at(50), p90: at(90), p99: at(99), max: sorted[this.n - 1]!, mean: sum / this.n };
  }
}

interface RunState {
  opts: LoadOptions;
  recorder: LatencyRecorder;
  deadline: number;
  issued: number;
  ok: number;
  errors: number;
  firstError?: string;
}

function more(s: RunState): boolean {
  if (s.opts.count !== undefined && s.issued >= s.opts.count) return false;
  return performance.now() < s.deadline;
}

async function worker(s: RunState, conn: RawConnection, id: number): Promise<void> {
  const expect = s.opts.expectStatus ?? 200;
  for (let seq = 0; more(s); seq++) {
    s.issued++;
    const spec = s.opts.request(id, seq);
    const headers = spec.body ? { 'Content-Type': 'application/json', ...spec.headers } : spec.headers;
    const t0 = performance.now();
    const res = await conn.request(spec.method, spec.path, spec.body, headers);
    if (res.status === expect) {
      s.recorder.record(performance.now() - t0);
      s.ok++;
    } else {
      s.errors++;
      s.firstError ??= `${spec.method} ${spec.path} → ${res.status}: ${res.body.toString('utf8', 0, 300)}`;
    }
    s.opts.onResult?.(spec, res.status);
  }
}

/** Opens `n` keep-alive connections (each on its first request) to `origin`, for reuse across {@link runLoad} calls. */
export function openConnections(origin: string, n: number): RawConnection[] {
  return Array.from({ length: n }, () => new RawConnection(origin));
}

/** Runs a closed-loop load: every connection sends its next request as soon as the previous answer is read. */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  if (opts.durationMs === undefined && opts.count === undefined) throw new Error('runLoad needs durationMs or count');
  const owned = typeof opts.connections === 'number';
  const clients = typeof opts.connections === 'number' ? openConnections(opts.origin, opts.connections) : opts.connections;
  const s: RunState = { opts, recorder: opts.recorder ?? new LatencyRecorder(), deadline: Infinity, issued: 0, ok: 0, errors: 0 };
  const start = performance.now();
  s.deadline = opts.durationMs === undefined ? Infinity : start + opts.durationMs;
  try {
    await Promise.all(clients.map((c, i) => worker(s, c, i)));
  } finally {
    if (owned) await Promise.all(clients.map((c) => c.close()));
  }
  const elapsedMs = performance.now() - start;
  const result: LoadResult = { requests: s.ok + s.errors, errors: s.errors, elapsedMs, rps: (s.ok * 1000) / elapsedMs, latency: s.recorder.summary() };
  if (s.firstError !== undefined) result.firstError = s.firstError;
  return result;
}
