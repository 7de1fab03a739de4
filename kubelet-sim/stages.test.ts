// Table tests for the stage table: image pull back-off, crash loops, restart policies, kubeling.io/ annotations.

import { describe, expect, it } from 'vitest';
import type { Container, Pod } from '../apiserver/api/types.js';
import { BACKOFF_INITIAL_MS, restartPlan } from './backoff.js';
import { LifecycleDriver } from './lifecycle-driver.js';
import { STAGES } from './stages.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const S = (s: number): number => T0 + s * 1000;

function makePod(containers: Container[], opts: { restartPolicy?: string; annotations?: Record<string, string>; init?: Container[] } = {}): Pod {
  return {
    metadata: { name: 'web', namespace: 'prod', uid: 'uid-9', ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: { containers, ...(opts.init ? { initContainers: opts.init } : {}), ...(opts.restartPolicy ? { restartPolicy: opts.restartPolicy } : {}) },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  } as unknown as Pod;
}

const first = (d: LifecycleDriver, key = 'containerStatuses'): Record<string, any> => (d.status[key] as Record<string, any>[])[0]!;
const kind = (s: Record<string, any>): string => `${Object.keys(s.state)[0]}${s.state.waiting ? `/${s.state.waiting.reason}` : ''}${s.state.terminated ? `/${s.state.terminated.exitCode}` : ''}`;
const start = (pod: Pod): LifecycleDriver => {
  const d = new LifecycleDriver(pod);
  d.at(T0);
  return d;
};

describe('the stage table is data', () => {
  it('names the stages in evaluation order', () => {
    expect(STAGES.map((s) => s.name)).toEqual(['stop', 'pull-failed', 'pull-backoff', 'start', 'exit', 'sidecar-stop', 'restart']);
  });

  it.each([
    ['first death: restart at once, entry 10s', undefined, 0, 1_000, true, 10_000],
    ['second death: wait the entry', 10_000, 0, 1_000, false, 10_000],
    ['entry kept while short-lived', 80_000, 0, 1_000, false, 80_000],
    ['ran over 10 min: entry expired, restart at once', 300_000, 0, 600_001, true, BACKOFF_INITIAL_MS],
  ])('restartPlan: %s', (_n, backoff, startedAt, finishedAt, immediate, backoffMs) => {
    expect(restartPlan(backoff, startedAt, finishedAt)).toEqual({ immediate, backoffMs });
  });
});

describe('image pull failure', () => {
  it('ErrImagePull with the containerd message, then ImagePullBackOff; phase stays Pending', () => {
    const d = start(makePod([{ name: 'app', image: 'nginx:1.99-doesnotexist' }]));
    expect(d.status.phase).toBe('Pending');
    expect(first(d)).toEqual({
      name: 'app', lastState: {}, ready: false, restartCount: 0, started: false, image: 'nginx:1.99-doesnotexist', imageID: '',
      state: { waiting: { reason: 'ErrImagePull', message: 'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.99-doesnotexist": failed to resolve reference "docker.io/library/nginx:1.99-doesnotexist": docker.io/library/nginx:1.99-doesnotexist: not found' } },
    });
    expect(d.last!.wakeAt).toBe(S(2));
    d.at(S(2));
    expect(first(d).state).toEqual({ waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nginx:1.99-doesnotexist"' } });
    expect(d.status.phase).toBe('Pending');
    expect(d.status.podIP).toBe('10.244.1.7');
  });

  it('retries after 10s, 20s, 40s … capped at 5m, each retry showing ErrImagePull again', () => {
    const d = start(makePod([{ name: 'app', image: 'example.com/broken:1' }]));
    const attempts: number[] = [T0];
    for (let i = 0; i < 40 && attempts.length < 9; i++) {
      const before = first(d).state.waiting.reason;
      d.at(d.last!.wakeAt!);
      if (before === 'ImagePullBackOff' && first(d).state.waiting.reason === 'ErrImagePull') attempts.push(d.now!);
    }
    const gaps = attempts.slice(1).map((t, i) => (t - attempts[i]!) / 1000);
    expect(gaps).toEqual([10, 20, 40, 80, 160, 300, 300, 300]);
  });
});

describe('crash loop (restartPolicy Always)', () => {
  it('first restart at once, then CrashLoopBackOff 10s, 20s, 40s … 5m; restartCount grows on each restart', () => {
    const d = start(makePod([{ name: 'app', image: 'myorg/worker:crashloop' }]));
    const restarts: { at: number; count: number }[] = [];
    let lastCount = 0;
    const messages = new Set<string>();
    for (let i = 0; i < 60 && restarts.length < 9; i++) {
      d.at(d.last!.wakeAt!);
      const s = first(d);
      if (s.state.waiting?.message) messages.add(s.state.waiting.message);
      if (s.restartCount !== lastCount) {
        restarts.push({ at: (d.now! - T0) / 1000, count: s.restartCount });
        lastCount = s.restartCount;
      }
      expect(d.status.phase).toBe('Running');
    }
    expect(restarts).toEqual([
      { at: 1, count: 1 }, { at: 12, count: 2 }, { at: 33, count: 3 }, { at: 74, count: 4 }, { at: 155, count: 5 },
      { at: 316, count: 6 }, { at: 617, count: 7 }, { at: 918, count: 8 }, { at: 1219, count: 9 },
    ]);
    expect([...messages]).toEqual(['10s', '20s', '40s', '1m20s', '2m40s', '5m0s'].map((b) => `back-off ${b} restarting failed container=app pod=web_prod(uid-9)`));
  });

  it('while backing off: waiting CrashLoopBackOff, lastState is the dead instance, containerID stays its ID', () => {
    const d = start(makePod([{ name: 'app', image: 'busybox:crash' }]));
    d.at(S(2));
    const s = first(d);
    expect(kind(s)).toBe('waiting/CrashLoopBackOff');
    expect(s).toMatchObject({ restartCount: 1, ready: false, started: false, image: 'docker.io/library/busybox:crash' });
    expect(s.lastState.terminated).toEqual({ exitCode: 1, reason: 'Error', startedAt: '2026-01-02T03:04:06Z', finishedAt: '2026-01-02T03:04:07Z', containerID: s.containerID });
    expect(d.status.phase).toBe('Running');
    expect((d.status.conditions as { type: string; status: string }[]).find((c) => c.type === 'Ready')!.status).toBe('False');
  });

  it('a late step replays the loop at its real rhythm', () => {
    const d = start(makePod([{ name: 'app', image: 'busybox:crash' }]));
    d.at(S(100));
    expect(first(d)).toMatchObject({ restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 1m20s restarting failed container=app pod=web_prod(uid-9)' } } });
    expect(d.last!.wakeAt).toBe(S(155));
  });
});

describe('restart policies and kubeling.io/exit-after', () => {
  it.each([
    ['Never', 'busybox:crash', {}, 'Failed', 'terminated/1'],
    ['OnFailure', 'busybox:crash', {}, 'Running', 'waiting/CrashLoopBackOff'],
    ['Never', 'busybox', { 'kubeling.io/exit-after': '30s' }, 'Succeeded', 'terminated/0'],
    ['OnFailure', 'busybox', { 'kubeling.io/exit-after': '30s' }, 'Succeeded', 'terminated/0'],
    ['Never', 'busybox', { 'kubeling.io/exit-after': '30s', 'kubeling.io/exit-code': '3' }, 'Failed', 'terminated/3'],
    ['OnFailure', 'busybox', { 'kubeling.io/exit-after': '30s', 'kubeling.io/exit-code': '3' }, 'Running', 'waiting/CrashLoopBackOff'],
    ['Always', 'busybox', { 'kubeling.io/exit-after': '30s' }, 'Running', 'waiting/CrashLoopBackOff'],
  ])('restartPolicy %s, image %s, %j → %s', (policy, image, annotations, phase, state) => {
    const d = start(makePod([{ name: 'app', image }], { restartPolicy: policy, annotations }));
    d.runUntil(S(62));
    expect(d.status.phase).toBe(phase);
    expect(kind(first(d))).toBe(state);
  });

  it('exit 0 with Always is restarted at once the first time, then backs off', () => {
    const d = start(makePod([{ name: 'app', image: 'busybox' }], { annotations: { 'kubeling.io/exit-after': '1m30s' } }));
    d.at(S(90));
    expect(first(d)).toMatchObject({ restartCount: 1, state: { running: { startedAt: '2026-01-02T03:05:35Z' } }, lastState: { terminated: { exitCode: 0, reason: 'Completed' } } });
    d.at(S(180));
    expect(kind(first(d))).toBe('waiting/CrashLoopBackOff');
  });

  it('Succeeded pods report PodCompleted; Failed pods PodFailed; the terminal phase is kept', () => {
    const ok = start(makePod([{ name: 'app', image: 'busybox' }], { restartPolicy: 'Never', annotations: { 'kubeling.io/exit-after': '5' } }));
    ok.runUntil(S(5));
    const reasons = (d: LifecycleDriver): string[] => (d.status.conditions as { type: string; reason?: string }[]).map((c) => `${c.type}:${c.reason ?? ''}`);
    expect(reasons(ok)).toEqual(['PodReadyToStartContainers:', 'Initialized:PodCompleted', 'Ready:PodCompleted', 'ContainersReady:PodCompleted', 'PodScheduled:']);
    expect(ok.at(S(1000)).wakeAt).toBeUndefined();
    expect(ok.status.phase).toBe('Succeeded');
    const bad = start(makePod([{ name: 'app', image: 'busybox:crash' }], { restartPolicy: 'Never' }));
    bad.runUntil(S(5));
    expect(reasons(bad)).toEqual(['PodReadyToStartContainers:', 'Initialized:', 'Ready:PodFailed', 'ContainersReady:PodFailed', 'PodScheduled:']);
  });

  it('a failing init container fails the pod with Never and is retried otherwise', () => {
    const init = [{ name: 'migrate', image: 'tools:crash' }];
    const never = start(makePod([{ name: 'app', image: 'nginx' }], { restartPolicy: 'Never', init }));
    never.runUntil(S(5));
    expect(never.status.phase).toBe('Failed');
    expect(kind(first(never))).toBe('waiting/PodInitializing');
    const always = start(makePod([{ name: 'app', image: 'nginx' }], { init }));
    always.runUntil(S(5));
    expect(always.status.phase).toBe('Pending');
    expect(kind(first(always, 'initContainerStatuses'))).toBe('waiting/CrashLoopBackOff');
  });

  it('a sidecar is stopped once the regular containers are done for good (Job with a sidecar)', () => {
    const d = start(makePod([{ name: 'job', image: 'busybox' }], { restartPolicy: 'Never', annotations: { 'kubeling.io/exit-after': '10s' }, init: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }] }));
    d.runUntil(S(10));
    expect(d.status.phase).toBe('Succeeded');
    expect(kind(first(d, 'initContainerStatuses'))).toBe('terminated/0');
  });
});

describe('never ready and delays', () => {
  it('an unready image runs but never becomes ready, with nothing scheduled', () => {
    const d = start(makePod([{ name: 'app', image: 'nginx:never-ready' }]));
    expect(first(d)).toMatchObject({ started: true, ready: false, state: { running: {} } });
    expect(d.last!.wakeAt).toBeUndefined();
    d.at(S(3600));
    expect(first(d).ready).toBe(false);
    expect(d.status.phase).toBe('Running');
  });

  it.each([
    ['kubeling.io/start-delay', '5s', 5, 'waiting/ContainerCreating'],
    ['kubeling.io/start-delay', '1m30s', 90, 'waiting/ContainerCreating'],
    ['kubeling.io/ready-delay', '10', 10, 'running'],
  ])('%s: %s', (key, value, seconds, before) => {
    const d = start(makePod([{ name: 'app', image: 'nginx' }], { annotations: { [key]: value } }));
    expect(d.last!.wakeAt).toBe(S(seconds));
    expect(kind(first(d))).toBe(before);
    expect(first(d).ready).toBe(false);
    d.at(S(seconds) - 1);
    expect(first(d).ready).toBe(false);
    d.at(S(seconds));
    expect(first(d)).toMatchObject({ ready: true, state: { running: {} } });
  });
});
