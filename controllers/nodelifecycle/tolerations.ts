// Toleration matching for NoExecute taints (upstream v1helper.GetMatchingTolerations, Toleration.ToleratesTaint).

import { toleratesTaint } from '../../apiserver/api/tolerations.js';
import type { Taint, Toleration } from '../../apiserver/api/types.js';

export { toleratesTaint };

/**
 * Upstream GetMatchingTolerations: all taints tolerated, and for each taint the first toleration that tolerates it.
 * No taints → tolerated with none used.
 */
export function matchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[]): { tolerated: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const tol = tolerations.find((t) => toleratesTaint(t, taint));
    if (!tol) return { tolerated: false, used: [] };
    used.push(tol);
  }
  return { tolerated: true, used };
}

/**
 * Upstream getMinTolerationTime: the smallest tolerationSeconds among `used`, in ms (≤ 0 → 0); -1 when none sets
 * seconds (tolerated forever).
 */
export function minTolerationMs(used: readonly Toleration[]): number {
  let min = -1;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    const ms = Math.max(0, t.tolerationSeconds) * 1000;
    if (min < 0 || ms < min) min = ms;
  }
  return min;
}
