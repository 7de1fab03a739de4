// The pod lifecycle as data: a table of container stages (predicate, anchor + delay, effect) played by lifecycle.ts.

import type { Container, Pod } from '../apiserver/api/types.js';
import { nextBackoff, restartPlan, formatGoDuration } from './backoff.js';
import type { ImageBehaviour, PodOverrides } from './failures.js';
import { imageBehaviour, pullBackoffMessage, pullFailureMessage } from './failures.js';
import { containerIdOf } from './images.js';
import type { ContainerRuntime, PodRuntime } from './lifecycle.js';

/** How long ErrImagePull shows before the kubelet's next sync reports ImagePullBackOff. */
export const ERR_IMAGE_PULL_VISIBLE_MS = 2_000;

/** Pod-wide knobs of one step, derived from the pod, its annotations and the simulator defaults. */
export interface PodProfile {
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  /** When the sandbox (network, IP) is ready: accepted + start delay. */
  sandboxAt: number;
  pullDelayMs: number;
  initRunMs: number;
  crashRunMs: number;
  overrides: PodOverrides;
  /** How long a container takes to stop on deletion, and whether that ran past the grace period. */
  stopAfterMs: number;
  stopKilled: boolean;
  /** Static pods never receive a terminal phase on termination. */
  isStatic: boolean;
}

/** Everything a stage may look at. */
export interface StageContext {
  pod: Pod;
  rt: PodRuntime;
  c: ContainerRuntime;
  spec: Container;
  profile: PodProfile;
  behaviour: ImageBehaviour | undefined;
}

/**
 * One stage, in the spirit of kwok Stages: when `when` holds, the stage fires at
 * `anchor + delayMs` (undefined anchor: not schedulable yet) and `effect` gives the
 * container's next state, stamped with the simulated instant `at` it fired.
 */
export interface Stage {
  name: string;
  when: (ctx: StageContext) => boolean;
  anchor: (ctx: StageContext) => number | undefined;
  delayMs: (ctx: StageContext) => number;
  effect: (ctx: StageContext, at: number) => ContainerRuntime;
}

/** The container spec a runtime entry stands for. */
export function specOf(pod: Pod, c: ContainerRuntime): Container | undefined {
  const list = (c.init ? pod.spec?.initContainers : pod.spec?.containers) ?? [];
  return list.find((s) => s.name === c.name);
}

/** An init container with `restartPolicy: Always` (native sidecar, 1.29+). */
export function isSidecar(spec: Container, c: ContainerRuntime): boolean {
  return c.init && spec.restartPolicy === 'Always';
}

/** Whether an instance of the container ever existed. */
export function hasInstance(c: ContainerRuntime): boolean {
  return c.containerID !== undefined;
}

/** The startup probe's initial delay: the container is not `started` before that. */
export function startupDelayMs(spec: Container): number {
  return spec.startupProbe ? (spec.startupProbe.initialDelaySeconds ?? 0) * 1000 : 0;
}

/** How long after start a container becomes ready: readiness/startup probe initial delays and kubeling.io/ready-delay. */
export function readyDelayMs(spec: Container, profile: PodProfile): number {
  const readiness = spec.readinessProbe ? (spec.readinessProbe.initialDelaySeconds ?? 0) * 1000 : 0;
  return Math.max(readiness, startupDelayMs(spec), profile.overrides.readyDelayMs ?? 0);
}

/** When an init container let the next one start; undefined while it has not. */
function initDoneAt(pod: Pod, c: ContainerRuntime): number | undefined {
  const spec = specOf(pod, c);
  if (spec && isSidecar(spec, c)) {
    if (c.state === 'running' && c.startedAt !== undefined) return c.startedAt + startupDelayMs(spec);
    return c.last?.startedAt;
  }
  return c.state === 'terminated' && c.exitCode === 0 ? c.finishedAt : undefined;
}

/** When the container may first start: init containers one after another, regular ones once all init containers are done. */
export function turnAt(pod: Pod, rt: PodRuntime, c: ContainerRuntime, profile: PodProfile): number | undefined {
  const inits = rt.containers.filter((x) => x.init);
  const before = c.init ? inits.slice(0, inits.findIndex((x) => x.name === c.name)) : inits;
  let at = profile.sandboxAt;
  for (const prev of before) {
    const done = initDoneAt(pod, prev);
    if (done === undefined) return undefined;
    at = Math.max(at, done);
  }
  return at;
}

/** True once no regular container will run again, or initialisation failed for good: sidecars are then stopped. */
export function podFinished(pod: Pod, rt: PodRuntime, policy: PodProfile['restartPolicy']): boolean {
  const initFailed = rt.containers.some((c) => c.init && c.state === 'terminated' && c.exitCode !== 0 && policy === 'Never' && !isSidecar(specOf(pod, c) ?? { name: '' }, c));
  if (initFailed) return true;
  if (policy === 'Always') return false;
  return rt.containers.filter((c) => !c.init).every((c) => c.state === 'terminated' && (policy === 'Never' || c.exitCode === 0));
}

/** Whether a dead container is started again (pod restartPolicy; init and sidecar rules). */
export function shouldRestart(ctx: StageContext): boolean {
  const { c, spec, profile } = ctx;
  if (isSidecar(spec, c)) return !podFinished(ctx.pod, ctx.rt, profile.restartPolicy);
  if (c.init) return c.exitCode !== 0 && profile.restartPolicy !== 'Never';
  if (profile.restartPolicy === 'Always') return true;
  return profile.restartPolicy === 'OnFailure' && c.exitCode !== 0;
}

/** How long an instance runs before it exits by itself; undefined = until stopped. */
function runForMs(ctx: StageContext): number | undefined {
  if (ctx.behaviour === 'crash') return ctx.profile.crashRunMs;
  if (isSidecar(ctx.spec, ctx.c)) return undefined;
  if (ctx.c.init) return ctx.profile.initRunMs;
  return ctx.profile.overrides.exitAfterMs;
}

function exitCodeOf(ctx: StageContext): number {
  if (ctx.behaviour === 'crash') return 1;
  if (ctx.c.init) return 0;
  return ctx.profile.overrides.exitCode ?? 0;
}

function terminate(c: ContainerRuntime, at: number, exitCode: number): ContainerRuntime {
  return { ...c, state: 'terminated', finishedAt: at, exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' };
}

function waiting(c: ContainerRuntime, reason: string, message?: string): ContainerRuntime {
  const next: ContainerRuntime = { ...c, state: 'waiting', waitingReason: reason };
  if (message === undefined) delete next.waitingMessage;
  else next.waitingMessage = message;
  return next;
}

const terminating = (ctx: StageContext): boolean => ctx.rt.terminatingSince !== undefined;
const isPullFailure = (ctx: StageContext): boolean => ctx.behaviour === 'pull-failure';

/**
 * The stage table. Per container the first stage whose `when` holds is the next one.
 *
 * Assumptions / Invariants — reproduces the kubelet as seen through the API (1.32):
 * - Containers start only after the sandbox is up (start delay); init containers run one at a
 *   time, a sidecar counts as done once started; regular containers start together after them.
 * - A failed pull shows ErrImagePull, then ImagePullBackOff until the retry (10 s doubling, ≤ 5 min).
 * - A dead container is restarted per restartPolicy with kubelet's crash back-off (backoff.ts);
 *   while backing off it is waiting CrashLoopBackOff with the dead instance as lastState, and
 *   restartCount counts instances started after the first (it grows when the restart happens).
 * - Deletion stops running containers after the stop delay (exit 0, or 137 if past the grace period).
 */
export const STAGES: readonly Stage[] = [
  {
    name: 'stop',
    when: (ctx) => terminating(ctx) && ctx.c.state === 'running',
    anchor: (ctx) => ctx.rt.terminatingSince,
    delayMs: (ctx) => ctx.profile.stopAfterMs,
    effect: (ctx, at) => terminate(ctx.c, at, ctx.profile.stopKilled ? 137 : 0),
  },
  {
    name: 'pull-failed',
    when: (ctx) => !terminating(ctx) && isPullFailure(ctx) && ctx.c.state === 'waiting' && ctx.c.waitingReason !== 'ErrImagePull',
    anchor: (ctx) => ctx.c.nextAttemptAt ?? turnAt(ctx.pod, ctx.rt, ctx.c, ctx.profile),
    delayMs: (ctx) => (ctx.c.nextAttemptAt === undefined ? ctx.profile.pullDelayMs : 0),
    effect: (ctx, at) => {
      const backoffMs = nextBackoff(ctx.c.backoffMs);
      return { ...waiting(ctx.c, 'ErrImagePull', pullFailureMessage(ctx.spec.image ?? '')), backoffMs, nextAttemptAt: at + backoffMs };
    },
  },
  {
    name: 'pull-backoff',
    when: (ctx) => !terminating(ctx) && isPullFailure(ctx) && ctx.c.waitingReason === 'ErrImagePull' && ctx.c.nextAttemptAt !== undefined,
    anchor: (ctx) => (ctx.c.nextAttemptAt ?? 0) - (ctx.c.backoffMs ?? 0),
    delayMs: (ctx) => Math.min(ERR_IMAGE_PULL_VISIBLE_MS, ctx.c.backoffMs ?? 0),
    effect: (ctx) => waiting(ctx.c, 'ImagePullBackOff', pullBackoffMessage(ctx.spec.image ?? '')),
  },
  {
    name: 'start',
    when: (ctx) => !terminating(ctx) && !isPullFailure(ctx) && ctx.c.state === 'waiting',
    anchor: (ctx) => ctx.c.nextAttemptAt ?? turnAt(ctx.pod, ctx.rt, ctx.c, ctx.profile),
    delayMs: (ctx) => (hasInstance(ctx.c) || ctx.c.nextAttemptAt !== undefined ? 0 : ctx.profile.pullDelayMs),
    effect: (ctx, at) => {
      const { c } = ctx;
      const restartCount = hasInstance(c) ? c.restartCount + 1 : 0;
      const next: ContainerRuntime = { name: c.name, init: c.init, restartCount, state: 'running', containerID: containerIdOf(ctx.rt.uid, c.name, restartCount), startedAt: at };
      if (ctx.behaviour !== 'never-ready') next.readyAt = at + readyDelayMs(ctx.spec, ctx.profile);
      if (c.last) next.last = c.last;
      const backoffMs = c.waitingReason === 'CrashLoopBackOff' ? nextBackoff(c.backoffMs) : c.backoffMs;
      if (backoffMs !== undefined) next.backoffMs = backoffMs;
      return next;
    },
  },
  {
    name: 'exit',
    when: (ctx) => !terminating(ctx) && ctx.c.state === 'running' && runForMs(ctx) !== undefined,
    anchor: (ctx) => ctx.c.startedAt,
    delayMs: (ctx) => runForMs(ctx) ?? 0,
    effect: (ctx, at) => terminate(ctx.c, at, exitCodeOf(ctx)),
  },
  {
    name: 'sidecar-stop',
    when: (ctx) => !terminating(ctx) && ctx.c.state === 'running' && isSidecar(ctx.spec, ctx.c) && podFinished(ctx.pod, ctx.rt, ctx.profile.restartPolicy),
    anchor: (ctx) => Math.max(...ctx.rt.containers.map((x) => x.finishedAt ?? 0)),
    delayMs: () => 0,
    effect: (ctx, at) => terminate(ctx.c, at, 0),
  },
  {
    name: 'restart',
    when: (ctx) => !terminating(ctx) && ctx.c.state === 'terminated' && shouldRestart(ctx),
    anchor: (ctx) => ctx.c.finishedAt,
    delayMs: () => 0,
    effect: (ctx) => {
      const { c } = ctx;
      const startedAt = c.startedAt ?? 0;
      const finishedAt = c.finishedAt ?? startedAt;
      const plan = restartPlan(c.backoffMs, startedAt, finishedAt);
      const last = { containerID: c.containerID ?? '', startedAt, finishedAt, exitCode: c.exitCode ?? 0, reason: c.reason ?? 'Error' };
      const next: ContainerRuntime = { name: c.name, init: c.init, restartCount: c.restartCount, state: 'waiting', last, backoffMs: plan.backoffMs };
      if (c.containerID !== undefined) next.containerID = c.containerID;
      if (plan.immediate) return { ...next, waitingReason: 'ContainerCreating', nextAttemptAt: finishedAt };
      const meta = ctx.pod.metadata;
      const message = `back-off ${formatGoDuration(plan.backoffMs)} restarting failed container=${c.name} pod=${meta?.name ?? ''}_${meta?.namespace ?? ''}(${ctx.rt.uid})`;
      return { ...next, waitingReason: 'CrashLoopBackOff', waitingMessage: message, nextAttemptAt: finishedAt + plan.backoffMs };
    },
  },
];

/** The image behaviour of a container (IMAGE_FAILURE_RULES). */
export function behaviourOf(spec: Container): ImageBehaviour | undefined {
  return imageBehaviour(spec.image ?? '');
}
