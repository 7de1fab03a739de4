// Event lines in chunked framing: sizes in bytes (hex), and the plain line recovered for non-chunked responses.

import { describe, expect, it } from 'vitest';
import { framed, unframe } from './watch-sink.js';

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
