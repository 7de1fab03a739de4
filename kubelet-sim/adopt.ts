// Rebuilds the simulator's memory of a pod from the status it already published (a restarted kubelet keeps its containers).

import type { ContainerStatus } from 'kubernetes-types/core/v1.js';
import type { Pod } from '../apiserver/api/types.js';
import { isPlainObject } from '../apiserver/api/types.js';
import type { ContainerRuntime, PodRuntime } from './lifecycle.js';

function parseTime(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

function fromStatus(name: string, init: boolean, s: ContainerStatus | undefined, now: number): ContainerRuntime {
  const c: ContainerRuntime = { name, init, restartCount: s?.restartCount ?? 0, state: 'waiting' };
  if (s === undefined) return { ...c, waitingReason: 'ContainerCreating' };
  if (s.containerID) c.containerID = s.containerID;
  const last = s.lastState?.terminated;
  if (last) {
    c.last = {
      containerID: last.containerID ?? '',
      startedAt: parseTime(last.startedAt) ?? now,
      finishedAt: parseTime(last.finishedAt) ?? now,
      exitCode: last.exitCode,
      reason: last.reason ?? 'Error',
    };
  }
  const { running, terminated, waiting } = s.state ?? {};
  if (running) {
    const startedAt = parseTime(running.startedAt) ?? now;
    return { ...c, state: 'running', startedAt, ...(s.ready ? { readyAt: startedAt } : {}) };
  }
  if (terminated) {
    const startedAt = parseTime(terminated.startedAt) ?? now;
    return { ...c, state: 'terminated', startedAt, finishedAt: parseTime(terminated.finishedAt) ?? startedAt, exitCode: terminated.exitCode, reason: terminated.reason ?? 'Error' };
  }
  const reason = waiting?.reason ?? 'ContainerCreating';
  if (waiting?.message !== undefined) c.waitingMessage = waiting.message;
  // Back-off deadlines are not in the status: a container that was backing off is retried now.
  const retry = c.containerID !== undefined || reason === 'ImagePullBackOff' || reason === 'ErrImagePull';
  if (reason === 'ErrImagePull') return { ...c, waitingReason: reason, backoffMs: 10_000, nextAttemptAt: now + 10_000 };
  return { ...c, waitingReason: reason, ...(retry ? { nextAttemptAt: now } : {}) };
}

/**
 * The runtime of a pod this node accepted before (its status has `startTime`), or undefined
 * for a pod never accepted. Running containers keep their IDs, start times and restart counts;
 * back-off timers are not recoverable and restart from now.
 */
export function adoptRuntime(pod: Pod, now: number): PodRuntime | undefined {
  const status = isPlainObject(pod.status) ? pod.status : undefined;
  const acceptedAt = parseTime(status?.startTime);
  const initStatuses = Array.isArray(status?.initContainerStatuses) ? status.initContainerStatuses : [];
  const regularStatuses = Array.isArray(status?.containerStatuses) ? status.containerStatuses : [];
  if (status === undefined || acceptedAt === undefined) return undefined;
  const find = (list: readonly ContainerStatus[] | undefined, name: string): ContainerStatus | undefined => (list ?? []).find((s) => s.name === name);
  const containers = [
    ...(pod.spec?.initContainers ?? []).map((c) => fromStatus(c.name, true, find(initStatuses, c.name), now)),
    ...(pod.spec?.containers ?? []).map((c) => fromStatus(c.name, false, find(regularStatuses, c.name), now)),
  ];
  return { uid: pod.metadata?.uid ?? '', acceptedAt, containers };
}
