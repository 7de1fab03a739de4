// Fields an update may not change in DaemonSets and StatefulSets, refused with upstream's apps validation errors.

import type { FieldError } from '../api/status.js';
import { isPlainObject, type KObject } from '../api/types.js';

const goString = (s: unknown): string => JSON.stringify(typeof s === 'string' ? s : '');

function goStrings(v: unknown): string {
  if (!Array.isArray(v)) return '[]string(nil)';
  return `[]string{${v.map(goString).join(', ')}}`;
}

function goStringMap(v: unknown): string {
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

const specOf = (o: KObject): Record<string, unknown> => (isPlainObject(o.spec) ? o.spec : {});
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Upstream ValidateDaemonSetSpecUpdate: `spec.selector` is immutable. */
export function daemonSetUpdateErrors(obj: KObject, old: KObject): FieldError[] {
  const sel = specOf(obj).selector;
  if (same(sel, specOf(old).selector)) return [];
  return [{ type: 'Invalid', field: 'spec.selector', valueText: goLabelSelector(sel), detail: 'field is immutable' }];
}

/** The StatefulSet spec fields an update may change (upstream ValidateStatefulSetUpdate). */
const STATEFULSET_MUTABLE = new Set(['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds', 'revisionHistoryLimit']);

/** Upstream ValidateStatefulSetUpdate: any other spec field changed is one Forbidden error on `spec`. */
export function statefulSetUpdateErrors(obj: KObject, old: KObject): FieldError[] {
  const a = specOf(obj);
  const b = specOf(old);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (STATEFULSET_MUTABLE.has(k) || same(a[k], b[k])) continue;
    return [{
      type: 'Forbidden', field: 'spec',
      detail: "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    }];
  }
  return [];
}
