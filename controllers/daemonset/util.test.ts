// Which nodes run a daemon pod, and what a daemon pod looks like (controllers.md §2.2–2.4, edge cases 1–7, 20).

import { describe, expect, it } from 'vitest';
import { isPodAvailable } from '../../apiserver/api/pod-state.js';
import type { DaemonSet, Node, Pod, Toleration } from '../../apiserver/api/types.js';
import { daemonSet, node } from './fake.test.support.js';
import {
  addOrUpdateToleration, byCreationTimestampAndPhase, createPodTemplate, daemonPodTolerations, isPodUpdated, nodeShouldRunDaemonPod,
  podForNode, scaledValue, targetNodeName, templateGeneration,
} from './util.js';

const withSpec = (spec: Record<string, unknown>): DaemonSet => {
  const ds = daemonSet('d');
  return { ...ds, spec: { ...ds.spec!, template: { ...ds.spec!.template, spec: { ...ds.spec!.template.spec!, ...spec } } } } as DaemonSet;
};

const CP = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };
const AUTO_KEYS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable', 'node.kubernetes.io/disk-pressure', 'node.kubernetes.io/memory-pressure', 'node.kubernetes.io/pid-pressure', 'node.kubernetes.io/unschedulable'];

describe('nodeShouldRunDaemonPod', () => {
  it.each<[string, DaemonSet, Node, boolean, boolean]>([
    ['a plain node', daemonSet('d'), node('n1'), true, true],
    ['a cordoned node (unschedulable is tolerated)', daemonSet('d'), node('n1', { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }), true, true],
    ['an untolerated NoSchedule taint: no new pod, the old one stays', daemonSet('d'), node('n1', { taints: [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }] }), false, true],
    ['an untolerated NoExecute taint: the pod goes', daemonSet('d'), node('n1', { taints: [{ key: 'foo', value: 'bar', effect: 'NoExecute' }] }), false, false],
    ['a toleration of the key without effect', withSpec({ tolerations: [{ key: 'foo', operator: 'Exists' }] }), node('n1', { taints: [{ key: 'foo', value: 'bar', effect: 'NoExecute' }] }), true, true],
    ['PreferNoSchedule is ignored', daemonSet('d'), node('n1', { taints: [{ key: 'foo', effect: 'PreferNoSchedule' }] }), true, true],
    ['the control-plane taint without a toleration', daemonSet('d'), node('cp', { taints: [CP] }), false, true],
    ['the control-plane taint tolerated by an empty-key Exists', withSpec({ tolerations: [{ operator: 'Exists' }] }), node('cp', { taints: [CP] }), true, true],
    ['a new node still NotReady (admission taint not-ready:NoSchedule)', daemonSet('d'), node('n1', { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] }), false, true],
    ['an unreachable node keeps its pod (NoExecute tolerated, NoSchedule not)', daemonSet('d'), node('n1', { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] }), false, true],
    ['network-unavailable without hostNetwork', daemonSet('d'), node('n1', { taints: [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] }), false, true],
    ['network-unavailable with hostNetwork', withSpec({ hostNetwork: true }), node('n1', { taints: [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] }), true, true],
    ['a nodeSelector that matches', withSpec({ nodeSelector: { disktype: 'ssd' } }), node('n1', { labels: { disktype: 'ssd' } }), true, true],
    ['a nodeSelector that no longer matches: the pod goes', withSpec({ nodeSelector: { disktype: 'ssd' } }), node('n1'), false, false],
    ['required node affinity NotIn', withSpec({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }] } } } }), node('n1', { labels: { zone: 'a' } }), false, false],
    ['required node affinity Gt', withSpec({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['3'] }] }] } } } }), node('n1', { labels: { gen: '4' } }), true, true],
    ['preferred affinity does not restrict', withSpec({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'x', operator: 'Exists' }] } }] } } }), node('n1'), true, true],
    ['template nodeName names this node', withSpec({ nodeName: 'n2' }), node('n2'), true, true],
    ['template nodeName names another node', withSpec({ nodeName: 'n2' }), node('n1'), false, false],
  ])('%s', (_name, ds, n, shouldRun, shouldContinueRunning) => {
    expect(nodeShouldRunDaemonPod(n, ds)).toEqual({ shouldRun, shouldContinueRunning });
  });
});

describe('daemon pod tolerations', () => {
  it('adds the six daemon tolerations in order, and network-unavailable only with hostNetwork', () => {
    expect(daemonPodTolerations({ containers: [] }).map((t) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule',
    ]);
    const withHost = daemonPodTolerations({ containers: [], hostNetwork: true });
    expect(withHost).toHaveLength(7);
    expect(withHost[6]).toEqual({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
    expect(daemonPodTolerations({ containers: [] }).every((t) => t.operator === 'Exists' && t.tolerationSeconds === undefined)).toBe(true);
  });

  it.each<[string, Toleration[], Toleration[]]>([
    ['a user toleration with tolerationSeconds becomes infinite, in place', [{ key: 'a', operator: 'Exists' }, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }], [{ key: 'a', operator: 'Exists' }, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }]],
    ['an identical one is left as is', [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }], [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }]],
    ['another effect is appended', [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }], [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }]],
  ])('AddOrUpdate: %s', (_name, before, after) => {
    expect(addOrUpdateToleration(before, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' })).toEqual(after);
  });
});

describe('the pod made for a node', () => {
  it('has the labels, tolerations, affinity, generateName and owner of an upstream daemon pod; the template is untouched', () => {
    const ds = withSpec({
      affinity: { nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'z', operator: 'Exists' }] } }],
      } },
    });
    const before = JSON.stringify(ds);
    const t = createPodTemplate(ds.spec!.template, templateGeneration(ds), 'h1');
    const ref = [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'd', uid: 'u', controller: true, blockOwnerDeletion: true }];
    const pod = podForNode(ds, t, 'n2', ref);
    expect(pod.metadata).toEqual({ namespace: 'default', generateName: 'd-', labels: { app: 'd', 'pod-template-generation': '1', 'controller-revision-hash': 'h1' }, ownerReferences: ref });
    expect(pod.spec?.nodeName).toBeUndefined();
    expect(pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual({ nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }] });
    expect(pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(pod.spec?.tolerations?.map((x) => x.key)).toEqual(AUTO_KEYS);
    expect(JSON.stringify(ds)).toBe(before);
    expect(targetNodeName(pod)).toBe('n2');
  });

  it('creates the affinity when the template has none, and leaves pod-template-generation out without the annotation', () => {
    const ds = daemonSet('d');
    delete (ds.metadata as { annotations?: unknown }).annotations;
    const pod = podForNode(ds, createPodTemplate(ds.spec!.template, templateGeneration(ds), 'h'), 'n1', []);
    expect(pod.metadata?.labels).toEqual({ app: 'd', 'controller-revision-hash': 'h' });
    expect(pod.spec?.affinity).toEqual({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] } } });
  });
});

const pod = (name: string, extra: Record<string, unknown> = {}): Pod => ({ metadata: { name, creationTimestamp: '2026-01-01T00:00:00Z', ...((extra.metadata as object) ?? {}) }, spec: { containers: [], ...((extra.spec as object) ?? {}) }, status: (extra.status as Pod['status']) ?? {} }) as Pod;

describe('pod helpers', () => {
  it.each<[string, Pod, string | undefined]>([
    ['nodeName wins', pod('a', { spec: { nodeName: 'n1' } }), 'n1'],
    ['else the matchFields In value', pod('a', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n3'] }] }] } } } } }), 'n3'],
    ['several values: none', pod('a', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a', 'b'] }] }] } } } } }), undefined],
    ['no affinity: none', pod('a'), undefined],
  ])('targetNodeName: %s', (_n, p, want) => {
    expect(targetNodeName(p)).toBe(want);
  });

  const readyAt = (t: string): Pod => pod('r', { status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] } });
  it.each<[string, Pod, number, boolean]>([
    ['ready, no minReadySeconds', readyAt('2026-01-01T00:00:00Z'), 0, true],
    ['ready for 10 s exactly is not yet available with 10 (strict)', readyAt('2026-01-01T00:00:00Z'), 10, false],
    ['ready for 10 s is available with 9', readyAt('2026-01-01T00:00:00Z'), 9, true],
    ['not ready', pod('n', { status: { conditions: [{ type: 'Ready', status: 'False' }] } }), 0, false],
  ])('isPodAvailable: %s', (_n, p, minReady, want) => {
    expect(isPodAvailable(p, minReady, Date.parse('2026-01-01T00:00:10Z'))).toBe(want);
  });

  it('isPodUpdated: the hash, or the template generation', () => {
    const p = pod('a', { metadata: { labels: { 'controller-revision-hash': 'h1', 'pod-template-generation': '2' } } });
    expect(isPodUpdated(p, 'h1', '5')).toBe(true);
    expect(isPodUpdated(p, 'h2', '2')).toBe(true);
    expect(isPodUpdated(p, 'h2', '3')).toBe(false);
    expect(isPodUpdated(p, 'h2', undefined)).toBe(false);
  });

  it('orders scheduled pods first, then oldest, then by name', () => {
    const list = [
      pod('c', { metadata: { creationTimestamp: '2026-01-01T00:00:05Z' } }),
      pod('b', { spec: { nodeName: 'n' }, metadata: { creationTimestamp: '2026-01-01T00:00:05Z' } }),
      pod('a', { spec: { nodeName: 'n' }, metadata: { creationTimestamp: '2026-01-01T00:00:05Z' } }),
      pod('z', { spec: { nodeName: 'n' }, metadata: { creationTimestamp: '2026-01-01T00:00:01Z' } }),
    ];
    expect(list.sort(byCreationTimestampAndPhase).map((p) => p.metadata?.name)).toEqual(['z', 'a', 'b', 'c']);
  });

  it.each<[number | string | undefined, number, number | undefined]>([
    [1, 3, 1], ['25%', 3, 1], ['50%', 3, 2], ['10%', 1000, 100], ['10%', 7, 1], ['0%', 5, 0], [undefined, 5, 0], ['x', 5, undefined],
  ])('scaledValue(%s of %i) = %s (rounded up)', (v, total, want) => {
    expect(scaledValue(v, total)).toBe(want);
  });
});
