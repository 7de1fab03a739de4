// Table tests for admission: pods (ServiceAccount, Priority, DefaultTolerationSeconds, upstream's 403 texts), nodes (TaintNodesByCondition).

import { describe, expect, it } from 'vitest';
import type { KObject } from '../api/types.js';
import {
  addDefaultTolerations, admitNodeCreate, admitPodCreate, admitPodUpdate, admitPriorityClass, globalDefaultClass, serviceAccountNameFor,
  type PriorityClassRef,
} from './admission.js';

type Json = Record<string, unknown>;
const pod = (spec: Json, annotations?: Record<string, string>): KObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...(annotations ? { annotations } : {}) }, spec,
});
const c = (name: string, extra: Json = {}): Json => ({ name, image: 'x', ...extra });
const MIRROR = { 'kubernetes.io/config.mirror': 'abc' };
const MOUNT = { name: 'kube-api-access-abcde', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
const TOKEN_VOLUME = {
  name: 'kube-api-access-abcde',
  projected: {
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
    defaultMode: 420,
  },
};
const suffix = (): string => 'abcde';
const TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

describe('ServiceAccount admission', () => {
  it.each<[string, Json, KObject | null | undefined, Json]>([
    ['default account, token volume mounted into every container', { containers: [c('a'), c('b')], initContainers: [c('i')] }, null, {
      serviceAccountName: 'default', serviceAccount: 'default', volumes: [TOKEN_VOLUME],
      containers: [c('a', { volumeMounts: [MOUNT] }), c('b', { volumeMounts: [MOUNT] })], initContainers: [c('i', { volumeMounts: [MOUNT] })],
    }],
    ['the volume goes after the pod\'s own', { containers: [c('a', { volumeMounts: [{ name: 'v', mountPath: '/v' }] })], volumes: [{ name: 'v', emptyDir: {} }] }, null, {
      volumes: [{ name: 'v', emptyDir: {} }, TOKEN_VOLUME], containers: [c('a', { volumeMounts: [{ name: 'v', mountPath: '/v' }, MOUNT] })],
    }],
    ['automount off on the pod', { automountServiceAccountToken: false, containers: [c('a')] }, null, { serviceAccountName: 'default', containers: [c('a')] }],
    ['automount off on the account', { containers: [c('a')] }, { metadata: { name: 'default' }, automountServiceAccountToken: false }, { containers: [c('a')] }],
    ['the pod overrides the account', { automountServiceAccountToken: true, containers: [c('a')] }, { metadata: {}, automountServiceAccountToken: false }, { volumes: [TOKEN_VOLUME] }],
    ['a container mounting the path itself is left alone', { containers: [c('a', { volumeMounts: [{ name: 'm', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] })] }, null, {
      containers: [c('a', { volumeMounts: [{ name: 'm', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] })],
    }],
    ['the account\'s image pull secrets', { containers: [c('a')] }, { metadata: {}, imagePullSecrets: [{ name: 'reg' }] }, { imagePullSecrets: [{ name: 'reg' }], volumes: [TOKEN_VOLUME] }],
    ['the pod\'s own pull secrets win', { containers: [c('a')], imagePullSecrets: [{ name: 'mine' }] }, { metadata: {}, imagePullSecrets: [{ name: 'reg' }] }, {
      imagePullSecrets: [{ name: 'mine' }], volumes: [TOKEN_VOLUME],
    }],
    ['a named account that exists', { serviceAccountName: 'robot', containers: [c('a')] }, { metadata: { name: 'robot' } }, { serviceAccountName: 'robot', serviceAccount: 'robot', volumes: [TOKEN_VOLUME] }],
  ])('%s', (_name, spec, sa, want) => {
    const p = pod(spec);
    expect(admitPodCreate(p, 'ns', 'p', { serviceAccount: sa, suffix })).toBeUndefined();
    expect(p.spec).toMatchObject(want);
    if (!('volumes' in want)) expect((p.spec as Json).volumes).toBeUndefined();
  });

  it.each<[string, KObject, string]>([
    ['a missing named account', pod({ serviceAccountName: 'robot', containers: [c('a')] }),
      'pods "p" is forbidden: error looking up service account ns/robot: serviceaccount "robot" not found'],
    ['a mirror pod naming an account', pod({ serviceAccountName: 'robot', containers: [c('a')] }, MIRROR), 'pods "p" is forbidden: a mirror pod may not reference service accounts'],
    ['a mirror pod mounting a secret', pod({ containers: [c('a')], volumes: [{ name: 's', secret: { secretName: 's' } }] }, MIRROR),
      'pods "p" is forbidden: a mirror pod may not reference secrets'],
    ['a mirror pod with an env secret', pod({ containers: [c('a', { env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] })] }, MIRROR),
      'pods "p" is forbidden: a mirror pod may not reference secrets'],
    ['a mirror pod projecting a token', pod({ containers: [c('a')], volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } }] }, MIRROR),
      'pods "p" is forbidden: a mirror pod may not use ServiceAccountToken volume projections'],
  ])('403: %s', (_name, p, message) => {
    const err = admitPodCreate(p, 'ns', 'p', { serviceAccount: null, suffix });
    expect(err?.status).toMatchObject({ code: 403, reason: 'Forbidden', message, details: { name: 'p', kind: 'pods' } });
  });

  it('a mirror pod is not changed beyond priority and tolerations', () => {
    const p = pod({ containers: [c('a')] }, MIRROR);
    expect(admitPodCreate(p, 'ns', 'p', { suffix })).toBeUndefined();
    expect(p.spec).toEqual({ containers: [c('a')], priority: 0, preemptionPolicy: 'PreemptLowerPriority', tolerations: TOLERATIONS });
    expect(serviceAccountNameFor(p)).toBeUndefined();
  });

  it('generateName pods are refused without a name', () => {
    const err = admitPodCreate(pod({ serviceAccountName: 'nope', containers: [] }), 'ns', '', { serviceAccount: null });
    expect(err?.status.message).toBe('pods is forbidden: error looking up service account ns/nope: serviceaccount "nope" not found');
  });
});

describe('Priority admission', () => {
  it.each<[string, Json, Json]>([
    ['no class: 0 and PreemptLowerPriority', {}, { priority: 0, preemptionPolicy: 'PreemptLowerPriority' }],
    ['system-node-critical', { priorityClassName: 'system-node-critical' }, { priority: 2000001000, preemptionPolicy: 'PreemptLowerPriority' }],
    ['system-cluster-critical with its own value given', { priorityClassName: 'system-cluster-critical', priority: 2000000000 }, { priority: 2000000000 }],
    ['the computed policy given', { preemptionPolicy: 'PreemptLowerPriority' }, { preemptionPolicy: 'PreemptLowerPriority' }],
  ])('%s', (_name, spec, want) => {
    const p = pod({ containers: [c('a')], ...spec });
    expect(admitPodCreate(p, 'ns', 'p', { serviceAccount: null, suffix })).toBeUndefined();
    expect(p.spec).toMatchObject(want);
  });

  it.each<[string, Json, string]>([
    ['an unknown class', { priorityClassName: 'high' }, 'pods "p" is forbidden: no PriorityClass with name high was found'],
    ['a priority of its own', { priority: 10 },
      'pods "p" is forbidden: the integer value of priority (10) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name'],
    ['another preemption policy', { preemptionPolicy: 'Never' },
      'pods "p" is forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name'],
  ])('403: %s', (_name, spec, message) => {
    const err = admitPodCreate(pod({ containers: [c('a')], ...spec }), 'ns', 'p', { serviceAccount: null, suffix });
    expect(err?.status).toMatchObject({ code: 403, reason: 'Forbidden', message });
  });
});

const SYSTEM: PriorityClassRef[] = [
  { name: 'system-cluster-critical', value: 2000000000, preemptionPolicy: 'PreemptLowerPriority', globalDefault: false },
  { name: 'system-node-critical', value: 2000001000, preemptionPolicy: 'PreemptLowerPriority', globalDefault: false },
];
const HIGH: PriorityClassRef = { name: 'high', value: 1000, preemptionPolicy: 'Never', globalDefault: false };
const LOW_DEFAULT: PriorityClassRef = { name: 'low', value: 10, preemptionPolicy: 'PreemptLowerPriority', globalDefault: true };

describe('Priority admission with stored PriorityClasses', () => {
  it.each<[string, PriorityClassRef[], Json, Json]>([
    ['a stored class: its value and policy', [...SYSTEM, HIGH], { priorityClassName: 'high' }, { priorityClassName: 'high', priority: 1000, preemptionPolicy: 'Never' }],
    ['a system class as stored', [...SYSTEM, HIGH], { priorityClassName: 'system-node-critical' }, { priority: 2000001000, preemptionPolicy: 'PreemptLowerPriority' }],
    ['no class, a global default: its name, value and policy', [...SYSTEM, HIGH, LOW_DEFAULT], {}, { priorityClassName: 'low', priority: 10, preemptionPolicy: 'PreemptLowerPriority' }],
    ['no class, no default: 0', [...SYSTEM, HIGH], {}, { priority: 0, preemptionPolicy: 'PreemptLowerPriority' }],
    ['the class value given again', [...SYSTEM, HIGH], { priorityClassName: 'high', priority: 1000 }, { priority: 1000 }],
  ])('%s', (_name, classes, spec, want) => {
    const p = pod({ containers: [c('a')], ...spec });
    expect(admitPodCreate(p, 'ns', 'p', { serviceAccount: null, suffix, priorityClasses: classes })).toBeUndefined();
    expect(p.spec).toMatchObject(want);
    if (!('priorityClassName' in want) && !('priorityClassName' in spec)) expect((p.spec as Json).priorityClassName).toBeUndefined();
  });

  it.each<[string, PriorityClassRef[], Json, string]>([
    ['a class that is not stored', SYSTEM, { priorityClassName: 'high' }, 'pods "p" is forbidden: no PriorityClass with name high was found'],
    ['a priority that disagrees with the class', [...SYSTEM, HIGH], { priorityClassName: 'high', priority: 5 },
      'pods "p" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name'],
    ['a priority that disagrees with the default class', [...SYSTEM, LOW_DEFAULT], { priority: 0 },
      'pods "p" is forbidden: the integer value of priority (0) must not be provided in pod spec; priority admission controller computed 10 from the given PriorityClass name'],
    ['a policy that disagrees with the class', [...SYSTEM, HIGH], { priorityClassName: 'high', preemptionPolicy: 'PreemptLowerPriority' },
      'pods "p" is forbidden: the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never from the given PriorityClass name'],
  ])('403: %s', (_name, classes, spec, message) => {
    const err = admitPodCreate(pod({ containers: [c('a')], ...spec }), 'ns', 'p', { serviceAccount: null, suffix, priorityClasses: classes });
    expect(err?.status).toMatchObject({ code: 403, reason: 'Forbidden', message });
  });

  it('the default is the lowest-valued of several global defaults', () => {
    expect(globalDefaultClass([{ ...LOW_DEFAULT, name: 'b', value: 50 }, LOW_DEFAULT, HIGH])?.name).toBe('low');
    expect(globalDefaultClass(SYSTEM)).toBeUndefined();
  });
});

describe('Priority admission of PriorityClasses', () => {
  const pc = (name: string, globalDefault: boolean): KObject => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value: 1, globalDefault });
  const message = 'priorityclasses.scheduling.k8s.io "other" is forbidden: PriorityClass low is already marked as default. Only one default can exist';

  it('refuses a second global default on create and on update', () => {
    expect(admitPriorityClass(pc('other', true), 'other', 'create', [HIGH, LOW_DEFAULT])?.status).toMatchObject({ code: 403, reason: 'Forbidden', message });
    expect(admitPriorityClass(pc('other', true), 'other', 'update', [HIGH, LOW_DEFAULT])?.status).toMatchObject({ code: 403, message });
  });

  it('allows the default itself to be updated, a first default, and classes that are not defaults', () => {
    expect(admitPriorityClass(pc('low', true), 'low', 'update', [HIGH, LOW_DEFAULT])).toBeUndefined();
    expect(admitPriorityClass(pc('other', true), 'other', 'create', [HIGH])).toBeUndefined();
    expect(admitPriorityClass(pc('other', false), 'other', 'create', [HIGH, LOW_DEFAULT])).toBeUndefined();
  });
});

describe('DefaultTolerationSeconds', () => {
  const NR = TOLERATIONS[0]!;
  const UR = TOLERATIONS[1]!;
  it.each<[string, Json[] | undefined, Json[]]>([
    ['none: both added', undefined, TOLERATIONS],
    ['after the pod\'s own', [{ key: 'a', operator: 'Exists' }], [{ key: 'a', operator: 'Exists' }, ...TOLERATIONS]],
    ['not-ready already tolerated (any operator, any seconds)', [{ key: 'node.kubernetes.io/not-ready', operator: 'Equal', value: 'x', effect: 'NoExecute', tolerationSeconds: 5 }],
      [{ key: 'node.kubernetes.io/not-ready', operator: 'Equal', value: 'x', effect: 'NoExecute', tolerationSeconds: 5 }, UR]],
    ['a key with no effect tolerates every effect', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }],
      [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }, NR]],
    ['NoSchedule does not count', [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }],
      [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }, ...TOLERATIONS]],
    ['an empty key tolerates everything', [{ operator: 'Exists' }], [{ operator: 'Exists' }]],
    ['an empty key with NoExecute too', [{ operator: 'Exists', effect: 'NoExecute' }], [{ operator: 'Exists', effect: 'NoExecute' }]],
  ])('%s', (_name, tolerations, want) => {
    const p = pod({ containers: [], ...(tolerations ? { tolerations } : {}) });
    addDefaultTolerations(p);
    expect((p.spec as Json).tolerations).toEqual(want);
  });
});

describe('pod admission on update', () => {
  it('keeps the stored priority and preemption policy when the update has none, and re-adds the tolerations', () => {
    const old = pod({ priority: 0, preemptionPolicy: 'PreemptLowerPriority', tolerations: TOLERATIONS, containers: [] });
    const next = pod({ containers: [] });
    admitPodUpdate(next, old);
    expect(next.spec).toEqual({ containers: [], priority: 0, preemptionPolicy: 'PreemptLowerPriority', tolerations: TOLERATIONS });
  });

  it('leaves a given priority for validation to judge', () => {
    const next = pod({ priority: 5, containers: [] });
    admitPodUpdate(next, pod({ priority: 0, containers: [] }));
    expect((next.spec as Json).priority).toBe(5);
  });
});

describe('TaintNodesByCondition admission on Node create', () => {
  const NR = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };
  it.each<[string, Json | undefined, unknown[]]>([
    ['no spec', undefined, [NR]],
    ['no taints', {}, [NR]],
    ['appended after the node\'s own', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }, NR]],
    ['already present (kept as is, with its value and time)', { taints: [{ key: 'node.kubernetes.io/not-ready', value: 'x', effect: 'NoSchedule', timeAdded: '2024-01-01T00:00:00Z' }] },
      [{ key: 'node.kubernetes.io/not-ready', value: 'x', effect: 'NoSchedule', timeAdded: '2024-01-01T00:00:00Z' }]],
    ['the same key with another effect does not count', { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }] },
      [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }, NR]],
  ])('%s', (_name, spec, want) => {
    const node: KObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, ...(spec ? { spec } : {}) };
    expect(admitNodeCreate(node)).toBeUndefined();
    expect((node.spec as Json).taints).toEqual(want);
  });
});
