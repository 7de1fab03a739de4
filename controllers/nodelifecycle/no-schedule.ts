// NoSchedule tainting by condition (TaintNodesByCondition): the managed NoSchedule taints follow the node's conditions.

import type { Node } from '../../apiserver/api/types.js';
import type { Clock, Logger } from '../runtime/index.js';
import { noScheduleTaintDiff } from './taints.js';
import { swapNodeTaints, type WriteClient } from './writes.js';

/** Dependencies of the NoSchedule pass. */
export interface NoScheduleDeps {
  client: WriteClient;
  clock: Clock;
  logger: Logger;
  node(name: string): Node | undefined;
}

/**
 * Upstream doNoScheduleTaintingPass for one node, run on every node add/update: Ready False → not-ready, Ready
 * Unknown → unreachable, MemoryPressure/DiskPressure/PIDPressure/NetworkUnavailable True → their taint,
 * spec.unschedulable → unschedulable, all NoSchedule; managed keys not implied are removed (so the not-ready taint
 * admission puts on a new node goes once it reports Ready). Only the diff is written; a lost race throws (retry).
 * Deviation: a node with no conditions at all (nobody posted its status yet) is left alone; upstream would strip the
 * admission taint at once. Kubelets post conditions with the registration, so upstream rarely sees such a node; here
 * it is a Node made with kubectl (kept not-ready until the startup grace turns it unreachable) or one a simulator is
 * about to adopt, whose resourceVersion-guarded takeover this write would race.
 */
export async function doNoScheduleTaintingPass(deps: NoScheduleDeps, name: string): Promise<void> {
  const node = deps.node(name);
  if (!node || !node.status?.conditions?.length) return;
  const { add, remove } = noScheduleTaintDiff(node);
  if (add.length === 0 && remove.length === 0) return;
  const ok = await swapNodeTaints(deps.client, name, add, remove, deps.clock.now());
  if (!ok) throw new Error(`failed to swap NoSchedule taints of node ${name}`);
  deps.logger.info({ controller: 'nodelifecycle', node: name, add: add.map((t) => t.key), remove: remove.map((t) => t.key) }, 'NoSchedule taints updated');
}
