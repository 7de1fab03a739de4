// NoExecute tainting of unhealthy nodes, rate-limited per zone, and the zone states that set those rates.

import { nodeCondition, type NodeCondition } from '../../apiserver/api/pod-state.js';
import type { Node } from '../../apiserver/api/types.js';
import type { Clock, Logger } from '../runtime/index.js';
import { planDisruption, type DisruptionConfig } from './disruption.js';
import { NOT_READY_NO_EXECUTE, taintExists, UNREACHABLE_NO_EXECUTE } from './taints.js';
import type { WriteClient } from './writes.js';
import { swapNodeTaints } from './writes.js';
import { printableZone, TaintQueue, zoneKey, type ZoneState } from './zones.js';

/** What the tainter needs. */
export interface NoExecuteDeps {
  client: WriteClient;
  clock: Clock;
  logger: Logger;
  /** The cached node by name. */
  node(name: string): Node | undefined;
}

const CONTROLLER = 'nodelifecycle';

/**
 * The NoExecute half of upstream's node lifecycle controller: processTaintBaseEviction, markNodeForTainting,
 * markNodeAsReachable, doNoExecuteTaintingPass and the limiter side of handleDisruption.
 * Invariants: not-ready and unreachable NoExecute taints are mutually exclusive (one replaces the other at once,
 * without a token); adding one waits for the zone's token bucket; Ready True removes both at once.
 */
export class NoExecuteTainter {
  readonly zoneStates = new Map<string, ZoneState>();
  private readonly queues = new Map<string, TaintQueue>();

  constructor(private readonly deps: NoExecuteDeps, private readonly cfg: DisruptionConfig) {}

  /** The zone's queue, made at the normal rate when the zone is first seen (upstream addPodEvictorForNewZone). */
  queue(zone: string): TaintQueue {
    let q = this.queues.get(zone);
    if (!q) {
      q = new TaintQueue(this.cfg.evictionRate, this.deps.clock);
      this.queues.set(zone, q);
      if (!this.zoneStates.has(zone)) this.zoneStates.set(zone, 'Initial');
    }
    return q;
  }

  /** Forgets a deleted node. */
  forget(node: Node): void {
    this.queues.get(zoneKey(node))?.remove(node.metadata?.name ?? '');
  }

  /** Upstream processTaintBaseEviction, on the Ready condition observed at the start of the pass. */
  async process(node: Node, observed: NodeCondition): Promise<void> {
    const name = node.metadata?.name ?? '';
    const taints = node.spec?.taints;
    const now = this.deps.clock.now();
    if (observed.status === 'False' || observed.status === 'Unknown') {
      const [want, other] = observed.status === 'False' ? [NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE] : [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE];
      if (taintExists(taints, other)) {
        if (!(await this.swap(name, [want], [other], now))) this.deps.logger.warn({ controller: CONTROLLER, node: name }, 'failed to swap NoExecute taints; retrying next pass');
        return;
      }
      const q = this.queue(zoneKey(node));
      if (!taintExists(taints, want)) q.remove(name);
      if (q.add(name)) this.deps.logger.info({ controller: CONTROLLER, node: name, ready: observed.status }, 'node queued for NoExecute tainting');
      return;
    }
    if (observed.status === 'True' && (await this.markReachable(node))) {
      this.deps.logger.info({ controller: CONTROLLER, node: name }, 'node healthy again; NoExecute taints removed');
    }
  }

  /** Upstream markNodeAsReachable: both NoExecute taints off (if there), node out of its zone queue. */
  async markReachable(node: Node): Promise<boolean> {
    const name = node.metadata?.name ?? '';
    this.queues.get(zoneKey(node))?.remove(name);
    const taints = node.spec?.taints;
    if (!taintExists(taints, NOT_READY_NO_EXECUTE) && !taintExists(taints, UNREACHABLE_NO_EXECUTE)) return false;
    return this.swap(name, [], [NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE], this.deps.clock.now());
  }

  /**
   * Upstream doNoExecuteTaintingPass: each zone's queue taints what its tokens allow, from the cached node's Ready:
   * False → not-ready (unreachable removed), Unknown → unreachable (not-ready removed), else nothing to do.
   */
  async pass(): Promise<void> {
    for (const zone of this.zoneStates.keys()) {
      await this.queue(zone).try(async (name) => {
        const node = this.deps.node(name);
        if (!node) return true;
        const status = nodeCondition(node, 'Ready')?.status;
        if (status !== 'False' && status !== 'Unknown') return true;
        const [want, other] = status === 'False' ? [NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE] : [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE];
        const ok = await this.swap(name, [want], [other], this.deps.clock.now());
        if (ok) this.deps.logger.info({ controller: CONTROLLER, node: name, zone: printableZone(zone), taint: want.key }, 'node tainted NoExecute');
        return ok;
      });
    }
  }

  /**
   * Upstream handleDisruption, given each zone's Ready statuses. Resolves true when the caller must restart every
   * node's probe time (leaving cluster-wide full disruption).
   */
  async handleDisruption(zones: ReadonlyMap<string, readonly (string | undefined)[]>, nodes: readonly Node[]): Promise<boolean> {
    for (const zone of zones.keys()) this.queue(zone);
    const plan = planDisruption(this.zoneStates, zones, this.cfg);
    for (const [zone, state] of plan.states) {
      if (this.zoneStates.get(zone) !== state) this.deps.logger.info({ controller: CONTROLLER, zone: printableZone(zone), state }, 'zone changed state');
    }
    this.zoneStates.clear();
    for (const [zone, state] of plan.states) this.zoneStates.set(zone, state);
    if (plan.markAllReachable) {
      this.deps.logger.info({ controller: CONTROLLER }, 'all nodes are not ready: entering full disruption mode, no NoExecute tainting');
      for (const node of nodes) await this.markReachable(node).catch((err: unknown) => this.deps.logger.error({ controller: CONTROLLER, node: node.metadata?.name, err }, 'failed to remove NoExecute taints'));
    }
    if (plan.resetProbes) this.deps.logger.info({ controller: CONTROLLER }, 'some nodes are ready: leaving full disruption mode');
    for (const [zone, rate] of plan.rates) this.queue(zone).swapLimiter(rate);
    return plan.resetProbes;
  }

  private async swap(name: string, add: typeof NOT_READY_NO_EXECUTE[], remove: typeof NOT_READY_NO_EXECUTE[], now: number): Promise<boolean> {
    try {
      return await swapNodeTaints(this.deps.client, name, add, remove, now);
    } catch (err) {
      this.deps.logger.error({ controller: CONTROLLER, node: name, err }, 'taint swap failed');
      return false;
    }
  }
}
