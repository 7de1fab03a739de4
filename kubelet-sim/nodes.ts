// The nodes one simulator process runs: registering them, adopting API-created ones, forgetting deleted ones.

import { KUBELET_ENDPOINT_ANNOTATION } from '../apiserver/api/annotations.js';
import { R } from '../apiserver/api/resources.js';
import { isAlreadyExists, isConflict, isNotFound } from '../apiserver/api/status.js';
import type { Node } from '../apiserver/api/types.js';
import type { Client, Clock, EventRecorder, Logger } from '../controllers/runtime/index.js';
import type { Heartbeats } from './heartbeat.js';
import type { NodeSpecConfig } from './node-config.js';
import { addressesFor, nodeConditions, nodeObject, PodIPAllocator, SIMULATED_BY_ANNOTATION, SIMULATE_ANNOTATION } from './node-object.js';

/** A node this process simulates. */
export interface SimNode {
  name: string;
  uid: string;
  hostIP: string;
  podCIDR: string;
  ips: PodIPAllocator;
}

/** What the node set needs. */
export interface NodeSetDeps {
  client: Client;
  clock: Clock;
  logger: Logger;
  heartbeats: Heartbeats;
  /** The URL of this process's kubelet endpoint (logs). */
  endpoint: string;
  kubeletPort: number;
  simulatorId: string;
  kubeletVersion: string;
  /** Registration events (Starting, NodeReady …) are written only when this returns a recorder. */
  recorder?: EventRecorder;
  onAdded(node: SimNode): void;
  onRemoved(name: string): void;
}

type Conditions = NonNullable<NonNullable<Node['status']>['conditions']>;

const conditionsOf = (n: Node): Conditions => (n.status?.conditions ?? []) as Conditions;
const internalIP = (n: Node): string => n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '';

/** The node set of one process. */
export class NodeSet {
  private readonly nodes = new Map<string, SimNode>();
  private readonly claiming = new Set<string>();

  constructor(private readonly deps: NodeSetDeps) {}

  get(name: string): SimNode | undefined {
    return this.nodes.get(name);
  }

  has(name: string): boolean {
    return this.nodes.has(name);
  }

  names(): string[] {
    return [...this.nodes.keys()];
  }

  get size(): number {
    return this.nodes.size;
  }

  /**
   * Registers planned nodes (upstream registerWithAPIServer): create the Node with its status; when it already exists
   * (an earlier run of this cluster), take it over: its labels gain the kubelet's defaults, its status is rewritten.
   * Runs `concurrency` registrations at once.
   */
  async register(plan: NodeSpecConfig[], concurrency = 32): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < plan.length) {
        const cfg = plan[next++]!;
        await this.registerOne(cfg);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, plan.length) }, worker));
  }

  private fresh(cfg: NodeSpecConfig): Node {
    const node = nodeObject(cfg, addressesFor(cfg.index), this.deps.clock.now(), { kubeletPort: this.deps.kubeletPort, kubeletVersion: this.deps.kubeletVersion, simulatorId: this.deps.simulatorId });
    const meta = node.metadata as { annotations?: Record<string, string> };
    meta.annotations = { ...meta.annotations, [KUBELET_ENDPOINT_ANNOTATION]: this.deps.endpoint };
    // the simulated network is up from the start: NetworkUnavailable False, as a route controller or CNI writes it
    const status = node.status as { conditions?: Conditions };
    status.conditions = nodeConditions(this.deps.clock.now(), status.conditions, { networkUnavailable: false });
    return node;
  }

  private async registerOne(cfg: NodeSpecConfig): Promise<void> {
    const { client } = this.deps;
    const node = this.fresh(cfg);
    try {
      const created = await client.create<Node>(R.nodes, node);
      this.added(created, true);
      return;
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
    const current = await client.get<Node>(R.nodes, undefined, cfg.name);
    await this.takeOver(current, node);
  }

  /** Rewrites an existing Node as this process's: kubelet default labels, our annotations, a fresh status. */
  private async takeOver(current: Node, fresh: Node): Promise<boolean> {
    const { client } = this.deps;
    const name = current.metadata?.name ?? '';
    const labels = { ...(fresh.metadata?.labels ?? {}), ...(current.metadata?.labels ?? {}) };
    for (const k of ['kubernetes.io/hostname', 'kubernetes.io/os', 'kubernetes.io/arch', 'beta.kubernetes.io/os', 'beta.kubernetes.io/arch']) {
      const v = fresh.metadata?.labels?.[k];
      if (v !== undefined) labels[k] = v;
    }
    const annotations = { ...(fresh.metadata?.annotations ?? {}) };
    delete annotations[SIMULATE_ANNOTATION];
    const spec: Record<string, unknown> = {};
    if (!current.spec?.podCIDR) Object.assign(spec, { podCIDR: fresh.spec?.podCIDR, podCIDRs: fresh.spec?.podCIDRs });
    if (!current.spec?.providerID) spec.providerID = fresh.spec?.providerID;
    const patch: Record<string, unknown> = { metadata: { resourceVersion: current.metadata?.resourceVersion, labels, annotations } };
    if (Object.keys(spec).length) patch.spec = spec;
    try {
      await client.patch(R.nodes, undefined, name, 'merge', patch);
      const status: Record<string, unknown> = { ...fresh.status };
      // a node created through the API keeps the capacity it was given
      if (current.status?.capacity && Object.keys(current.status.capacity).length) {
        status.capacity = current.status.capacity;
        status.allocatable = current.status.allocatable ?? current.status.capacity;
      }
      const updated = await client.patch<Node>(R.nodes, undefined, name, 'merge', { status }, { subresource: 'status' });
      this.added(updated, false);
      return true;
    } catch (e) {
      if (isConflict(e) || isNotFound(e)) return false;
      throw e;
    }
  }

  private added(node: Node, created: boolean): void {
    const name = node.metadata?.name ?? '';
    const uid = node.metadata?.uid ?? '';
    const hostIP = internalIP(node);
    const podCIDR = node.spec?.podCIDR ?? '';
    const sim: SimNode = { name, uid, hostIP, podCIDR, ips: new PodIPAllocator(podCIDR) };
    this.nodes.set(name, sim);
    this.deps.heartbeats.add(name, uid, conditionsOf(node), this.deps.clock.now());
    this.deps.logger.info({ node: name, created }, created ? 'registered node' : 'took over node');
    const rec = this.deps.recorder;
    if (rec) {
      const ref = { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: name } };
      rec.event(ref, 'Normal', 'Starting', 'Starting kubelet.');
      for (const r of ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID']) rec.event(ref, 'Normal', r, `Node ${name} status is now: ${r}`);
      rec.event(ref, 'Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
      rec.event(ref, 'Normal', 'NodeReady', `Node ${name} status is now: NodeReady`);
    }
    this.deps.onAdded(sim);
  }

  /**
   * A Node seen through the API: one created with `kubeling.io/simulate: "true"` and not yet claimed is claimed by
   * this process (the resourceVersion precondition lets exactly one simulator win) and simulated from then on.
   */
  async maybeAdopt(node: Node, plan: (name: string) => NodeSpecConfig): Promise<void> {
    const name = node.metadata?.name ?? '';
    const a = node.metadata?.annotations ?? {};
    if (this.nodes.has(name) || this.claiming.has(name) || node.metadata?.deletionTimestamp) return;
    if (a[SIMULATE_ANNOTATION] !== 'true' || (a[SIMULATED_BY_ANNOTATION] && a[SIMULATED_BY_ANNOTATION] !== this.deps.simulatorId)) return;
    this.claiming.add(name);
    try {
      // another writer (a controller tainting the new node) may change it between our read and our claim: read
      // it again and retry while it is still unclaimed
      let current: Node | undefined = node;
      for (let attempt = 0; current && attempt < 5; attempt++) {
        if (await this.takeOver(current, this.fresh(plan(name)))) {
          this.deps.logger.info({ node: name }, 'adopted node');
          return;
        }
        current = await this.deps.client.get<Node>(R.nodes, undefined, name).catch(() => undefined);
        const by = current?.metadata?.annotations?.[SIMULATED_BY_ANNOTATION];
        if (!current || current.metadata?.deletionTimestamp || (by && by !== this.deps.simulatorId)) return;
      }
    } catch (e) {
      this.deps.logger.warn({ node: name, err: (e as Error).message }, 'adopting node failed');
    } finally {
      this.claiming.delete(name);
    }
  }

  /** The Node object is gone: stop simulating it. */
  forget(name: string): void {
    if (!this.nodes.delete(name)) return;
    this.deps.heartbeats.remove(name);
    this.deps.logger.info({ node: name }, 'node deleted; no longer simulated');
    this.deps.onRemoved(name);
  }
}
