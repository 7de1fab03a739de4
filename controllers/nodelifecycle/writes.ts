// The controller's writes: node taint swaps and condition posts, pod status conditions, pod deletion.

import type { NodeCondition } from '../../apiserver/api/pod-state.js';
import { R } from '../../apiserver/api/resources.js';
import { isConflict, isNotFound } from '../../apiserver/api/status.js';
import { metaTime } from '../../apiserver/api/time.js';
import type { Node, Pod, Taint } from '../../apiserver/api/types.js';
import { patchPodCondition, type Client, type EventRecorder } from '../runtime/index.js';
import { swapTaints } from './taints.js';

/** The part of the client these writes use (tests pass a recording fake). */
export type WriteClient = Pick<Client, 'get' | 'patch' | 'delete'>;

const ATTEMPTS = 5;

/**
 * Upstream SwapNodeControllerTaint: reads the live node, removes taints matching `remove` and adds `add` (timeAdded
 * now), patching the whole taint list with the read resourceVersion as a precondition; a conflict re-reads (5 tries).
 * Resolves true when the node has the wanted taints (or is gone), false when every try conflicted.
 */
export async function swapNodeTaints(client: WriteClient, name: string, add: Taint[], remove: Taint[], now: number): Promise<boolean> {
  for (let i = 0; i < ATTEMPTS; i++) {
    let live: Node;
    try {
      live = await client.get<Node>(R.nodes, undefined, name);
    } catch (e) {
      if (isNotFound(e)) return true;
      throw e;
    }
    const taints = swapTaints(live.spec?.taints, add, remove, metaTime(now));
    if (!taints) return true;
    try {
      await client.patch(R.nodes, undefined, name, 'merge', { metadata: { resourceVersion: live.metadata?.resourceVersion }, spec: { taints: taints.length ? taints : null } });
      return true;
    } catch (e) {
      if (isNotFound(e)) return true;
      if (!isConflict(e)) throw e;
    }
  }
  return false;
}

/** Posts a node's whole condition list to its status, with the cached resourceVersion as a precondition (UpdateStatus). */
export async function postNodeConditions(client: WriteClient, node: Node, conditions: NodeCondition[]): Promise<void> {
  const name = node.metadata?.name ?? '';
  await client.patch(R.nodes, undefined, name, 'merge', { metadata: { resourceVersion: node.metadata?.resourceVersion }, status: { conditions } }, { subresource: 'status' });
}

/**
 * Upstream MarkPodsNotReady: each pod on the node that has a Ready condition not yet False gets Ready=False (only
 * Ready; ContainersReady is the kubelet's) and a Warning NodeNotReady event. Resolves false when a write failed.
 */
export async function markPodsNotReady(client: WriteClient, recorder: EventRecorder, pods: readonly Pod[], nodeName: string, now: number): Promise<boolean> {
  let ok = true;
  for (const pod of pods) {
    if (pod.spec?.nodeName !== nodeName) continue;
    const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
    if (!ready || ready.status === 'False') continue;
    try {
      await patchPodCondition(client, pod, { type: 'Ready', status: 'False' }, now);
      recorder.event(podRef(pod), 'Warning', 'NodeNotReady', 'Node is not ready');
    } catch (e) {
      if (!isNotFound(e)) ok = false;
    }
  }
  return ok;
}

/** An event reference to a pod (cached list items carry no kind). */
export function podRef(pod: Pod): { apiVersion: string; kind: string; metadata: { name?: string; namespace?: string; uid?: string } } {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod.metadata?.name, namespace: pod.metadata?.namespace, uid: pod.metadata?.uid } };
}
