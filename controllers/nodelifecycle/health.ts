// Node health from the controller's side: when a node was last heard from, and the conditions to post when it went quiet.

import { parseTimestamp } from '../../apiserver/api/duration.js';
import { metaTime } from '../../apiserver/api/time.js';
import { nodeCondition, type NodeCondition } from '../../apiserver/api/pod-state.js';
import type { Node } from '../../apiserver/api/types.js';

/** What the controller remembers per node (upstream nodeHealthData). Times in ms on the controller's clock. */
export interface NodeHealth {
  probeTimestamp: number;
  readyTransitionTimestamp: number;
  /** The Ready condition as saved: undefined when the saved status had none. */
  ready?: { lastHeartbeatTime?: string; lastTransitionTime?: string };
  /** The Lease renewTime (ms since epoch) last seen. */
  leaseRenew?: number;
}

/** The outcome of one look at a node (upstream tryUpdateNodeHealth). */
export interface HealthAssessment {
  health: NodeHealth;
  gracePeriodMs: number;
  /** Ready as the node had it before this pass (synthetic Unknown when the kubelet never posted one). */
  observed: NodeCondition;
  /** Ready after this pass; undefined when the node has none and nothing is posted. */
  current: NodeCondition | undefined;
  /** The full condition list to post (status update) when the node went quiet; undefined: nothing to write. */
  conditions?: NodeCondition[];
  /** The health to keep once `conditions` were written (transition now, Ready as written). */
  healthAfterWrite?: NodeHealth;
}

/** Grace periods of the health check. */
export interface GracePeriods {
  gracePeriodMs: number;
  startupGracePeriodMs: number;
}

/** Conditions the controller turns Unknown; NetworkUnavailable is left to the network plugin, as upstream. */
const WATCHED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

/**
 * One health check of a node (upstream tryUpdateNodeHealth).
 * Assumptions / Invariants:
 * - A node that never posted Ready gets the startup grace, counted from its creation (or the saved probe time);
 *   otherwise the monitor grace. A node first seen with Ready, or whose Ready reappeared, is probed "now".
 * - The probe time moves to now when Ready.lastHeartbeatTime differs from the saved one (the transition time too when
 *   Ready.lastTransitionTime differs), or when the Lease renewTime advances past the saved one.
 * - Past probe + grace, Ready/MemoryPressure/DiskPressure/PIDPressure become Unknown: a missing one is added with
 *   NodeStatusNeverUpdated, a known one not yet Unknown gets NodeStatusUnknown and lastTransitionTime now. A write is
 *   asked for only when Ready itself changed (upstream compares Ready only before UpdateStatus).
 */
export function assessNodeHealth(node: Node, saved: NodeHealth | undefined, leaseRenewTime: string | undefined, now: number, grace: GracePeriods): HealthAssessment {
  const ready = nodeCondition(node, 'Ready');
  const created = parseTimestamp(node.metadata?.creationTimestamp) ?? now;
  const createdIso = node.metadata?.creationTimestamp ?? metaTime(now);
  let health: NodeHealth;
  let observed: NodeCondition;
  let gracePeriodMs: number;
  if (!ready) {
    observed = { type: 'Ready', status: 'Unknown', lastHeartbeatTime: createdIso, lastTransitionTime: createdIso };
    gracePeriodMs = grace.startupGracePeriodMs;
    health = saved ? { ...saved, ready: undefined } : { probeTimestamp: created, readyTransitionTimestamp: created };
  } else {
    observed = { ...ready };
    gracePeriodMs = grace.gracePeriodMs;
    const snapshot = { lastHeartbeatTime: ready.lastHeartbeatTime, lastTransitionTime: ready.lastTransitionTime };
    if (!saved || !saved.ready) {
      health = { probeTimestamp: now, readyTransitionTimestamp: now, ready: snapshot, leaseRenew: saved?.leaseRenew };
    } else if (saved.ready.lastHeartbeatTime !== ready.lastHeartbeatTime) {
      const transitioned = saved.ready.lastTransitionTime !== ready.lastTransitionTime;
      health = { probeTimestamp: now, readyTransitionTimestamp: transitioned ? now : saved.readyTransitionTimestamp, ready: snapshot, leaseRenew: saved.leaseRenew };
    } else {
      health = { ...saved };
    }
  }
  const renew = parseTimestamp(leaseRenewTime);
  if (renew !== undefined && (health.leaseRenew === undefined || health.leaseRenew < renew)) {
    health.leaseRenew = renew;
    health.probeTimestamp = now;
  }
  if (!(now > health.probeTimestamp + gracePeriodMs)) return { health, gracePeriodMs, observed, current: ready };

  const conditions = markConditionsUnknown(node.status?.conditions ?? [], createdIso, metaTime(now));
  const current = conditions.find((c) => c.type === 'Ready');
  if (current && sameCondition(current, observed)) return { health, gracePeriodMs, observed, current };
  const healthAfterWrite: NodeHealth = {
    ...health, readyTransitionTimestamp: now, ready: { lastHeartbeatTime: current?.lastHeartbeatTime, lastTransitionTime: current?.lastTransitionTime },
  };
  return { health, gracePeriodMs, observed, current, conditions, healthAfterWrite };
}

/** The conditions with the watched ones turned Unknown (missing ones appended), as tryUpdateNodeHealth writes them. */
export function markConditionsUnknown(conditions: readonly NodeCondition[], createdIso: string, nowIso: string): NodeCondition[] {
  const out = conditions.map((c) => ({ ...c }));
  for (const type of WATCHED_CONDITIONS) {
    const c = out.find((x) => x.type === type);
    if (!c) {
      out.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: createdIso, lastTransitionTime: nowIso });
    } else if (c.status !== 'Unknown') {
      Object.assign(c, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: nowIso });
    }
  }
  return out;
}

function sameCondition(a: NodeCondition, b: NodeCondition): boolean {
  return a.status === b.status && a.reason === b.reason && a.message === b.message
    && a.lastHeartbeatTime === b.lastHeartbeatTime && a.lastTransitionTime === b.lastTransitionTime;
}
