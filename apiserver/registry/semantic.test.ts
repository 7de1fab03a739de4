// Table tests for semantic equality (apimachinery equality.Semantic.DeepEqual on decoded values).

import { describe, expect, it } from 'vitest';
import { semanticEqual } from './semantic.js';

describe('semanticEqual', () => {
  it.each<[string, unknown, unknown, boolean]>([
    ['key order', { a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 }, true],
    ['absent, null, empty list and map', { a: [], b: {}, c: null }, {}, true],
    ['zero values equal absent', { s: '', n: 0, f: false }, {}, true],
    ['list order matters', { a: [1, 2] }, { a: [2, 1] }, false],
    ['a changed value', { a: { b: 'x' } }, { a: { b: 'y' } }, false],
    ['an added value', { a: 1 }, { a: 1, b: 2 }, false],
    ['list vs map', { a: [] }, { a: { x: 1 } }, false],
  ])('%s', (_name, a, b, want) => {
    expect(semanticEqual(a, b)).toBe(want);
    expect(semanticEqual(b, a)).toBe(want);
  });
});
