// Writing one pod status condition: a strategic merge patch of pods/status, lastTransitionTime kept unless the status changes.

import { R } from '../../apiserver/api/resources.js';
import { metaTime } from '../../apiserver/api/time.js';
import type { Pod } from '../../apiserver/api/types.js';
import type { Client } from './client.js';

/** The part of the client these writes use (tests pass a recording fake). */
export type PodStatusClient = Pick<Client, 'patch'>;

/** A pod condition written by a controller (merge key `type`); extra fields (e.g. lastProbeTime) are sent as given. */
export interface PodConditionWrite {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
}

/** Whether the pod already has the condition with the same status, and the same reason and message where given. */
export function hasPodCondition(pod: Pod, cond: PodConditionWrite): boolean {
  const old = pod.status?.conditions?.find((c) => c.type === cond.type);
  return !!old && old.status === cond.status && (cond.reason === undefined || old.reason === cond.reason) && (cond.message === undefined || old.message === cond.message);
}

/** The condition with its lastTransitionTime: the pod's current one when the status is unchanged, else `now` (ms). */
export function withTransitionTime<C extends PodConditionWrite>(pod: Pod, cond: C, now: number): C & { lastTransitionTime: string | undefined } {
  const old = pod.status?.conditions?.find((c) => c.type === cond.type);
  const lastTransitionTime = old && old.status === cond.status ? old.lastTransitionTime : metaTime(now);
  return { ...cond, lastTransitionTime };
}

/** Upstream PatchPodStatus: a strategic merge of `status` into pods/status; the uid rides along so a recreated pod is never hit. */
export async function patchPodStatus(client: PodStatusClient, pod: Pod, status: Record<string, unknown>): Promise<void> {
  await client.patch(R.pods, pod.metadata?.namespace, pod.metadata?.name ?? '', 'strategic', { metadata: { uid: pod.metadata?.uid }, status }, { subresource: 'status' });
}

/**
 * Upstream UpdatePodCondition + PatchPodStatus for one condition: nothing when the pod already has it (same status,
 * and reason and message where given); else the condition alone is patched, its lastTransitionTime now when the
 * status changes, else kept. Resolves false when nothing was written.
 */
export async function patchPodCondition(client: PodStatusClient, pod: Pod, cond: PodConditionWrite, now: number): Promise<boolean> {
  if (hasPodCondition(pod, cond)) return false;
  await patchPodStatus(client, pod, { conditions: [withTransitionTime(pod, cond, now)] });
  return true;
}
