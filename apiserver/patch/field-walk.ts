// Walks objects as server-side apply does: the field set of a configuration, the difference of two objects, the merge.

import { atomicMap, childSchema, elementOf, listKind, liveElementOf, type ListKind } from './apply-schema.js';
import { FieldSet, fieldElement, pathString, type PathElement } from './field-set.js';
import { put } from './strategic-directives.js';
import type { SchemaNode } from './strategic-schema.js';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const absent = (v: unknown): boolean => v === undefined || v === null;

function granularMap(v: unknown, node: SchemaNode): v is Json {
  return isMap(v) && !atomicMap(node);
}

function granularList(v: unknown, node: SchemaNode): v is unknown[] {
  return Array.isArray(v) && listKind(node).type !== 'atomic';
}

/** A configuration that is no typed object: a keyed element without its key, or two elements with one key. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * The fields a configuration sets (structured-merge-diff ToFieldSet): every leaf, every atomic value, every
 * element of a keyed list or set; an empty object counts as a leaf. Nulls set nothing. Throws ConfigError for an
 * associative list element without its key or a duplicate element, with upstream's path and wording.
 */
export function toFieldSet(value: Json, schema: SchemaNode): FieldSet {
  const set = new FieldSet();
  walkMapFields(set, [], value, schema);
  return set;
}

function walkMapFields(set: FieldSet, path: PathElement[], m: Json, node: SchemaNode): void {
  for (const [k, v] of Object.entries(m)) {
    if (absent(v)) continue;
    walkValue(set, [...path, fieldElement(k)], v, childSchema(node, k));
  }
}

function walkValue(set: FieldSet, path: PathElement[], v: unknown, node: SchemaNode): void {
  if (granularList(v, node)) {
    const kind = listKind(node);
    const seen = new Set<PathElement>();
    v.forEach((item, i) => {
      const pe = elementOf(kind, item, i);
      if (pe === undefined && kind.type === 'map') {
        throw new ConfigError(`${pathString(path)}: element ${i}: associative list with keys has an element that omits key field ${JSON.stringify(kind.keys[0])} (and doesn't have default value)`);
      }
      if (pe === undefined || seen.has(pe)) throw new ConfigError(`${pathString(path)}: duplicate entries for key ${pathString([pe ?? ''])}`);
      seen.add(pe);
      const p = [...path, pe];
      set.insert(p);
      if (kind.type === 'map' && isMap(item)) walkMapFields(set, p, item, node);
    });
    return;
  }
  if (granularMap(v, node) && Object.keys(v).length > 0) walkMapFields(set, path, v, node);
  else set.insert(path);
}

/** What changed between two objects (structured-merge-diff Comparison), as sets of paths. */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * Compares two objects. Added and removed subtrees list every path in them (objects and lists included, so an
 * Update that creates a map owns the map, as upstream's `.: {}` shows); a leaf present in both with another value
 * is modified.
 */
export function compare(before: Json, after: Json, schema: SchemaNode): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compareMaps(c, [], before, after, schema);
  return c;
}

function compareMaps(c: Comparison, path: PathElement[], a: Json, b: Json, node: SchemaNode): void {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) compareValues(c, [...path, fieldElement(k)], a[k], b[k], childSchema(node, k));
}

function compareValues(c: Comparison, path: PathElement[], a: unknown, b: unknown, node: SchemaNode): void {
  if (absent(a) && absent(b)) return;
  if (absent(a)) return insertAll(c.added, path, b, node);
  if (absent(b)) return insertAll(c.removed, path, a, node);
  if (granularMap(a, node) && granularMap(b, node)) return compareMaps(c, path, a, b, node);
  if (granularList(a, node) && granularList(b, node)) return compareLists(c, path, a, b, node);
  if (JSON.stringify(a) !== JSON.stringify(b)) c.modified.insert(path);
}

function indexList(list: readonly unknown[], kind: ListKind): Map<PathElement, unknown> {
  const out = new Map<PathElement, unknown>();
  list.forEach((item, i) => {
    const pe = liveElementOf(kind, item, i);
    if (!out.has(pe)) out.set(pe, item);
  });
  return out;
}

function compareLists(c: Comparison, path: PathElement[], a: unknown[], b: unknown[], node: SchemaNode): void {
  const kind = listKind(node);
  const ia = indexList(a, kind);
  const ib = indexList(b, kind);
  for (const [pe, x] of ia) {
    const p = [...path, pe];
    if (!ib.has(pe)) insertAll(c.removed, p, x, node);
    else if (kind.type === 'map' && isMap(x) && isMap(ib.get(pe))) compareMaps(c, p, x, ib.get(pe) as Json, node);
  }
  for (const [pe, y] of ib) if (!ia.has(pe)) insertAll(c.added, [...path, pe], y, node);
}

function insertAll(set: FieldSet, path: PathElement[], v: unknown, node: SchemaNode): void {
  set.insert(path);
  if (granularList(v, node)) {
    const kind = listKind(node);
    v.forEach((item, i) => {
      const p = [...path, liveElementOf(kind, item, i)];
      if (kind.type === 'map' && isMap(item)) insertAll(set, p, item, node);
      else set.insert(p);
    });
  } else if (granularMap(v, node)) {
    for (const [k, x] of Object.entries(v)) if (!absent(x)) insertAll(set, [...path, fieldElement(k)], x, childSchema(node, k));
  }
}

/** A configuration value without its nulls (they set nothing). */
function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clean);
  if (!isMap(v)) return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v)) if (!absent(x)) put(out, k, clean(x));
  return out;
}

/**
 * Merges a configuration into a live object (structured-merge-diff Merge): objects key by key, keyed lists and
 * sets element by element (live-only elements keep their places, configured ones follow the configuration's
 * order), atomic values replaced. Pure: returns a new value.
 */
export function mergeApplied(live: Json, config: Json, schema: SchemaNode): Json {
  return mergeMaps(live, config, schema);
}

function mergeMaps(live: Json, config: Json, node: SchemaNode): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(live)) put(out, k, structuredClone(v));
  for (const [k, v] of Object.entries(config)) {
    if (absent(v)) continue;
    put(out, k, mergeValue(live[k], v, childSchema(node, k)));
  }
  return out;
}

function mergeValue(live: unknown, config: unknown, node: SchemaNode): unknown {
  if (absent(live)) return clean(config);
  if (granularMap(live, node) && granularMap(config, node)) return mergeMaps(live, config, node);
  if (granularList(live, node) && granularList(config, node)) return mergeLists(live, config, node);
  return clean(config);
}

function mergeLists(live: unknown[], config: unknown[], node: SchemaNode): unknown[] {
  const kind = listKind(node);
  const le = live.map((x, i) => liveElementOf(kind, x, i));
  const ce = config.map((x, i) => liveElementOf(kind, x, i));
  const inConfig = new Set(ce);
  const liveByKey = indexList(live, kind);
  const out: unknown[] = [];
  const done = new Set<PathElement>();
  let li = 0;
  let ri = 0;
  while (li < live.length || ri < config.length) {
    if (li < live.length && !inConfig.has(le[li]!)) {
      out.push(structuredClone(live[li++]));
      continue;
    }
    if (li < live.length && done.has(le[li]!)) {
      li++;
      continue;
    }
    if (ri >= config.length) {
      li++;
      continue;
    }
    const pe = ce[ri]!;
    const item = config[ri++];
    if (done.has(pe)) continue;
    done.add(pe);
    out.push(kind.type === 'map' ? mergeValue(liveByKey.get(pe), item, node) : clean(item));
  }
  return out;
}

/**
 * Removes the member paths of `remove` from an object in place, except paths with a member of `keep` at or under
 * them; shorter paths first (a removed list element takes its fields with it). An object or list emptied by a
 * removal goes too, unless `keep` owns something under it (upstream prunes the applier's named fields).
 */
export function removePaths(obj: Json, remove: FieldSet, keep: FieldSet, schema: SchemaNode): void {
  const paths = remove.paths().sort((a, b) => a.length - b.length);
  for (const p of paths) if (!keep.hasPrefix(p)) removeAt(obj, p, 0, schema, '', keep);
}

function removeAt(v: unknown, path: readonly PathElement[], i: number, node: SchemaNode, field: string, keep: FieldSet): void {
  const pe = path[i]!;
  const last = i === path.length - 1;
  if (pe.startsWith('f:') && isMap(v)) {
    const k = pe.slice(2);
    if (!Object.hasOwn(v, k)) return;
    if (last) {
      delete v[k];
      return;
    }
    const child = v[k];
    removeAt(child, path, i + 1, childSchema(node, k), k, keep);
    const emptied = (isMap(child) && Object.keys(child).length === 0) || (Array.isArray(child) && child.length === 0);
    if (emptied && !keep.hasPrefix(path.slice(0, i + 1))) delete v[k];
    return;
  }
  if (!Array.isArray(v)) return;
  const kind = listKind(node);
  const idx = v.findIndex((x, j) => liveElementOf(kind, x, j) === pe);
  if (idx < 0) return;
  if (last) v.splice(idx, 1);
  else removeAt(v[idx], path, i + 1, node, '', keep);
}

