// Score normalisation helpers shared by the Score plugins (upstream framework.MaxNodeScore, DefaultNormalizeScore).

/** Upstream framework.MaxNodeScore. */
export const MAX_NODE_SCORE = 100;

/**
 * Upstream helper.DefaultNormalizeScore: scales to 0..100 by the maximum (integer division); `reverse`
 * flips the scale; all-zero input gives 0 (or 100 when reversed).
 */
export function defaultNormalize(scores: number[], reverse: boolean): number[] {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) return scores.map(() => (reverse ? MAX_NODE_SCORE : 0));
  return scores.map((s) => {
    const v = Math.trunc((MAX_NODE_SCORE * s) / max);
    return reverse ? MAX_NODE_SCORE - v : v;
  });
}
