// Filter TaintToleration: the pod must tolerate every NoSchedule/NoExecute taint of the node.

import type { FilterPlugin } from '../cycle.js';
import { reject } from '../cycle.js';
import { firstUntoleratedTaint } from '../tolerations.js';

/** Upstream tainttoleration reason for the first untolerated taint: `node(s) had untolerated taint {k: v}`. */
export function untoleratedTaintReason(key: string, value: string | undefined): string {
  return `node(s) had untolerated taint {${key}: ${value ?? ''}}`;
}

/**
 * Assumptions / Invariants (upstream plugins/tainttoleration/taint_toleration.go Filter): only NoSchedule
 * and NoExecute taints filter, the first untolerated one (in node order) is reported; UU.
 */
export const taintToleration: FilterPlugin = {
  name: 'TaintToleration',
  prepare(ctx) {
    return (info) => {
      const taint = firstUntoleratedTaint(info.node.spec?.taints, ctx.tolerations);
      return taint ? reject('UnschedulableAndUnresolvable', untoleratedTaintReason(taint.key, taint.value)) : null;
    };
  },
};
