// Table tests for JSON patch as the API server applies it: upstream's tolerances and its failure texts.

import { describe, expect, it } from 'vitest';
import { JsonPatchError, applyJsonPatch, type Operation } from './json-patch.js';

const doc = (): Record<string, unknown> => ({ metadata: { name: 'n', labels: { a: '1' } }, spec: { list: ['x', 'y'] } });

function failure(ops: Operation[]): string {
  try {
    applyJsonPatch(doc(), ops);
  } catch (e) {
    if (e instanceof JsonPatchError) return e.message;
    throw e;
  }
  throw new Error('expected the patch to fail');
}

describe('applyJsonPatch: what upstream applies', () => {
  it.each<[string, Operation[], unknown]>([
    ['add a key', [{ op: 'add', path: '/metadata/labels/b', value: '2' }], { ...doc(), metadata: { name: 'n', labels: { a: '1', b: '2' } } }],
    ['replace of a missing key of an object sets it (upstream tolerance)', [{ op: 'replace', path: '/metadata/labels/b', value: '2' }],
      { ...doc(), metadata: { name: 'n', labels: { a: '1', b: '2' } } }],
    ['test of a missing key against null passes (upstream tolerance)', [{ op: 'test', path: '/metadata/nope', value: null }], doc()],
    ['add at the end of a list with -', [{ op: 'add', path: '/spec/list/-', value: 'z' }], { ...doc(), spec: { list: ['x', 'y', 'z'] } }],
    ['remove a list element', [{ op: 'remove', path: '/spec/list/0' }], { ...doc(), spec: { list: ['y'] } }],
    ['move and copy', [{ op: 'copy', from: '/metadata/name', path: '/spec/n' }, { op: 'move', from: '/spec/n', path: '/spec/m' }],
      { ...doc(), spec: { list: ['x', 'y'], m: 'n' } }],
    ['operations see the results of earlier ones', [{ op: 'add', path: '/spec/o', value: {} }, { op: 'add', path: '/spec/o/k', value: 1 }],
      { ...doc(), spec: { list: ['x', 'y'], o: { k: 1 } } }],
  ])('%s', (_name, ops, want) => {
    expect(applyJsonPatch(doc(), ops)).toEqual(want);
  });
});

describe('applyJsonPatch: upstream failure texts', () => {
  it.each<[string, Operation[], string]>([
    ['a null operation', [null], 'Unexpected kind: unknown'],
    ['an unknown op', [{ op: 'frob', path: '/x' }], 'Unexpected kind: frob'],
    ['add without a path', [{ op: 'add', value: 1 }], 'add operation failed to decode path: missing value'],
    ['replace without a path', [{ op: 'replace', value: 1 }], 'replace operation failed to decode path: operation missing path field: missing value'],
    ['a path with a number', [{ op: 'test', path: 5, value: 1 }], 'test operation failed to decode path: json: cannot unmarshal number into Go value of type string'],
    ['add under a missing parent', [{ op: 'add', path: '/nope/x', value: 1 }], 'add operation does not apply: doc is missing path: "/nope/x": missing value'],
    ['add past the end of a list', [{ op: 'add', path: '/spec/list/5', value: 1 }], "error in add for path: '/spec/list/5': Unable to access invalid index: 5: invalid index referenced"],
    ['add at a list key that is no index', [{ op: 'add', path: '/spec/list/x', value: 1 }],
      "error in add for path: '/spec/list/x': value was not a proper array index: 'x': strconv.Atoi: parsing \"x\": invalid syntax"],
    ['remove of a missing key', [{ op: 'remove', path: '/metadata/nope' }], "error in remove for path: '/metadata/nope': Unable to remove nonexistent key: nope: missing value"],
    ['remove under a missing parent', [{ op: 'remove', path: '/nope/x' }], 'remove operation does not apply: doc is missing path: "/nope/x": missing value'],
    ['remove past the end of a list', [{ op: 'remove', path: '/spec/list/2' }], "error in remove for path: '/spec/list/2': Unable to access invalid index: 2: invalid index referenced"],
    ['replace under a missing parent', [{ op: 'replace', path: '/nope/x', value: 1 }], 'replace operation does not apply: doc is missing path: /nope/x: missing value'],
    ['replace past the end of a list', [{ op: 'replace', path: '/spec/list/9', value: 1 }], 'replace operation does not apply: doc is missing key: /spec/list/9: missing value'],
    ['a failed test', [{ op: 'test', path: '/metadata/name', value: 'm' }], 'testing value /metadata/name failed: test failed'],
    ['a test of a missing key', [{ op: 'test', path: '/metadata/nope', value: 'm' }], 'testing value /metadata/nope failed: test failed'],
    ['a test under a missing parent', [{ op: 'test', path: '/nope/x', value: 1 }], 'test operation does not apply: is missing path: /nope/x: missing value'],
    ['move from a missing key', [{ op: 'move', from: '/metadata/nope', path: '/x' }], "error in move for path: 'nope': Unable to remove nonexistent key: nope: missing value"],
    ['move from under a missing parent', [{ op: 'move', from: '/nope/x', path: '/x' }], 'move operation does not apply: doc is missing from path: /nope/x: missing value'],
    ['move to under a missing parent', [{ op: 'move', from: '/metadata/name', path: '/nope/x' }], 'move operation does not apply: doc is missing destination path: /nope/x: missing value'],
    ['copy from under a missing parent', [{ op: 'copy', from: '/nope/x', path: '/x' }], 'copy operation does not apply: doc is missing from path: /nope/x: missing value'],
    ['copy to under a missing parent', [{ op: 'copy', from: '/metadata/name', path: '/nope/x' }], 'copy operation does not apply: doc is missing destination path: /nope/x: missing value'],
    ['the second operation failing', [{ op: 'remove', path: '/metadata/labels' }, { op: 'add', path: '/metadata/labels/b', value: '2' }],
      'add operation does not apply: doc is missing path: "/metadata/labels/b": missing value'],
  ])('%s', (_name, ops, message) => {
    expect(failure(ops)).toBe(message);
  });
});
