// Table tests for the kubelet's pod events: which transitions of the engine's state report Pulled/Created/Started, Failed, BackOff, Killing.

import { describe, expect, it } from 'vitest';
import type { Pod } from '../apiserver/api/types.js';
import type { EventRecorder } from '../controllers/runtime/index.js';
import type { ContainerRuntime, PodRuntime } from './lifecycle.js';
import { LifecycleDriver } from './lifecycle-driver.js';
import { podEventsFor, recorderSink, type PodEvent } from './pod-events.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const POD = {
  metadata: { name: 'web', namespace: 'shop', uid: 'uid-1' },
  spec: { nodeName: 'n1', initContainers: [{ name: 'init', image: 'busybox:1.36' }], containers: [{ name: 'app', image: 'nginx:1.27' }] },
  status: {},
} as unknown as Pod;

const ID1 = 'containerd://1111';
const ID2 = 'containerd://2222';

type C = Partial<ContainerRuntime>;
const c = (over: C = {}): ContainerRuntime => ({ name: 'app', init: false, restartCount: 0, state: 'waiting', waitingReason: 'ContainerCreating', ...over });
const rt = (containers: ContainerRuntime[], extra: Partial<PodRuntime> = {}): PodRuntime => ({ uid: 'uid-1', acceptedAt: T0, containers, ...extra });

const running = (id: string, over: C = {}): ContainerRuntime => c({ state: 'running', containerID: id, startedAt: T0, waitingReason: undefined, ...over });
const started = (name: string, image: string): PodEvent[] => [
  ['Normal', 'Pulled', `Container image "${image}" already present on machine`],
  ['Normal', 'Created', `Created container: ${name}`],
  ['Normal', 'Started', `Started container ${name}`],
];
const PULL_MSG = 'rpc error: not found';
const pullFailed: PodEvent[] = [
  ['Normal', 'Pulling', 'Pulling image "nginx:1.27"'],
  ['Warning', 'Failed', `Failed to pull image "nginx:1.27": ${PULL_MSG}`],
  ['Warning', 'Failed', 'Error: ErrImagePull'],
];
const crashBackOff: PodEvent[] = [['Warning', 'BackOff', 'Back-off restarting failed container app in pod web_shop(uid-1)']];

describe('podEventsFor', () => {
  it.each<[string, PodRuntime | undefined, PodRuntime, PodEvent[]]>([
    ['first sight, still creating: nothing', undefined, rt([c()]), []],
    ['a container starts: Pulled, Created, Started', rt([c()]), rt([running(ID1)]), started('app', 'nginx:1.27')],
    ['first sight of a running container (a fresh pod played past its start)', undefined, rt([running(ID1)]), started('app', 'nginx:1.27')],
    ['re-run with the same instance: nothing', rt([running(ID1)]), rt([running(ID1)]), []],
    ['an instance that started and exited between two steps still reports its start', rt([c()]), rt([c({ state: 'terminated', containerID: ID1, startedAt: T0, finishedAt: T0 + 1, exitCode: 0 })]), started('app', 'nginx:1.27')],
    ['a terminated container that never started (no startedAt): nothing', rt([c()]), rt([c({ state: 'terminated', containerID: ID1, exitCode: 1 })]), []],
    ['a restart (new container ID) reports the start again', rt([c({ state: 'waiting', waitingReason: 'ContainerCreating', containerID: ID1 })]), rt([running(ID2, { restartCount: 1 })]), started('app', 'nginx:1.27')],
    ['an init container names its own image', rt([c({ name: 'init', init: true })]), rt([running(ID1, { name: 'init', init: true })]), started('init', 'busybox:1.36')],
    ['a failed pull: Pulling and the Failed pair', rt([c()]), rt([c({ waitingReason: 'ErrImagePull', waitingMessage: PULL_MSG, nextAttemptAt: T0 + 10_000 })]), pullFailed],
    [
      'the same failed pull seen again: nothing',
      rt([c({ waitingReason: 'ErrImagePull', waitingMessage: PULL_MSG, nextAttemptAt: T0 + 10_000 })]),
      rt([c({ waitingReason: 'ErrImagePull', waitingMessage: PULL_MSG, nextAttemptAt: T0 + 10_000 })]),
      [],
    ],
    [
      'a new pull attempt that failed again (new retry time): reported again',
      rt([c({ waitingReason: 'ErrImagePull', waitingMessage: PULL_MSG, nextAttemptAt: T0 + 10_000 })]),
      rt([c({ waitingReason: 'ErrImagePull', waitingMessage: PULL_MSG, nextAttemptAt: T0 + 30_000 })]),
      pullFailed,
    ],
    [
      'entering ImagePullBackOff',
      rt([c({ waitingReason: 'ErrImagePull', nextAttemptAt: T0 + 10_000 })]),
      rt([c({ waitingReason: 'ImagePullBackOff', nextAttemptAt: T0 + 10_000 })]),
      [['Normal', 'BackOff', 'Back-off pulling image "nginx:1.27"'], ['Warning', 'Failed', 'Error: ImagePullBackOff']],
    ],
    ['staying in ImagePullBackOff: nothing', rt([c({ waitingReason: 'ImagePullBackOff' })]), rt([c({ waitingReason: 'ImagePullBackOff' })]), []],
    ['entering CrashLoopBackOff', rt([running(ID1)]), rt([c({ waitingReason: 'CrashLoopBackOff', containerID: ID1, restartCount: 0 })]), crashBackOff],
    ['staying in CrashLoopBackOff with the same restart count: nothing', rt([c({ waitingReason: 'CrashLoopBackOff', restartCount: 2 })]), rt([c({ waitingReason: 'CrashLoopBackOff', restartCount: 2 })]), []],
    ['back in CrashLoopBackOff after another restart', rt([c({ waitingReason: 'CrashLoopBackOff', restartCount: 2 })]), rt([c({ waitingReason: 'CrashLoopBackOff', restartCount: 3 })]), crashBackOff],
    ['termination begins while running: Killing', rt([running(ID1)]), rt([c({ state: 'terminated', containerID: ID1, startedAt: T0, finishedAt: T0 + 5, exitCode: 0 })], { terminatingSince: T0 + 5 }), [['Normal', 'Killing', 'Stopping container app']]],
    ['termination begins, container still stopping: Killing', rt([running(ID1)]), rt([running(ID1)], { terminatingSince: T0 + 5 }), [['Normal', 'Killing', 'Stopping container app']]],
    ['termination already seen: no second Killing', rt([running(ID1)], { terminatingSince: T0 + 5 }), rt([running(ID1)], { terminatingSince: T0 + 5 }), []],
    ['termination of a container that was not running: no Killing', rt([c()]), rt([c()], { terminatingSince: T0 + 5 }), []],
  ])('%s', (_name, before, after, want) => {
    expect(podEventsFor(POD, before, after)).toEqual(want);
  });

  it('reports per container, in container order', () => {
    const before = rt([c({ name: 'init', init: true }), c()]);
    const after = rt([running(ID1, { name: 'init', init: true }), running(ID2)]);
    expect(podEventsFor(POD, before, after)).toEqual([...started('init', 'busybox:1.36'), ...started('app', 'nginx:1.27')]);
  });

  it('over a real crash loop played by the engine: one start per instance, one BackOff per restart, nothing on re-runs', () => {
    const pod = { ...POD, spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'example.com/app:crash' }] } } as unknown as Pod;
    const d = new LifecycleDriver(pod);
    const events: string[] = [];
    let before: PodRuntime | undefined;
    const run = (now: number): void => {
      d.at(now);
      for (const [, reason] of podEventsFor(d.pod, before, d.runtime!)) events.push(reason);
      before = d.runtime;
    };
    run(T0);
    run(T0); // a re-run at the same instant
    for (let t = T0 + 500; t <= T0 + 15_000; t += 500) run(t);
    run(T0 + 15_000);
    // start at T0, exit at +1 s → first restart at once → exit at +2 s → back-off 10 s → start at +12 s, exit at +13 s → back-off 20 s
    const start = ['Pulled', 'Created', 'Started'];
    expect(events).toEqual([...start, ...start, 'BackOff', ...start, 'BackOff']);
  });
});

describe('recorderSink', () => {
  it('writes each event through the recorder against the pod', () => {
    const seen: unknown[][] = [];
    const recorder: EventRecorder = { event: (...args) => void seen.push(args), flush: async () => undefined };
    recorderSink(recorder).emit(POD, rt([c()]), rt([running(ID1)]));
    expect(seen).toEqual(started('app', 'nginx:1.27').map(([type, reason, message]) => [POD, type, reason, message]));
  });
});
