// Static pods: manifests become pods run by their node, each shown in the API as a mirror pod kept in step with it.

import { R } from '../apiserver/api/resources.js';
import { isAlreadyExists, isConflict, isInvalid, isNotFound } from '../apiserver/api/status.js';
import type { Pod } from '../apiserver/api/types.js';
import type { Client, Clock, EventRecorder, Informer, Logger, ReconcileResult } from '../controllers/runtime/index.js';
import { keyOf, splitKey } from '../controllers/runtime/index.js';
import type { PodRuntime } from './lifecycle.js';
import type { ManifestResult } from './static-pods.js';
import { isMirrorPod, mirrorPod, mirrorPodHash, staticPod, staticPodHash } from './static-pods.js';
import type { NodeSet } from './nodes.js';
import type { PodEventSink } from './pod-events.js';
import { stepPod } from './pods.js';
import { jsonEqual, statusPatch } from './status-patch.js';

/** A static pod this process runs. */
interface Desired {
  pod: Pod;
  node: string;
  file: string;
  hash: string;
  runtime?: PodRuntime;
}

/** What the static pod sync needs. */
export interface StaticPodsDeps {
  client: Client;
  clock: Clock;
  logger: Logger;
  nodes: NodeSet;
  pods: Informer<Pod>;
  recorder?: EventRecorder;
  events: PodEventSink;
  enqueue(key: string): void;
}

/** How soon a static pod whose mirror name is held by another pod tries again (upstream kubelet resyncs in 10 s). */
const NAME_TAKEN_RETRY_MS = 10_000;

/**
 * How long after finishing a mirror pod's deletion through the API the mirror is created again. The real kubelet
 * deletes and recreates it in one sync, but only after its watch, pod config and pod worker have passed the update
 * on; a simulator that answers within a millisecond recreates the pod between `kubectl delete`'s GET and its LIST,
 * and kubectl (1.32, cmd/wait IsDeleted) then sees a pod of that name in its new watch cache and waits for a
 * deletion that already happened, forever. A second is what a user sees of a real node, and leaves kubectl's watch
 * (which syncs within 100 ms) time to see the name gone.
 */
export const MIRROR_RECREATE_DELAY_MS = 1000;

const rvOf = (p: Pod | undefined): number => Number(p?.metadata?.resourceVersion ?? 0);

/**
 * Assumptions / Invariants (upstream kubelet config/file.go, pod/mirror_client.go, kubelet.go syncPod): a manifest's
 * pods run on the node whose directory holds it (or on every node for shared files); the static pod is the truth
 * and the mirror pod only shows it. A missing mirror is created; a mirror that is being deleted or carries another
 * config hash is deleted (grace 0, uid precondition) and created anew, so deleting it through the API brings it
 * back with a new uid while the simulated containers keep running. A changed manifest is a new pod (new hash, new
 * containers); a removed manifest stops the pod and deletes its mirror. An invalid file is reported once per content
 * (Warning event on the Node and a log line naming the file) and leaves the node's other manifests running.
 */
export class StaticPods {
  private readonly desired = new Map<string, Desired>();
  private readonly byNode = new Map<string, Set<string>>();
  private readonly seen = new Map<string, number>();
  private readonly reported = new Map<string, string>();
  private readonly mirrors = new Map<string, Pod>();
  /** Mirrors deleted through the API: when each may be created again (see MIRROR_RECREATE_DELAY_MS). */
  private readonly recreateAt = new Map<string, number>();

  constructor(private readonly deps: StaticPodsDeps) {}

  /** Whether a pod key is a static pod of this process (or was one and still has a mirror to remove). */
  owns(key: string): boolean {
    return this.desired.has(key);
  }

  /** The static pod and its engine state, for the log endpoint. */
  lookup(key: string): { pod: Pod; runtime: PodRuntime } | undefined {
    const d = this.desired.get(key);
    return d?.runtime ? { pod: d.pod, runtime: d.runtime } : undefined;
  }

  /** A node's manifests as they now are. */
  onManifests(node: string, byFile: Map<string, ManifestResult>): void {
    const now = this.deps.clock.now();
    const keys = new Set<string>();
    for (const [file, result] of byFile) {
      if (!result.ok) {
        this.report(node, file, result.error);
        continue;
      }
      this.reported.delete(`${node}\0${file}`);
      for (const raw of result.pods) {
        const probe = staticPod(raw, { file, node }, 0);
        const hash = staticPodHash(probe) ?? '';
        const seenAt = this.seen.get(hash) ?? now;
        this.seen.set(hash, seenAt);
        const pod = staticPod(raw, { file, node }, seenAt);
        const key = keyOf(pod);
        if (keys.has(key)) {
          this.report(node, file, `a static pod named ${pod.metadata?.name} in namespace ${pod.metadata?.namespace} is defined twice`);
          continue;
        }
        keys.add(key);
        const old = this.desired.get(key);
        if (old && old.hash === hash) continue;
        this.desired.set(key, { pod, node, file, hash });
        this.deps.enqueue(key);
      }
    }
    for (const key of this.byNode.get(node) ?? []) {
      if (keys.has(key)) continue;
      this.desired.delete(key);
      this.deps.enqueue(key);
    }
    this.byNode.set(node, keys);
  }

  /** A node is no longer simulated: its static pods stop (their mirrors go with the Node through GC). */
  forgetNode(node: string): void {
    for (const key of this.byNode.get(node) ?? []) this.desired.delete(key);
    this.byNode.delete(node);
  }

  private report(node: string, file: string, error: string): void {
    const id = `${node}\0${file}`;
    if (this.reported.get(id) === error) return;
    this.reported.set(id, error);
    this.deps.logger.warn({ node, file, err: error }, 'invalid static pod manifest');
    this.deps.recorder?.event({ apiVersion: 'v1', kind: 'Node', metadata: { name: node, uid: node } }, 'Warning', 'FailedStaticPodManifest', `Could not process manifest file "${file}": ${error}`);
  }

  /**
   * The mirror pod as last seen or written: what we wrote wins until the watch has caught up with it; once the
   * informer has seen a newer revision, an absent mirror really is gone.
   */
  private mirror(key: string): Pod | undefined {
    const { namespace, name } = splitKey(key);
    const cached = this.deps.pods.get(namespace, name);
    const mine = this.mirrors.get(key);
    if (!cached) return mine && rvOf(mine) > Number(this.deps.pods.lastSyncResourceVersion || 0) ? mine : undefined;
    if (mine && mine.metadata?.uid === cached.metadata?.uid && rvOf(mine) > rvOf(cached)) return mine;
    return cached;
  }

  /** Syncs one static pod key: play the pod, keep its mirror. */
  async reconcile(key: string): Promise<ReconcileResult> {
    const d = this.desired.get(key);
    const mirror = this.mirror(key);
    if (!d) {
      this.mirrors.delete(key);
      this.recreateAt.delete(key);
      if (mirror && isMirrorPod(mirror) && this.deps.nodes.has(mirror.spec?.nodeName ?? '')) await this.deleteMirror(mirror);
      return;
    }
    const node = this.deps.nodes.get(d.node);
    if (!node) return;
    const now = this.deps.clock.now();
    const result = stepPod(d.pod, d.runtime, node, now);
    this.deps.events.emit(mirror ?? d.pod, d.runtime, result.runtime);
    d.runtime = result.runtime;
    d.pod = { ...d.pod, status: result.status };
    const wake = result.wakeAt !== undefined ? { requeueAfterMs: Math.max(1, result.wakeAt - now) } : undefined;
    if (mirror && !isMirrorPod(mirror)) {
      // a pod of the API holds the mirror's name: never ours to delete; the static pod runs without a mirror
      this.report(d.node, d.file, `pod "${mirror.metadata?.name}" in namespace "${mirror.metadata?.namespace}" already exists and is not a mirror pod`);
      return { requeueAfterMs: Math.min(wake?.requeueAfterMs ?? NAME_TAKEN_RETRY_MS, NAME_TAKEN_RETRY_MS) };
    }
    const current = mirror && !mirror.metadata?.deletionTimestamp && mirrorPodHash(mirror) === d.hash ? mirror : undefined;
    if (mirror && !current) {
      await this.deleteMirror(mirror);
      if (mirror.metadata?.deletionTimestamp) this.recreateAt.set(key, now + MIRROR_RECREATE_DELAY_MS);
    }
    const until = current ? undefined : this.recreateAt.get(key);
    if (until !== undefined && now < until) return { requeueAfterMs: Math.min(until - now, wake?.requeueAfterMs ?? Infinity) };
    this.recreateAt.delete(key);
    const live = current ?? (await this.createMirror(key, d, node.uid));
    if (live) await this.publish(key, live, result.status);
    return wake;
  }

  private async deleteMirror(mirror: Pod): Promise<void> {
    const { namespace, name, uid } = mirror.metadata ?? {};
    try {
      await this.deps.client.delete(R.pods, namespace, name!, { gracePeriodSeconds: 0, preconditions: { uid: uid! } });
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }

  private async createMirror(key: string, d: Desired, nodeUid: string): Promise<Pod | undefined> {
    try {
      const created = await this.deps.client.create<Pod>(R.pods, mirrorPod(d.pod, { name: d.node, uid: nodeUid }));
      this.mirrors.set(key, created);
      return created;
    } catch (e) {
      // the name is still taken (the old mirror not yet gone, or another pod): the controller retries, rate-limited
      if (isAlreadyExists(e)) this.mirrors.delete(key);
      throw e;
    }
  }

  /** Reports the static pod's status on its mirror (keeping the QoS class the API server gave it). */
  private async publish(key: string, mirror: Pod, status: Record<string, unknown>): Promise<void> {
    const current = (mirror.status ?? {}) as Record<string, unknown>;
    const wanted = { ...status };
    if (current.qosClass !== undefined) wanted.qosClass = current.qosClass;
    if (jsonEqual(current, wanted)) return;
    const { namespace, name, uid } = mirror.metadata ?? {};
    try {
      const out = await this.deps.client.patch<Pod>(R.pods, namespace, name!, 'merge', statusPatch(uid ?? '', current, wanted), { subresource: 'status' });
      this.mirrors.set(key, out);
    } catch (e) {
      if (isNotFound(e) || isConflict(e) || isInvalid(e)) {
        this.deps.enqueue(key);
        return;
      }
      throw e;
    }
  }
}
