// The watch fan-out load: N open watch streams while pods are created at a fixed rate; delivery latency per
// (watcher, event) pair from the create's response to the event's arrival, and deliveries per second.

import { Client } from 'undici';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { LatencyRecorder, type LatencySummary } from './load.js';
import { podBody } from './pod.js';

/** Options of {@link runWatchFanout}. */
export interface WatchFanoutOptions {
  origin: string;
  /** The watch request's path (with its query). */
  watchPath: string;
  /** Where pods are POSTed. */
  createPath: string;
  namespace: string;
  watchers: number;
  /** Creates per second (open loop: sent on schedule whether or not earlier ones were answered). */
  rate: number;
  seconds: number;
  /** Connections the creates are spread over. */
  createConnections?: number;
  /** How long to wait for the last deliveries after the last create was answered (ms). */
  drainMs?: number;
  /** Called before the watchers open, once they are all open, and after the last delivery (before they close). */
  probe?: (stage: 'before' | 'open' | 'done') => void;
}

/** What one fan-out run measured. */
export interface WatchFanoutResult {
  watchers: number;
  /** Creates answered 201. */
  events: number;
  createErrors: number;
  firstError?: string;
  /** Events received over all watchers, and how many (watcher, event) pairs never arrived. */
  deliveries: number;
  missing: number;
  /** Watch streams that ended before the run did. */
  streamsEnded: number;
  latency: LatencySummary;
  /** Deliveries ÷ (last delivery − first create sent). */
  deliveriesPerSecond: number;
}

/** The name prefix of the run's pods; the number after it is the create's sequence. */
const PREFIX = 'wfan-';
const NAME_KEY = `"name":"${PREFIX}`;
const NAME_BYTES = Buffer.from(NAME_KEY);

/** One open stream: counts lines and records each (watcher, seq) arrival time. */
function openWatcher(client: Client, path: string, w: number, arrivals: Float64Array, width: number, onEnd: () => void): Promise<void> {
  const watchers = arrivals.length / width;
  return new Promise((resolve, reject) => {
    client
      .request({ method: 'GET', path, headersTimeout: 60_000, bodyTimeout: 0 })
      .then((res) => {
        if (res.statusCode !== 200) return reject(new Error(`watch answered ${res.statusCode}`));
        // Bytes, not text: find each `"name":"wfan-NNNNNNNN` (once per event line) and read its sequence number.
        const tail = NAME_KEY.length + 8;
        let rest: Buffer | undefined;
        res.body.on('data', (chunk: Buffer) => {
          const now = performance.now();
          const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
          let pos = 0;
          for (let at = buf.indexOf(NAME_BYTES, pos); at >= 0 && at + tail <= buf.length; at = buf.indexOf(NAME_BYTES, pos)) {
            let seq = 0;
            for (let i = at + NAME_KEY.length; i < at + tail; i++) seq = seq * 10 + (buf[i]! - 48);
            if (seq < width) arrivals[seq * watchers + w] ||= now;
            pos = at + tail;
          }
          const keep = Math.max(pos, buf.length - tail + 1);
          rest = keep < buf.length ? Buffer.from(buf.subarray(keep)) : undefined;
        });
        res.body.on('end', onEnd);
        res.body.on('error', onEnd);
        resolve();
      }, reject);
  });
}

/** A pod of the run, named so that watchers can find its sequence number quickly. */
function fanoutPod(seq: number, namespace: string): Buffer {
  return podBody(`${PREFIX}${String(seq).padStart(8, '0')}`, namespace, seq);
}

/**
 * Opens the watchers, waits until every stream answered, creates `rate × seconds` pods on schedule, then waits for
 * the deliveries. Latency of a pair = arrival − the create's response (0 when the event arrived first).
 */
export async function runWatchFanout(o: WatchFanoutOptions): Promise<WatchFanoutResult> {
  const total = Math.max(1, Math.round(o.rate * o.seconds));
  const arrivals = new Float64Array(total * o.watchers);
  const answered = new Float64Array(total);
  const watchClients = Array.from({ length: o.watchers }, () => new Client(o.origin, { pipelining: 1, bodyTimeout: 0, headersTimeout: 60_000 }));
  let streamsEnded = 0;
  let running = true;
  const ended = (): void => {
    if (running) streamsEnded++;
  };
  o.probe?.('before');
  try {
    // Open in batches so the server's accept queue is not flooded.
    for (let i = 0; i < o.watchers; i += 100) {
      await Promise.all(watchClients.slice(i, i + 100).map((c, j) => openWatcher(c, o.watchPath, i + j, arrivals, total, ended)));
    }
    o.probe?.('open');
    const posters = Array.from({ length: o.createConnections ?? 16 }, () => new Client(o.origin, { pipelining: 1 }));
    let errors = 0;
    let firstError: string | undefined;
    const started = performance.now();
    const sends: Promise<void>[] = [];
    for (let seq = 0; seq < total; seq++) {
      const due = started + (seq * 1000) / o.rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const body = fanoutPod(seq, o.namespace);
      const client = posters[seq % posters.length]!;
      sends.push(
        client.request({ method: 'POST', path: o.createPath, body, headers: { 'content-type': 'application/json' } }).then(async (res) => {
          const t = performance.now();
          const text = await res.body.text();
          if (res.statusCode === 201) answered[seq] = t;
          else {
            errors++;
            firstError ??= `${res.statusCode}: ${text.slice(0, 200)}`;
          }
        }),
      );
    }
    await Promise.all(sends);
    await waitForDeliveries(arrivals, answered, o.drainMs ?? 10_000);
    running = false;
    o.probe?.('done');
    await Promise.all(posters.map((c) => c.close()));
    return summarize(o.watchers, total, arrivals, answered, started, errors, firstError, streamsEnded);
  } finally {
    running = false;
    await Promise.all(watchClients.map((c) => c.destroy()));
  }
}

/** Waits until every pair of an answered create arrived, or no new arrival came for `quietMs`. */
async function waitForDeliveries(arrivals: Float64Array, answered: Float64Array, quietMs: number): Promise<void> {
  const width = arrivals.length / answered.length;
  let last = -1;
  let lastChange = performance.now();
  for (;;) {
    let got = 0;
    let want = 0;
    for (let s = 0; s < answered.length; s++) {
      if (!answered[s]) continue;
      want += width;
      for (let w = 0; w < width; w++) if (arrivals[s * width + w]) got++;
    }
    if (got >= want) return;
    if (got !== last) {
      last = got;
      lastChange = performance.now();
    } else if (performance.now() - lastChange > quietMs) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function summarize(watchers: number, total: number, arrivals: Float64Array, answered: Float64Array, started: number, errors: number, firstError: string | undefined, streamsEnded: number): WatchFanoutResult {
  const rec = new LatencyRecorder();
  let deliveries = 0;
  let missing = 0;
  let lastArrival = started;
  let events = 0;
  for (let s = 0; s < total; s++) {
    const t = answered[s]!;
    if (!t) continue;
    events++;
    for (let w = 0; w < watchers; w++) {
      const a = arrivals[s * watchers + w]!;
      if (!a) {
        missing++;
        continue;
      }
      deliveries++;
      if (a > lastArrival) lastArrival = a;
      rec.record(Math.max(0, a - t));
    }
  }
  const out: WatchFanoutResult = {
    watchers,
    events,
    createErrors: errors,
    deliveries,
    missing,
    streamsEnded,
    latency: rec.summary(),
    deliveriesPerSecond: deliveries / ((lastArrival - started) / 1000),
  };
  if (firstError !== undefined) out.firstError = firstError;
  return out;
}

/** The resident memory of a process (bytes), from /proc; undefined where it cannot be read. */
export function rssBytes(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
