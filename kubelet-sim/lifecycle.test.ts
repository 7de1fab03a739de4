// Table tests for the pod-lifecycle engine: accept → Running/Ready, init containers, readiness, deletion, idempotence.

import { describe, expect, it } from 'vitest';
import type { Container, Pod } from '../apiserver/api/types.js';
import { step } from './lifecycle.js';
import type { StepDefaults } from './lifecycle.js';
import { LifecycleDriver } from './lifecycle-driver.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const S = (s: number): number => T0 + s * 1000;
const ENV = { hostIP: '10.0.0.2', podIP: '10.244.1.7' };

function makePod(opts: { containers?: Container[]; init?: Container[]; annotations?: Record<string, string>; restartPolicy?: string; gates?: string[]; conditions?: unknown[]; hostNetwork?: boolean } = {}): Pod {
  const spec: Record<string, unknown> = { nodeName: 'n1', containers: opts.containers ?? [{ name: 'c1', image: 'nginx' }, { name: 'c2', image: 'redis:7' }] };
  if (opts.init) spec.initContainers = opts.init;
  if (opts.restartPolicy) spec.restartPolicy = opts.restartPolicy;
  if (opts.gates) spec.readinessGates = opts.gates.map((conditionType) => ({ conditionType }));
  if (opts.hostNetwork) spec.hostNetwork = true;
  const status: Record<string, unknown> = { phase: 'Pending', qosClass: 'BestEffort' };
  if (opts.conditions) status.conditions = opts.conditions;
  return { metadata: { name: 'web', namespace: 'default', uid: 'uid-1', ...(opts.annotations ? { annotations: opts.annotations } : {}) }, spec, status } as unknown as Pod;
}

type Cond = { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string };
const conds = (d: LifecycleDriver): Cond[] => d.status.conditions as Cond[];
const brief = (d: LifecycleDriver): string[] => conds(d).map((c) => `${c.type}=${c.status}${c.reason ? `/${c.reason}` : ''}`);
const cs = (d: LifecycleDriver, key = 'containerStatuses'): Record<string, any>[] => d.status[key] as Record<string, any>[];
const stateKinds = (d: LifecycleDriver, key = 'containerStatuses'): string[] => cs(d, key).map((s) => `${s.name}:${Object.keys(s.state)[0]}${s.state.waiting?.reason ? `/${s.state.waiting.reason}` : ''}${s.state.terminated ? `/${s.state.terminated.reason}` : ''}`);
const driver = (pod: Pod, defaults?: StepDefaults): LifecycleDriver => new LifecycleDriver(pod, { ...ENV, ...(defaults ? { defaults } : {}) });

describe('accept → Running → Ready (DESIGN §6.3, edge case 52)', () => {
  it('accepted pod is Pending with kubelet conditions in order and ContainerCreating containers', () => {
    const d = driver(makePod(), { startDelayMs: 500 });
    const r = d.at(T0);
    expect(r.wakeAt).toBe(T0 + 500);
    expect(d.status).toMatchObject({ phase: 'Pending', hostIP: '10.0.0.2', hostIPs: [{ ip: '10.0.0.2' }], startTime: '2026-01-02T03:04:05Z', qosClass: 'BestEffort' });
    expect(d.status.podIP).toBeUndefined();
    expect(conds(d)).toEqual([
      { type: 'PodReadyToStartContainers', status: 'False', lastTransitionTime: '2026-01-02T03:04:05Z' },
      { type: 'Initialized', status: 'True', lastTransitionTime: '2026-01-02T03:04:05Z' },
      { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [c1 c2]', lastTransitionTime: '2026-01-02T03:04:05Z' },
      { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [c1 c2]', lastTransitionTime: '2026-01-02T03:04:05Z' },
      { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-02T03:04:05Z' },
    ]);
    expect(cs(d)[0]).toEqual({ name: 'c1', state: { waiting: { reason: 'ContainerCreating' } }, lastState: {}, ready: false, restartCount: 0, image: 'nginx', imageID: '', started: false });
  });

  it('after the start delay: Running, IPs, started and ready containers, all conditions True', () => {
    const d = driver(makePod(), { startDelayMs: 500 });
    d.at(T0);
    const r = d.at(T0 + 1500);
    expect(r.wakeAt).toBeUndefined();
    expect(d.status).toMatchObject({ phase: 'Running', podIP: '10.244.1.7', podIPs: [{ ip: '10.244.1.7' }] });
    expect(brief(d)).toEqual(['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
    expect(conds(d).map((c) => c.lastTransitionTime)).toEqual(['2026-01-02T03:04:06Z', '2026-01-02T03:04:05Z', '2026-01-02T03:04:06Z', '2026-01-02T03:04:06Z', '2026-01-02T03:04:05Z']);
    const c1 = cs(d)[0]!;
    expect(c1).toMatchObject({ name: 'c1', ready: true, started: true, restartCount: 0, image: 'docker.io/library/nginx:latest', state: { running: { startedAt: '2026-01-02T03:04:05Z' } } });
    expect(c1.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(c1.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(cs(d)[1]!.image).toBe('docker.io/library/redis:7');
    expect(c1.containerID).not.toBe(cs(d)[1]!.containerID);
  });

  it('default delays: Running and Ready at the first step', () => {
    const d = driver(makePod());
    const r = d.at(T0);
    expect(r.wakeAt).toBeUndefined();
    expect(d.status.phase).toBe('Running');
    expect(brief(d)).toEqual(['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
  });

  it('keeps non-kubelet conditions first and keeps the scheduler\'s PodScheduled time', () => {
    const d = driver(makePod({ conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-02T03:00:00Z' },
      { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', lastTransitionTime: '2026-01-02T03:01:00Z' },
    ] }));
    d.at(T0);
    expect(brief(d)).toEqual(['DisruptionTarget=True/EvictionByEvictionAPI', 'PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
    expect(conds(d).find((c) => c.type === 'PodScheduled')!.lastTransitionTime).toBe('2026-01-02T03:00:00Z');
  });

  it('hostNetwork pods get the node IP', () => {
    const d = driver(makePod({ hostNetwork: true }));
    d.at(T0);
    expect(d.status).toMatchObject({ podIP: '10.0.0.2', podIPs: [{ ip: '10.0.0.2' }] });
  });
});

describe('init containers', () => {
  const pod = makePod({ init: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'busybox' }], containers: [{ name: 'c', image: 'nginx' }] });
  it.each([
    [0, 'Pending', ['a:running', 'b:waiting/PodInitializing'], ['c:waiting/PodInitializing'], 'containers with incomplete status: [a b]'],
    [999, 'Pending', ['a:running', 'b:waiting/PodInitializing'], ['c:waiting/PodInitializing'], 'containers with incomplete status: [a b]'],
    [1000, 'Pending', ['a:terminated/Completed', 'b:running'], ['c:waiting/PodInitializing'], 'containers with incomplete status: [b]'],
    [2000, 'Running', ['a:terminated/Completed', 'b:terminated/Completed'], ['c:running'], undefined],
  ])('at +%ims: phase %s', (ms, phase, init, regular, initMessage) => {
    const d = driver(pod, { initRunMs: 1000 });
    d.at(T0);
    d.runUntil(T0 + ms);
    expect(d.status.phase).toBe(phase);
    expect(stateKinds(d, 'initContainerStatuses')).toEqual(init);
    expect(stateKinds(d)).toEqual(regular);
    const initialized = conds(d).find((c) => c.type === 'Initialized')!;
    expect(initialized.message).toBe(initMessage);
    expect(initialized.status).toBe(initMessage ? 'False' : 'True');
  });

  it('completed init containers are ready, not started, with terminated times; statuses listed first', () => {
    const d = driver(pod, { initRunMs: 1000 });
    d.at(T0);
    d.runUntil(S(3));
    expect(Object.keys(d.status).indexOf('initContainerStatuses')).toBeLessThan(Object.keys(d.status).indexOf('containerStatuses'));
    expect(cs(d, 'initContainerStatuses')[1]).toMatchObject({ ready: true, started: false, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: '2026-01-02T03:04:06Z', finishedAt: '2026-01-02T03:04:07Z' } } });
  });

  it('a sidecar (restartPolicy Always init container) keeps running beside the app', () => {
    const d = driver(makePod({ init: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }], containers: [{ name: 'c', image: 'nginx' }] }));
    d.at(T0);
    expect(stateKinds(d, 'initContainerStatuses')).toEqual(['proxy:running']);
    expect(stateKinds(d)).toEqual(['c:running']);
    expect(d.status.phase).toBe('Running');
    expect(brief(d)).toContain('Ready=True');
  });
});

describe('readiness', () => {
  it('readinessProbe.initialDelaySeconds delays ready; Ready lastTransitionTime is when it happened', () => {
    const d = driver(makePod({ containers: [{ name: 'c', image: 'nginx', readinessProbe: { initialDelaySeconds: 5 } }] }));
    expect(d.at(T0).wakeAt).toBe(S(5));
    expect(cs(d)[0]).toMatchObject({ started: true, ready: false });
    expect(brief(d)).toContain('Ready=False/ContainersNotReady');
    expect(d.at(S(5)).wakeAt).toBeUndefined();
    expect(cs(d)[0]!.ready).toBe(true);
    expect(conds(d).find((c) => c.type === 'Ready')).toEqual({ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-02T03:04:10Z' });
  });

  it('startupProbe.initialDelaySeconds delays started and ready', () => {
    const d = driver(makePod({ containers: [{ name: 'c', image: 'nginx', startupProbe: { initialDelaySeconds: 3 } }] }));
    d.at(T0);
    expect(cs(d)[0]).toMatchObject({ started: false, ready: false });
    d.at(S(3));
    expect(cs(d)[0]).toMatchObject({ started: true, ready: true });
  });

  it.each([
    ['missing gate condition', [], 'False', 'ReadinessGatesNotReady', 'corresponding condition of pod readiness gate "example.com/lb" does not exist.'],
    ['gate False', [{ type: 'example.com/lb', status: 'False' }], 'False', 'ReadinessGatesNotReady', 'the status of pod readiness gate "example.com/lb" is not "True", but False'],
    ['gate True', [{ type: 'example.com/lb', status: 'True' }], 'True', undefined, undefined],
  ])('readiness gate: %s', (_name, gateConds, status, reason, message) => {
    const d = driver(makePod({ gates: ['example.com/lb'], conditions: gateConds }));
    d.at(T0);
    const ready = conds(d).find((c) => c.type === 'Ready')!;
    expect([ready.status, ready.reason, ready.message]).toEqual([status, reason, message]);
    expect(conds(d).find((c) => c.type === 'ContainersReady')!.status).toBe('True');
    expect(conds(d)[0]!.type).toBe(gateConds.length > 0 ? 'example.com/lb' : 'PodReadyToStartContainers');
  });
});

describe('idempotence and lastTransitionTime', () => {
  it('the same input twice gives the same output, and the input runtime is not mutated', () => {
    const pod = makePod({ containers: [{ name: 'c', image: 'nginx:crash' }] });
    const a = step(pod, undefined, { ...ENV, now: T0 });
    const frozen = structuredClone(a.runtime);
    const b1 = step({ ...pod, status: a.status }, a.runtime, { ...ENV, now: S(30) });
    const b2 = step({ ...pod, status: a.status }, a.runtime, { ...ENV, now: S(30) });
    expect(b1).toEqual(b2);
    expect(a.runtime).toEqual(frozen);
  });

  it.each([0, 1, 2.5, 12, 40, 400])('re-running with the published status at the same now (+%is) changes nothing', (s) => {
    const d = driver(makePod({ containers: [{ name: 'c', image: 'nginx:crash' }, { name: 'r', image: 'nginx', readinessProbe: { initialDelaySeconds: 20 } }] }));
    d.at(T0);
    d.runUntil(S(s));
    const before = { status: structuredClone(d.status), runtime: structuredClone(d.runtime) };
    const again = d.at(S(s));
    expect(again.status).toEqual(before.status);
    expect(again.runtime).toEqual(before.runtime);
  });

  it('lastTransitionTime only moves when a condition changes status', () => {
    const d = driver(makePod({ containers: [{ name: 'c', image: 'nginx' }] }), { startDelayMs: 2000 });
    d.at(T0);
    d.at(S(1));
    expect(conds(d).every((c) => c.lastTransitionTime === '2026-01-02T03:04:05Z')).toBe(true);
    d.at(S(2));
    d.at(S(100));
    expect(Object.fromEntries(conds(d).map((c) => [c.type, c.lastTransitionTime]))).toEqual({
      PodReadyToStartContainers: '2026-01-02T03:04:07Z', Initialized: '2026-01-02T03:04:05Z', Ready: '2026-01-02T03:04:07Z', ContainersReady: '2026-01-02T03:04:07Z', PodScheduled: '2026-01-02T03:04:05Z',
    });
  });

  it('timestamps derive from the runtime: a late step reports when things happened', () => {
    const d = driver(makePod({ containers: [{ name: 'c', image: 'nginx' }] }), { startDelayMs: 2000 });
    d.at(T0);
    d.at(S(60));
    expect(cs(d)[0]!.state.running.startedAt).toBe('2026-01-02T03:04:07Z');
    expect(d.status.startTime).toBe('2026-01-02T03:04:05Z');
  });

  it('a restarted kubelet (no runtime) adopts the published containers instead of restarting them', () => {
    const d = driver(makePod({ containers: [{ name: 'c', image: 'nginx' }] }));
    d.at(T0);
    const published = structuredClone(d.status);
    const r = step(d.pod, undefined, { ...ENV, now: S(500) });
    expect(r.status).toEqual(published);
    expect(r.runtime.acceptedAt).toBe(T0);
  });
});

describe('graceful deletion (DESIGN §6.4, edge case 53)', () => {
  const deleting = { deletionTimestamp: '2026-01-02T03:05:35Z', deletionGracePeriodSeconds: 30 };

  it('two-phase: containers terminated and phase Succeeded first, deleteNow on the next step', () => {
    const d = driver(makePod());
    d.at(T0);
    d.patchMetadata(deleting);
    const first = d.at(S(10));
    expect(first.deleteNow).toBeUndefined();
    expect(first.wakeAt).toBe(S(11));
    expect(d.status.phase).toBe('Succeeded');
    expect(stateKinds(d)).toEqual(['c1:terminated/Completed', 'c2:terminated/Completed']);
    expect(cs(d)[0]!.state.terminated).toMatchObject({ exitCode: 0, finishedAt: '2026-01-02T03:04:15Z' });
    expect(brief(d)).toEqual(['PodReadyToStartContainers=False', 'Initialized=True/PodCompleted', 'Ready=False/PodCompleted', 'ContainersReady=False/PodCompleted', 'PodScheduled=True']);
    expect(d.at(S(10)).deleteNow).toBe(true);
  });

  it('kubeling.io/stop-delay: containers stop after the delay; past the grace period they are killed (137 → Failed)', () => {
    const slow = driver(makePod({ annotations: { 'kubeling.io/stop-delay': '5s' } }));
    slow.at(T0);
    slow.patchMetadata(deleting);
    expect(slow.at(S(10)).wakeAt).toBe(S(15));
    expect(slow.status.phase).toBe('Running');
    slow.at(S(15));
    expect(slow.status.phase).toBe('Succeeded');
    const killed = driver(makePod({ annotations: { 'kubeling.io/stop-delay': '1m' } }));
    killed.at(T0);
    killed.patchMetadata(deleting);
    killed.at(S(10));
    killed.runUntil(S(60));
    expect(killed.status.phase).toBe('Failed');
    expect(cs(killed)[0]!.state.terminated).toMatchObject({ exitCode: 137, reason: 'Error', finishedAt: '2026-01-02T03:04:45Z' });
  });

  it('a pod deleted before its containers started fails them as ContainerStatusUnknown', () => {
    const d = driver(makePod({ containers: [{ name: 'c', image: 'nginx' }] }), { startDelayMs: 5000 });
    d.at(T0);
    d.patchMetadata(deleting);
    d.at(S(1));
    expect(d.status.phase).toBe('Failed');
    expect(cs(d)[0]!.state).toEqual({ terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated' } });
    expect(d.at(S(1)).deleteNow).toBe(true);
  });

  it('static pods keep their phase; a terminal pod is deleted at once', () => {
    const d = driver({ ...makePod(), metadata: { ...makePod().metadata, annotations: { 'kubernetes.io/config.source': 'file' } } });
    d.at(T0);
    d.patchMetadata(deleting);
    d.at(S(1));
    expect(d.status.phase).toBe('Running');
    expect(stateKinds(d)).toEqual(['c1:terminated/Completed', 'c2:terminated/Completed']);
    expect(d.at(S(1)).deleteNow).toBe(true);

    const done = makePod({ restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }], annotations: { 'kubeling.io/exit-after': '1s' } });
    const j = driver(done);
    j.at(T0);
    j.runUntil(S(2));
    expect(j.status.phase).toBe('Succeeded');
    j.patchMetadata(deleting);
    expect(j.at(S(3)).deleteNow).toBe(true);
    expect(step(j.pod, undefined, { ...ENV, now: S(3) }).deleteNow).toBe(true);
  });

  it('deleting a crash-looping pod: the backing-off container ends ContainerStatusUnknown, lastState kept', () => {
    const d = driver(makePod({ containers: [{ name: 'c', image: 'busybox:crash' }] }));
    d.at(T0);
    d.at(S(5));
    d.patchMetadata(deleting);
    d.at(S(6));
    expect(d.status.phase).toBe('Failed');
    expect(cs(d)[0]!.state.terminated.reason).toBe('ContainerStatusUnknown');
    expect(cs(d)[0]!.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
  });

  it('deleting during init: started init containers stop, the never-started suffix and app containers stay waiting', () => {
    const d = driver(makePod({ init: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'busybox' }], containers: [{ name: 'c', image: 'nginx' }] }), { initRunMs: 60_000 });
    d.at(T0);
    d.patchMetadata(deleting);
    d.at(S(1));
    expect(stateKinds(d, 'initContainerStatuses')).toEqual(['a:terminated/Completed', 'b:waiting/PodInitializing']);
    expect(stateKinds(d)).toEqual(['c:waiting/PodInitializing']);
    expect(d.status.phase).toBe('Failed');
    expect(d.at(S(1)).deleteNow).toBe(true);
  });

  it('a terminal status the node did not write (admission rejection) is left exactly as it is', () => {
    const rejected = { ...makePod(), status: { phase: 'Failed', reason: 'OutOfcpu', message: 'Pod was rejected: Node didn\'t have enough resource: cpu' } } as Pod;
    const r1 = step(rejected, undefined, { ...ENV, now: T0 });
    expect(r1.status).toEqual(rejected.status);
    const r2 = step(rejected, r1.runtime, { ...ENV, now: S(60) });
    expect(r2.status).toEqual(rejected.status);
    expect(r2.wakeAt).toBeUndefined();
  });

  it('a terminal phase set by someone else is never left, and running containers are stopped', () => {
    const d = driver(makePod({ containers: [{ name: 'c', image: 'nginx' }] }));
    d.at(T0);
    d.pod = { ...d.pod, status: { ...d.status, phase: 'Failed', reason: 'Evicted' } };
    const r = d.at(S(5));
    expect(r.deleteNow).toBeUndefined();
    expect(d.status).toMatchObject({ phase: 'Failed', reason: 'Evicted' });
    expect(stateKinds(d)).toEqual(['c:terminated/Completed']);
    expect(d.at(S(500)).wakeAt).toBeUndefined();
  });
});
