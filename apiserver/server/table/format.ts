// Cell formatting helpers shared by the printers: labels, selectors, container lists, safe field reads.

import type { Container } from 'kubernetes-types/core/v1.js';
import type { KObject } from '../../api/types.js';
import { translateTimestampSince } from '../../api/duration.js';

/** `metav1.FormatLabelSelector` (`app=web,tier in (a,b)`, `<none>`, `<error>`), shared with the API helpers. */
export { formatLabelSelector } from '../../api/labels.js';

/** The array itself, or `[]` for anything that is not an array (absent, null, malformed). */
export function asArray<T>(x: readonly T[] | null | undefined): readonly T[] {
  return Array.isArray(x) ? x : [];
}

/** A string field, or `''` as Go's zero value. */
export function str(x: unknown): string {
  return typeof x === 'string' ? x : '';
}

/** An integer field, or `0` as Go's zero value. */
export function num(x: unknown): number {
  return typeof x === 'number' && Number.isFinite(x) ? x : 0;
}

/** The number of keys of a map field (`len(map)` in Go); 0 for absent or non-objects. */
export function keyCount(x: unknown): number {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? Object.keys(x).length : 0;
}

/** Go `sort.Strings` order (byte order for the ASCII label alphabet). */
export function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The `Age` cell: time since `metadata.creationTimestamp`. */
export function age(obj: KObject, now: number): string {
  return translateTimestampSince(obj.metadata.creationTimestamp, now);
}

/** `labels.FormatLabels`: `a=1,b=2` sorted by key, or `<none>`. */
export function formatLabels(labels: Record<string, string> | null | undefined): string {
  if (typeof labels !== 'object' || labels === null) return '<none>';
  const keys = Object.keys(labels).sort(byteCompare);
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels[k] ?? ''}`).join(',');
}

/** `layoutContainerCells`: container names and images, each comma-joined. */
export function layoutContainerCells(containers: readonly Container[] | null | undefined): [string, string] {
  const list = asArray(containers);
  return [list.map((c) => str(c.name)).join(','), list.map((c) => str(c.image)).join(',')];
}
