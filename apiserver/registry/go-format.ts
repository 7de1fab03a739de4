// Values as Go's fmt `%#v` prints them inside field errors (`map[string]string{"app":"y"}`, `v1.LabelSelector{…}`).

import { isPlainObject } from '../api/types.js';

// Assumptions / Invariants: apimachinery's field.Error.ErrorBody prints a bad value with %q when it is a string,
// %v for numbers and bools, and %#v for anything else (structs, maps, slices), after dereferencing one pointer.
// %#v prints maps with their keys sorted, nil maps/slices as `T(nil)` and nil pointers as `(*T)(nil)`. Strings are
// quoted as JSON quotes them, which is Go's %q for every printable character.

/** Go's %q of a string (anything else prints as ""). */
export const goString = (s: unknown): string => JSON.stringify(typeof s === 'string' ? s : '');

/** A `[]string` as %#v prints it. */
export function goStrings(v: unknown): string {
  if (!Array.isArray(v)) return '[]string(nil)';
  return `[]string{${v.map(goString).join(', ')}}`;
}

/** A `map[string]string` as %#v prints it: keys sorted, `map[string]string(nil)` for nil. */
export function goStringMap(v: unknown): string {
  if (!isPlainObject(v)) return 'map[string]string(nil)';
  const keys = Object.keys(v).sort();
  return `map[string]string{${keys.map((k) => `${goString(k)}:${goString(v[k])}`).join(', ')}}`;
}

function goRequirement(r: unknown): string {
  const m = isPlainObject(r) ? r : {};
  return `v1.LabelSelectorRequirement{Key:${goString(m.key)}, Operator:${goString(m.operator)}, Values:${goStrings(m.values)}}`;
}

/** A LabelSelector as Go's `%#v` prints it in field errors: `v1.LabelSelector{MatchLabels:map[string]string{…}, …}`. */
export function goLabelSelector(sel: unknown): string {
  if (!isPlainObject(sel)) return 'null';
  const exprs = Array.isArray(sel.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${sel.matchExpressions.map(goRequirement).join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels)}, MatchExpressions:${exprs}}`;
}

/** A Go integer field: the number, or 0 for anything else. */
export function goInt(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0;
}

/** An intstr.IntOrString as %#v prints it: `intstr.IntOrString{Type:1, IntVal:0, StrVal:"25%"}`. */
export function goIntOrString(v: unknown): string {
  if (typeof v === 'string') return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goString(v)}}`;
  return `intstr.IntOrString{Type:0, IntVal:${goInt(v)}, StrVal:""}`;
}

/** A pointer field as %#v prints it: `(*T)(nil)`, or an address for a set one (Go prints the real address). */
export function goPointer(type: string, v: unknown): string {
  return v === undefined || v === null ? `(*${type})(nil)` : `(*${type})(0xc000a1b2c0)`;
}

/** A core.Taint as %#v prints it (TimeAdded is a pointer). */
export function goTaint(t: Record<string, unknown>): string {
  return `core.Taint{Key:${goString(t.key)}, Value:${goString(t.value)}, Effect:${goString(t.effect)}, TimeAdded:${goPointer('v1.Time', t.timeAdded)}}`;
}
