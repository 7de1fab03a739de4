// Score TaintToleration (weight 3): fewer untolerated PreferNoSchedule taints is better.

import type { ScorePlugin } from '../cycle.js';
import { tolerationsTolerate } from '../../../apiserver/api/tolerations.js';
import { defaultNormalize } from './normalize.js';

/**
 * Assumptions / Invariants (upstream plugins/tainttoleration/taint_toleration.go Score/NormalizeScore): only
 * tolerations with an empty or PreferNoSchedule effect count; the raw score is the number of intolerable
 * PreferNoSchedule taints, normalised in reverse.
 */
export const taintTolerationScore: ScorePlugin = {
  name: 'TaintToleration',
  weight: 3,
  score(ctx, feasible) {
    const tols = ctx.tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    const raw = feasible.map((info) => {
      let n = 0;
      for (const taint of info.node.spec?.taints ?? []) {
        if (taint.effect === 'PreferNoSchedule' && !tolerationsTolerate(tols, taint)) n++;
      }
      return n;
    });
    return defaultNormalize(raw, true);
  },
};
