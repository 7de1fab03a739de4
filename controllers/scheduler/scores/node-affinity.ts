// Score NodeAffinity (weight 2): sum of the weights of matching preferred node affinity terms.

import type { ScorePlugin } from '../cycle.js';
import { nodeSelectorMatches, parseNodeSelector } from '../../../apiserver/api/node-selector.js';
import { defaultNormalize } from './normalize.js';

/**
 * Assumptions / Invariants (upstream plugins/nodeaffinity/node_affinity.go Score): terms with weight 0 or no
 * expressions are ignored; no preferred terms → Skip; normalised by the maximum.
 */
export const nodeAffinityScore: ScorePlugin = {
  name: 'NodeAffinity',
  weight: 2,
  score(ctx, feasible) {
    const prefs = (ctx.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [])
      .filter((p) => p.weight !== 0)
      .map((p) => ({ weight: p.weight, sel: parseNodeSelector([p.preference]) }))
      .filter((p) => p.sel.terms.length > 0);
    if (prefs.length === 0) return null;
    const raw = feasible.map((info) => {
      let s = 0;
      for (const p of prefs) if (nodeSelectorMatches(p.sel, info.node)) s += p.weight;
      return s;
    });
    return defaultNormalize(raw, false);
  },
};
