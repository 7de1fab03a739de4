// One HTTP watch stream: events serialised once per distinct encoding, written with backpressure, slow readers cut off.

import type { ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import type { ResourceInfo } from '../api/resources.js';
import type { Status } from '../api/status.js';
import type { WatchEventType, WatchItem } from '../registry/store.js';
import { tableOf } from './tables.js';

/** How a stream's events are serialised: plain objects, or one-row Tables (`includeObject` as asked). */
export type WatchFormat = { kind: 'json' } | { kind: 'table'; includeObject: string | undefined; now: () => Date };

/**
 * One event line in HTTP/1.1 chunked framing (`<hex length>\r\n<line>\r\n`), built once: a stream on a chunked
 * response writes it to its socket as it is, so a thousand streams cost a thousand socket writes and nothing more.
 */
export function framed(line: string): Buffer {
  const size = Buffer.byteLength(line);
  const head = `${size.toString(16)}\r\n`;
  const out = Buffer.allocUnsafe(head.length + size + 2);
  out.write(head, 0, 'latin1');
  out.write(line, head.length, 'utf8');
  out.write('\r\n', head.length + size, 'latin1');
  return out;
}

/** The line inside a framed chunk (a view, no copy). */
export function unframe(chunk: Buffer): Buffer {
  return chunk.subarray(chunk.indexOf(10) + 1, chunk.length - 2);
}

/** The framed line of an event in a format; cached on the item, so every stream writes the same bytes. */
export function eventLine(r: ResourceInfo, format: WatchFormat, type: WatchEventType, item: WatchItem, noHeaders: boolean): Buffer {
  const key = format.kind === 'json' ? type : `${type}|table|${format.includeObject ?? ''}|${noHeaders ? 'n' : 'h'}`;
  let chunk = item.encoded.get(key);
  if (chunk === undefined) {
    if (format.kind === 'json') chunk = framed(`{"type":"${type}","object":${item.text()}}\n`);
    else {
      const rv = { resourceVersion: item.object.metadata.resourceVersion };
      const table = tableOf(r, [item.object], rv, format.includeObject, format.now(), noHeaders);
      chunk = framed(`${JSON.stringify({ type, object: table })}\n`);
    }
    item.encoded.set(key, chunk);
  }
  return chunk;
}

/** The framed line of an object the server makes itself (BOOKMARK, ERROR). */
export function ownLine(type: 'BOOKMARK' | 'ERROR', object: Status | Record<string, unknown>): Buffer {
  return framed(`${JSON.stringify({ type, object })}\n`);
}

/**
 * Bytes a stream may have buffered in Node before it counts as backed up. Above the socket's high-water mark (16 KiB),
 * so that one write of a burst of events does not look like a slow reader, and small enough that a thousand stalled
 * streams hold a bounded amount.
 */
const BACKLOG_BYTES = 256 * 1024;

/** The lines a stream wrote, joined: kept for the next stream when it has the same lines waiting. */
interface Joined {
  parts: readonly Buffer[];
  bytes: Buffer;
}

/** How long one round of stream writes may hold the event loop before requests get a turn (ms). */
const FLUSH_SLICE_MS = 1;

/** Streams with lines waiting, in the order they got their first waiting line; `head` is the next one to write. */
let waiting: LineWriter[] = [];
let head = 0;
let flushScheduled = false;

function scheduleFlush(): void {
  if (flushScheduled) return;
  flushScheduled = true;
  setImmediate(flushWaiting);
}

/**
 * Writes the waiting streams' lines, one socket write per stream, first waiting first. Streams of one resource with
 * the same scope get the same lines in the same order: their lines are joined once and the bytes shared. A thousand
 * streams take milliseconds of socket writes, so they are written in slices of FLUSH_SLICE_MS with the event loop's
 * I/O between them, as the goroutines of upstream's watchers share the CPU with request handling: a create is not
 * held up behind a whole fan-out, and a stream still waiting takes the lines that arrive meanwhile in the same write.
 */
function flushWaiting(): void {
  flushScheduled = false;
  const deadline = performance.now() + FLUSH_SLICE_MS;
  let last: Joined | undefined;
  let written = 0;
  while (head < waiting.length) {
    last = waiting[head++]!.flush(last);
    if ((++written & 15) === 0 && performance.now() >= deadline) break;
  }
  if (head === waiting.length) {
    waiting = [];
    head = 0;
    return;
  }
  if (head > waiting.length / 2) {
    waiting = waiting.slice(head);
    head = 0;
  }
  scheduleFlush();
}

/** Whether two line lists are the same lines (the same buffers) in the same order. */
function sameParts(a: readonly Buffer[], b: readonly Buffer[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Writes lines to one response. Assumptions / Invariants: lines are written in the order given; the lines given
 * before the stream's turn to write (see flushWaiting) go out together in one socket write, as upstream flushes a
 * watch stream when no further event is waiting; while the socket is backed up (BACKLOG_BYTES buffered) lines are
 * queued by reference, and a stream that has `maxQueued` lines waiting is destroyed instead of buffering without
 * bound (upstream's cacher terminates a watcher whose buffer is full; the client watches again from the last
 * resourceVersion it saw). Nothing is sent to the slow client first: it is not reading.
 */
export class LineWriter {
  /** Where bytes go: the socket itself on a chunked response (framed lines), else the response (plain lines). */
  private target: Writable | undefined;
  private direct = false;
  /** Lines waiting for this stream's turn to write (see flushWaiting). */
  private pending: Buffer[] = [];
  /** Lines held while the socket is backed up. */
  private queue: Buffer[] = [];
  private blocked = false;
  private closed = false;
  /** Lines given before the headers went out (the initial state is handed over while the watch registers). */
  private held: Buffer[] | undefined = [];

  constructor(
    private readonly res: ServerResponse,
    private readonly maxQueued: number,
    private readonly onTooSlow: () => void,
  ) {}

  /** Whether the stream was cut off or ended. */
  get ended(): boolean {
    return this.closed;
  }

  private out(): Writable {
    if (!this.target) {
      const socket = this.res.socket;
      this.direct = this.res.chunkedEncoding && this.res.headersSent && socket !== null;
      this.target = this.direct && socket ? socket : this.res;
    }
    return this.target;
  }

  /** Writes what was held: call once the response's headers are out. */
  release(): void {
    const held = this.held;
    this.held = undefined;
    if (held) for (const chunk of held) this.write(chunk);
  }

  /** Queues or writes one framed line (see {@link framed}). */
  write(chunk: Buffer): void {
    if (this.closed) return;
    if (this.held) {
      this.held.push(chunk);
      return;
    }
    this.out();
    const line = this.direct ? chunk : unframe(chunk);
    if (this.blocked) {
      if (this.queue.length >= this.maxQueued) return this.cutOff();
      this.queue.push(line);
      return;
    }
    if (this.pending.length === 0) {
      waiting.push(this);
      scheduleFlush();
    }
    this.pending.push(line);
  }

  /**
   * Writes the waiting lines in one write, reusing `last` (the previous stream's joined lines) when they are the same
   * lines; returns what it wrote when it joined lines, for the next stream.
   */
  flush(last?: Joined): Joined | undefined {
    const parts = this.pending;
    if (parts.length === 0) return last;
    this.pending = [];
    const target = this.out();
    if (target.destroyed) return last;
    let bytes: Buffer;
    if (parts.length === 1) bytes = parts[0]!;
    else {
      if (!last || !sameParts(last.parts, parts)) last = { parts, bytes: Buffer.concat(parts) };
      bytes = last.bytes;
    }
    if (!target.write(bytes) && target.writableLength >= BACKLOG_BYTES) this.block();
    return last;
  }

  /** Ends the response cleanly after what is queued (used for timeouts, storage ends and errors). */
  end(last?: Buffer): void {
    if (this.closed) return;
    this.release();
    if (last) this.write(last);
    this.closed = true;
    if (this.blocked) this.out().once('drain', () => this.res.end());
    else {
      this.flush();
      this.res.end();
    }
  }

  private block(): void {
    this.blocked = true;
    this.out().once('drain', this.drained);
  }

  private readonly drained = (): void => {
    this.blocked = false;
    const target = this.out();
    if (this.queue.length === 0 || target.destroyed) return;
    const lines = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue);
    this.queue = [];
    if (!target.write(lines) && target.writableLength >= BACKLOG_BYTES) this.block();
  };

  private cutOff(): void {
    this.closed = true;
    this.queue = [];
    this.pending = [];
    this.res.destroy();
    this.onTooSlow();
  }
}
