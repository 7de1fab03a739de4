// The pure pod-lifecycle engine of the kubelet simulator: plays the stage table over injected time and yields the pod status.

import type { Pod } from '../apiserver/api/types.js';
import { isPlainObject } from '../apiserver/api/types.js';
import { adoptRuntime } from './adopt.js';
import { podOverrides } from './failures.js';
import { buildPodStatus, terminationComplete } from './pod-status.js';
import type { PodProfile, Stage, StageContext } from './stages.js';
import { STAGES, behaviourOf, readyDelayMs, specOf, startupDelayMs } from './stages.js';

/** The simulator's memory of one container (one per init and regular container). */
export interface ContainerRuntime {
  name: string;
  init: boolean;
  /** Instances started after the first one (status restartCount). */
  restartCount: number;
  state: 'waiting' | 'running' | 'terminated';
  /** ContainerCreating, PodInitializing, ErrImagePull, ImagePullBackOff, CrashLoopBackOff. */
  waitingReason?: string;
  waitingMessage?: string;
  /** `containerd://<64 hex>` of the current (or, while backing off, the last) instance. */
  containerID?: string;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  /** Completed | Error */
  reason?: string;
  /** When the running instance becomes ready; undefined = never. */
  readyAt?: number;
  /** The previous instance (lastState.terminated). */
  last?: { containerID: string; startedAt: number; finishedAt: number; exitCode: number; reason: string };
  /** When the next start or pull attempt is due, and the back-off entry (ms) the kubelet holds. */
  nextAttemptAt?: number;
  backoffMs?: number;
}

/** The simulator's memory of one pod. */
export interface PodRuntime {
  uid: string;
  acceptedAt: number;
  containers: ContainerRuntime[];
  /** When the kubelet first saw the pod terminating (deletion, or a terminal phase set by someone else). */
  terminatingSince?: number;
}

/** Simulator-wide delays; each has a default that keeps tests fast. */
export interface StepDefaults {
  /** Accept → sandbox ready (IP, containers may start). Default 0; annotation kubeling.io/start-delay overrides. */
  startDelayMs?: number;
  /** Extra time for the first pull of each container's image. Default 0. */
  pullDelayMs?: number;
  /** How long a (non-sidecar) init container runs. Default 0. */
  initRunMs?: number;
  /** How long a crashing image runs before it exits 1. Default 1000. */
  crashRunMs?: number;
}

/** The environment of one step: the injected clock and the node's addresses. */
export interface StepEnv {
  now: number;
  hostIP: string;
  /** The pod's IP (hostNetwork pods get hostIP instead). */
  podIP: string;
  defaults?: StepDefaults;
}

/** What a step decided. */
export interface StepResult {
  /** New state to keep (the input is never mutated). */
  runtime: PodRuntime;
  /** The full pod .status to publish (PATCH it if it differs from the pod's). */
  status: Record<string, unknown>;
  /** When step must run again; undefined = nothing scheduled. */
  wakeAt?: number;
  /** Graceful deletion is done: DELETE with gracePeriodSeconds 0 and preconditions.uid. */
  deleteNow?: boolean;
}

/** The defaults used when StepEnv.defaults leaves a value out. */
export const DEFAULT_DELAYS: Required<StepDefaults> = { startDelayMs: 0, pullDelayMs: 0, initRunMs: 0, crashRunMs: 1000 };

/** A safety bound on transitions per step (a long catch-up of a crash loop is a few hundred). */
const MAX_TRANSITIONS = 100_000;
/** While a final status waits to be published, step asks to run again this soon. */
const PUBLISH_RETRY_MS = 1000;

/** True for pods the kubelet got from a file or URL rather than the API (`kubernetes.io/config.source`). */
export function isStaticPod(pod: Pod): boolean {
  const source = pod.metadata?.annotations?.['kubernetes.io/config.source'];
  return source !== undefined && source !== 'api';
}

function profileOf(pod: Pod, rt: PodRuntime, env: StepEnv): PodProfile {
  const d = { ...DEFAULT_DELAYS, ...env.defaults };
  const overrides = podOverrides(pod);
  const graceMs = (pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
  const stopDelay = overrides.stopDelayMs ?? 0;
  return {
    restartPolicy: pod.spec?.restartPolicy === 'Never' || pod.spec?.restartPolicy === 'OnFailure' ? pod.spec.restartPolicy : 'Always',
    sandboxAt: rt.acceptedAt + (overrides.startDelayMs ?? d.startDelayMs),
    pullDelayMs: d.pullDelayMs,
    initRunMs: d.initRunMs,
    crashRunMs: d.crashRunMs,
    overrides,
    stopAfterMs: Math.min(stopDelay, graceMs),
    stopKilled: stopDelay > graceMs,
    isStatic: isStaticPod(pod),
  };
}

/** One runtime entry per spec container, init containers first, each kept if already known. */
function reconcileContainers(pod: Pod, rt: PodRuntime): PodRuntime {
  const hasInit = (pod.spec?.initContainers ?? []).length > 0;
  const entry = (name: string, init: boolean) =>
    rt.containers.find((c) => c.name === name && c.init === init) ?? { name, init, restartCount: 0, state: 'waiting' as const, waitingReason: hasInit ? 'PodInitializing' : 'ContainerCreating' };
  const containers = [...(pod.spec?.initContainers ?? []).map((c) => entry(c.name, true)), ...(pod.spec?.containers ?? []).map((c) => entry(c.name, false))];
  return { ...rt, containers };
}

interface Due {
  at: number;
  index: number;
  stage: Stage;
  ctx: StageContext;
}

/**
 * Plays every stage due by `now`, in simulated-time order, until none is.
 *
 * Assumptions / Invariants:
 * - Discrete-event simulation: the earliest due stage over all containers fires first (ties:
 *   container order), stamped with its due time, never before the previous one, so a late
 *   step replays what happened in between (a crash loop keeps its real rhythm).
 * - Each effect depends only on the runtime, the pod and the due time: running the engine
 *   again at the same `now` fires nothing (idempotent); time comes only from `now`.
 */
function advance(pod: Pod, start: PodRuntime, profile: PodProfile, now: number): { rt: PodRuntime; nextDue?: number } {
  let rt = start;
  let floor = -Infinity;
  for (let n = 0; n < MAX_TRANSITIONS; n++) {
    let best: Due | undefined;
    let future: number | undefined;
    rt.containers.forEach((c, index) => {
      const spec = specOf(pod, c);
      if (spec === undefined) return;
      const ctx: StageContext = { pod, rt, c, spec, profile, behaviour: behaviourOf(spec) };
      const stage = STAGES.find((s) => s.when(ctx));
      const anchor = stage?.anchor(ctx);
      if (stage === undefined || anchor === undefined) return;
      const at = Math.max(anchor + stage.delayMs(ctx), floor);
      if (at > now) future = future === undefined ? at : Math.min(future, at);
      else if (best === undefined || at < best.at) best = { at, index, stage, ctx };
    });
    if (best === undefined) return future === undefined ? { rt } : { rt, nextDue: future };
    const next = best.stage.effect(best.ctx, best.at);
    rt = { ...rt, containers: rt.containers.map((c, i) => (i === best!.index ? next : c)) };
    floor = best.at;
  }
  return { rt };
}

/** Future instants at which the status changes without a stage: sandbox ready, startup probe passed, ready. */
function statusWakes(pod: Pod, rt: PodRuntime, profile: PodProfile, now: number): number[] {
  const times = [profile.sandboxAt];
  for (const c of rt.containers) {
    const spec = specOf(pod, c);
    if (c.state !== 'running' || spec === undefined || c.startedAt === undefined) continue;
    times.push(c.startedAt + startupDelayMs(spec));
    if (c.readyAt !== undefined) times.push(c.readyAt);
  }
  return times.filter((t) => t > now);
}

/** Whether the pod object already shows this final status (phase and every container's state kind). */
function published(pod: Pod, status: Record<string, unknown>): boolean {
  const current = isPlainObject(pod.status) ? (pod.status as Record<string, unknown>) : {};
  if (current.phase !== status.phase) return false;
  const kinds = (s: Record<string, unknown>): string =>
    JSON.stringify(['initContainerStatuses', 'containerStatuses'].map((k) => (Array.isArray(s[k]) ? (s[k] as unknown[]) : []).map((x) => (isPlainObject(x) && isPlainObject(x.state) ? Object.keys(x.state).sort() : []))));
  return kinds(current) === kinds(status);
}

function accept(pod: Pod, now: number): PodRuntime {
  return { uid: pod.metadata?.uid ?? '', acceptedAt: now, containers: [] };
}

/** Running containers adopted without a readiness time get the one their spec implies. */
function restoreReadiness(pod: Pod, rt: PodRuntime, profile: PodProfile): PodRuntime {
  const containers = rt.containers.map((c) => {
    const spec = specOf(pod, c);
    if (c.state !== 'running' || c.readyAt !== undefined || spec === undefined || behaviourOf(spec) === 'never-ready') return c;
    return { ...c, readyAt: (c.startedAt ?? 0) + readyDelayMs(spec, profile) };
  });
  return { ...rt, containers };
}

/**
 * Advances one pod's simulated lifecycle to `env.now` and returns the status to publish.
 *
 * Assumptions / Invariants:
 * - Pure and idempotent: the same (pod, runtime, env) gives the same result; re-running with
 *   the published status at the same `now` changes nothing.
 * - First sight: the pod is accepted at `now` (or, if its status already has `startTime`, the
 *   runtime is rebuilt from that status, as a restarted kubelet finds its containers).
 * - A terminal phase in the API is never left; a pod seen terminating (deletionTimestamp, or a
 *   terminal phase set by someone else) has its containers stopped; once the final status is
 *   published, a deleted pod gets `deleteNow` (kubelet's grace-0 DELETE, DESIGN §6.4).
 */
export function step(pod: Pod, runtime: PodRuntime | undefined, env: StepEnv): StepResult {
  const { now } = env;
  const status0 = isPlainObject(pod.status) ? (pod.status as Record<string, unknown>) : {};
  const apiTerminal = status0.phase === 'Succeeded' || status0.phase === 'Failed';
  const deleting = pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
  const adopted = runtime === undefined ? adoptRuntime(pod, now) : undefined;
  let rt = reconcileContainers(pod, runtime ?? adopted ?? accept(pod, now));
  if ((deleting || apiTerminal) && rt.terminatingSince === undefined) rt = { ...rt, terminatingSince: now };
  const profile = profileOf(pod, rt, env);
  if (adopted !== undefined) rt = restoreReadiness(pod, rt, profile);
  if (runtime === undefined && apiTerminal) {
    return { runtime: rt, status: structuredClone(status0), ...(deleting ? { deleteNow: true } : {}) };
  }
  const wasRunning = rt.containers.some((c) => c.state === 'running');
  const played = advance(pod, rt, profile, now);
  rt = played.rt;
  // A terminal status is final: once nothing was left to stop, the published one is kept as is.
  const status = apiTerminal && !wasRunning ? structuredClone(status0) : buildPodStatus({ pod, rt, now, hostIP: env.hostIP, podIP: env.podIP, profile });
  const wakes = statusWakes(pod, rt, profile, now);
  if (played.nextDue !== undefined) wakes.push(played.nextDue);
  if (deleting && (apiTerminal || (terminationComplete(rt) && published(pod, status)))) return { runtime: rt, status, deleteNow: true };
  if (deleting && terminationComplete(rt)) wakes.push(now + PUBLISH_RETRY_MS);
  return wakes.length > 0 ? { runtime: rt, status, wakeAt: Math.min(...wakes) } : { runtime: rt, status };
}
