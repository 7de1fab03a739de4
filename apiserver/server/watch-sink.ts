// One HTTP watch stream: events serialised once per distinct encoding, written with backpressure, slow readers cut off.

import type { ServerResponse } from 'node:http';
import type { ResourceInfo } from '../api/resources.js';
import type { Status } from '../api/status.js';
import type { WatchEventType, WatchItem } from '../registry/store.js';
import { tableOf } from './tables.js';

/** How a stream's events are serialised: plain objects, or one-row Tables (`includeObject` as asked). */
export type WatchFormat = { kind: 'json' } | { kind: 'table'; includeObject: string | undefined; now: () => Date };

/** Builds the bytes of one event line for a format; the line is cached on the item, shared by every stream. */
export function eventLine(r: ResourceInfo, format: WatchFormat, type: WatchEventType, item: WatchItem, noHeaders: boolean): Buffer {
  const key = format.kind === 'json' ? type : `${type}|table|${format.includeObject ?? ''}|${noHeaders ? 'n' : 'h'}`;
  let line = item.encoded.get(key);
  if (line === undefined) {
    if (format.kind === 'json') line = Buffer.from(`{"type":"${type}","object":${item.text()}}\n`);
    else {
      const rv = { resourceVersion: item.object.metadata.resourceVersion };
      const table = tableOf(r, [item.object], rv, format.includeObject, format.now(), noHeaders);
      line = Buffer.from(`${JSON.stringify({ type, object: table })}\n`);
    }
    item.encoded.set(key, line);
  }
  return line;
}

/** A line of an object the server makes itself (BOOKMARK, ERROR). */
export function ownLine(type: 'BOOKMARK' | 'ERROR', object: Status | Record<string, unknown>): Buffer {
  return Buffer.from(`${JSON.stringify({ type, object })}\n`);
}

/**
 * Bytes a stream may have buffered in Node before it counts as backed up. Above the socket's high-water mark (16 KiB),
 * so that one turn's corked burst of events does not look like a slow reader, and small enough that a thousand
 * stalled streams hold a bounded amount.
 */
const BACKLOG_BYTES = 256 * 1024;

/**
 * Writes lines to one response. Assumptions / Invariants: lines are written in the order given; writes made in one
 * turn of the event loop are corked into one socket write; while the socket is backed up (BACKLOG_BYTES buffered)
 * lines are queued by reference, and a stream that has `maxQueued` lines waiting is destroyed instead of buffering
 * without bound (upstream's cacher terminates a watcher whose buffer is full; the client watches again from the
 * last resourceVersion it saw). Nothing is sent to the slow client first: it is not reading.
 */
export class LineWriter {
  private queue: Buffer[] = [];
  private blocked = false;
  private corked = false;
  private closed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly maxQueued: number,
    private readonly onTooSlow: () => void,
  ) {}

  /** Whether the stream was cut off or ended. */
  get ended(): boolean {
    return this.closed;
  }

  /** Queues or writes one line. */
  write(line: Buffer): void {
    if (this.closed) return;
    if (this.blocked) {
      if (this.queue.length >= this.maxQueued) return this.cutOff();
      this.queue.push(line);
      return;
    }
    if (!this.corked) {
      this.corked = true;
      this.res.cork();
      process.nextTick(this.uncork);
    }
    if (!this.res.write(line) && this.res.writableLength >= BACKLOG_BYTES) this.block();
  }

  /** Ends the response cleanly after what is queued (used for timeouts, storage ends and errors). */
  end(last?: Buffer): void {
    if (this.closed) return;
    if (last) this.write(last);
    this.closed = true;
    const finish = (): void => {
      this.uncork();
      this.res.end();
    };
    if (this.blocked) this.res.once('drain', finish);
    else finish();
  }

  private readonly uncork = (): void => {
    if (!this.corked) return;
    this.corked = false;
    this.res.uncork();
  };

  private block(): void {
    this.blocked = true;
    this.res.once('drain', this.drained);
  }

  private readonly drained = (): void => {
    this.blocked = false;
    if (this.queue.length === 0 || this.res.destroyed) return;
    const lines = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue);
    this.queue = [];
    if (!this.res.write(lines) && this.res.writableLength >= BACKLOG_BYTES) this.block();
  };

  private cutOff(): void {
    this.closed = true;
    this.queue = [];
    this.res.destroy();
    this.onTooSlow();
  }
}
