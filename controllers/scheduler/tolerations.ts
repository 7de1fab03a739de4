// Toleration matching for the scheduler (upstream core/v1 Toleration.ToleratesTaint, TolerationsTolerateTaint).

import type { Taint, Toleration } from '../../apiserver/api/types.js';

/**
 * True when one toleration tolerates the taint: the effect is empty or equal; an empty key (operator Exists)
 * matches every key, else keys are equal; Exists matches any value, Equal (or empty) needs equal values.
 * `tolerationSeconds` plays no part in scheduling.
 */
export function toleratesTaint(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.key && tol.key !== taint.key) return false;
  const op = tol.operator || 'Equal';
  if (op === 'Exists') return true;
  if (op === 'Equal') return (tol.value ?? '') === (taint.value ?? '');
  return false;
}

/** True when any of the tolerations tolerates the taint. */
export function tolerationsTolerate(tols: readonly Toleration[], taint: Taint): boolean {
  for (const t of tols) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first NoSchedule/NoExecute taint none of the tolerations tolerates (upstream FindMatchingUntoleratedTaint). */
export function firstUntoleratedTaint(taints: readonly Taint[] | undefined, tols: readonly Toleration[]): Taint | undefined {
  for (const taint of taints ?? []) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerationsTolerate(tols, taint)) return taint;
  }
  return undefined;
}
