// Bench pod bodies: the templated text is exactly the stringified manifest, for every name, namespace and seq.

import { describe, expect, it } from 'vitest';
import { makePod, podBody } from './pod.js';

describe('podBody', () => {
  it.each([0, 1, 4, 6, 96, 97, 3394, 3395, 3396, 123_457])('seq %i', (seq) => {
    for (const ns of ['default', 'bench-list']) {
      const name = `bench-c-m0-w03-${String(seq).padStart(6, '0')}`;
      expect(podBody(name, ns, seq).toString()).toBe(JSON.stringify(makePod(name, ns, seq)));
    }
  });

  it('is about 2 KB, as the benchmark states', () => {
    const size = podBody('bench-c-m0-w03-000001', 'default', 1).length;
    expect(size).toBeGreaterThan(1900);
    expect(size).toBeLessThan(2200);
  });
});
