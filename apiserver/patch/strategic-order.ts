// Element order of merged lists in a strategic merge patch: patch order, live order and $setElementOrder combined.

import { PATCH } from './strategic-directives.js';
import {
  errBadArgType, errListOfLists, errNoMergeKey, errPatch, goType, goValue, isMap, type JsonMap,
} from './strategic-errors.js';

/** The Go type name of a list's elements: `map[string]interface {}` for objects, else `string`, `int64`, …. */
export type ElementKind = string;
const MAP_KIND = 'map[string]interface {}';

/** True when the element kind is "object". */
export const isMapKind = (kind: ElementKind): boolean => kind === MAP_KIND;

/**
 * The common element type of some lists (upstream sliceElementType): all elements must share one Go
 * type, lists of lists are refused, and at least one element must exist.
 */
export function elementKind(...lists: ReadonlyArray<readonly unknown[]>): ElementKind {
  let kind: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      const t = goType(v);
      if (kind === undefined && Array.isArray(v)) throw errListOfLists();
      if (v === null || (kind !== undefined && kind !== t)) {
        throw errPatch(`list element types are not identical: ${goValue(lists)}`);
      }
      kind = t;
    }
  }
  if (kind === undefined) throw errPatch('no elements in any of the given slices');
  return kind;
}

/** Index of the first map in `list` whose `key` equals `value`; throws on a non-map element met first. */
export function indexByKey(list: readonly unknown[], key: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (!isMap(v)) throw errPatch(`value for key ${i} is not a map`);
    if (Object.hasOwn(v, key) && v[key] === value) return i;
  }
  return -1;
}

/** Splits merged primitives into those listed in `by` and the rest (server-only). */
export function partitionPrimitives(merged: readonly unknown[], by: readonly unknown[]): [unknown[], unknown[]] {
  const inPatch = new Set(by);
  return [merged.filter((v) => inPatch.has(v)), merged.filter((v) => !inPatch.has(v))];
}

/** Splits merged maps into those whose merge key appears in `by` and the rest; every map needs the key. */
export function partitionMaps(merged: readonly unknown[], by: readonly unknown[], key: string): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of merged) {
    if (!isMap(v)) throw errBadArgType(MAP_KIND, v);
    if (!Object.hasOwn(v, key)) throw errNoMergeKey(v, key);
    (indexByKey(by, key, v[key]) >= 0 ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

function identity(v: unknown, key: string, kind: ElementKind): unknown {
  if (!isMapKind(kind)) return v;
  return isMap(v) && Object.hasOwn(v, key) ? v[key] : null;
}

function indexIn(list: readonly unknown[], item: unknown, key: string, kind: ElementKind): number {
  const id = identity(item, key, kind);
  return list.findIndex((v) => identity(v, key, kind) === id);
}

function requireMergeKey(key: string, ...lists: ReadonlyArray<readonly unknown[]>): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isMap(item)) throw errBadArgType(MAP_KIND, item);
      if (!Object.hasOwn(item, key)) throw errNoMergeKey(item, key);
    }
  }
}

/** Stable sort of `toSort` by position in `order`; `$patch: delete` items go last (upstream normalizeSliceOrder). */
function sortByOrder(toSort: readonly unknown[], order: readonly unknown[], key: string, kind: ElementKind): unknown[] {
  let keep = [...toSort];
  let deletes: unknown[] = [];
  if (isMapKind(kind)) {
    requireMergeKey(key, toSort, order);
    deletes = keep.filter((v) => (v as JsonMap)[PATCH] === 'delete');
    keep = keep.filter((v) => (v as JsonMap)[PATCH] !== 'delete');
  }
  const pos = keep.map((v) => indexIn(order, v, key, kind));
  const idx = keep.map((_, i) => i);
  idx.sort((a, b) => {
    const pa = pos[a] ?? -1;
    const pb = pos[b] ?? -1;
    return pa >= 0 && pb >= 0 ? pa - pb : 0;
  });
  return [...idx.map((i) => keep[i]), ...deletes];
}

/**
 * Interleaves server-only items (`left`) into patch items (`right`), both already sorted (upstream
 * mergeSortedSlice): a server-only item goes first only when both items are in the live list and it
 * comes earlier there. Items new to the live list therefore precede the remaining server-only items.
 */
function mergeSorted(left: readonly unknown[], right: readonly unknown[], serverOrder: readonly unknown[], key: string, kind: ElementKind): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) out.push(left[i++]);
    else if (i >= left.length) out.push(right[j++]);
    else {
      const li = indexIn(serverOrder, left[i], key, kind);
      const ri = indexIn(serverOrder, right[j], key, kind);
      out.push(li >= 0 && ri >= 0 && li < ri ? left[i++] : right[j++]);
    }
  }
  return out;
}

/**
 * Final order of a merged list (upstream normalizeElementOrder): patch items sorted by `patchOrder`,
 * server-only items by `serverOrder`, then interleaved.
 */
export function normalizeElementOrder(
  patchItems: readonly unknown[], serverOnly: readonly unknown[],
  patchOrder: readonly unknown[], serverOrder: readonly unknown[], key: string, kind: ElementKind,
): unknown[] {
  const p = sortByOrder(patchItems, patchOrder, key, kind);
  const s = sortByOrder(serverOnly, serverOrder, key, kind);
  return mergeSorted(s, p, serverOrder, key, kind);
}

function sameElement(a: unknown, b: unknown, key: string): boolean {
  if (!key) return a === b;
  if (!isMap(a)) throw errBadArgType(MAP_KIND, a);
  if (!isMap(b)) throw errBadArgType(MAP_KIND, b);
  if (!Object.hasOwn(a, key)) throw errNoMergeKey(a, key);
  if (!Object.hasOwn(b, key)) throw errNoMergeKey(b, key);
  return a[key] === b[key];
}

/**
 * Checks a `$setElementOrder` list against its patch list (upstream validatePatchWithSetOrderList): the
 * patch's non-deleted items must appear in the order list, in the same relative order.
 */
export function validateSetElementOrder(patchList: readonly unknown[], order: readonly unknown[], key: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (key) {
    for (const v of patchList) if (!isMap(v)) throw errBadArgType(MAP_KIND, v);
    items = patchList.filter((v) => (v as JsonMap)[PATCH] !== 'delete');
  }
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p];
    if (isMap(item) && Object.hasOwn(item, PATCH)) {
      p++;
      continue;
    }
    if (sameElement(item, order[o], key)) p++;
    o++;
  }
  if (p < items.length) {
    throw errPatch(`The order in patch list:\n${goValue(patchList)}\n doesn't match $setElementOrder list:\n${goValue(order)}\n`);
  }
}
