// Table tests for pod status writes: JSON structural equality and the merge patch that turns one status into another.

import { describe, expect, it } from 'vitest';
import { jsonEqual, statusPatch } from './status-patch.js';

describe('jsonEqual', () => {
  it.each<[string, unknown, unknown, boolean]>([
    ['equal strings', 'a', 'a', true],
    ['different strings', 'a', 'b', false],
    ['number vs string', 1, '1', false],
    ['null vs null', null, null, true],
    ['null vs object', null, {}, false],
    ['object vs null', {}, null, false],
    ['undefined vs null', undefined, null, false],
    ['key order ignored', { a: 1, b: { c: [1, 2], d: 'x' } }, { b: { d: 'x', c: [1, 2] }, a: 1 }, true],
    ['a nested difference', { a: { b: { c: 1 } } }, { a: { b: { c: 2 } } }, false],
    ['an extra key', { a: 1 }, { a: 1, b: 2 }, false],
    ['a missing key', { a: 1, b: 2 }, { a: 1 }, false],
    ['an undefined-valued key counts as absent', { a: 1, b: undefined }, { a: 1 }, true],
    ['an undefined-valued key counts as absent (other side)', { a: 1 }, { a: 1, b: undefined }, true],
    ['same keys, one undefined, other null', { a: undefined }, { a: null }, false],
    ['array order matters', [1, 2], [2, 1], false],
    ['array lengths differ', [1, 2], [1, 2, 3], false],
    ['equal arrays of objects', [{ a: 1 }, { b: [true] }], [{ a: 1 }, { b: [true] }], true],
    ['array vs object with index keys', [1], { 0: 1 }, false],
    ['object vs array', {}, [], false],
    ['empty objects', {}, {}, true],
  ])('%s', (_name, a, b, want) => {
    expect(jsonEqual(a, b)).toBe(want);
    expect(jsonEqual(b, a)).toBe(want);
  });
});

describe('statusPatch', () => {
  it.each<[string, Record<string, unknown> | undefined, Record<string, unknown>, Record<string, unknown>]>([
    ['no current status: the wanted status as is', undefined, { phase: 'Pending' }, { phase: 'Pending' }],
    ['an empty current status', {}, { phase: 'Running', podIP: '10.0.0.1' }, { phase: 'Running', podIP: '10.0.0.1' }],
    [
      'a top-level field that must go is nulled',
      { phase: 'Running', podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }], nominatedNodeName: 'n1' },
      { phase: 'Failed' },
      { phase: 'Failed', podIP: null, podIPs: null, nominatedNodeName: null },
    ],
    [
      'lists are sent whole (a merge patch replaces them), nested fields are not nulled one by one',
      { conditions: [{ type: 'Ready', status: 'True', reason: 'x' }], containerStatuses: [{ name: 'a' }, { name: 'b' }] },
      { conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'a' }] },
      { conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'a' }] },
    ],
    ['kept fields are repeated unchanged', { phase: 'Running', qosClass: 'BestEffort' }, { phase: 'Running', qosClass: 'BestEffort' }, { phase: 'Running', qosClass: 'BestEffort' }],
  ])('%s', (_name, current, wanted, status) => {
    expect(statusPatch('uid-1', current, wanted)).toEqual({ metadata: { uid: 'uid-1' }, status });
  });

  it('carries the pod uid as the precondition', () => {
    expect(statusPatch('0b7c-uid', {}, {}).metadata).toEqual({ uid: '0b7c-uid' });
  });

  it('does not change its inputs', () => {
    const current = { phase: 'Running', podIP: '1.2.3.4' };
    const wanted = { phase: 'Succeeded' };
    statusPatch('u', current, wanted);
    expect(current).toEqual({ phase: 'Running', podIP: '1.2.3.4' });
    expect(wanted).toEqual({ phase: 'Succeeded' });
  });
});
