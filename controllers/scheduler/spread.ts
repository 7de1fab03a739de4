// Pod topology spread constraints parsed for one pod, shared by the PodTopologySpread filter and score.

import type { Pod } from '../../apiserver/api/types.js';
import { matches, safeSelector, type Requirement, type Selector } from '../../apiserver/api/labels.js';
import type { CycleContext } from './cycle.js';
import type { NodeInfo } from './node-info.js';
import { requiredNodeAffinityMatches } from '../../apiserver/api/node-selector.js';
import { firstUntoleratedTaint } from './tolerations.js';

/** One parsed constraint (upstream podtopologyspread.topologySpreadConstraint). */
export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  selector: Selector;
  minDomains: number;
  honorNodeAffinity: boolean;
  honorTaints: boolean;
}

/**
 * The pod's constraints with the given `whenUnsatisfiable`.
 *
 * Assumptions / Invariants (upstream plugins/podtopologyspread/common.go filterTopologySpreadConstraints):
 * `matchLabelKeys` add `key in (pod's value)` for keys the pod carries; nodeAffinityPolicy defaults to Honor,
 * nodeTaintsPolicy to Ignore; minDomains defaults to 1. System default constraints are not modelled.
 */
export function spreadConstraints(pod: Pod, when: 'DoNotSchedule' | 'ScheduleAnyway'): SpreadConstraint[] {
  const labels = pod.metadata?.labels ?? {};
  const out: SpreadConstraint[] = [];
  for (const c of pod.spec?.topologySpreadConstraints ?? []) {
    if (c.whenUnsatisfiable !== when) continue;
    let selector = safeSelector(c.labelSelector);
    const extra: Requirement[] = [];
    for (const k of c.matchLabelKeys ?? []) {
      const v = labels[k];
      if (v !== undefined) extra.push({ key: k, operator: 'in', values: [v] });
    }
    if (extra.length) selector = { requirements: [...selector.requirements, ...extra], matchesNothing: selector.matchesNothing };
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: c.minDomains ?? 1,
      honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
      honorTaints: c.nodeTaintsPolicy === 'Honor',
    });
  }
  return out;
}

/** True when the node carries every constraint's topology key (upstream nodeLabelsMatchSpreadConstraints). */
export function hasAllKeys(info: NodeInfo, cs: readonly SpreadConstraint[]): boolean {
  const labels = info.node.metadata?.labels;
  if (!labels) return cs.length === 0;
  for (const c of cs) if (labels[c.topologyKey] === undefined) return false;
  return true;
}

/** Upstream matchNodeInclusionPolicies: node affinity (Honor) and taints (Honor only when asked). */
export function nodeIncluded(ctx: CycleContext, c: SpreadConstraint, info: NodeInfo): boolean {
  if (c.honorNodeAffinity && !requiredNodeAffinityMatches(ctx.nodeAffinity, info.node)) return false;
  if (c.honorTaints && firstUntoleratedTaint(info.node.spec?.taints, ctx.tolerations)) return false;
  return true;
}

/** Pods on the node in the namespace, not terminating, matching the selector (upstream countPodsMatchSelector). */
export function countMatching(info: NodeInfo, selector: Selector, namespace: string): number {
  if (selector.matchesNothing) return 0;
  let n = 0;
  for (const p of info.pods) {
    if (p.metadata?.deletionTimestamp) continue;
    if ((p.metadata?.namespace ?? 'default') !== namespace) continue;
    if (matches(selector, p.metadata?.labels)) n++;
  }
  return n;
}
