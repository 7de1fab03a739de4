// Fields an update may not change in DaemonSets and StatefulSets, refused with upstream's apps validation errors.

import type { FieldError } from '../api/status.js';
import { isPlainObject, type KObject } from '../api/types.js';
import { goLabelSelector } from './go-format.js';
import { semanticEqual } from './semantic.js';

export { goLabelSelector } from './go-format.js';

const specOf = (o: KObject): Record<string, unknown> => (isPlainObject(o.spec) ? o.spec : {});

/** Upstream DaemonSet strategy ValidateUpdate (apps/v1): `spec.selector` is immutable. */
export function daemonSetUpdateErrors(obj: KObject, old: KObject): FieldError[] {
  const sel = specOf(obj).selector;
  if (semanticEqual(sel, specOf(old).selector)) return [];
  return [{ type: 'Invalid', field: 'spec.selector', valueText: goLabelSelector(sel), detail: 'field is immutable' }];
}

/**
 * The StatefulSet spec fields an update may change (upstream ValidateStatefulSetUpdate, 1.32). revisionHistoryLimit is
 * not one of them (kubernetes/kubernetes#56341, still open in 1.32).
 */
const STATEFULSET_MUTABLE = new Set(['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds']);

export const STATEFULSET_FORBIDDEN =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

/** Upstream ValidateStatefulSetUpdate: any other spec field changed is one Forbidden error on `spec`. */
export function statefulSetUpdateErrors(obj: KObject, old: KObject): FieldError[] {
  const a = specOf(obj);
  const b = specOf(old);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (STATEFULSET_MUTABLE.has(k) || semanticEqual(a[k], b[k])) continue;
    return [{ type: 'Forbidden', field: 'spec', detail: STATEFULSET_FORBIDDEN }];
  }
  return [];
}
