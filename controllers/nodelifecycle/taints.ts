// Node taints the lifecycle controller manages: templates, the NoSchedule set implied by a node's conditions, swaps.

import {
  TAINT_DISK_PRESSURE, TAINT_MEMORY_PRESSURE, TAINT_NETWORK_UNAVAILABLE, TAINT_NOT_READY, TAINT_PID_PRESSURE, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE,
} from '../../apiserver/api/taints.js';
import type { Node, Taint } from '../../apiserver/api/types.js';

/** The NoExecute taints the controller adds when Ready is False / Unknown (NotReadyTaintTemplate, UnreachableTaintTemplate). */
export const NOT_READY_NO_EXECUTE: Taint = { key: TAINT_NOT_READY, effect: 'NoExecute' };
export const UNREACHABLE_NO_EXECUTE: Taint = { key: TAINT_UNREACHABLE, effect: 'NoExecute' };

/**
 * Upstream nodeConditionToTaintKeyStatusMap: which condition status implies which NoSchedule taint key.
 * NetworkUnavailable is mapped although the controller never writes that condition (a network plugin does).
 */
const CONDITION_TAINTS: ReadonlyMap<string, Readonly<Record<string, string>>> = new Map<string, Readonly<Record<string, string>>>([
  ['Ready', { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE }],
  ['MemoryPressure', { True: TAINT_MEMORY_PRESSURE }],
  ['DiskPressure', { True: TAINT_DISK_PRESSURE }],
  ['PIDPressure', { True: TAINT_PID_PRESSURE }],
  ['NetworkUnavailable', { True: TAINT_NETWORK_UNAVAILABLE }],
]);

/** Taint keys whose NoSchedule form the controller owns (taintKeyToNodeConditionMap plus unschedulable). */
const MANAGED_NO_SCHEDULE_KEYS: ReadonlySet<string> = new Set([
  TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_MEMORY_PRESSURE, TAINT_DISK_PRESSURE, TAINT_PID_PRESSURE, TAINT_NETWORK_UNAVAILABLE, TAINT_UNSCHEDULABLE,
]);

/** Upstream Taint.MatchTaint: same key and effect (value and timeAdded ignored). */
export function matchTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && a.effect === b.effect;
}

/** Whether `taints` holds one matching `t` by key and effect (taintutils.TaintExists). */
export function taintExists(taints: readonly Taint[] | undefined, t: Taint): boolean {
  return (taints ?? []).some((x) => matchTaint(x, t));
}

/** The node's NoExecute taints (getNoExecuteTaints). */
export function noExecuteTaints(node: Node | undefined): Taint[] {
  return (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}

/**
 * The managed NoSchedule taints a node should carry, from its conditions and spec.unschedulable, in condition order
 * (upstream doNoScheduleTaintingPass).
 */
export function desiredNoScheduleTaints(node: Node): Taint[] {
  const out: Taint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS.get(c.type)?.[c.status];
    if (key && !out.some((t) => t.key === key)) out.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) out.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  return out;
}

/**
 * What doNoScheduleTaintingPass would change: managed NoSchedule taints to add and to remove (TaintSetDiff by key and
 * effect). Unmanaged taints and every other effect are never touched.
 */
export function noScheduleTaintDiff(node: Node): { add: Taint[]; remove: Taint[] } {
  const want = desiredNoScheduleTaints(node);
  const have = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoSchedule' && MANAGED_NO_SCHEDULE_KEYS.has(t.key));
  return { add: want.filter((t) => !taintExists(have, t)), remove: have.filter((t) => !taintExists(want, t)) };
}

/**
 * The taint list after a swap (SwapNodeControllerTaint): taints matching `remove` go, `add` ones not yet present are
 * appended with `timeAdded` = now. Deviation: a present taint keeps its timeAdded (upstream may rewrite it).
 * Returns undefined when nothing changes.
 */
export function swapTaints(taints: readonly Taint[] | undefined, add: readonly Taint[], remove: readonly Taint[], nowIso: string): Taint[] | undefined {
  const current = [...(taints ?? [])];
  const kept = current.filter((t) => !remove.some((r) => matchTaint(r, t)));
  const added = add.filter((a) => !taintExists(kept, a)).map((a) => ({ ...a, timeAdded: nowIso }));
  if (added.length === 0 && kept.length === current.length) return undefined;
  return [...kept, ...added];
}
