// The kubelet's pod events (Pulled, Created, Started, Failed, BackOff, Killing), derived from engine state changes.

import type { Container, Pod } from '../apiserver/api/types.js';
import type { EventRecorder } from '../controllers/runtime/index.js';
import type { ContainerRuntime, PodRuntime } from './lifecycle.js';

/** Receives the engine's before/after state of a pod and records what a kubelet would have reported. */
export interface PodEventSink {
  emit(pod: Pod, before: PodRuntime | undefined, after: PodRuntime): void;
}

/** One event: type, reason, message. */
export type PodEvent = ['Normal' | 'Warning', string, string];

function specOf(pod: Pod, c: ContainerRuntime): Container | undefined {
  const list = (c.init ? pod.spec?.initContainers : pod.spec?.containers) ?? [];
  return list.find((x) => x.name === c.name);
}

/**
 * Assumptions / Invariants (upstream kuberuntime_container.go, images/image_manager.go): a container that starts a
 * new instance reports Pulled (image present; a simulated node has every image), Created and Started; a pull
 * failure reports Failed twice (the pull error, then `Error: ErrImagePull`); entering a back-off reports BackOff and
 * `Error: ImagePullBackOff` for images, `Back-off restarting failed container …` for crashes; stopping a running
 * container for a deletion reports Killing. Only transitions are reported, so re-running the engine is silent.
 */
export function podEventsFor(pod: Pod, before: PodRuntime | undefined, after: PodRuntime): PodEvent[] {
  const out: PodEvent[] = [];
  const ns = pod.metadata?.namespace ?? 'default';
  const name = pod.metadata?.name ?? '';
  for (const c of after.containers) {
    const old = before?.containers.find((x) => x.name === c.name);
    const image = specOf(pod, c)?.image ?? '';
    const started = c.state === 'running' || (c.state === 'terminated' && c.startedAt !== undefined);
    if (started && c.containerID && c.containerID !== old?.containerID) {
      out.push(['Normal', 'Pulled', `Container image "${image}" already present on machine`]);
      out.push(['Normal', 'Created', `Created container: ${c.name}`]);
      out.push(['Normal', 'Started', `Started container ${c.name}`]);
    }
    const reason = c.state === 'waiting' ? c.waitingReason : undefined;
    const oldReason = old?.state === 'waiting' ? old.waitingReason : undefined;
    const newAttempt = reason !== oldReason || (c.nextAttemptAt !== old?.nextAttemptAt && reason === 'ErrImagePull');
    if (reason === 'ErrImagePull' && newAttempt) {
      out.push(['Normal', 'Pulling', `Pulling image "${image}"`]);
      out.push(['Warning', 'Failed', `Failed to pull image "${image}": ${c.waitingMessage ?? ''}`]);
      out.push(['Warning', 'Failed', 'Error: ErrImagePull']);
    } else if (reason === 'ImagePullBackOff' && oldReason !== reason) {
      out.push(['Normal', 'BackOff', `Back-off pulling image "${image}"`]);
      out.push(['Warning', 'Failed', 'Error: ImagePullBackOff']);
    } else if (reason === 'CrashLoopBackOff' && (oldReason !== reason || c.restartCount !== old?.restartCount)) {
      out.push(['Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${name}_${ns}(${pod.metadata?.uid ?? ''})`]);
    }
    if (after.terminatingSince !== undefined && before?.terminatingSince === undefined && old?.state === 'running') {
      out.push(['Normal', 'Killing', `Stopping container ${c.name}`]);
    }
  }
  return out;
}

/** A sink that writes the events through an event recorder. */
export function recorderSink(recorder: EventRecorder): PodEventSink {
  return {
    emit(pod, before, after) {
      for (const [type, reason, message] of podEventsFor(pod, before, after)) recorder.event(pod as Parameters<EventRecorder['event']>[0], type, reason, message);
    },
  };
}
