// The watch fan-out load: N open watch streams while pods are created at a fixed rate; delivery latency per
// (watcher, event) pair from the create's response to the event's arrival, and deliveries per second.

import { Client } from 'undici';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { LatencyRecorder, type LatencySummary } from './load.js';
import { podBody } from './pod.js';

/** The moments of a run at which {@link WatchFanoutOptions.probe} is called. */
export type Stage = 'before' | 'open' | 'done';

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
  /** Creates per second × this many seconds are sent and delivered first, not measured (default 0). */
  warmupSeconds?: number;
  /** Connections the creates are spread over. */
  createConnections?: number;
  /** How long to wait for the last deliveries after the last create was answered (ms). */
  drainMs?: number;
  /** Called (and awaited) before the watchers open, once they are open and warmed up, and after the last delivery (before they close). */
  probe?: (stage: Stage) => void | Promise<void>;
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
  /** Events a watcher received twice (a correct stream has none). */
  duplicates: number;
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

/** Arrivals counted as they come, and events a watcher received more than once (never expected). */
interface Counter {
  arrived: number;
  duplicates: number;
}

/** Records the arrivals in one stream's bytes: each `"name":"wfan-NNNNNNNN` (once per event line) and its number. */
function arrivalScanner(w: number, watchers: number, width: number, arrivals: Float64Array, counter: Counter): (chunk: Buffer) => void {
  const tail = NAME_KEY.length + 8;
  let rest: Buffer | undefined;
  /** Records the names that start in buf before `limit` and end inside it. */
  const scanIn = (buf: Buffer, limit: number, now: number): void => {
    for (let at = buf.indexOf(NAME_BYTES); at >= 0 && at < limit && at + tail <= buf.length; ) {
      let seq = 0;
      for (let i = at + NAME_KEY.length; i < at + tail; i++) seq = seq * 10 + (buf[i]! - 48);
      const slot = seq * watchers + w;
      if (seq < width && !arrivals[slot]) {
        arrivals[slot] = now;
        counter.arrived++;
      } else counter.duplicates++;
      // The name is near the start of its line: skip to the next line (a fast byte search) before looking again.
      const nl = buf.indexOf(10, at + tail);
      at = nl < 0 ? -1 : buf.indexOf(NAME_BYTES, nl + 1);
    }
  };
  return (chunk) => {
    const now = performance.now();
    // A name cut by the previous read: only the few bytes around the cut are joined (no copy of the whole chunk).
    if (rest) scanIn(Buffer.concat([rest, chunk.subarray(0, tail)]), rest.length, now);
    scanIn(chunk, chunk.length, now);
    rest = chunk.length >= tail - 1 ? Buffer.from(chunk.subarray(chunk.length - (tail - 1))) : undefined;
  };
}

const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/**
 * One open stream on a raw socket: the load generator only scans the bytes it receives (each event line is written
 * as one whole HTTP chunk by both servers, so the framing never splits a name), keeping its own CPU small next to
 * the servers'. Resolves once the answer's status line says 200.
 */
function openWatcher(origin: URL, path: string, w: number, arrivals: Float64Array, width: number, counter: Counter, onEnd: () => void): Promise<Socket> {
  const watchers = arrivals.length / width;
  const scan = arrivalScanner(w, watchers, width, arrivals, counter);
  return new Promise((resolve, reject) => {
    let started = false;
    // Reads land in one buffer shared by every watcher (no readable-stream machinery, no allocation per read): each
    // read is scanned before the next one, and the scanner keeps nothing of it but the few bytes around a cut name.
    const socket = connect({
      host: origin.hostname,
      port: Number(origin.port),
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number, buf: Uint8Array): boolean => {
          const chunk = Buffer.from(buf.buffer, buf.byteOffset, n);
          if (!started) {
            started = true;
            const status = chunk.subarray(0, 12).toString('latin1');
            if (status !== 'HTTP/1.1 200') {
              socket.destroy();
              reject(new Error(`watch answered ${chunk.subarray(0, 200).toString('latin1')}`));
              return false;
            }
            resolve(socket);
          }
          scan(chunk);
          return true;
        },
      },
    });
    socket.once('connect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${origin.host}\r\nAccept: application/json\r\n\r\n`);
    });
    socket.once('error', (e) => (started ? onEnd() : reject(e)));
    socket.once('close', onEnd);
  });
}

/** A pod of the run, named so that watchers can find its sequence number quickly. */
function fanoutPod(seq: number, namespace: string): Buffer {
  return podBody(`${PREFIX}${String(seq).padStart(8, '0')}`, namespace, seq);
}

/** Creates sent on schedule, and what came back: times by sequence number (0 = not answered 201). */
interface Sending {
  sent: Float64Array;
  answered: Float64Array;
  errors: number;
  firstError?: string;
}

/** POSTs pods `from`..`to - 1` at `rate` per second (open loop), round-robin over `posters`; resolves when all are answered. */
async function sendCreates(o: WatchFanoutOptions, posters: Client[], from: number, to: number, s: Sending): Promise<number> {
  const started = performance.now();
  const sends: Promise<void>[] = [];
  for (let seq = from; seq < to; seq++) {
    const due = started + ((seq - from) * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const body = fanoutPod(seq, o.namespace);
    const client = posters[seq % posters.length]!;
    s.sent[seq] = performance.now();
    sends.push(
      client.request({ method: 'POST', path: o.createPath, body, headers: { 'content-type': 'application/json' } }).then(async (res) => {
        const t = performance.now();
        const text = await res.body.text();
        if (res.statusCode === 201) s.answered[seq] = t;
        else {
          s.errors++;
          s.firstError ??= `${res.statusCode}: ${text.slice(0, 200)}`;
        }
      }),
    );
  }
  await Promise.all(sends);
  return started;
}

/** How many of the creates `from`..`to - 1` were answered 201. */
function answeredCount(s: Sending, from: number, to: number): number {
  let n = 0;
  for (let seq = from; seq < to; seq++) if (s.answered[seq]) n++;
  return n;
}

/**
 * Opens the watchers, waits until every stream answered, warms up (`rate × warmupSeconds` pods, every delivery
 * awaited, not measured: both servers then run JIT-compiled code, as the other phases' warm-up gives them), creates
 * `rate × seconds` pods on schedule, then waits for the deliveries. Latency of a pair = arrival − the create's send.
 */
export async function runWatchFanout(o: WatchFanoutOptions): Promise<WatchFanoutResult> {
  const warm = Math.round(o.rate * (o.warmupSeconds ?? 0));
  const total = Math.max(1, Math.round(o.rate * o.seconds));
  const width = warm + total;
  const arrivals = new Float64Array(width * o.watchers);
  const sending: Sending = { sent: new Float64Array(width), answered: new Float64Array(width), errors: 0 };
  const origin = new URL(o.origin);
  const counter: Counter = { arrived: 0, duplicates: 0 };
  const sockets: Socket[] = [];
  let streamsEnded = 0;
  let running = true;
  const ended = (): void => {
    if (running) streamsEnded++;
  };
  await o.probe?.('before');
  try {
    // Open in batches so the server's accept queue is not flooded.
    for (let i = 0; i < o.watchers; i += 100) {
      const batch = Array.from({ length: Math.min(100, o.watchers - i) }, (_, j) => openWatcher(origin, o.watchPath, i + j, arrivals, width, counter, ended));
      sockets.push(...(await Promise.all(batch)));
    }
    const posters = Array.from({ length: o.createConnections ?? 16 }, () => new Client(o.origin, { pipelining: 1 }));
    const drainMs = o.drainMs ?? 10_000;
    if (warm > 0) {
      await sendCreates(o, posters, 0, warm, sending);
      await waitForDeliveries(counter, answeredCount(sending, 0, warm) * o.watchers, drainMs);
    }
    await o.probe?.('open');
    const started = await sendCreates(o, posters, warm, width, sending);
    await waitForDeliveries(counter, answeredCount(sending, 0, width) * o.watchers, drainMs);
    running = false;
    await o.probe?.('done');
    await Promise.all(posters.map((c) => c.close()));
    const result = summarize(o.watchers, warm, width, arrivals, sending, started, streamsEnded);
    return { ...result, duplicates: counter.duplicates };
  } finally {
    running = false;
    for (const s of sockets) s.destroy();
  }
}

/** Waits until `want` arrivals were counted, or none came for `quietMs`. */
async function waitForDeliveries(counter: Counter, want: number, quietMs: number): Promise<void> {
  let last = -1;
  let lastChange = performance.now();
  while (counter.arrived < want) {
    if (counter.arrived !== last) {
      last = counter.arrived;
      lastChange = performance.now();
    } else if (performance.now() - lastChange > quietMs) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The measured creates' figures: sequence numbers `from`..`to - 1`, from `started` (when the first was due). */
function summarize(watchers: number, from: number, to: number, arrivals: Float64Array, s: Sending, started: number, streamsEnded: number): Omit<WatchFanoutResult, 'duplicates'> {
  const rec = new LatencyRecorder();
  let deliveries = 0;
  let missing = 0;
  let lastArrival = started;
  let events = 0;
  for (let seq = from; seq < to; seq++) {
    // Latency runs from the moment the create was sent: the bare server broadcasts before it answers, so only the
    // send time is common to both servers.
    if (!s.answered[seq]) continue;
    const t = s.sent[seq]!;
    events++;
    for (let w = 0; w < watchers; w++) {
      const a = arrivals[seq * watchers + w]!;
      if (!a) {
        missing++;
        continue;
      }
      deliveries++;
      if (a > lastArrival) lastArrival = a;
      rec.record(Math.max(0, a - t));
    }
  }
  const out: Omit<WatchFanoutResult, 'duplicates'> = {
    watchers,
    events,
    createErrors: s.errors,
    deliveries,
    missing,
    streamsEnded,
    latency: rec.summary(),
    deliveriesPerSecond: deliveries / ((lastArrival - started) / 1000),
  };
  if (s.firstError !== undefined) out.firstError = s.firstError;
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
