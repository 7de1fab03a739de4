// List merging in a strategic merge patch: merge-key lists, primitive sets, $patch list directives, $setElementOrder.

import { DELETE_FROM, PATCH, SET_ORDER, directiveField, put, stripList, stripMap } from './strategic-directives.js';
import { errBadArgType, errNoMergeKey, errPatch, errUnknownPatchType, type JsonMap } from './strategic-errors.js';
import {
  elementKind, indexByKey, isMapKind, normalizeElementOrder, partitionMaps, partitionPrimitives, validateSetElementOrder,
} from './strategic-order.js';
import { fieldSchema, type SchemaNode } from './strategic-schema.js';

/** Merges one patch map into one live map (the map half of the engine, passed in to avoid an import cycle). */
export type MergeMapFn = (original: JsonMap, patch: JsonMap, schema: SchemaNode) => JsonMap;

interface Split {
  original: unknown[];
  patch: JsonMap[];
}

/**
 * Applies the `$patch` elements of a merge-key list (upstream mergeSliceWithSpecialElements):
 * `delete` removes every live element with that key, `replace` makes the remaining patch elements the
 * whole list, `merge` and anything else are refused.
 */
function applyListDirectives(original: readonly unknown[], patch: readonly JsonMap[], key: string): Split {
  let live = [...original];
  const rest: JsonMap[] = [];
  let replace = false;
  for (const v of patch) {
    if (!Object.hasOwn(v, PATCH)) {
      rest.push(v);
      continue;
    }
    const directive = v[PATCH];
    if (directive === 'delete') {
      if (!Object.hasOwn(v, key)) throw errNoMergeKey(v, key);
      for (let i = indexByKey(live, key, v[key]); i >= 0; i = indexByKey(live, key, v[key])) live.splice(i, 1);
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw errPatch('merging lists cannot yet be specified in the patch');
    } else {
      throw errUnknownPatchType(directive, v);
    }
  }
  return replace ? { original: rest.map(stripMap), patch: [] } : { original: live, patch: rest };
}

/** Merges patch elements into live ones with the same key; new ones are added (upstream mergeSliceWithoutSpecialElements). */
function mergeElements(split: Split, key: string, schema: SchemaNode, mergeMap: MergeMapFn): unknown[] {
  const out = [...split.original];
  for (const v of split.patch) {
    if (!Object.hasOwn(v, key)) throw errNoMergeKey(v, key);
    const i = indexByKey(out, key, v[key]);
    if (i >= 0) out[i] = mergeMap(out[i] as JsonMap, v, schema);
    else out.push(stripMap(v));
  }
  return out;
}

/** Upstream mergeSlice: a `merge` list (or a `$deleteFromPrimitiveList` list) merged into the live one. */
function mergeList(original: unknown[], patch: unknown[], schema: SchemaNode, isDeleteList: boolean, mergeMap: MergeMapFn): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  if (!isMapKind(kind)) {
    if (isDeleteList) return original.filter((v) => !patch.includes(v));
    const merged = [...new Set([...original, ...patch])];
    const [inPatch, serverOnly] = partitionPrimitives(merged, patch);
    return normalizeElementOrder(inPatch, serverOnly, patch, original, '', kind);
  }
  const key = schema.mergeKey ?? '';
  if (!key) throw errPatch('cannot merge lists without merge key for struct');
  const split = applyListDirectives(original, patch as JsonMap[], key);
  const merged = mergeElements(split, key, schema, mergeMap);
  const [inPatch, serverOnly] = partitionMaps(merged, split.patch, key);
  return normalizeElementOrder(inPatch, serverOnly, split.patch, split.original, key, kind);
}

/**
 * A list present in both the live object and the patch (upstream mergeSliceHandler): merged when the
 * field's strategy is `merge` or the patch key was `$deleteFromPrimitiveList/…`, otherwise replaced.
 */
export function mergeListField(original: unknown[], patch: unknown[], schema: SchemaNode, isDeleteList: boolean, mergeMap: MergeMapFn): unknown[] {
  if (schema.strategy === 'merge' || isDeleteList) return mergeList(original, patch, schema, isDeleteList, mergeMap);
  return stripList(patch);
}

function asList(v: unknown): unknown[] {
  if (!Array.isArray(v)) throw errBadArgType('[]interface {}', v);
  return v;
}

/** One `$setElementOrder/<field>` (upstream mergePatchIntoOriginal, server side): merge the list, then order it. */
function applyOneOrder(original: JsonMap, patch: JsonMap, field: string, order: unknown[], schema: SchemaNode, mergeMap: MergeMapFn): void {
  const hasLive = Object.hasOwn(original, field);
  const hasPatch = Object.hasOwn(patch, field);
  const live = hasLive ? asList(original[field]) : [];
  const patchList = hasPatch ? asList(patch[field]) : [];
  const sub = fieldSchema(schema, field);
  const key = sub.mergeKey ?? '';
  validateSetElementOrder(patchList, order, key);
  let merged: unknown[];
  if (hasLive && hasPatch) merged = mergeListField(live, patchList, sub, false, mergeMap);
  else if (hasLive) merged = live;
  else if (hasPatch) merged = stripList(patchList);
  else return;
  const [inOrder, serverOnly] = key ? partitionMaps(merged, order, key) : partitionPrimitives(merged, order);
  const kind = elementKind(live, patchList);
  put(original, field, normalizeElementOrder(inOrder, serverOnly, order, live, key, kind));
  delete patch[field];
}

/**
 * Processes every `$setElementOrder/<field>` of a patch map before the other keys; the directive and
 * the list it orders are removed from the patch so the main pass does not merge them again.
 */
export function applySetElementOrders(original: JsonMap, patch: JsonMap, schema: SchemaNode, mergeMap: MergeMapFn): void {
  for (const [dkey, order] of Object.entries(patch)) {
    if (!dkey.startsWith(SET_ORDER)) continue;
    delete patch[dkey];
    if (!Array.isArray(order)) throw errBadArgType('[]interface {}', order);
    applyOneOrder(original, patch, directiveField(dkey, SET_ORDER), order, schema, mergeMap);
  }
}

/** Whether a patch key is `$deleteFromPrimitiveList/<field>`; returns the field, or undefined. */
export function deleteListField(key: string): string | undefined {
  return key.startsWith(DELETE_FROM) ? directiveField(key, DELETE_FROM) : undefined;
}
