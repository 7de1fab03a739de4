// Which nodes a simulator process takes: free names and address indexes, given the nodes the cluster already has.

import type { Lease, Node } from '../apiserver/api/types.js';
import type { NodeSpecConfig, SimFlags } from './node-config.js';
import { nodeConfigFor, planNodes } from './node-config.js';
import { indexFromAddresses, MAX_NODE_INDEX, SIMULATED_BY_ANNOTATION } from './node-object.js';

/** A lease older than this is a dead simulator's (upstream leaseDurationSeconds 40). */
const LEASE_STALE_MS = 40_000;

function leaseFresh(lease: Lease | undefined, now: number): boolean {
  const t = lease?.spec?.renewTime ? Date.parse(lease.spec.renewTime) : NaN;
  return !Number.isNaN(t) && now - t < LEASE_STALE_MS;
}

/**
 * Assumptions / Invariants: names are kind's sequence (`<prefix>-control-plane…`, `<prefix>-worker…`); a name is
 * free when no Node has it, or when its Node is this simulator's (same id: a restart of the same cluster), or when it
 * was another simulator's whose Lease has gone stale (that process is gone). A live node of another process is
 * skipped, so a second process started with the same flags joins new nodes after the existing ones. Address
 * indexes are the lowest ones no existing Node uses; a node taken over keeps its own.
 */
export function choosePlan(flags: SimFlags, existing: readonly Node[], leases: readonly Lease[], simulatorId: string, now: number): NodeSpecConfig[] {
  const byName = new Map(existing.map((n) => [n.metadata?.name ?? '', n]));
  const leaseOf = new Map(leases.map((l) => [l.metadata?.name ?? '', l]));
  const used = new Set<number>();
  for (const n of existing) {
    const i = indexFromAddresses(n);
    if (i !== undefined) used.add(i);
  }
  const free = (name: string): boolean => {
    const n = byName.get(name);
    if (!n) return true;
    const by = n.metadata?.annotations?.[SIMULATED_BY_ANNOTATION];
    if (by === undefined) return false;
    return by === simulatorId || !leaseFresh(leaseOf.get(name), now);
  };
  const candidates = planNodes({ ...flags, nodes: flags.nodes + 2 * existing.length, controlPlanes: flags.controlPlanes + existing.length });
  const cps = candidates.filter((c) => c.role === 'control-plane' && free(c.name)).slice(0, flags.controlPlanes);
  const workers = candidates.filter((c) => c.role === 'worker' && free(c.name)).slice(0, flags.nodes - flags.controlPlanes);
  let next = 0;
  const nextIndex = (): number => {
    while (used.has(next)) next++;
    if (next > MAX_NODE_INDEX) throw new Error(`no free node address left (at most ${MAX_NODE_INDEX + 1} nodes)`);
    used.add(next);
    return next;
  };
  return [...cps, ...workers].map((c) => {
    const own = byName.get(c.name);
    const index = (own && indexFromAddresses(own)) ?? nextIndex();
    return { ...c, index };
  });
}

/** The configuration for adopting a Node created through the API: a worker of the flags' shape under its own name. */
export function adoptionConfig(flags: SimFlags, name: string, used: Iterable<number>): NodeSpecConfig {
  const taken = new Set(used);
  let index = 0;
  while (taken.has(index)) index++;
  return nodeConfigFor(flags, name, 'worker', index, flags.zones[0] ?? '');
}
