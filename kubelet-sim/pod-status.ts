// Builds the pod .status a kubelet publishes from the simulator's runtime: container statuses, phase, conditions.

import { metaTime as rfc3339 } from '../apiserver/api/time.js';
import type { ContainerState, ContainerStatus, PodCondition } from 'kubernetes-types/core/v1.js';
import type { Container, Pod } from '../apiserver/api/types.js';
import { isPlainObject } from '../apiserver/api/types.js';
import { imageIdOf, normaliseImage } from './images.js';
import type { ContainerRuntime, PodRuntime } from './lifecycle.js';
import type { PodProfile } from './stages.js';
import { hasInstance, isSidecar, specOf, startupDelayMs } from './stages.js';

/** RFC 3339 at whole seconds, as metav1.Time marshals: `2026-01-02T03:04:05Z`. */

/** Condition types the kubelet owns, in the order it writes them. */
export const KUBELET_CONDITIONS = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'] as const;

const UNKNOWN_STATE: ContainerState = {
  terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated' },
};

/** Whether the runtime instance is `started` (running, startup probe delay passed). */
function isStarted(spec: Container, c: ContainerRuntime, now: number): boolean {
  return c.state === 'running' && c.startedAt !== undefined && now >= c.startedAt + startupDelayMs(spec);
}

function stateOf(c: ContainerRuntime): ContainerState {
  if (c.state === 'running') return { running: { startedAt: rfc3339(c.startedAt ?? 0) } };
  if (c.state === 'terminated') {
    return {
      terminated: { exitCode: c.exitCode ?? 0, reason: c.reason ?? 'Completed', startedAt: rfc3339(c.startedAt ?? 0), finishedAt: rfc3339(c.finishedAt ?? 0), containerID: c.containerID ?? '' },
    };
  }
  const w: { reason?: string; message?: string } = {};
  if (c.waitingReason !== undefined) w.reason = c.waitingReason;
  if (c.waitingMessage !== undefined) w.message = c.waitingMessage;
  return { waiting: w };
}

/** One containerStatuses / initContainerStatuses entry. */
export function containerStatusOf(spec: Container, c: ContainerRuntime, now: number): ContainerStatus {
  const instance = hasInstance(c);
  const started = isStarted(spec, c, now);
  const sidecar = isSidecar(spec, c);
  const ready = c.init && !sidecar ? c.state === 'terminated' && c.exitCode === 0 : started && c.readyAt !== undefined && now >= c.readyAt;
  const last = c.last;
  const status: ContainerStatus = {
    name: c.name,
    state: stateOf(c),
    lastState: last
      ? { terminated: { exitCode: last.exitCode, reason: last.reason, startedAt: rfc3339(last.startedAt), finishedAt: rfc3339(last.finishedAt), containerID: last.containerID } }
      : {},
    ready,
    restartCount: c.restartCount,
    image: instance ? normaliseImage(spec.image ?? '') : (spec.image ?? ''),
    imageID: instance ? imageIdOf(spec.image ?? '') : '',
    ...(c.containerID !== undefined ? { containerID: c.containerID } : {}),
    started,
  };
  const mounts = (spec.volumeMounts ?? []).map((m) => ({ name: m.name, mountPath: m.mountPath, ...(m.readOnly ? { readOnly: true, recursiveReadOnly: 'Disabled' } : {}) }));
  return mounts.length > 0 ? { ...status, volumeMounts: mounts } : status;
}

const isWaitingFresh = (s: ContainerStatus): boolean => s.state?.waiting !== undefined && s.lastState?.terminated === undefined;
const isTerminated = (s: ContainerStatus): boolean => s.state?.terminated !== undefined;

/** A regular container ever ran (upstream `HasAnyRegularContainerStarted`). */
function anyRegularStarted(statuses: readonly ContainerStatus[]): boolean {
  return statuses.some((s) => s.state?.running !== undefined || isTerminated(s) || s.lastState?.terminated !== undefined);
}

/**
 * Ensures every container of a finished termination has a terminal state.
 *
 * Assumptions / Invariants — reproduces status manager `TerminatePod`:
 * - Once the pod initialized, a regular container that is not terminated becomes
 *   terminated 137 ContainerStatusUnknown (it never ran, or was backing off).
 * - Init containers likewise, except the trailing ones that never attempted to start.
 */
function finaliseStatuses(pod: Pod, init: ContainerStatus[], regular: ContainerStatus[]): void {
  const initSpecs = pod.spec?.initContainers ?? [];
  const lastInit = init[init.length - 1];
  const lastSpec = initSpecs[initSpecs.length - 1];
  const initialized =
    initSpecs.length === 0 ||
    regular.some((s) => s.lastState?.terminated !== undefined || s.state?.waiting === undefined) ||
    (lastInit !== undefined && lastSpec?.restartPolicy === 'Always' && lastInit.state?.running !== undefined && lastInit.started === true) ||
    (lastInit !== undefined && lastSpec?.restartPolicy !== 'Always' && (lastInit.lastState?.terminated?.exitCode === 0 || lastInit.state?.terminated?.exitCode === 0));
  const fix = (s: ContainerStatus): ContainerStatus => (isTerminated(s) ? s : { ...s, state: UNKNOWN_STATE, ready: false, started: false });
  if (initialized) regular.splice(0, regular.length, ...regular.map(fix));
  let attempted = 1;
  for (let i = init.length - 1; i >= 0; i--) {
    if (!isWaitingFresh(init[i]!)) {
      attempted = i + 1;
      break;
    }
  }
  for (let i = 0; i < Math.min(attempted, init.length); i++) init[i] = fix(init[i]!);
}

/**
 * The pod phase from container statuses.
 *
 * Assumptions / Invariants — reproduces kubelet `getPhase` (1.32):
 * - A regular init container failed and restartPolicy Never → Failed; an unfinished one → Pending.
 * - Any regular container (or sidecar) waiting without ever having run → Pending.
 * - Any running → Running. All stopped: terminal pod → Succeeded if all exit 0 else Failed
 *   (static pods excepted); else Always → Running, all 0 → Succeeded, Never → Failed, OnFailure → Running.
 */
export function podPhase(pod: Pod, init: readonly ContainerStatus[], regular: readonly ContainerStatus[], podIsTerminal: boolean, isStatic: boolean): string {
  const spec = pod.spec;
  let pendingInit = 0;
  let pendingSidecars = 0;
  let failedInit = 0;
  const counts = { running: 0, waiting: 0, stopped: 0, succeeded: 0 };
  const count = (s: ContainerStatus): void => {
    if (s.state?.running) counts.running++;
    else if (s.state?.terminated) {
      counts.stopped++;
      if (s.state.terminated.exitCode === 0) counts.succeeded++;
    } else if (s.lastState?.terminated) counts.stopped++;
    else counts.waiting++;
  };
  (spec?.initContainers ?? []).forEach((c, i) => {
    const s = init[i];
    if (s === undefined) return;
    if (c.restartPolicy === 'Always') {
      if ((s.state?.running && s.started !== true) || isWaitingFresh(s)) pendingSidecars++;
      count(s);
    } else if (s.state?.running || isWaitingFresh(s)) pendingInit++;
    else if ((s.state?.terminated ?? s.lastState?.terminated)?.exitCode !== 0) failedInit++;
  });
  regular.forEach(count);
  const restartPolicy = spec?.restartPolicy ?? 'Always';
  if (failedInit > 0 && restartPolicy === 'Never') return 'Failed';
  if (pendingInit > 0 || (pendingSidecars > 0 && !anyRegularStarted(regular)) || counts.waiting > 0) return 'Pending';
  if (counts.running > 0) return 'Running';
  if (counts.stopped === 0) return 'Pending';
  if (podIsTerminal && !isStatic) return counts.stopped === counts.succeeded ? 'Succeeded' : 'Failed';
  if (restartPolicy === 'Always') return 'Running';
  if (counts.stopped === counts.succeeded) return 'Succeeded';
  return restartPolicy === 'Never' ? 'Failed' : 'Running';
}

type Cond = { type: string; status: 'True' | 'False'; reason?: string; message?: string };

function cond(type: string, ok: boolean, reason?: string, message?: string): Cond {
  if (ok) return { type, status: 'True' };
  const c: Cond = { type, status: 'False' };
  if (reason !== undefined) c.reason = reason;
  if (message !== undefined) c.message = message;
  return c;
}

/** The kubelet-owned conditions, in kubelet order (upstream GeneratePod*Condition). */
function kubeletConditions(pod: Pod, init: readonly ContainerStatus[], regular: readonly ContainerStatus[], phase: string, sandboxReady: boolean, others: readonly PodCondition[]): Cond[] {
  const specInit = pod.spec?.initContainers ?? [];
  const incomplete = specInit.filter((c, i) => {
    const s = init[i];
    if (c.restartPolicy === 'Always') return s?.started !== true;
    return s?.state?.terminated?.exitCode !== 0;
  });
  const initialized =
    phase === 'Succeeded'
      ? cond('Initialized', true)
      : anyRegularStarted(regular) || incomplete.length === 0
        ? cond('Initialized', true)
        : cond('Initialized', false, 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.map((c) => c.name).join(' ')}]`);
  if (phase === 'Succeeded') initialized.reason = 'PodCompleted';
  const sidecars = specInit.map((c, i) => ({ c, s: init[i] })).filter((x) => x.c.restartPolicy === 'Always');
  const unready = [...sidecars.filter((x) => x.s?.ready !== true).map((x) => x.c.name), ...regular.filter((s) => !s.ready).map((s) => s.name)];
  let containersReady: Cond;
  if (phase === 'Succeeded' || phase === 'Failed') containersReady = cond('ContainersReady', false, phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed');
  else if (unready.length > 0) containersReady = cond('ContainersReady', false, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`);
  else containersReady = cond('ContainersReady', true);
  let ready: Cond = { ...containersReady, type: 'Ready' };
  if (containersReady.status === 'True') {
    const gates = (pod.spec?.readinessGates ?? []).flatMap((g) => {
      const c = others.find((o) => o.type === g.conditionType);
      if (c === undefined) return [`corresponding condition of pod readiness gate "${g.conditionType}" does not exist.`];
      return c.status === 'True' ? [] : [`the status of pod readiness gate "${g.conditionType}" is not "True", but ${c.status}`];
    });
    if (gates.length > 0) ready = cond('Ready', false, 'ReadinessGatesNotReady', gates.join(', '));
  }
  return [cond('PodReadyToStartContainers', sandboxReady), initialized, ready, containersReady, cond('PodScheduled', true)];
}

/** Non-kubelet conditions kept first, then kubelet ones; lastTransitionTime kept while a condition's status is unchanged. */
function mergeConditions(old: readonly PodCondition[], fresh: readonly Cond[], now: number): PodCondition[] {
  const owned = new Set<string>(KUBELET_CONDITIONS);
  const kept = old.filter((c) => !owned.has(c.type));
  return [
    ...kept,
    ...fresh.map((c) => {
      const prev = old.find((o) => o.type === c.type);
      const lastTransitionTime = prev !== undefined && prev.status === c.status && typeof prev.lastTransitionTime === 'string' ? prev.lastTransitionTime : rfc3339(now);
      return { ...c, lastTransitionTime };
    }),
  ];
}

/** Fallback QoS class when the API server did not set one (upstream `GetPodQOS`, simplified to cpu/memory). */
function qosOf(pod: Pod): string {
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const has = all.some((c) => Object.keys(c.resources?.requests ?? {}).length > 0 || Object.keys(c.resources?.limits ?? {}).length > 0);
  if (!has) return 'BestEffort';
  const guaranteed = all.every((c) => ['cpu', 'memory'].every((r) => {
    const limit = c.resources?.limits?.[r];
    const request = c.resources?.requests?.[r] ?? limit;
    return limit !== undefined && String(limit) === String(request);
  }));
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** Inputs of buildPodStatus. */
export interface StatusInput {
  pod: Pod;
  rt: PodRuntime;
  now: number;
  hostIP: string;
  podIP: string;
  profile: PodProfile;
}

/** True when the pod is being terminated and no container is running any more. */
export function terminationComplete(rt: PodRuntime): boolean {
  return rt.terminatingSince !== undefined && !rt.containers.some((c) => c.state === 'running');
}

/** The full pod .status to publish: existing non-kubelet fields kept, kubelet fields recomputed. */
export function buildPodStatus(input: StatusInput): Record<string, unknown> {
  const { pod, rt, now, profile } = input;
  const old: Record<string, unknown> = isPlainObject(pod.status) ? (pod.status as Record<string, unknown>) : {};
  const statuses = (init: boolean): ContainerStatus[] =>
    rt.containers.filter((c) => c.init === init).flatMap((c) => {
      const spec = specOf(pod, c);
      return spec ? [containerStatusOf(spec, c, now)] : [];
    });
  const init = statuses(true);
  const regular = statuses(false);
  const done = terminationComplete(rt);
  if (done) finaliseStatuses(pod, init, regular);
  const oldPhase = typeof old.phase === 'string' ? old.phase : undefined;
  let phase = oldPhase === 'Succeeded' || oldPhase === 'Failed' ? oldPhase : podPhase(pod, init, regular, done, profile.isStatic);
  if (done && !profile.isStatic && (phase === 'Pending' || phase === 'Running')) phase = 'Failed';
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const oldConds = (Array.isArray(old.conditions) ? old.conditions : []).filter(isPlainObject) as unknown as PodCondition[];
  const others = oldConds.filter((c) => !(KUBELET_CONDITIONS as readonly string[]).includes(c.type));
  const sandboxReady = now >= profile.sandboxAt && !terminal && !done;
  const conditions = mergeConditions(oldConds, kubeletConditions(pod, init, regular, phase, sandboxReady, others), now);
  const podIP = pod.spec?.hostNetwork === true ? input.hostIP : input.podIP;
  const out: Record<string, unknown> = { phase, conditions };
  for (const k of ['message', 'reason', 'nominatedNodeName'] as const) if (old[k] !== undefined) out[k] = old[k];
  out.hostIP = input.hostIP;
  out.hostIPs = [{ ip: input.hostIP }];
  if (now >= profile.sandboxAt) {
    out.podIP = podIP;
    out.podIPs = [{ ip: podIP }];
  }
  out.startTime = typeof old.startTime === 'string' ? old.startTime : rfc3339(rt.acceptedAt);
  if (init.length > 0) out.initContainerStatuses = init;
  out.containerStatuses = regular;
  out.qosClass = typeof old.qosClass === 'string' ? old.qosClass : qosOf(pod);
  for (const [k, v] of Object.entries(old)) if (!(k in out) && !['podIP', 'podIPs', 'initContainerStatuses'].includes(k)) out[k] = v;
  return out;
}
