// Filter NodeUnschedulable: cordoned nodes reject pods that do not tolerate the unschedulable taint.

import type { FilterPlugin } from '../cycle.js';
import { reject } from '../cycle.js';
import { TAINT_UNSCHEDULABLE } from '../../../apiserver/api/taints.js';
import { tolerationsTolerate } from '../../../apiserver/api/tolerations.js';

/** Upstream nodeunschedulable.ErrReasonUnschedulable. */
export const REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

const UNSCHEDULABLE_TAINT = { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' };

/**
 * Assumptions / Invariants (upstream plugins/nodeunschedulable/node_unschedulable.go): a node with
 * `spec.unschedulable` passes only pods tolerating `node.kubernetes.io/unschedulable:NoSchedule`; UU.
 */
export const nodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  prepare(ctx) {
    const tolerates = tolerationsTolerate(ctx.tolerations, UNSCHEDULABLE_TAINT);
    return (info) =>
      info.node.spec?.unschedulable && !tolerates ? reject('UnschedulableAndUnresolvable', REASON_UNSCHEDULABLE) : null;
  },
};
