// Unknown and duplicate fields against the generated schemas, worded and ordered as sigs.k8s.io/json reports them.

import { describe, expect, it } from 'vitest';
import { R } from '../api/resources.js';
import { FIELD_TREES, FREE, JSON_PATCH_OPERATIONS, type FieldNode } from './field-tree.js';
import { countTextKeys, dropUnknownFields, goQuote, strictDecodingErrors } from './strict-decoding.js';

const POD = FIELD_TREES.ofKind(R.pods)!;
const REVISION = FIELD_TREES.ofKind(R.controllerrevisions)!;
const DAEMONSET = FIELD_TREES.ofKind(R.daemonsets)!;

/** Decodes JSON text as the server does: parsed value plus its bytes. */
function check(node: FieldNode, text: string, prune = false): { errs: string[]; value: unknown } {
  const value = JSON.parse(text) as unknown;
  return { errs: strictDecodingErrors(node, value, Buffer.from(text), prune), value };
}

const containers = '"containers":[{"name":"c","image":"i"}]';

describe('unknown fields', () => {
  it.each([
    ['none', `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"any":"x"}},"spec":{${containers}}}`, []],
    ['top level', `{"kind":"Pod","bogus":1}`, ['unknown field "bogus"']],
    ['in a struct', `{"spec":{"bogusField":1,${containers}}}`, ['unknown field "spec.bogusField"']],
    ['in a list element', `{"spec":{"containers":[{"name":"a"},{"name":"b","bogus":true}]}}`, ['unknown field "spec.containers[1].bogus"']],
    ['deep', `{"spec":{"containers":[{"name":"a","env":[{"name":"E","valueFrom":{"fieldRef":{"fieldPath":"x","nope":1}}}]}]}}`, ['unknown field "spec.containers[0].env[0].valueFrom.fieldRef.nope"']],
    ['several, in document order', `{"zeta":1,"spec":{"b":1,"a":2},"alpha":3}`, ['unknown field "zeta"', 'unknown field "spec.b"', 'unknown field "spec.a"', 'unknown field "alpha"']],
    ['case matters', `{"Spec":{}}`, ['unknown field "Spec"']],
    ['the value of an unknown field is not read', `{"bogus":{"a":1,"a":2,"b":{"c":1}}}`, ['unknown field "bogus"']],
    ['maps take any key', `{"metadata":{"annotations":{"x":"1","y":"2"}},"spec":{"nodeSelector":{"k":"v"},${containers}}}`, []],
    ['a null value of a known field', `{"spec":null,"metadata":null}`, []],
    ['a value of the wrong type is left to the type checks', `{"spec":{"containers":"nope","securityContext":[1]}}`, []],
    ['quantities and int-or-strings are opaque', `{"spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":"1"}},"readinessProbe":{"httpGet":{"port":"http"}}}]}}`, []],
  ])('%s', (_name, text, want) => {
    expect(check(POD, text).errs).toEqual(want);
  });

  it('RawExtension content is not checked (ControllerRevision data)', () => {
    expect(check(REVISION, '{"revision":1,"data":{"spec":{"template":{"anything":1,"$patch":"replace"}}}}').errs).toEqual([]);
  });

  it('a struct inside a map value is checked (DaemonSet template labels stay free)', () => {
    expect(check(DAEMONSET, '{"spec":{"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","foo":1}]}}}}').errs).toEqual([
      'unknown field "spec.template.spec.containers[0].foo"',
    ]);
  });

  it('prune deletes unknown fields and keeps the rest', () => {
    const { value } = check(POD, `{"kind":"Pod","bogus":1,"spec":{"x":1,${containers}}}`, true);
    expect(value).toEqual({ kind: 'Pod', spec: { containers: [{ name: 'c', image: 'i' }] } });
  });

  it('reports each error once and at most 100', () => {
    expect(check(POD, '{"bogus":1,"bogus":2}').errs).toEqual(['unknown field "bogus"']);
    const many = `{${Array.from({ length: 150 }, (_, i) => `"f${i}":1`).join(',')}}`;
    expect(check(POD, many).errs).toHaveLength(100);
  });
});

describe('duplicate fields (seen in the text only)', () => {
  it.each([
    ['top level', `{"kind":"Pod","kind":"Pod"}`, ['duplicate field "kind"']],
    ['nested struct', `{"spec":{${containers},"hostNetwork":true,"hostNetwork":false}}`, ['duplicate field "spec.hostNetwork"']],
    ['map key', `{"metadata":{"labels":{"a":"1","a":"2"}}}`, ['duplicate field "metadata.labels.a"']],
    ['in a list element', `{"spec":{"containers":[{"name":"c","name":"d"}]}}`, ['duplicate field "spec.containers[0].name"']],
    ['both values are read', `{"spec":{"containers":[{"x":1}]},"spec":{"containers":[{"y":1}]}}`, ['unknown field "spec.containers[0].x"', 'duplicate field "spec"', 'unknown field "spec.containers[0].y"']],
    ['mixed, in document order', `{"a":1,"metadata":{"name":"x","name":"y"},"b":2}`, ['unknown field "a"', 'duplicate field "metadata.name"', 'unknown field "b"']],
    ['escaped keys', `{"metadata":{"labels":{"a\\"b":"1","a\\"b":"2"}}}`, ['duplicate field "metadata.labels.a\\"b"']],
    ['not inside RawExtension-like opaque values', `{"metadata":{"managedFields":[{"fieldsV1":{"f:a":{},"f:a":{}}}]}}`, []],
  ])('%s', (_name, text, want) => {
    expect(check(POD, text).errs).toEqual(want);
  });

  it('patches decode into interface{}: duplicates anywhere, no unknown fields', () => {
    expect(check(FREE, '{"spec":{"x":1,"x":2,"list":[{"k":1,"k":2}]}}').errs).toEqual(['duplicate field "spec.x"', 'duplicate field "spec.list[0].k"']);
    expect(check(FREE, '{"anything":{"goes":1}}').errs).toEqual([]);
  });

  it('JSON patch operations: only op, path, from and value', () => {
    expect(check(JSON_PATCH_OPERATIONS, '[{"op":"add","path":"/a","value":{"x":1,"x":2}},{"op":"remove","path":"/b","foo":1}]').errs).toEqual([
      'duplicate field "[0].value.x"',
      'unknown field "[1].foo"',
    ]);
  });

  it('counts keys in text: strings followed by a colon, escapes and whitespace understood', () => {
    expect(countTextKeys(Buffer.from('{"a":1, "b" : {"c\\"":"d:\\"e\\":"}, "f":[{"g":"h"}]}'))).toBe(5);
    expect(countTextKeys(Buffer.from('["a:", "b"]'))).toBe(0);
  });
});

describe('goQuote', () => {
  it('quotes as strconv.Quote does', () => {
    expect(goQuote('spec.bogus')).toBe('"spec.bogus"');
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote('tab\there\nnl\u0001')).toBe('"tab\\there\\nnl\\x01"');
    expect(goQuote('ünïcode')).toBe('"ünïcode"');
  });
});

describe('dropUnknownFields (fieldValidation=Ignore)', () => {
  it.each([
    ['top level and deep', `{"kind":"Pod","bogus":1,"spec":{"x":{"y":1},"containers":[{"name":"a","nope":[1]}]}}`],
    ['maps keep every key', `{"metadata":{"labels":{"any":"x"}},"spec":{"nodeSelector":{"k":"v"}}}`],
    ['opaque values are kept whole', `{"spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":"1"}}}]}}`],
    ['wrong types are left alone', `{"spec":{"containers":"nope","securityContext":[1]}}`],
  ])('%s: drops exactly what the strict walk reports', (_name, text) => {
    const pruned = JSON.parse(text) as unknown;
    dropUnknownFields(POD, pruned);
    expect(pruned).toEqual(check(POD, text, true).value);
    expect(strictDecodingErrors(POD, pruned)).toEqual([]);
  });
});
