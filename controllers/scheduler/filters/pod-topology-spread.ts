// Filter PodTopologySpread: DoNotSchedule constraints bound the skew of matching pods across topology domains.

import { matches } from '../../../apiserver/api/labels.js';
import type { FilterPlugin } from '../cycle.js';
import { reject } from '../cycle.js';
import { countMatching, hasAllKeys, nodeIncluded, spreadConstraints } from '../spread.js';

/** Upstream podtopologyspread.ErrReasonNodeLabelNotMatch. */
export const REASON_SPREAD_MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)";
/** Upstream podtopologyspread.ErrReasonConstraintsNotMatch. */
export const REASON_SPREAD = "node(s) didn't match pod topology spread constraints";

/**
 * Assumptions / Invariants (upstream plugins/podtopologyspread/filtering.go):
 * - PreFilter counts, per constraint and domain, the matching pods on nodes that carry every constraint's
 *   key and pass the node-inclusion policies; minMatch is the smallest domain count (0 when fewer domains
 *   than minDomains; no domain at all never rejects).
 * - Filter: missing key → UU; count(domain) + selfMatch − minMatch > maxSkew → U.
 */
export const podTopologySpread: FilterPlugin = {
  name: 'PodTopologySpread',
  prepare(ctx) {
    const cs = spreadConstraints(ctx.pod, 'DoNotSchedule');
    if (cs.length === 0) return null;
    const counts = cs.map(() => new Map<string, number>());
    for (const info of ctx.snap.nodes) {
      if (!hasAllKeys(info, cs)) continue;
      cs.forEach((c, i) => {
        if (!nodeIncluded(ctx, c, info)) return;
        const v = info.node.metadata!.labels![c.topologyKey]!;
        const m = counts[i]!;
        m.set(v, (m.get(v) ?? 0) + countMatching(info, c.selector, ctx.namespace));
      });
    }
    const mins = counts.map((m, i) => {
      if (m.size < cs[i]!.minDomains) return 0;
      let min = Number.MAX_SAFE_INTEGER;
      for (const n of m.values()) min = Math.min(min, n);
      return min;
    });
    const self = cs.map((c) => (matches(c.selector, ctx.pod.metadata?.labels) ? 1 : 0));
    return (info) => {
      const labels = info.node.metadata?.labels ?? {};
      for (let i = 0; i < cs.length; i++) {
        const c = cs[i]!;
        const v = labels[c.topologyKey];
        if (v === undefined) return reject('UnschedulableAndUnresolvable', REASON_SPREAD_MISSING_LABEL);
        const skew = (counts[i]!.get(v) ?? 0) + self[i]! - mins[i]!;
        if (skew > c.maxSkew) return reject('Unschedulable', REASON_SPREAD);
      }
      return null;
    };
  },
};
