// Event lines in chunked framing (sizes in bytes, the plain line recovered for non-chunked responses), and how a
// stream writes them: batched per stream, shared between streams, in slices.

import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { LineWriter, framed, unframe } from './watch-sink.js';

describe('framed event lines', () => {
  it.each([
    ['{"type":"ADDED"}\n', '11\r\n{"type":"ADDED"}\n\r\n'],
    ['x\n', '2\r\nx\n\r\n'],
    ['{"n":"é€"}\n', 'e\r\n{"n":"é€"}\n\r\n'], // 14 bytes: é is 2, € is 3
  ])('%j', (line, wire) => {
    const chunk = framed(line);
    expect(chunk.toString('utf8')).toBe(wire);
    expect(unframe(chunk).toString('utf8')).toBe(line);
  });
});

/** A chunked response whose socket records each write it gets. */
function fakeStream(onWrite?: () => void): { res: ServerResponse; writes: Buffer[]; ended: () => boolean } {
  const writes: Buffer[] = [];
  let ended = false;
  const socket = new Writable({
    write(chunk: Buffer, _enc, done) {
      done();
    },
  });
  const write = socket.write.bind(socket);
  socket.write = ((chunk: Buffer) => {
    writes.push(chunk);
    onWrite?.();
    return write(chunk);
  }) as typeof socket.write;
  const res = {
    socket,
    chunkedEncoding: true,
    headersSent: true,
    end: () => {
      ended = true;
    },
    destroy: () => {},
  } as unknown as ServerResponse;
  return { res, writes, ended: () => ended };
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('LineWriter', () => {
  it('writes the lines a stream was given meanwhile in one write, the same bytes for streams given the same lines', async () => {
    const lines = ['a', 'b', 'c'].map((x) => framed(`${x}\n`));
    const streams = Array.from({ length: 3 }, () => fakeStream());
    const writers = streams.map((s) => new LineWriter(s.res, 10, () => {}));
    for (const line of lines) for (const w of writers) w.release(), w.write(line);
    const other = fakeStream();
    const odd = new LineWriter(other.res, 10, () => {});
    odd.release();
    odd.write(lines[2]!);
    odd.write(lines[0]!);
    expect(streams[0]!.writes).toHaveLength(0);
    await turn();
    for (const s of streams) {
      expect(s.writes).toHaveLength(1);
      expect(s.writes[0]!.toString()).toBe('2\r\na\n\r\n2\r\nb\n\r\n2\r\nc\n\r\n');
      expect(s.writes[0]).toBe(streams[0]!.writes[0]);
    }
    expect(other.writes.map(String)).toEqual(['2\r\nc\n\r\n2\r\na\n\r\n']);
  });

  it('writes many streams in slices, and a stream still waiting takes the lines that arrive meanwhile in the same write', async () => {
    // Each socket write takes 0.5 ms of the clock: a slice (1 ms, the clock read every 16 writes) writes a few streams, then lets I/O run.
    let clock = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => clock);
    try {
      const streams = Array.from({ length: 100 }, () => fakeStream(() => (clock += 0.5)));
      const writers = streams.map((s) => new LineWriter(s.res, 10, () => {}));
      const first = framed('1\n');
      const second = framed('2\n');
      for (const w of writers) w.release(), w.write(first);
      await turn();
      const afterOne = streams.filter((s) => s.writes.length > 0).length;
      expect(afterOne).toBeGreaterThan(0);
      expect(afterOne).toBeLessThan(100);
      for (const w of writers) w.write(second);
      while (streams.some((s) => s.writes.length === 0 || !String(Buffer.concat(s.writes)).endsWith('2\n\r\n'))) await turn();
      for (const [i, s] of streams.entries()) {
        expect(String(Buffer.concat(s.writes))).toBe('2\r\n1\n\r\n2\r\n2\n\r\n');
        // The streams written in the first slice write the second line on their own; the others write both at once.
        expect(s.writes).toHaveLength(i < afterOne ? 2 : 1);
      }
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('writes what waits before it ends the response', async () => {
    const s = fakeStream();
    const w = new LineWriter(s.res, 10, () => {});
    w.release();
    w.write(framed('x\n'));
    w.end(framed('last\n'));
    expect(s.writes.map(String)).toEqual(['2\r\nx\n\r\n5\r\nlast\n\r\n']);
    expect(s.ended()).toBe(true);
    await turn();
    expect(s.writes).toHaveLength(1);
  });
});
