// olderFirst: creationTimestamp, then the name in Go's byte order.

import { describe, expect, it } from 'vitest';
import { olderFirst } from './time.js';

const obj = (name: string, creationTimestamp?: string) => ({ metadata: { name, ...(creationTimestamp ? { creationTimestamp } : {}) } });

describe('olderFirst', () => {
  it('orders by creationTimestamp, a missing one first, then by name as bytes (not locale)', () => {
    const sorted = [
      obj('b', '2026-01-01T00:00:02Z'),
      obj('ab', '2026-01-01T00:00:01Z'),
      obj('a-b', '2026-01-01T00:00:01Z'),
      obj('B', '2026-01-01T00:00:01Z'),
      obj('z'),
    ].sort(olderFirst);
    expect(sorted.map((o) => o.metadata.name)).toEqual(['z', 'B', 'a-b', 'ab', 'b']);
  });
});
