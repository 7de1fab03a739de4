// How server-side apply sees each field: associative lists and their keys, sets, atomic values (from the patch table).

import { keyElement, valueElement, type PathElement } from './field-set.js';
import { fieldSchema, type SchemaNode } from './strategic-schema.js';

/** A list as server-side apply treats it (`x-kubernetes-list-type`). */
export type ListKind = { type: 'map'; keys: readonly string[] } | { type: 'set' } | { type: 'atomic' };

/*
 * Assumptions: the list-map keys are the patch merge keys of the strategic table, except where the Kubernetes
 * 1.32 schemas declare more keys (`x-kubernetes-list-map-keys`): container ports and service ports add
 * `protocol` (defaulted to TCP), topology spread constraints add `whenUnsatisfiable`. Merge lists of
 * primitives are sets; every other list is atomic. Label selectors, service selectors and node selectors are
 * atomic maps (`x-kubernetes-map-type: atomic`).
 */
const EXTRA_KEYS: Readonly<Record<string, readonly string[]>> = {
  containerPort: ['containerPort', 'protocol'],
  port: ['port', 'protocol'],
  topologyKey: ['topologyKey', 'whenUnsatisfiable'],
};
const KEY_DEFAULTS: Readonly<Record<string, unknown>> = { protocol: 'TCP' };
const ATOMIC_MAPS = new Set(['selector', 'nodeSelector']);

/** The list kind of a field whose schema is `node`. */
export function listKind(node: SchemaNode): ListKind {
  if (node.strategy !== 'merge') return { type: 'atomic' };
  if (!node.mergeKey) return { type: 'set' };
  return { type: 'map', keys: EXTRA_KEYS[node.mergeKey] ?? [node.mergeKey] };
}

/** Whether a map-valued field is atomic (owned and replaced as a whole). */
export function atomicMap(field: string): boolean {
  return ATOMIC_MAPS.has(field);
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
