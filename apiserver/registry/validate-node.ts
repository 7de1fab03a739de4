// Node validation users meet through apply and edit: spec.taints (upstream validateNodeTaints, 1.32).

import type { FieldError } from '../api/status.js';
import { isPlainObject, type KObject } from '../api/types.js';
import { isValidLabelValue, validateLabelName } from '../api/validation.js';
import { goTaint } from './go-format.js';
import { validateTaintEffect } from './validate-pod.js';

/**
 * Upstream validateNodeTaints: each key a qualified name, each value a label value (messages joined by ";"), an
 * effect that is required and supported, and at most one taint per (key, effect) pair (Duplicate, shown as Go
 * prints the core.Taint).
 */
export function validateNodeTaints(node: KObject): FieldError[] {
  const spec = isPlainObject(node.spec) ? node.spec : {};
  const taints = Array.isArray(spec.taints) ? spec.taints : [];
  const errs: FieldError[] = [];
  const seen = new Map<string, Set<string>>();
  taints.forEach((x, i) => {
    const t = isPlainObject(x) ? x : {};
    const at = `spec.taints[${i}]`;
    const key = typeof t.key === 'string' ? t.key : '';
    const value = typeof t.value === 'string' ? t.value : '';
    const effect = typeof t.effect === 'string' ? t.effect : '';
    errs.push(...validateLabelName(key, `${at}.key`));
    const msgs = isValidLabelValue(value);
    if (msgs.length) errs.push({ type: 'Invalid', field: `${at}.value`, value, detail: msgs.join(';') });
    errs.push(...validateTaintEffect(effect, false, `${at}.effect`));
    const keys = seen.get(effect) ?? new Set<string>();
    if (keys.has(key)) {
      errs.push({ type: 'Duplicate', field: at, valueText: goTaint(t), detail: 'taints must be unique by key and effect pair' });
      return;
    }
    keys.add(key);
    seen.set(effect, keys);
  });
  return errs;
}
