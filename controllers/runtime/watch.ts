// Watch streams: newline-delimited JSON events decoded incrementally from a chunked response body.

import { fromResponse, type Status } from '../../apiserver/api/status.js';
import { isPlainObject } from '../../apiserver/api/types.js';

/** One change of a watched collection. BOOKMARK objects carry only `metadata.resourceVersion`. */
export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  object: T;
}

const EVENT_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK']);

/**
 * Splits a byte stream into lines. Invariants: a chunk may end anywhere, even inside a multi-byte UTF-8 character
 * or between `\r` and `\n`; a line is only emitted once its newline arrived (or at `end()`); blank lines are dropped.
 */
export class LineDecoder {
  private readonly utf8 = new TextDecoder('utf-8');
  private buf = '';

  /** Feeds one chunk; returns the lines it completed. */
  push(chunk: Uint8Array | string): string[] {
    this.buf += typeof chunk === 'string' ? chunk : this.utf8.decode(chunk, { stream: true });
    const lines: string[] = [];
    let start = 0;
    for (let nl = this.buf.indexOf('\n', start); nl >= 0; nl = this.buf.indexOf('\n', start)) {
      const line = this.buf.slice(start, nl).trim();
      if (line) lines.push(line);
      start = nl + 1;
    }
    this.buf = this.buf.slice(start);
    return lines;
  }

  /** Ends the stream; returns a last unterminated line, if any. */
  end(): string[] {
    const rest = (this.buf + this.utf8.decode()).trim();
    this.buf = '';
    return rest ? [rest] : [];
  }
}

/**
 * Parses one watch line. An ERROR event is thrown as the ApiError its Status describes (so a 410 satisfies
 * isExpired); a line that is not a watch event throws a plain Error.
 */
export function parseWatchEvent<T>(line: string): WatchEvent<T> {
  let ev: unknown;
  try {
    ev = JSON.parse(line);
  } catch {
    throw new Error(`watch: malformed event line: ${line.slice(0, 200)}`);
  }
  if (!isPlainObject(ev) || typeof ev.type !== 'string') throw new Error(`watch: not a watch event: ${line.slice(0, 200)}`);
  if (ev.type === 'ERROR') {
    const status = isPlainObject(ev.object) ? (ev.object as unknown as Status) : undefined;
    throw fromResponse(typeof status?.code === 'number' ? status.code : 500, status ?? line);
  }
  if (!EVENT_TYPES.has(ev.type) || !isPlainObject(ev.object)) throw new Error(`watch: unexpected event type ${ev.type}`);
  return { type: ev.type as WatchEvent<T>['type'], object: ev.object as T };
}

/** Decodes a streamed watch response body into events, in order, until the body ends. */
export async function* decodeWatchStream<T>(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<WatchEvent<T>> {
  const lines = new LineDecoder();
  for await (const chunk of body) {
    for (const line of lines.push(chunk)) yield parseWatchEvent<T>(line);
  }
  for (const line of lines.end()) yield parseWatchEvent<T>(line);
}
