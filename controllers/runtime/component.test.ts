// Duration and count flags of the component processes.

import { describe, expect, it } from 'vitest';
import { countFlag, durationFlag } from './component.js';

describe('durationFlag', () => {
  it.each([['10s', 10_000], ['500ms', 500], ['1m30s', 90_000], ['5', 5000], ['2.5', 2500]])('%s → %i ms', (v, ms) => {
    expect(durationFlag('x', v)).toBe(ms);
  });

  it.each(['', '0', '-1s', 'soon', '10x'])('%j is refused, naming the flag', (v) => {
    expect(() => durationFlag('heartbeat-interval', v)).toThrow(`--heartbeat-interval must be a duration such as 10s or 500ms, got ${v}`);
  });
});

describe('countFlag', () => {
  it('reads a positive whole number', () => {
    expect(countFlag('x', '5')).toBe(5);
  });

  it.each(['', '0', '-2', '1.5', 'many'])('%j is refused, naming the flag', (v) => {
    expect(() => countFlag('bind-concurrency', v)).toThrow(`--bind-concurrency must be a positive whole number, got ${v}`);
  });
});
