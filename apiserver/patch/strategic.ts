// Strategic merge patch (application/strategic-merge-patch+json) applied to a live object, as the API server does.

import { badRequest } from '../api/status.js';
import { PATCH, RETAIN_KEYS, DELETE_FROM, SET_ORDER, put, stripMap, stripValue } from './strategic-directives.js';
import { errRetainKeysFormat, errUnknownPatchType, isMap, type JsonMap } from './strategic-errors.js';
import { applySetElementOrders, deleteListField, mergeListField } from './strategic-list.js';
import { fieldSchema, type SchemaNode } from './strategic-schema.js';

export type { SchemaNode } from './strategic-schema.js';
export { fieldSchema, hasStrategicSchema, schemaAt, schemaFor } from './strategic-schema.js';

/*
 * Assumptions / Invariants — the server half of k8s.io/apimachinery pkg/util/strategicpatch
 * (StrategicMergeMapPatch: MergeParallelList and IgnoreUnmatchedNulls both on), Kubernetes 1.32:
 *
 * - Maps merge key by key; a null patch value deletes the key (and never lands in the result).
 * - A patch map with `$patch: replace` replaces the live map (directive stripped); `$patch: delete`
 *   yields an EMPTY map, not a missing key; any other `$patch` value on a map (including `merge`) is
 *   refused with "unknown patch type: X in map: map[...]".
 * - `$retainKeys: [...]` is honoured wherever it appears (upstream does not consult the schema): live
 *   keys not listed are cleared before the merge, and a non-null patch key that is not listed is refused.
 * - `$setElementOrder/<f>` lists are processed before the other keys of the same map: the list <f> is
 *   merged, then ordered with precedence $setElementOrder > patch order > live order.
 * - Lists with strategy `merge` merge by merge key (maps) or as ordered sets (primitives). Without
 *   `$setElementOrder`, patch items keep the patch's order and items new to the live list are placed
 *   BEFORE the remaining live-only items (upstream mergeSortedSlice), not appended.
 * - In a merge-key list, `{"$patch":"delete", key: v}` removes every live element with that key;
 *   `{"$patch":"replace"}` makes the other patch elements the whole list; `{"$patch":"merge"}` is refused.
 * - `$deleteFromPrimitiveList/<f>` removes values from live list <f> whatever its strategy; it never
 *   creates <f>.
 * - Lists without a strategy, and values whose JSON type differs from the live one, are replaced.
 * - A value with no live counterpart is taken verbatim minus null map values and minus nested maps that
 *   carry `$patch` (upstream removeDirectives); kubeling also strips the other directive keys there,
 *   where upstream relies on its typed decoder to drop them. Directives never reach the result.
 * - Errors keep upstream's wording. Upstream answers the format errors (retainKeys, setElementOrder,
 *   primitive list) with 400 and the rest with a reason-less 500; kubeling answers all of them with 400
 *   BadRequest (DESIGN §6: bad input is a 4xx), except lists of lists (422, as upstream).
 * - Pure: both inputs are cloned first; the algorithm then works in place on the clones.
 */

/** Upstream handleDirectiveInMergeMap: a patch map carrying `$patch`. */
function mapDirective(patch: JsonMap): JsonMap {
  const directive = patch[PATCH];
  if (directive === 'replace') {
    const rest: JsonMap = { ...patch };
    delete rest[PATCH];
    return stripMap(rest);
  }
  if (directive === 'delete') return {};
  throw errUnknownPatchType(directive, patch);
}

/** Upstream applyRetainKeysDirective (server side). */
function applyRetainKeys(original: JsonMap, patch: JsonMap): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw errRetainKeysFormat();
  const keep = new Set<unknown>(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM) || k.startsWith(SET_ORDER)) continue;
    if (!keep.has(k)) throw errRetainKeysFormat();
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** Sets a key to a patch value taken verbatim (cleaned), or removes it when upstream would drop the value. */
function takeVerbatim(original: JsonMap, key: string, value: unknown): void {
  const v = stripValue(value);
  if (v === undefined) delete original[key];
  else put(original, key, v);
}

const jsonType = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** One key of a patch map merged into the live map (the loop body of upstream mergeMap). */
function mergeField(original: JsonMap, patchKey: string, value: unknown, schema: SchemaNode): void {
  const deleteFrom = deleteListField(patchKey);
  const key = deleteFrom ?? patchKey;
  const isDeleteList = deleteFrom !== undefined;
  if (value === null) {
    delete original[key];
    return;
  }
  const live = original[key];
  if (!Object.hasOwn(original, key) || jsonType(live) !== jsonType(value)) {
    if (!isDeleteList) takeVerbatim(original, key, value);
    return;
  }
  const sub = fieldSchema(schema, key);
  if (isMap(live) && isMap(value)) {
    put(original, key, sub.strategy === 'replace' ? stripMap(value) : mergeMap(live, value, sub));
  } else if (Array.isArray(live) && Array.isArray(value)) {
    put(original, key, mergeListField(live, value, sub, isDeleteList, mergeMap));
  } else {
    put(original, key, value);
  }
}

/** Upstream mergeMap: merges `patch` into `original` in place and returns the result. */
function mergeMap(original: JsonMap, patch: JsonMap, schema: SchemaNode): JsonMap {
  if (Object.hasOwn(patch, PATCH)) return mapDirective(patch);
  applyRetainKeys(original, patch);
  applySetElementOrders(original, patch, schema, mergeMap);
  for (const [key, value] of Object.entries(patch)) mergeField(original, key, value, schema);
  return original;
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/**
 * Applies a strategic merge patch to a live object and returns the patched object.
 *
 * @param original the live object (a JSON object; anything else is treated as `{}`)
 * @param patch the decoded request body; `null` changes nothing, a non-object is a 400
 * @param schema the kind's patch strategies, usually from {@link schemaFor}
 * @throws ApiError BadRequest (or Invalid for lists of lists) for a malformed patch, worded as upstream
 *
 * Pure: neither argument is modified and the result shares no structure with them.
 */
export function strategicMergePatch(original: unknown, patch: unknown, schema: SchemaNode): unknown {
  const live: JsonMap = isMap(original) ? structuredClone(original) : {};
  if (patch === null || patch === undefined) return live;
  if (!isMap(patch)) {
    throw badRequest(`json: cannot unmarshal ${jsonKind(patch)} into Go value of type map[string]interface {}`);
  }
  return mergeMap(live, structuredClone(patch), schema);
}
