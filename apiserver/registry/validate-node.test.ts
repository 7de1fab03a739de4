// Table tests for Node spec.taints validation (upstream validateNodeTaints).

import { describe, expect, it } from 'vitest';
import { fieldErrorString } from '../api/status.js';
import { validateNodeTaints } from './validate-node.js';

describe('validateNodeTaints', () => {
  it.each<[string, unknown[], string[]]>([
    ['valid', [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, { key: 'dedicated', value: 'gpu', effect: 'NoExecute' }], []],
    ['no effect', [{ key: 'k' }], ['spec.taints[0].effect: Required value']],
    ['an unknown effect', [{ key: 'k', effect: 'NoAdmit' }], ['spec.taints[0].effect: Unsupported value: "NoAdmit": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"']],
    ['the same key and effect twice', [{ key: 'k', value: 'a', effect: 'NoSchedule' }, { key: 'k', value: 'b', effect: 'NoSchedule' }], [
      'spec.taints[1]: Duplicate value: core.Taint{Key:"k", Value:"b", Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair',
    ]],
    ['no key', [{ effect: 'NoSchedule' }], [
      "spec.taints[0].key: Invalid value: \"\": name part must be non-empty",
      "spec.taints[0].key: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]],
    ['a bad value', [{ key: 'k', value: 'a b', effect: 'NoSchedule' }], [
      "spec.taints[0].value: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]],
  ])('%s', (_name, taints, want) => {
    expect(validateNodeTaints({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec: { taints } }).map(fieldErrorString)).toEqual(want);
  });
});
