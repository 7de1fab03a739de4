// Toleration matching for the scheduler: the shared match, and the first untolerated taint (FindMatchingUntoleratedTaint).

import { tolerationsTolerate } from '../../apiserver/api/tolerations.js';
import type { Taint, Toleration } from '../../apiserver/api/types.js';

/** The first NoSchedule/NoExecute taint none of the tolerations tolerates (upstream FindMatchingUntoleratedTaint). */
export function firstUntoleratedTaint(taints: readonly Taint[] | undefined, tols: readonly Toleration[]): Taint | undefined {
  for (const taint of taints ?? []) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerationsTolerate(tols, taint)) return taint;
  }
  return undefined;
}
