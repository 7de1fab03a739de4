// Table-driven tests of the Pod printer: every STATUS rule of upstream printPod, READY, RESTARTS and wide cells.

import { describe, expect, it } from 'vitest';
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import type { KObject } from '../../api/types.js';
import { podConvertor } from './pods.js';

const NOW = Date.parse('2026-11-22T01:44:00Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString();
const MIN = 60_000;

/** A pod with `containers` names in its spec plus the given status/spec/metadata overrides. */
function pod(p: { containers?: string[]; init?: Array<{ name: string; restartPolicy?: string }>; status?: Pod['status']; spec?: Partial<Pod['spec']>; meta?: Record<string, unknown> }): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'default', creationTimestamp: ago(63 * MIN), ...p.meta },
    spec: {
      containers: (p.containers ?? ['app']).map((name) => ({ name, image: 'img' })),
      ...(p.init ? { initContainers: p.init.map((c) => ({ image: 'img', ...c })) } : {}),
      ...p.spec,
    },
    status: p.status ?? {},
  };
}

const running = (name: string, extra: Partial<ContainerStatus> = {}): ContainerStatus => ({
  name, image: 'img', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: ago(MIN) } }, ...extra,
});
const waiting = (name: string, reason: string, extra: Partial<ContainerStatus> = {}): ContainerStatus => ({
  name, image: 'img', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason } }, ...extra,
});
const terminated = (name: string, t: { reason?: string; exitCode?: number; signal?: number }, extra: Partial<ContainerStatus> = {}): ContainerStatus => ({
  name, image: 'img', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: t.exitCode ?? 0, ...t } }, ...extra,
});
const cond = (type: string, status: string, reason?: string) => ({ type, status, ...(reason ? { reason } : {}) });

/** [description, pod, READY, STATUS, RESTARTS] */
const CASES: Array<[string, KObject, string, string, string]> = [
  ['running and ready', pod({ status: { phase: 'Running', containerStatuses: [running('app')] } }), '1/1', 'Running', '0'],
  ['pending without statuses', pod({ status: { phase: 'Pending' } }), '0/1', 'Pending', '0'],
  ['no phase at all', pod({ status: {} }), '0/1', '', '0'],
  ['waiting reason wins', pod({ status: { phase: 'Pending', containerStatuses: [waiting('app', 'ContainerCreating')] } }), '0/1', 'ContainerCreating', '0'],
  ['running but not ready', pod({ status: { phase: 'Running', containerStatuses: [running('app', { ready: false })] } }), '0/1', 'Running', '0'],
  ['status.reason beats phase', pod({ status: { phase: 'Failed', reason: 'Evicted' } }), '0/1', 'Evicted', '0'],
  ['scheduling gated', pod({ status: { phase: 'Pending', conditions: [cond('PodScheduled', 'False', 'SchedulingGated')] } }), '0/1', 'SchedulingGated', '0'],
  ['unschedulable stays Pending', pod({ status: { phase: 'Pending', conditions: [cond('PodScheduled', 'False', 'Unschedulable')] } }), '0/1', 'Pending', '0'],
  ['completed', pod({ status: { phase: 'Succeeded', containerStatuses: [terminated('app', { reason: 'Completed' })] } }), '0/1', 'Completed', '0'],
  ['terminated with no reason: exit code', pod({ status: { phase: 'Running', containerStatuses: [terminated('app', { exitCode: 2 })] } }), '0/1', 'ExitCode:2', '0'],
  ['terminated with no reason: signal', pod({ status: { phase: 'Running', containerStatuses: [terminated('app', { exitCode: 137, signal: 9 })] } }), '0/1', 'Signal:9', '0'],
  [
    'Completed becomes Running when another container runs and the pod is Ready',
    pod({ containers: ['a', 'b'], status: { phase: 'Running', conditions: [cond('Ready', 'True')], containerStatuses: [terminated('a', { reason: 'Completed' }), running('b')] } }),
    '1/2', 'Running', '0',
  ],
  [
    'Completed becomes NotReady when another container runs but the pod is not Ready',
    pod({ containers: ['a', 'b'], status: { phase: 'Running', conditions: [cond('Ready', 'False')], containerStatuses: [terminated('a', { reason: 'Completed' }), running('b')] } }),
    '1/2', 'NotReady', '0',
  ],
  [
    'the first container reason wins (statuses walked last to first)',
    pod({ containers: ['a', 'b'], status: { phase: 'Pending', containerStatuses: [waiting('a', 'ErrImagePull'), waiting('b', 'ContainerCreating')] } }),
    '0/2', 'ErrImagePull', '0',
  ],
  ['restarts without a last termination time', pod({ status: { phase: 'Running', containerStatuses: [running('app', { restartCount: 3 })] } }), '1/1', 'Running', '3'],
  [
    'restarts with "(5m ago)"',
    pod({ status: { phase: 'Running', containerStatuses: [waiting('app', 'CrashLoopBackOff', { restartCount: 5, lastState: { terminated: { exitCode: 1, finishedAt: ago(5 * MIN) } } })] } }),
    '0/1', 'CrashLoopBackOff', '5 (5m ago)',
  ],
  [
    'latest termination across containers, restarts summed',
    pod({ containers: ['a', 'b'], status: { phase: 'Running', containerStatuses: [
      running('a', { restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: ago(90 * MIN) } } }),
      running('b', { restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: ago(45_000) } } }),
    ] } }),
    '2/2', 'Running', '3 (45s ago)',
  ],
  ['terminating', pod({ meta: { deletionTimestamp: ago(0) }, status: { phase: 'Running', containerStatuses: [running('app')] } }), '1/1', 'Terminating', '0'],
  ['terminal pods do not become Terminating', pod({ meta: { deletionTimestamp: ago(0) }, status: { phase: 'Succeeded', containerStatuses: [terminated('app', { reason: 'Completed' })] } }), '0/1', 'Completed', '0'],
  ['NodeLost while deleting prints Unknown', pod({ meta: { deletionTimestamp: ago(0) }, status: { phase: 'Running', reason: 'NodeLost', containerStatuses: [running('app')] } }), '1/1', 'Unknown', '0'],
  ['NodeLost without deletion keeps the container reason', pod({ status: { phase: 'Running', reason: 'NodeLost', containerStatuses: [running('app')] } }), '1/1', 'NodeLost', '0'],
];

const INIT2 = [{ name: 'i0' }, { name: 'i1' }];
const INIT_CASES: Array<[string, KObject, string, string, string]> = [
  ['second init container running', pod({ init: INIT2, status: { phase: 'Pending', initContainerStatuses: [terminated('i0', { reason: 'Completed' }), running('i1', { ready: false })] } }), '0/1', 'Init:1/2', '0'],
  ['init waiting PodInitializing counts as progress', pod({ init: INIT2, status: { phase: 'Pending', initContainerStatuses: [waiting('i0', 'PodInitializing')] } }), '0/1', 'Init:0/2', '0'],
  ['init waiting with a reason', pod({ init: INIT2, status: { phase: 'Pending', initContainerStatuses: [waiting('i0', 'ImagePullBackOff')] } }), '0/1', 'Init:ImagePullBackOff', '0'],
  ['init terminated with a reason', pod({ init: INIT2, status: { phase: 'Pending', initContainerStatuses: [terminated('i0', { reason: 'Error', exitCode: 1 })] } }), '0/1', 'Init:Error', '0'],
  ['init exit code', pod({ init: INIT2, status: { phase: 'Pending', initContainerStatuses: [terminated('i0', { exitCode: 3 })] } }), '0/1', 'Init:ExitCode:3', '0'],
  ['init signal', pod({ init: INIT2, status: { phase: 'Pending', initContainerStatuses: [terminated('i0', { exitCode: 137, signal: 9 })] } }), '0/1', 'Init:Signal:9', '0'],
  [
    'init crash loop counts init restarts',
    pod({ init: INIT2, status: { phase: 'Pending', initContainerStatuses: [waiting('i0', 'CrashLoopBackOff', { restartCount: 4, lastState: { terminated: { exitCode: 1, finishedAt: ago(2 * MIN) } } })] } }),
    '0/1', 'Init:CrashLoopBackOff', '4 (2m ago)',
  ],
  [
    'all init done: main containers decide, init restarts dropped',
    pod({ init: INIT2, status: { phase: 'Running', initContainerStatuses: [terminated('i0', { reason: 'Completed' }, { restartCount: 2 }), terminated('i1', { reason: 'Completed' })], containerStatuses: [running('app')] } }),
    '1/1', 'Running', '0',
  ],
  [
    'Initialized=True: main containers counted, restarts reset, init reason kept (no main reason overrides it)',
    pod({ init: INIT2, status: { phase: 'Running', conditions: [cond('Initialized', 'True')], initContainerStatuses: [waiting('i0', 'CrashLoopBackOff', { restartCount: 7 })], containerStatuses: [running('app')] } }),
    '1/1', 'Init:CrashLoopBackOff', '0',
  ],
  [
    'a started sidecar counts in READY and its restarts stay',
    pod({ init: [{ name: 'proxy', restartPolicy: 'Always' }], status: { phase: 'Running', initContainerStatuses: [running('proxy', { started: true, restartCount: 1 })], containerStatuses: [running('app')] } }),
    '2/2', 'Running', '1',
  ],
  [
    'a sidecar that has not started blocks initialisation',
    pod({ init: [{ name: 'proxy', restartPolicy: 'Always' }], status: { phase: 'Pending', initContainerStatuses: [running('proxy', { started: false, ready: false })] } }),
    '0/2', 'Init:0/1', '0',
  ],
];

describe('podConvertor STATUS / READY / RESTARTS', () => {
  it.each([...CASES, ...INIT_CASES])('%s', (_desc, obj, ready, status, restarts) => {
    const cells = podConvertor.cells(obj, NOW);
    expect(cells.slice(1, 4)).toEqual([ready, status, restarts]);
  });
});

describe('podConvertor wide cells', () => {
  it('prints a full row like the contract example', () => {
    const obj = pod({ spec: { nodeName: 'node-1' }, status: { phase: 'Running', podIP: '10.1.0.90', podIPs: [{ ip: '10.1.0.90' }], containerStatuses: [running('app')] } });
    expect(podConvertor.cells(obj, NOW)).toEqual(['web-0', '1/1', 'Running', '0', '63m', '10.1.0.90', 'node-1', '<none>', '<none>']);
  });

  it.each([
    ['podIPs only', { podIPs: [{ ip: 'fd00::1' }, { ip: '10.0.0.1' }] }, 'fd00::1'],
    ['podIP only', { podIP: '10.0.0.2' }, '10.0.0.2'],
    ['neither', {}, '<none>'],
  ])('IP from %s', (_d, status, want) => {
    expect(podConvertor.cells(pod({ status }), NOW)[5]).toBe(want);
  });

  it('nominated node and readiness gates n/m', () => {
    const obj = pod({
      spec: { readinessGates: [{ conditionType: 'example.com/a' }, { conditionType: 'example.com/b' }] },
      status: { phase: 'Pending', nominatedNodeName: 'node-2', conditions: [cond('example.com/a', 'True'), cond('example.com/b', 'False')] },
    });
    expect(podConvertor.cells(obj, NOW).slice(6)).toEqual(['<none>', 'node-2', '1/2']);
  });

  it('marks finished pods Completed in row conditions', () => {
    expect(podConvertor.conditions?.(pod({ status: { phase: 'Succeeded' } }))).toEqual([
      { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
    ]);
    expect(podConvertor.conditions?.(pod({ status: { phase: 'Failed' } }))?.[0]?.reason).toBe('Failed');
    expect(podConvertor.conditions?.(pod({ status: { phase: 'Running' } }))).toBeUndefined();
  });

  it('has the upstream columns', () => {
    expect(podConvertor.columns.map((c) => [c.name, c.type, c.format, c.priority])).toEqual([
      ['Name', 'string', 'name', 0],
      ['Ready', 'string', '', 0],
      ['Status', 'string', '', 0],
      ['Restarts', 'string', '', 0],
      ['Age', 'string', '', 0],
      ['IP', 'string', '', 1],
      ['Node', 'string', '', 1],
      ['Nominated Node', 'string', '', 1],
      ['Readiness Gates', 'string', '', 1],
    ]);
  });
});
