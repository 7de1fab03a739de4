// StatefulSet status: replica counts from the pods, rolling-update completion, and whether a write is needed.

import { isTerminating } from '../../apiserver/api/pod-state.js';
import type { Pod, StatefulSet } from '../../apiserver/api/types.js';
import type { StatefulSetStatus } from 'kubernetes-types/apps/v1.js';
import { getPodRevision, isCreated, isRunningAndAvailable, isRunningAndReady, replicasOf } from './util.js';

/** The status fields the controller owns, mutable while a sync builds them. */
export interface SetStatus {
  observedGeneration: number;
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
  currentRevision: string;
  updateRevision: string;
  collisionCount: number;
}

/**
 * Counts over `pods` (upstream computeReplicaStatus). Assumptions / Invariants: replicas counts every created pod,
 * terminating ones included; ready and available count Running+Ready pods (terminating ones too); current and
 * updated count created, non-terminating pods by their revision label.
 */
export function computeReplicaStatus(pods: readonly Pod[], minReadySeconds: number, currentRevision: string, updateRevision: string, now: number): Pick<SetStatus, 'replicas' | 'readyReplicas' | 'availableReplicas' | 'currentReplicas' | 'updatedReplicas'> {
  const s = { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 };
  for (const pod of pods) {
    const created = isCreated(pod);
    if (created) s.replicas++;
    if (isRunningAndReady(pod)) {
      s.readyReplicas++;
      if (isRunningAndAvailable(pod, minReadySeconds, now)) s.availableReplicas++;
    }
    if (created && !isTerminating(pod)) {
      const rev = getPodRevision(pod);
      if (rev === currentRevision) s.currentReplicas++;
      if (rev === updateRevision) s.updatedReplicas++;
    }
  }
  return s;
}

/** A new status: generation observed, revisions named, counts over `pods`. */
export function newStatus(set: StatefulSet, currentRevision: string, updateRevision: string, collisionCount: number, pods: readonly Pod[], now: number): SetStatus {
  const counts = computeReplicaStatus(pods, set.spec?.minReadySeconds ?? 0, currentRevision, updateRevision, now);
  return { observedGeneration: set.metadata?.generation ?? 0, currentRevision, updateRevision, collisionCount, ...counts };
}

/**
 * Upstream completeRollingUpdate: with RollingUpdate, once every one of spec.replicas pods is updated and ready and no
 * other pod exists, the update revision becomes current. OnDelete never completes (currentRevision stays behind).
 */
export function completeRollingUpdate(set: StatefulSet, status: SetStatus): void {
  const want = replicasOf(set);
  if (set.spec?.updateStrategy?.type === 'RollingUpdate' && status.updatedReplicas === want && status.readyReplicas === want && status.replicas === want) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
}

/** Upstream inconsistentStatus: a write is needed when the generation grew or a count or revision differs (not for collisionCount alone). */
export function inconsistentStatus(set: StatefulSet, status: SetStatus): boolean {
  const s: Partial<StatefulSetStatus> = set.status ?? {};
  return status.observedGeneration > (s.observedGeneration ?? 0) || status.replicas !== (s.replicas ?? 0) ||
    status.currentReplicas !== (s.currentReplicas ?? 0) || status.readyReplicas !== (s.readyReplicas ?? 0) ||
    status.updatedReplicas !== (s.updatedReplicas ?? 0) || status.currentRevision !== (s.currentRevision ?? '') ||
    status.availableReplicas !== (s.availableReplicas ?? 0) || status.updateRevision !== (s.updateRevision ?? '');
}

/** The status as Go serializes StatefulSetStatus: omitempty fields left out when zero; replicas, availableReplicas and a set collisionCount always present. */
export function toWire(status: SetStatus): StatefulSetStatus {
  const out: Record<string, unknown> = {};
  if (status.observedGeneration) out.observedGeneration = status.observedGeneration;
  out.replicas = status.replicas;
  if (status.readyReplicas) out.readyReplicas = status.readyReplicas;
  if (status.currentReplicas) out.currentReplicas = status.currentReplicas;
  if (status.updatedReplicas) out.updatedReplicas = status.updatedReplicas;
  if (status.currentRevision) out.currentRevision = status.currentRevision;
  if (status.updateRevision) out.updateRevision = status.updateRevision;
  out.collisionCount = status.collisionCount;
  out.availableReplicas = status.availableReplicas;
  return out as unknown as StatefulSetStatus;
}
