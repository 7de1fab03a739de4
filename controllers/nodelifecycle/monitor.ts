// The node health monitor: every period, mark silent nodes Unknown, their pods not ready, and drive NoExecute tainting.

import type { Lease, Node, Pod } from '../../apiserver/api/types.js';
import type { Clock, EventRecorder, Logger } from '../runtime/index.js';
import type { DisruptionConfig } from './disruption.js';
import { assessNodeHealth, type GracePeriods, type HealthAssessment, type NodeHealth } from './health.js';
import { NoExecuteTainter } from './no-execute.js';
import { markPodsNotReady, postNodeConditions, type WriteClient } from './writes.js';
import { EXCLUDE_DISRUPTION_LABEL, zoneKey } from './zones.js';

/** Read access to the shared caches (informers in production, plain arrays in tests). */
export interface LifecycleListers {
  nodes(): Node[];
  node(name: string): Node | undefined;
  podsOnNode(name: string): Pod[];
  lease(name: string): Lease | undefined;
}

/** Dependencies of the monitor. */
export interface MonitorDeps {
  client: WriteClient;
  clock: Clock;
  logger: Logger;
  recorder: EventRecorder;
  listers: LifecycleListers;
}

const CONTROLLER = 'nodelifecycle';

/**
 * Upstream monitorNodeHealth, one pass at a time (the caller serialises passes).
 * Assumptions / Invariants:
 * - Nodes are looked at from the cache; a node whose health check fails (a write error) is skipped this pass and
 *   does not count in its zone, as upstream.
 * - Ready True → not True *by this pass* records NodeNotReady on the node and marks its pods not ready; a failed
 *   marking is retried on later passes while Ready stays not True (nodesToRetry).
 * - NoExecute decisions use Ready as observed before this pass (so a node turned Unknown now is queued next pass);
 *   zone states use Ready after it.
 */
export class NodeLifecycleMonitor {
  readonly tainter: NoExecuteTainter;
  private readonly health = new Map<string, NodeHealth>();
  private readonly retry = new Set<string>();
  private readonly known = new Map<string, Node>();

  constructor(private readonly deps: MonitorDeps, private readonly grace: GracePeriods, disruption: DisruptionConfig) {
    this.tainter = new NoExecuteTainter({ client: deps.client, clock: deps.clock, logger: deps.logger, node: (n) => deps.listers.node(n) }, disruption);
  }

  /** The saved health of a node (for tests and logs). */
  healthOf(name: string): NodeHealth | undefined {
    return this.health.get(name);
  }

  /** One monitor pass over every cached node. */
  async monitorNodeHealth(): Promise<void> {
    const { listers, logger } = this.deps;
    const nodes = listers.nodes();
    this.forgetDeleted(nodes);
    const zones = new Map<string, (string | undefined)[]>();
    for (const node of nodes) {
      const name = node.metadata?.name ?? '';
      const zone = zoneKey(node);
      this.tainter.queue(zone);
      let checked: HealthAssessment;
      try {
        checked = await this.checkNode(node);
      } catch (err) {
        logger.error({ controller: CONTROLLER, node: name, err }, 'updating node health failed; skipping it this pass');
        continue;
      }
      const { observed, current } = checked;
      if (node.metadata?.labels?.[EXCLUDE_DISRUPTION_LABEL] === undefined) {
        const list = zones.get(zone) ?? [];
        list.push(current?.status);
        zones.set(zone, list);
      }
      if (!current) continue;
      await this.tainter.process(node, observed);
      await this.markPodsIfNeeded(node, observed.status, current.status);
    }
    if (await this.tainter.handleDisruption(zones, nodes)) {
      const now = this.deps.clock.now();
      for (const h of this.health.values()) {
        h.probeTimestamp = now;
        h.readyTransitionTimestamp = now;
      }
    }
  }

  private async checkNode(node: Node): Promise<HealthAssessment> {
    const name = node.metadata?.name ?? '';
    const now = this.deps.clock.now();
    const lease = this.deps.listers.lease(name);
    const a = assessNodeHealth(node, this.health.get(name), lease?.spec?.renewTime, now, this.grace);
    this.health.set(name, a.health);
    if (a.conditions) {
      await postNodeConditions(this.deps.client, node, a.conditions);
      this.deps.logger.info({ controller: CONTROLLER, node: name, ready: a.current?.status }, 'node stopped posting status; conditions set Unknown');
      if (a.healthAfterWrite) this.health.set(name, a.healthAfterWrite);
    }
    return a;
  }

  private async markPodsIfNeeded(node: Node, observed: string, current: string): Promise<void> {
    const name = node.metadata?.name ?? '';
    const transition = observed === 'True' && current !== 'True';
    if (transition) {
      this.deps.recorder.event({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: node.metadata?.uid } }, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    }
    if (!transition && !(this.retry.has(name) && observed !== 'True')) {
      this.retry.delete(name);
      return;
    }
    const pods = this.deps.listers.podsOnNode(name);
    const ok = await markPodsNotReady(this.deps.client, this.deps.recorder, pods, name, this.deps.clock.now());
    if (ok) this.retry.delete(name);
    else this.retry.add(name);
  }

  private forgetDeleted(nodes: readonly Node[]): void {
    const names = new Set(nodes.map((n) => n.metadata?.name ?? ''));
    for (const [name, node] of this.known) {
      if (names.has(name)) continue;
      this.known.delete(name);
      this.health.delete(name);
      this.retry.delete(name);
      this.tainter.forget(node);
    }
    for (const n of nodes) this.known.set(n.metadata?.name ?? '', n);
  }
}
