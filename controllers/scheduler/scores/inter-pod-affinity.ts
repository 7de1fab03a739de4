// Score InterPodAffinity (weight 2): preferred (anti-)affinity of the pod and of existing pods, by topology domain.

import type { Pod } from '../../../apiserver/api/types.js';
import { termMatches, type AffinityTerm, type NamespaceLabels } from '../affinity-terms.js';
import type { ScorePlugin } from '../cycle.js';
import type { NodeInfo } from '../node-info.js';
import { MAX_NODE_SCORE } from './normalize.js';

/** Upstream default InterPodAffinityArgs.hardPodAffinityWeight. */
const HARD_POD_AFFINITY_WEIGHT = 1;

type TopologyScore = Map<string, Map<string, number>>;

function addTerms(
  score: TopologyScore, terms: readonly AffinityTerm[], pod: Pod, nsLabels: NamespaceLabels, node: NodeInfo, sign: number,
  weightOverride?: number,
): void {
  const labels = node.node.metadata?.labels;
  if (!labels) return;
  for (const t of terms) {
    const v = labels[t.topologyKey];
    if (v === undefined || !termMatches(t, pod, nsLabels)) continue;
    let m = score.get(t.topologyKey);
    if (!m) score.set(t.topologyKey, (m = new Map()));
    m.set(v, (m.get(v) ?? 0) + sign * (weightOverride ?? t.weight));
  }
}

/**
 * Assumptions / Invariants (upstream plugins/interpodaffinity/scoring.go):
 * - With preferred terms on the incoming pod every existing pod is visited, else only pods with affinity.
 * - Contributions per (topologyKey, value) of the existing pod's node: the pod's preferred affinity (+w) and
 *   anti-affinity (−w) terms matching the existing pod; the existing pod's required affinity terms matching
 *   the incoming pod (+hardPodAffinityWeight 1); its preferred affinity (+w) / anti-affinity (−w) terms.
 * - Node score = Σ over its labels of the domain scores; normalised 100·(s − min)/(max − min), 0 when flat.
 */
export const interPodAffinityScore: ScorePlugin = {
  name: 'InterPodAffinity',
  weight: 2,
  score(ctx, feasible) {
    const inc = ctx.affinity;
    const hasConstraints = inc.preferredAffinity.length + inc.preferredAntiAffinity.length > 0;
    const score: TopologyScore = new Map();
    for (const info of ctx.snap.nodes) {
      if (hasConstraints) {
        for (const p of info.pods) {
          addTerms(score, inc.preferredAffinity, p, ctx.nsLabels, info, 1);
          addTerms(score, inc.preferredAntiAffinity, p, ctx.nsLabels, info, -1);
        }
      }
      if (info.scoringAffinityPods === 0) continue;
      for (const e of info.affinityPods) {
        addTerms(score, e.requiredAffinity, ctx.pod, ctx.nsLabels, info, 1, HARD_POD_AFFINITY_WEIGHT);
        addTerms(score, e.preferredAffinity, ctx.pod, ctx.nsLabels, info, 1);
        addTerms(score, e.preferredAntiAffinity, ctx.pod, ctx.nsLabels, info, -1);
      }
    }
    if (score.size === 0) return null;
    const raw = feasible.map((info) => {
      const labels = info.node.metadata?.labels ?? {};
      let s = 0;
      for (const [key, vals] of score) {
        const v = labels[key];
        if (v !== undefined) s += vals.get(v) ?? 0;
      }
      return s;
    });
    const min = Math.min(...raw);
    const diff = Math.max(...raw) - min;
    return raw.map((s) => (diff > 0 ? Math.trunc((MAX_NODE_SCORE * (s - min)) / diff) : 0));
  },
};
