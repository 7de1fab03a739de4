// Toleration matching shared by the scheduler and the node lifecycle controller (upstream core/v1 ToleratesTaint).

import type { Taint, Toleration } from './types.js';

/**
 * True when one toleration tolerates the taint (upstream Toleration.ToleratesTaint): the effect is empty or equal;
 * an empty key (operator Exists) matches every key, else keys are equal; Exists matches any value, Equal (or
 * empty) needs equal values. `tolerationSeconds` plays no part in the match.
 */
export function toleratesTaint(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.key && tol.key !== taint.key) return false;
  const op = tol.operator || 'Equal';
  if (op === 'Exists') return true;
  if (op === 'Equal') return (tol.value ?? '') === (taint.value ?? '');
  return false;
}

/** True when any of the tolerations tolerates the taint (upstream TolerationsTolerateTaint). */
export function tolerationsTolerate(tols: readonly Toleration[], taint: Taint): boolean {
  for (const t of tols) if (toleratesTaint(t, taint)) return true;
  return false;
}
