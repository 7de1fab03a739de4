// Score PodTopologySpread (weight 2): ScheduleAnyway constraints prefer domains with fewer matching pods.

import type { ScorePlugin } from '../cycle.js';
import { countMatching, hasAllKeys, nodeIncluded, spreadConstraints } from '../spread.js';
import { MAX_NODE_SCORE } from './normalize.js';

const HOSTNAME = 'kubernetes.io/hostname';

/**
 * Assumptions / Invariants (upstream plugins/podtopologyspread/scoring.go):
 * - Only the pod's ScheduleAnyway constraints; none → Skip (system default constraints are NOT modelled).
 * - Feasible nodes lacking a key are ignored (score 0). Domains are those of the other feasible nodes; pods are
 *   counted over all nodes with every key that pass the inclusion policies; hostname domains count per node.
 * - raw = round(Σ count·log(domains+2) + maxSkew − 1); normalised as 100·(max + min − raw)/max (100 when max 0).
 */
export const podTopologySpreadScore: ScorePlugin = {
  name: 'PodTopologySpread',
  weight: 2,
  score(ctx, feasible) {
    const cs = spreadConstraints(ctx.pod, 'ScheduleAnyway');
    if (cs.length === 0) return null;
    const ignored = feasible.map((info) => !hasAllKeys(info, cs));
    const pairCounts = cs.map(() => new Map<string, number>());
    feasible.forEach((info, n) => {
      if (ignored[n]) return;
      cs.forEach((c, i) => {
        if (c.topologyKey !== HOSTNAME) pairCounts[i]!.set(info.node.metadata!.labels![c.topologyKey]!, 0);
      });
    });
    const kept = ignored.filter((x) => !x).length;
    const weights = cs.map((c, i) => Math.log((c.topologyKey === HOSTNAME ? kept : pairCounts[i]!.size) + 2));
    for (const info of ctx.snap.nodes) {
      if (!hasAllKeys(info, cs)) continue;
      cs.forEach((c, i) => {
        if (c.topologyKey === HOSTNAME || !nodeIncluded(ctx, c, info)) return;
        const v = info.node.metadata!.labels![c.topologyKey]!;
        const m = pairCounts[i]!;
        const cur = m.get(v);
        if (cur !== undefined) m.set(v, cur + countMatching(info, c.selector, ctx.namespace));
      });
    }
    const raw = feasible.map((info, n) => {
      if (ignored[n]) return 0;
      let s = 0;
      cs.forEach((c, i) => {
        const v = info.node.metadata!.labels![c.topologyKey]!;
        const cnt = c.topologyKey === HOSTNAME ? countMatching(info, c.selector, ctx.namespace) : (pairCounts[i]!.get(v) ?? 0);
        s += cnt * weights[i]! + (c.maxSkew - 1);
      });
      return Math.round(s);
    });
    let min = Number.MAX_SAFE_INTEGER;
    let max = 0;
    raw.forEach((s, n) => {
      if (ignored[n]) return;
      min = Math.min(min, s);
      max = Math.max(max, s);
    });
    return raw.map((s, n) => {
      if (ignored[n]) return 0;
      if (max === 0) return MAX_NODE_SCORE;
      return Math.trunc((MAX_NODE_SCORE * (max + min - s)) / max);
    });
  },
};
