// Keys given twice in a YAML (or JSON) document, reported as go-yaml's strict decoder reports them.

import type { Document } from 'yaml';
import { yamlLib } from '../api/yaml-lib.js';
import { goQuote } from '../openapi/strict-decoding.js';

/** 1-based line of each offset, found by counting newlines (built only when a duplicate is reported). */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** `%#v` of a decoded key: Go-quoted for strings, plain otherwise. */
function keyText(key: unknown): string {
  const { isScalar } = yamlLib();
  const v = isScalar(key) ? key.value : key;
  return typeof v === 'string' ? goQuote(v) : String(v);
}

/**
 * `line N: key "k" already set in map` for each repeated key, in go-yaml v2's order: a pair's value is decoded (and
 * its own repeats reported) before the pair is stored, and the line is the value's (yaml.v2 decoder setMapIndex).
 */
export function duplicateKeys(doc: Document, text: string): string[] {
  const { isMap, isScalar, isSeq } = yamlLib();
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (isSeq(node)) {
      for (const item of node.items) visit(item);
      return;
    }
    if (!isMap(node)) return;
    const seen = new Set<unknown>();
    for (const pair of node.items) {
      visit(pair.value);
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (!seen.has(key)) {
        seen.add(key);
        continue;
      }
      const at = (isScalar(pair.value) || isMap(pair.value) || isSeq(pair.value) ? pair.value.range?.[0] : undefined) ?? (isScalar(pair.key) ? pair.key.range?.[0] : undefined) ?? 0;
      out.push(`line ${lineOf(text, at)}: key ${keyText(pair.key)} already set in map`);
    }
  };
  visit(doc.contents);
  return out;
}
