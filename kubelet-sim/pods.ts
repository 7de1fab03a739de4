// The pods a simulator runs: each pod bound to one of its nodes is played by the lifecycle engine and its status posted.

import { R } from '../apiserver/api/resources.js';
import { isConflict, isInvalid, isNotFound } from '../apiserver/api/status.js';
import type { Pod } from '../apiserver/api/types.js';
import type { Client, Clock, Informer, Logger, ReconcileResult } from '../controllers/runtime/index.js';
import { splitKey } from '../controllers/runtime/index.js';
import { step, type PodRuntime, type StepResult } from './lifecycle.js';
import type { NodeSet, SimNode } from './nodes.js';
import { jsonEqual, statusPatch } from './status-patch.js';
import type { PodEventSink } from './pod-events.js';

/** A pod being played: the last object seen or written, and the engine's state. */
export interface Played {
  pod: Pod;
  runtime: PodRuntime;
  node: string;
}

/** What the pod player needs. */
export interface PodPlayerDeps {
  client: Client;
  clock: Clock;
  logger: Logger;
  nodes: NodeSet;
  pods: Informer<Pod>;
  events: PodEventSink;
}

const rvOf = (p: Pod | undefined): number => Number(p?.metadata?.resourceVersion ?? 0);
const statusOf = (p: Pod): Record<string, unknown> => (p.status ?? {}) as Record<string, unknown>;

/** Engine input for a pod on a node: the node's IP, and a pod IP from the node's range (the node IP for hostNetwork). */
export function stepPod(pod: Pod, runtime: PodRuntime | undefined, node: SimNode, now: number): StepResult {
  const hostNetwork = pod.spec?.hostNetwork === true;
  const podIP = hostNetwork ? node.hostIP : node.ips.allocate(pod.metadata?.uid ?? '');
  return step(pod, runtime, { now, hostIP: node.hostIP, podIP });
}

/**
 * Assumptions / Invariants (upstream kubelet pod workers + status manager): one pod is handled by one worker at a
 * time (the work queue guarantees it); the engine is re-run on every change of the pod and when a stage falls due;
 * status is posted only when it differs from what the API holds; a status we posted is remembered until the watch
 * catches up, so a re-run before then does not act on the older object; a pod recreated under the same name (new
 * uid) starts over; graceful deletion ends with DELETE gracePeriodSeconds=0 and the uid as precondition.
 */
export class PodPlayer {
  private readonly played = new Map<string, Played>();

  constructor(private readonly deps: PodPlayerDeps) {}

  /** The pod and its engine state, for the log endpoint. */
  lookup(key: string): Played | undefined {
    return this.played.get(key);
  }

  /** Whether a pod belongs to this process (bound to one of its nodes). */
  ours(pod: Pod): boolean {
    const n = pod.spec?.nodeName;
    return typeof n === 'string' && this.deps.nodes.has(n);
  }

  /** Forgets every pod of a node that is no longer simulated. */
  forgetNode(node: string): string[] {
    const keys: string[] = [];
    for (const [k, p] of this.played) {
      if (p.node !== node) continue;
      this.drop(k);
      keys.push(k);
    }
    return keys;
  }

  /** Forgets one pod (and frees its IP). */
  drop(key: string): void {
    const p = this.played.get(key);
    if (!p) return;
    this.deps.nodes.get(p.node)?.ips.release(p.runtime.uid);
    this.played.delete(key);
  }

  /** The pod to act on: the cached one, unless what we wrote last is newer. */
  private current(key: string): Pod | undefined {
    const { namespace, name } = splitKey(key);
    const cached = this.deps.pods.get(namespace, name);
    const mine = this.played.get(key)?.pod;
    if (!cached) return undefined;
    if (mine && mine.metadata?.uid === cached.metadata?.uid && rvOf(mine) > rvOf(cached)) return mine;
    return cached;
  }

  /** Plays one API pod (the caller routes static and mirror pods elsewhere). */
  async reconcile(key: string): Promise<ReconcileResult> {
    const { clock } = this.deps;
    const pod = this.current(key);
    if (!pod || !this.ours(pod)) {
      this.drop(key);
      return;
    }
    const nodeName = pod.spec!.nodeName!;
    const node = this.deps.nodes.get(nodeName)!;
    let prev = this.played.get(key);
    if (prev && (prev.runtime.uid !== pod.metadata?.uid || prev.node !== nodeName)) {
      this.drop(key);
      prev = undefined;
    }
    const now = clock.now();
    const result = stepPod(pod, prev?.runtime, node, now);
    const entry: Played = { pod, runtime: result.runtime, node: nodeName };
    this.played.set(key, entry);
    this.deps.events.emit(pod, prev?.runtime, result.runtime);
    if (!jsonEqual(statusOf(pod), result.status)) {
      const written = await this.postStatus(pod, result.status);
      if (!written) return;
      entry.pod = written;
    }
    if (result.deleteNow) {
      await this.finishDeletion(pod);
      return;
    }
    if (result.wakeAt !== undefined) return { requeueAfterMs: Math.max(1, result.wakeAt - now) };
    return;
  }

  /** PATCHes pods/status; undefined when the pod is gone or was replaced meanwhile. */
  private async postStatus(pod: Pod, status: Record<string, unknown>): Promise<Pod | undefined> {
    const { namespace, name, uid } = pod.metadata ?? {};
    try {
      return await this.deps.client.patch<Pod>(R.pods, namespace, name!, 'merge', statusPatch(uid ?? '', statusOf(pod), status), { subresource: 'status' });
    } catch (e) {
      if (isNotFound(e) || isConflict(e) || isInvalid(e)) return undefined;
      throw e;
    }
  }

  private async finishDeletion(pod: Pod): Promise<void> {
    const { namespace, name, uid } = pod.metadata ?? {};
    try {
      await this.deps.client.delete(R.pods, namespace, name!, { gracePeriodSeconds: 0, preconditions: { uid: uid! } });
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }
}
