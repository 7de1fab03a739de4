// Repeated keys in YAML and JSON bodies, listed as go-yaml's strict decoder lists them.

import { describe, expect, it } from 'vitest';
import { parseYamlKeepingDuplicates } from './body.js';

const parse = (text: string): { value: unknown; duplicates: string[] } => parseYamlKeepingDuplicates(Buffer.from(text));

describe('parseYamlKeepingDuplicates', () => {
  it.each([
    ['none', 'a: 1\nb: 2\n', { a: 1, b: 2 }, []],
    ['compact JSON: everything on line 1, last value wins', '{"a":1,"b":{"c":1,"c":2},"a":3}', { a: 3, b: { c: 2 } }, ['line 1: key "c" already set in map', 'line 1: key "a" already set in map']],
    ['block YAML: the line of the repeated value', 'metadata:\n  name: x\n  name: y\nspec: {}\n', { metadata: { name: 'y' }, spec: {} }, ['line 3: key "name" already set in map']],
    ['a repeated key holding a block: the line its value starts on', 'a: 1\na:\n  b: 2\n', { a: { b: 2 } }, ['line 3: key "a" already set in map']],
    ['inside list elements', 'items:\n- k: 1\n  k: 2\n', { items: [{ k: 2 }] }, ['line 3: key "k" already set in map']],
    ['keys are Go-quoted', '"a\\"b": 1\n"a\\"b": 2\n', { 'a"b': 2 }, ['line 2: key "a\\"b" already set in map']],
  ])('%s', (_name, text, value, duplicates) => {
    expect(parse(text)).toEqual({ value, duplicates });
  });
});
