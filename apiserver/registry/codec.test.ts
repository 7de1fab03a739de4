// Stored JSON text: Go's HTML escaping, and the same value after a round trip.

import { describe, expect, it } from 'vitest';
import type { KObject } from '../api/types.js';
import { encodeText } from './codec.js';

describe('encodeText', () => {
  it('escapes <, >, & and U+2028/2029 as Go encoding/json does, keeping the value', () => {
    const obj: KObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', resourceVersion: '5' }, data: { cmd: 'a && b > c < d\u2028' } } as KObject;
    const text = encodeText(obj);
    expect(text).toBe('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"cmd":"a \\u0026\\u0026 b \\u003e c \\u003c d\\u2028"}}');
    expect(JSON.parse(text)).toEqual({ ...obj, metadata: { name: 'x' } });
    expect(obj.metadata.resourceVersion).toBe('5');
  });

  it('leaves text without those characters as JSON.stringify wrote it', () => {
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'y' }, data: { a: 'plain' } } as KObject;
    expect(encodeText(obj)).toBe(JSON.stringify(obj));
  });
});
