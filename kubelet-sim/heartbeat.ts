// Heartbeats of every simulated node: a Lease renewed each interval, and node status posted on change or every 5 min.

import { microTime } from '../apiserver/api/time.js';
import { isConflict, isInvalid, isNotFound } from '../apiserver/api/status.js';
import { R } from '../apiserver/api/resources.js';
import type { Lease, Node } from '../apiserver/api/types.js';
import type { Client, Clock, Logger } from '../controllers/runtime/index.js';
import { nodeConditions } from './node-object.js';

/** One node as the heartbeat loop sees it. */
export interface HeartbeatNode {
  name: string;
  uid: string;
  /** ms: when its lease and status are next due. */
  due: number;
  /** ms: when status was last posted (report at least every `statusReportMs`). */
  statusPostedAt: number;
  conditions: NonNullable<NonNullable<Node['status']>['conditions']>;
  leaseRV?: string;
}

/** Heartbeat timing (upstream: lease every 10 s = 0.25 × 40 s duration; status computed every 10 s, reported ≥ every 5 min). */
export interface HeartbeatOptions {
  intervalMs: number;
  statusReportMs: number;
  leaseDurationSeconds: number;
  /** Writes in flight at once. */
  concurrency: number;
}

export const DEFAULT_HEARTBEAT: HeartbeatOptions = { intervalMs: 10_000, statusReportMs: 5 * 60_000, leaseDurationSeconds: 40, concurrency: 32 };

/** A MicroTime as the API writes it: RFC3339 with microseconds. */

/** The Lease of a node (upstream kubelet's nodelease controller). */
export function leaseFor(node: { name: string; uid: string }, now: number, durationSeconds: number, resourceVersion?: string): Lease {
  const metadata: Lease['metadata'] & object = {
    name: node.name,
    namespace: 'kube-node-lease',
    ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid: node.uid }],
  };
  if (resourceVersion) (metadata as { resourceVersion?: string }).resourceVersion = resourceVersion;
  return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata, spec: { holderIdentity: node.name, leaseDurationSeconds: durationSeconds, renewTime: microTime(now) } };
}

/**
 * Assumptions / Invariants (upstream kubelet nodelease + node status loops): each node renews its Lease once per
 * interval; its status conditions are recomputed as often but posted only when they change or the report period has
 * passed, so lastHeartbeatTime advances only when posted. Nodes are spread evenly over the interval so a process with
 * thousands of nodes writes at a steady rate; at most `concurrency` writes are in flight, and a node whose write is
 * still running is not started again.
 */
export class Heartbeats {
  private readonly nodes = new Map<string, HeartbeatNode>();
  /** Nodes waiting for their next beat, in due order (every node has the same interval, so FIFO is due order). */
  private queue: HeartbeatNode[] = [];
  private head = 0;
  /** Nodes just added: due at once, beaten before the queue (so they start on their own phase). */
  private fresh: HeartbeatNode[] = [];
  private timer: unknown;
  private timerAt = Infinity;
  private inFlight = 0;
  private stopped = false;

  /**
   * @param deps.observed the node's conditions as the API has them now (from a watch), when known: what another
   *   component wrote there (a node lifecycle controller's `Unknown`) is then corrected at the next beat, as the
   *   kubelet compares its status with the Node it reads back.
   */
  constructor(
    private readonly deps: { client: Client; clock: Clock; logger: Logger; observed?: (node: string) => HeartbeatNode['conditions'] | undefined },
    private readonly opts: HeartbeatOptions = DEFAULT_HEARTBEAT,
  ) {}

  /** Starts heartbeating a node; its first lease is written at once. */
  add(name: string, uid: string, conditions: HeartbeatNode['conditions'], postedAt?: number): void {
    if (this.nodes.has(name)) return;
    const now = this.deps.clock.now();
    const n: HeartbeatNode = { name, uid, due: now, statusPostedAt: postedAt ?? now, conditions };
    this.nodes.set(name, n);
    this.fresh.push(n);
    this.wake(now);
  }

  /** Stops heartbeating a node (deleted, or the process is stopping). */
  remove(name: string): void {
    this.nodes.delete(name);
  }

  /** Names of the nodes heartbeating. */
  names(): string[] {
    return [...this.nodes.keys()];
  }

  /** Stops the loop; writes in flight finish. */
  stop(): void {
    this.stopped = true;
    this.deps.clock.clearTimeout(this.timer);
  }

  private wake(at: number): void {
    if (this.stopped || at >= this.timerAt) return;
    this.deps.clock.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timerAt = Infinity;
      this.tick();
    }, Math.max(0, at - this.deps.clock.now()));
  }

  private tick(): void {
    const now = this.deps.clock.now();
    if (this.fresh.length > 0) {
      for (const n of this.fresh.splice(0, Math.max(0, this.opts.concurrency - this.inFlight))) {
        if (this.nodes.get(n.name) === n) this.beat(n, now);
      }
    }
    while (this.head < this.queue.length && this.inFlight < this.opts.concurrency) {
      const n = this.queue[this.head]!;
      if (!this.nodes.has(n.name) || this.nodes.get(n.name) !== n) {
        this.head++;
        continue;
      }
      if (n.due > now) break;
      this.head++;
      this.beat(n, now);
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.inFlight >= this.opts.concurrency) return;
    if (this.fresh.length > 0) this.wake(now);
    else if (this.queue[this.head]) this.wake(this.queue[this.head]!.due);
  }

  private beat(n: HeartbeatNode, now: number): void {
    this.inFlight++;
    void this.write(n, now).finally(() => {
      this.inFlight--;
      // spread evenly: the next beat is one interval after this one was due, never bunched after a slow spell
      n.due = Math.max(n.due + this.opts.intervalMs, this.deps.clock.now() + this.opts.intervalMs / 2);
      if (this.nodes.get(n.name) === n) this.queue.push(n);
      this.wake(this.deps.clock.now());
    });
  }

  private async write(n: HeartbeatNode, now: number): Promise<void> {
    const { client, logger } = this.deps;
    try {
      await this.renewLease(n, now);
      const base = this.deps.observed?.(n.name) ?? n.conditions;
      const conditions = nodeConditions(now, base);
      const changed = conditions.length !== base.length || conditions.some((c, i) => c.status !== base[i]?.status || c.type !== base[i]?.type || c.reason !== base[i]?.reason);
      if (changed || now - n.statusPostedAt >= this.opts.statusReportMs) {
        await client.patch(R.nodes, undefined, n.name, 'strategic', { status: { conditions } }, { subresource: 'status' });
        n.conditions = conditions;
        n.statusPostedAt = now;
      }
    } catch (e) {
      if (isNotFound(e) && !this.nodes.has(n.name)) return;
      logger.warn({ node: n.name, err: (e as Error).message }, 'heartbeat failed');
    }
  }

  private async renewLease(n: HeartbeatNode, now: number): Promise<void> {
    const { client } = this.deps;
    try {
      const out = await client.update<Lease>(R.leases, leaseFor(n, now, this.opts.leaseDurationSeconds, n.leaseRV));
      n.leaseRV = out.metadata?.resourceVersion;
    } catch (e) {
      if (!isConflict(e) && !isInvalid(e)) throw e;
      // someone else wrote it, or it exists from an earlier run (an update then needs its resourceVersion): read it back and take it over
      const cur = await client.get<Lease>(R.leases, 'kube-node-lease', n.name);
      const out = await client.update<Lease>(R.leases, leaseFor(n, now, this.opts.leaseDurationSeconds, cur.metadata?.resourceVersion));
      n.leaseRV = out.metadata?.resourceVersion;
    }
  }
}
