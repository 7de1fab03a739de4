// Watch decoding: lines split anywhere across chunks, multi-byte characters, ERROR events as ApiError.

import { describe, expect, it } from 'vitest';
import { isExpired, type ApiError } from '../../apiserver/api/status.js';
import { decodeWatchStream, LineDecoder, parseWatchEvent, type WatchEvent } from './watch.js';

const EVENTS = [
  { type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '1' }, data: { note: 'héllo ✓ 🚀' } } },
  { type: 'MODIFIED', object: { metadata: { name: 'a', resourceVersion: '2' } } },
  { type: 'BOOKMARK', object: { metadata: { resourceVersion: '5' } } },
  { type: 'DELETED', object: { metadata: { name: 'a', resourceVersion: '6' } } },
];
const BYTES = Buffer.from(EVENTS.map((e) => JSON.stringify(e)).join('\n') + '\n');

async function* chunks(buf: Buffer, cuts: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const c of [...cuts, buf.length]) {
    yield buf.subarray(at, c);
    at = c;
  }
}

async function collect(it: AsyncIterable<WatchEvent<unknown>>): Promise<WatchEvent<unknown>[]> {
  const out: WatchEvent<unknown>[] = [];
  for await (const e of it) out.push(e);
  return out;
}

describe('watch decoding', () => {
  it('decodes the same events whatever single split point the bytes have', async () => {
    for (let cut = 0; cut <= BYTES.length; cut++) {
      expect(await collect(decodeWatchStream(chunks(BYTES, [cut])))).toEqual(EVENTS);
    }
  });

  it('decodes byte-by-byte delivery (splits inside multi-byte characters)', async () => {
    const cuts = Array.from({ length: BYTES.length - 1 }, (_, i) => i + 1);
    expect(await collect(decodeWatchStream(chunks(BYTES, cuts)))).toEqual(EVENTS);
  });

  it('LineDecoder: CRLF, blank lines, and a last line without newline', () => {
    const d = new LineDecoder();
    expect(d.push('a\r')).toEqual([]);
    expect(d.push('\n\n\nb')).toEqual(['a']);
    expect(d.push('c')).toEqual([]);
    expect(d.end()).toEqual(['bc']);
  });

  it('throws an ERROR event as its ApiError (410 → isExpired)', () => {
    const line = JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 1 (5)', reason: 'Expired', code: 410 } });
    let err: unknown;
    try {
      parseWatchEvent(line);
    } catch (e) {
      err = e;
    }
    expect(isExpired(err)).toBe(true);
    expect((err as ApiError).code).toBe(410);
    expect((err as ApiError).message).toBe('too old resource version: 1 (5)');
  });

  it.each([['not json {'], ['{"object":{}}'], ['{"type":"WEIRD","object":{}}'], ['{"type":"ADDED","object":3}']])('rejects malformed line %s', (line) => {
    expect(() => parseWatchEvent(line)).toThrow(/watch:/);
  });
});
