// Filter InterPodAffinity: required pod affinity, anti-affinity, and existing pods' anti-affinity (symmetry).

import { allTermsMatch, termMatches, type AffinityTerm } from '../affinity-terms.js';
import type { CycleContext, FilterPlugin, NodeFilter } from '../cycle.js';
import { reject } from '../cycle.js';
import type { NodeInfo } from '../node-info.js';

/** Upstream interpodaffinity reasons (1.30+ wording). */
export const REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

const pair = (k: string, v: string): string => `${k}\u0000${v}`;

/** Counts, per (key, value), existing pods matching ALL required affinity terms of the incoming pod. */
function affinityCounts(ctx: CycleContext, terms: readonly AffinityTerm[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const info of ctx.snap.nodes) {
    const labels = info.node.metadata?.labels ?? {};
    for (const p of info.pods) {
      if (!allTermsMatch(terms, p, ctx.nsLabels)) continue;
      for (const t of terms) {
        const v = labels[t.topologyKey];
        if (v !== undefined) counts.set(pair(t.topologyKey, v), (counts.get(pair(t.topologyKey, v)) ?? 0) + 1);
      }
    }
  }
  return counts;
}

/** True when any pod on the nodes of the domain satisfies `test`. */
function anyPodIn(nodes: readonly NodeInfo[] | undefined, test: (info: NodeInfo) => boolean): boolean {
  if (!nodes) return false;
  for (const n of nodes) if (test(n)) return true;
  return false;
}

/**
 * Assumptions / Invariants (upstream plugins/interpodaffinity/filtering.go):
 * - Existing pods are every pod on every node (terminating included; terminal pods are never in NodeInfo).
 * - Affinity: the node must carry every term's topologyKey and each term's domain must hold a pod matching
 *   ALL terms; else, when no such pod exists anywhere and the incoming pod matches all its own terms
 *   (namespace labels unknown), the node passes ("first pod"). Failure is UU.
 * - Anti-affinity: a term's domain holding a matching pod rejects (U); a node lacking the key passes.
 * - Symmetry: an existing pod's required anti-affinity term matching the incoming pod rejects every node of
 *   that pod's domain for the term's key (U). Existing pods' required affinity is not symmetric.
 * - Upstream precomputes domain counts over all nodes; here the anti-affinity checks are evaluated lazily per
 *   domain and memoised, which gives the same answer for the nodes actually filtered.
 */
export const interPodAffinity: FilterPlugin = {
  name: 'InterPodAffinity',
  prepare(ctx): NodeFilter | null {
    const inc = ctx.affinity;
    const antiKeys = new Set<string>();
    for (const info of ctx.snap.nodes) {
      if (info.requiredAntiAffinityPods > 0) for (const k of info.antiAffinityKeys.keys()) antiKeys.add(k);
    }
    if (inc.requiredAffinity.length === 0 && inc.requiredAntiAffinity.length === 0 && antiKeys.size === 0) return null;
    const affCounts = inc.requiredAffinity.length ? affinityCounts(ctx, inc.requiredAffinity) : new Map<string, number>();
    const firstPod = affCounts.size === 0 && allTermsMatch(inc.requiredAffinity, ctx.pod, () => undefined);
    const antiMemo = new Map<string, boolean>();
    const existingMemo = new Map<string, boolean>();
    const selectsPod = new Map<string, boolean>();
    const selects = (t: AffinityTerm): boolean => {
      let hit = selectsPod.get(t.sig);
      if (hit === undefined) {
        hit = termMatches(t, ctx.pod, ctx.nsLabels);
        selectsPod.set(t.sig, hit);
      }
      return hit;
    };

    const antiHit = (i: number, t: AffinityTerm, v: string): boolean => {
      const key = `${i}\u0000${v}`;
      let hit = antiMemo.get(key);
      if (hit === undefined) {
        hit = anyPodIn(ctx.domains(t.topologyKey).get(v), (n) => n.pods.some((p) => termMatches(t, p, ctx.nsLabels)));
        antiMemo.set(key, hit);
      }
      return hit;
    };
    const existingHit = (k: string, v: string): boolean => {
      const key = pair(k, v);
      let hit = existingMemo.get(key);
      if (hit === undefined) {
        hit = anyPodIn(ctx.domains(k).get(v), (n) =>
          n.antiAffinityKeys.has(k) &&
          n.affinityPods.some((e) => e.requiredAntiAffinity.some((t) => t.topologyKey === k && selects(t))));
        existingMemo.set(key, hit);
      }
      return hit;
    };

    return (info) => {
      const labels = info.node.metadata?.labels ?? {};
      if (inc.requiredAffinity.length) {
        let exist = true;
        for (const t of inc.requiredAffinity) {
          const v = labels[t.topologyKey];
          if (v === undefined) return reject('UnschedulableAndUnresolvable', REASON_AFFINITY);
          if ((affCounts.get(pair(t.topologyKey, v)) ?? 0) <= 0) exist = false;
        }
        if (!exist && !firstPod) return reject('UnschedulableAndUnresolvable', REASON_AFFINITY);
      }
      for (let i = 0; i < inc.requiredAntiAffinity.length; i++) {
        const t = inc.requiredAntiAffinity[i]!;
        const v = labels[t.topologyKey];
        if (v !== undefined && antiHit(i, t, v)) return reject('Unschedulable', REASON_ANTI_AFFINITY);
      }
      for (const k of antiKeys) {
        const v = labels[k];
        if (v !== undefined && existingHit(k, v)) return reject('Unschedulable', REASON_EXISTING_ANTI_AFFINITY);
      }
      return null;
    };
  },
};
