// Filter NodeAffinity: nodeSelector labels and required node affinity terms (PreFilter narrowing lives in framework).

import type { FilterPlugin } from '../cycle.js';
import { reject } from '../cycle.js';
import { requiredNodeAffinityMatches } from '../../../apiserver/api/node-selector.js';

/** Upstream nodeaffinity.ErrReasonPod. */
export const REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
/** Reason for nodes the NodeAffinity PreFilter excluded (upstream 1.31+ absent-node status). */
export const REASON_ABSENT_NODE = "node(s) didn't satisfy plugin(s) [NodeAffinity]";
/** Upstream nodeaffinity errReasonConflict: the matchFields node names of the terms do not intersect. */
export const REASON_CONFLICT = 'pod affinity terms conflict';

/**
 * Assumptions / Invariants (upstream plugins/nodeaffinity/node_affinity.go Filter,
 * component-helpers nodeaffinity.RequiredNodeAffinity.Match): every nodeSelector pair must be present and
 * some required term must match; no constraints → Skip; UU.
 */
export const nodeAffinity: FilterPlugin = {
  name: 'NodeAffinity',
  prepare(ctx) {
    const a = ctx.nodeAffinity;
    if (a.nodeSelector.length === 0 && !a.required) return null;
    return (info) =>
      requiredNodeAffinityMatches(a, info.node) ? null : reject('UnschedulableAndUnresolvable', REASON_NODE_AFFINITY);
  },
};
