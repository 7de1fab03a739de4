// Taint eviction: pods on nodes with NoExecute taints they do not tolerate (or tolerate for a while) are deleted.

import { R } from '../../apiserver/api/resources.js';
import { isNotFound } from '../../apiserver/api/status.js';
import type { Node, Pod } from '../../apiserver/api/types.js';
import { keyOf, patchPodCondition, type Clock, type EventRecorder, type Logger, type ReconcileResult } from '../runtime/index.js';
import { noExecuteTaints } from './taints.js';
import { matchingTolerations, minTolerationMs } from './tolerations.js';
import { podRef, type WriteClient } from './writes.js';

/** Dependencies of the taint eviction controller. */
export interface TaintEvictionDeps {
  client: WriteClient;
  clock: Clock;
  logger: Logger;
  recorder: EventRecorder;
  node(name: string): Node | undefined;
  podsOnNode(name: string): Pod[];
}

/** A scheduled deletion of one pod (upstream TimedWorker); `done` once the pod was deleted. */
interface Work {
  node: string;
  createdAt: number;
  fireAt: number;
  done: boolean;
}

const CONTROLLER = 'taint-eviction';

/**
 * Upstream tainteviction.Controller, keyed by node: each reconcile of a node re-plans its pods.
 * Assumptions / Invariants (processPodOnNode):
 * - No NoExecute taints, or tolerations without tolerationSeconds for every taint → any scheduled deletion is
 *   cancelled (with a "Cancelling deletion" event when one was pending).
 * - A taint not tolerated → delete at once. Otherwise delete at min(tolerationSeconds) of the tolerations used,
 *   counted from when the controller first saw the pod tainted; a later look never postpones an earlier deadline.
 * - Eviction: DisruptionTarget=True (DeletionByTaintManager) on the pod's status, a TaintManagerEviction event, then a
 *   graceful DELETE. A pod evicted once is not evicted again while it stays on the tainted node (upstream keeps the
 *   finished worker's key for the same reason); a failed eviction is retried from scratch.
 */
export class TaintEviction {
  private readonly works = new Map<string, Work>();

  constructor(private readonly deps: TaintEvictionDeps) {}

  /** Pending (not yet fired) deletions, by pod key, for tests. */
  scheduled(): Map<string, number> {
    return new Map([...this.works].filter(([, w]) => !w.done).map(([k, w]) => [k, w.fireAt]));
  }

  /** Re-plans every pod on `nodeName`, evicts those due, and asks to be called again at the next deadline. */
  async reconcile(nodeName: string): Promise<ReconcileResult> {
    const now = this.deps.clock.now();
    const taints = noExecuteTaints(this.deps.node(nodeName));
    const pods = this.deps.podsOnNode(nodeName).filter((p) => p.spec?.nodeName === nodeName);
    const present = new Set<string>();
    for (const pod of pods) {
      const key = keyOf(pod);
      present.add(key);
      this.processPodOnNode(key, pod, nodeName, taints, now);
    }
    for (const [key, w] of this.works) if (w.node === nodeName && !present.has(key)) this.works.delete(key);
    let next = Infinity;
    for (const pod of pods) {
      const w = this.works.get(keyOf(pod));
      if (!w || w.done) continue;
      if (w.fireAt <= now) await this.evict(pod, w);
      else next = Math.min(next, w.fireAt - now);
    }
    return Number.isFinite(next) ? { requeueAfterMs: next } : undefined;
  }

  private processPodOnNode(key: string, pod: Pod, node: string, taints: ReturnType<typeof noExecuteTaints>, now: number): void {
    if (taints.length === 0) return this.cancel(key, pod);
    const existing = this.works.get(key);
    if (existing?.done) return;
    const { tolerated, used } = matchingTolerations(taints, pod.spec?.tolerations ?? []);
    if (!tolerated) {
      if (existing && existing.fireAt <= now) return;
      this.cancel(key, pod);
      this.works.set(key, { node, createdAt: now, fireAt: now, done: false });
      return;
    }
    const min = minTolerationMs(used);
    if (min < 0) return this.cancel(key, pod);
    if (existing && existing.createdAt + min < now + min) return;
    this.works.set(key, { node, createdAt: existing?.createdAt ?? now, fireAt: now + min, done: false });
  }

  private cancel(key: string, pod: Pod): void {
    const w = this.works.get(key);
    if (!w) return;
    this.works.delete(key);
    if (w.done) return;
    this.deps.recorder.event(podRef(pod), 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  }

  private async evict(pod: Pod, w: Work): Promise<void> {
    const key = keyOf(pod);
    const { client, clock, logger, recorder } = this.deps;
    logger.info({ controller: CONTROLLER, key, node: w.node }, 'deleting pod: NoExecute taint');
    recorder.event(podRef(pod), 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    try {
      const cond = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' };
      await patchPodCondition(client, pod, cond, clock.now());
      await client.delete(R.pods, pod.metadata?.namespace, pod.metadata?.name ?? '', { preconditions: { uid: pod.metadata?.uid } });
      w.done = true;
    } catch (e) {
      if (isNotFound(e)) {
        w.done = true;
        return;
      }
      this.works.delete(key);
      throw e;
    }
  }
}
