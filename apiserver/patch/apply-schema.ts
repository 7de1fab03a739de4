// How server-side apply sees each field: associative lists and their keys, sets, atomic values (from the patch table).

import { keyElement, valueElement, type PathElement } from './field-set.js';
import { applyShapeOf } from '../api/merge-schema.js';
import { fieldSchema, type SchemaNode } from './strategic-schema.js';

/** A list as server-side apply treats it (`x-kubernetes-list-type`). */
export type ListKind = { type: 'map'; keys: readonly string[] } | { type: 'set' } | { type: 'atomic' };

/*
 * Assumptions: list types, list-map keys and map types are the `x-kubernetes-*` extensions of the Kubernetes 1.32
 * schemas (apiserver/api list-metadata.ts, the table the strategic merge patch and the OpenAPI documents read too).
 * A list without a list type is atomic; a map without a map type is granular. A missing `protocol` key takes its
 * default, TCP (container and service ports).
 */
const KEY_DEFAULTS: Readonly<Record<string, unknown>> = { protocol: 'TCP' };

/** The list kind of a field whose schema is `node`. */
export function listKind(node: SchemaNode): ListKind {
  const shape = applyShapeOf(node);
  if (shape.listType === 'set') return { type: 'set' };
  if (shape.listType === 'map' && shape.listMapKeys?.length) return { type: 'map', keys: shape.listMapKeys };
  return { type: 'atomic' };
}

/** Whether a map-valued field is atomic (owned and replaced as a whole). */
export function atomicMap(node: SchemaNode): boolean {
  return applyShapeOf(node).mapType === 'atomic';
}

/** The schema of a child field. */
export const childSchema = fieldSchema;

/**
 * The path element of one list element: its keys for an associative list (a missing key with a default takes
 * the default), its value for a set; undefined for an element of an associative list without its first key.
 */
export function elementOf(kind: ListKind, item: unknown, index: number): PathElement | undefined {
  if (kind.type === 'set') return valueElement(item);
  if (kind.type !== 'map' || item === null || typeof item !== 'object' || Array.isArray(item)) return `i:${index}`;
  const keys: Record<string, unknown> = {};
  for (const k of kind.keys) {
    const v = (item as Record<string, unknown>)[k];
    if (v !== undefined && v !== null) keys[k] = v;
    else if (Object.hasOwn(KEY_DEFAULTS, k)) keys[k] = KEY_DEFAULTS[k];
    else if (k === kind.keys[0]) return undefined;
  }
  return keyElement(keys);
}

/** The element of a live list: as {@link elementOf}, an element without its key named by its index. */
export function liveElementOf(kind: ListKind, item: unknown, index: number): PathElement {
  return elementOf(kind, item, index) ?? `i:${index}`;
}
