// Tests of the label, selector and container-list formatting shared by the printers.

import { describe, expect, it } from 'vitest';
import { formatLabelSelector, formatLabels, layoutContainerCells } from './format.js';

describe('formatLabels', () => {
  it.each([
    [undefined, '<none>'],
    [{}, '<none>'],
    [{ app: 'web' }, 'app=web'],
    [{ tier: 'fe', app: 'web', 'a.b/c': '' }, 'a.b/c=,app=web,tier=fe'],
  ])('%j → %s', (labels, want) => {
    expect(formatLabels(labels)).toBe(want);
  });
});

describe('formatLabelSelector', () => {
  it.each([
    [undefined, '<none>'],
    [{}, '<none>'],
    [{ matchLabels: { app: 'agent' } }, 'app=agent'],
    [{ matchLabels: { z: '1', a: '2' } }, 'a=2,z=1'],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] }, 'tier in (a,b)'],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] }, 'tier notin (x)'],
    [{ matchExpressions: [{ key: 'gpu', operator: 'Exists' }, { key: 'arm', operator: 'DoesNotExist' }] }, '!arm,gpu'],
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, 'app=web,env in (prod)'],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: [] }] }, '<error>'],
    [{ matchExpressions: [{ key: 'tier', operator: 'Exists', values: ['x'] }] }, '<error>'],
    [{ matchExpressions: [{ key: 'tier', operator: 'Like', values: ['x'] }] }, '<error>'],
  ])('%j → %s', (sel, want) => {
    expect(formatLabelSelector(sel)).toBe(want);
  });
});

describe('layoutContainerCells', () => {
  it('joins names and images with commas', () => {
    expect(layoutContainerCells([{ name: 'a', image: 'i1' }, { name: 'b', image: 'i2' }])).toEqual(['a,b', 'i1,i2']);
    expect(layoutContainerCells(undefined)).toEqual(['', '']);
  });
});
