// The scheduler loop: pending pods from the queue, the algorithm over the cache, assume, bind; failures recorded.

import { isPodTerminal } from '../../apiserver/api/pod-state.js';
import { R } from '../../apiserver/api/resources.js';
import { isConflict, isNotFound } from '../../apiserver/api/status.js';
import type { Namespace, Node, Pod } from '../../apiserver/api/types.js';
import type { EventRecorder, Runtime } from '../runtime/index.js';
import { keyOf, patchPodCondition, splitKey } from '../runtime/index.js';
import { SchedulerCache } from './cache.js';
import { isPodUpdated, nodeSchedulingPropertiesChanged } from './events.js';
import { schedulePod } from './framework.js';
import { SchedulingQueue } from './queue.js';

/** The scheduler's name: pods naming another scheduler are left alone. */
export const SCHEDULER_NAME = 'default-scheduler';

/** Options of a scheduler. */
export interface SchedulerOptions {
  /** Bindings in flight at once (the loop goes on while they run). */
  bindConcurrency?: number;
  /** Period of the unschedulable-pool flush (upstream 30 s). */
  flushPeriodMs?: number;
  random?: () => number;
}

const priorityOf = (p: Pod): number => p.spec?.priority ?? 0;
const isGated = (p: Pod): boolean => (p.spec?.schedulingGates?.length ?? 0) > 0;

/** Whether this scheduler should place a pod: ours, unbound, not terminal, not being deleted, not gated. */
export function wantsScheduling(p: Pod): boolean {
  const name = p.spec?.schedulerName ?? SCHEDULER_NAME;
  return name === SCHEDULER_NAME && !p.spec?.nodeName && !isPodTerminal(p) && !p.metadata?.deletionTimestamp && !isGated(p);
}

/** FailedScheduling event text: upstream truncates it to 1024 characters. */
export function truncateEventMessage(msg: string): string {
  return msg.length <= 1024 ? msg : `${msg.slice(0, 1020)} ...`;
}

/**
 * Assumptions / Invariants (upstream schedule_one.go): one pod is scheduled at a time, against the cache; the chosen
 * node is assumed at once and the binding (POST pods/binding) runs asynchronously, so the next pod already sees it;
 * a failed binding forgets the assumption and retries the pod with back-off; an unschedulable pod gets the
 * condition PodScheduled=False/Unschedulable with the full message (written only when it changes) and a
 * FailedScheduling event on every attempt; node and pod changes that may free room move unschedulable pods back
 * (a node's heartbeat or a pod's status post does not; upstream nodeSchedulingPropertiesChange, isPodUpdated).
 */
export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  private readonly recorder: EventRecorder;
  private readonly pods;
  private readonly nodes;
  private readonly namespaces;
  private inFlight = 0;
  private readonly bindWaiters: Array<() => void> = [];
  private startIndex = 0;

  constructor(private readonly rt: Runtime, private readonly opts: SchedulerOptions = {}) {
    this.queue = new SchedulingQueue(rt.clock);
    this.recorder = rt.recorder(SCHEDULER_NAME, undefined, { queueSize: 20_000, concurrency: 4 });
    this.pods = rt.informer<Pod>(R.pods, { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' });
    this.nodes = rt.informer<Node>(R.nodes);
    this.namespaces = rt.informer<Namespace>(R.namespaces);
    this.nodes.addEventHandler({
      add: (n) => this.onNode(n),
      update: (o, n) => this.onNodeUpdate(o, n),
      delete: (n) => this.cache.removeNode(n.metadata?.name ?? ''),
    });
    this.pods.addEventHandler({
      add: (p) => this.onPod(p),
      update: (o, p) => this.onPod(p, o),
      delete: (p) => this.onPodGone(p),
    });
  }

  private onNode(n: Node): void {
    this.cache.upsertNode(n);
    this.queue.moveAllToActive();
  }

  /** Node info is kept current on every update; unschedulable pods move only when scheduling properties changed. */
  private onNodeUpdate(old: Node, n: Node): void {
    this.cache.updateNode(old, n);
    if (nodeSchedulingPropertiesChanged(old, n)) this.queue.moveAllToActive();
  }

  /** A pod added or updated; a pending pod leaves the unschedulable pool only when it changed beyond its status. */
  private onPod(p: Pod, old?: Pod): void {
    const key = keyOf(p);
    if (p.spec?.nodeName) {
      this.queue.delete(key);
      if (isPodTerminal(p)) this.onPodGone(p);
      else this.cache.addBound(p);
      return;
    }
    if (!wantsScheduling(p)) this.queue.delete(key);
    else if (old && wantsScheduling(old) && !isPodUpdated(old, p)) this.queue.update(key, priorityOf(p));
    else this.queue.add(key, priorityOf(p));
  }

  private onPodGone(p: Pod): void {
    this.queue.delete(keyOf(p));
    const wasPlaced = this.cache.isPlaced(p.metadata?.uid ?? '');
    this.cache.forget(p.metadata?.uid ?? '');
    if (wasPlaced) this.queue.moveAllToActive();
  }

  /** Runs until the signal aborts: waits for the informers, then schedules one pod after another. */
  async run(signal: AbortSignal): Promise<void> {
    await this.rt.waitForSync(signal);
    const flush = setInterval(() => this.queue.flushUnschedulable(), this.opts.flushPeriodMs ?? 30_000);
    signal.addEventListener('abort', () => this.queue.close(), { once: true });
    try {
      let sinceYield = 0;
      for (let key = await this.queue.pop(); key !== undefined && !signal.aborted; key = await this.queue.pop()) {
        await this.scheduleOne(key);
        // let informer events (bindings confirmed, new pods) in between pods
        if (++sinceYield >= 16) {
          sinceYield = 0;
          await new Promise((r) => setImmediate(r));
        }
      }
    } finally {
      clearInterval(flush);
    }
  }

  private namespaceLabels = (ns: string): Record<string, string> | undefined => this.namespaces.get(undefined, ns)?.metadata?.labels;

  /** One scheduling cycle for one pod. */
  async scheduleOne(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.pods.get(namespace, name);
    if (!pod || !wantsScheduling(pod) || this.cache.isPlaced(pod.metadata?.uid ?? '')) return;
    const snap = this.cache.snapshot(this.namespaceLabels);
    const result = schedulePod(pod, snap, { startIndex: this.startIndex, ...(this.opts.random ? { random: this.opts.random } : {}) });
    if ('node' in result) {
      this.startIndex = (this.startIndex + result.evaluated) % Math.max(1, snap.nodes.length);
      this.cache.assume(pod, result.node);
      while (this.inFlight >= (this.opts.bindConcurrency ?? 32)) await new Promise<void>((r) => this.bindWaiters.push(r));
      this.inFlight++;
      void this.bind(pod, key, result.node).finally(() => {
        this.inFlight--;
        this.bindWaiters.shift()?.();
      });
      return;
    }
    this.queue.failed(key, priorityOf(pod));
    this.recorder.event(pod, 'Warning', 'FailedScheduling', truncateEventMessage(result.message));
    await this.markUnschedulable(pod, result.message);
  }

  /** POST pods/binding (upstream DefaultBinder); the Scheduled event on success. */
  private async bind(pod: Pod, key: string, node: string): Promise<void> {
    const { namespace, name, uid } = pod.metadata ?? {};
    try {
      await this.rt.client.create(R.pods, { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace, uid }, target: { apiVersion: 'v1', kind: 'Node', name: node } }, { subresource: 'binding', namespace: namespace! });
      this.recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${node}`);
    } catch (e) {
      this.cache.forget(uid ?? '');
      if (isNotFound(e)) return;
      this.rt.logger.warn({ controller: 'scheduler', key, node, err: (e as Error).message }, 'binding failed');
      if (!isConflict(e) || !String((e as Error).message).includes('already assigned')) this.queue.failed(key, priorityOf(pod), true);
    }
  }

  /** The PodScheduled=False condition with the full message, written only when it changes. */
  private async markUnschedulable(pod: Pod, message: string): Promise<void> {
    const cond = { type: 'PodScheduled', status: 'False', lastProbeTime: null, reason: 'Unschedulable', message };
    try {
      await patchPodCondition(this.rt.client, pod, cond, this.rt.clock.now());
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) this.rt.logger.warn({ controller: 'scheduler', pod: keyOf(pod), err: (e as Error).message }, 'status update failed');
    }
  }
}
