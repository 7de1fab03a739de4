// Filter NodeName: a pod naming a node in spec.nodeName fits only that node.

import type { FilterPlugin } from '../cycle.js';
import { reject } from '../cycle.js';

/** Upstream nodename.ErrReason. */
export const REASON_NODE_NAME = "node(s) didn't match the requested node name";

/** Assumptions / Invariants (upstream plugins/nodename/node_name.go): empty nodeName matches every node; UU. */
export const nodeName: FilterPlugin = {
  name: 'NodeName',
  prepare(ctx) {
    const wanted = ctx.pod.spec?.nodeName;
    if (!wanted) return null;
    return (info) => (info.node.metadata?.name === wanted ? null : reject('UnschedulableAndUnresolvable', REASON_NODE_NAME));
  },
};
