// Table tests for field selector parsing, matching, per-resource labels and selectable fields.

import { describe, expect, it } from 'vitest';
import {
  escapeValue,
  fieldSelectorToString,
  fieldsOf,
  matchesFields,
  parseFieldSelector,
  parseFieldSelectorFor,
  requiresExactMatch,
  supportedFieldLabels,
  unescapeValue,
} from './fields.js';
import { ApiError } from './status.js';

/** What fn throws (undefined when it returns). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('parseFieldSelector (upstream fields.ParseSelector)', () => {
  it.each([
    ['a=b', 'a=b'],
    ['a==b', 'a=b'],
    ['a!=b', 'a!=b'],
    ['', ''],
    ['b=2,a=1', 'a=1,b=2'],
    ['a=1,,b=2', 'a=1,b=2'],
    ['a=', 'a='],
    ['a=x\\,y', 'a=x\\,y'],
    ['a=x\\=y\\\\z', 'a=x\\=y\\\\z'],
    ['spec.nodeName=node-1,status.phase!=Succeeded,status.phase!=Failed', 'spec.nodeName=node-1,status.phase!=Failed,status.phase!=Succeeded'],
  ])('%j → %j', (input, want) => {
    expect(fieldSelectorToString(parseFieldSelector(input))).toBe(want);
  });

  it.each([
    ['a', "invalid selector: 'a'; can't understand 'a'"],
    ['x=1,a', "invalid selector: 'x=1,a'; can't understand 'a'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a!==b', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ['a=\\!', 'invalid field selector: invalid escape sequence: \\!'],
  ])('%j fails with %j', (input, message) => {
    expect((thrown(() => parseFieldSelector(input)) as Error).message).toBe(message);
  });

  it('keeps values with escapes', () => {
    expect(parseFieldSelector('metadata.name=a\\,b').requirements).toEqual([{ field: 'metadata.name', operator: '=', value: 'a,b' }]);
  });
});

describe('escapeValue / unescapeValue', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b=c\\d', 'a\\,b\\=c\\\\d'],
    ['', ''],
  ])('%j ⇄ %j', (raw, escaped) => {
    expect(escapeValue(raw)).toBe(escaped);
    expect(unescapeValue(escaped)).toBe(raw);
  });
});

describe('matchesFields', () => {
  const pod = { 'spec.nodeName': 'node-1', 'status.phase': 'Running', 'metadata.name': 'p' };
  it.each<[string, Record<string, string>, boolean]>([
    ['spec.nodeName=node-1', pod, true],
    ['spec.nodeName=node-2', pod, false],
    ['spec.nodeName=node-1,status.phase!=Succeeded,status.phase!=Failed', pod, true],
    ['spec.nodeName=node-1,status.phase!=Running', pod, false],
    ['status.podIPs=', pod, true],
    ['status.podIPs=10.0.0.1', pod, false],
    ['missing!=x', pod, true],
    ['', pod, true],
  ])('%j → %s', (selector, fields, want) => {
    expect(matchesFields(parseFieldSelector(selector), fields)).toBe(want);
  });

  it('requiresExactMatch finds the `=` value of a field', () => {
    const sel = parseFieldSelector('metadata.name=web,metadata.namespace!=x');
    expect(requiresExactMatch(sel, 'metadata.name')).toBe('web');
    expect(requiresExactMatch(sel, 'metadata.namespace')).toBeUndefined();
  });
});

describe('parseFieldSelectorFor (kube-apiserver field label conversion)', () => {
  it.each([
    ['pods', 'Pod', 'spec.nodeName=n1,status.phase!=Succeeded', 'spec.nodeName=n1,status.phase!=Succeeded'],
    ['pods', 'Pod', 'spec.host=n1', 'spec.nodeName=n1'],
    ['pods', 'Pod', 'status.podIPs=10.0.0.1', 'status.podIPs=10.0.0.1'],
    ['events', 'Event', 'involvedObject.name=web,involvedObject.namespace=', 'involvedObject.name=web,involvedObject.namespace='],
    ['events', 'Event', 'involvedObject.apiVersion=apps/v1,involvedObject.kind=DaemonSet,involvedObject.uid=u', 'involvedObject.apiVersion=apps/v1,involvedObject.kind=DaemonSet,involvedObject.uid=u'],
    ['nodes', 'Node', 'spec.unschedulable=false', 'spec.unschedulable=false'],
    ['namespaces', 'Namespace', 'status.phase=Active', 'status.phase=Active'],
    ['secrets', 'Secret', 'type=kubernetes.io/service-account-token', 'type=kubernetes.io/service-account-token'],
    ['services', 'Service', 'spec.clusterIP!=None,spec.type=ClusterIP', 'spec.clusterIP!=None,spec.type=ClusterIP'],
    ['daemonsets', 'DaemonSet', 'metadata.name=ds,metadata.namespace=kube-system', 'metadata.name=ds,metadata.namespace=kube-system'],
    ['leases', 'Lease', 'metadata.name=node-1', 'metadata.name=node-1'],
    ['configmaps', 'ConfigMap', undefined, ''],
  ])('%s %j', (plural, kind, value, want) => {
    expect(fieldSelectorToString(parseFieldSelectorFor(plural, kind, value))).toBe(want);
  });

  it.each([
    ['pods', 'Pod', 'spec.foo=x', 'field label not supported: spec.foo'],
    ['pods', 'Pod', 'metadata.uid=x', 'field label not supported: metadata.uid'],
    ['nodes', 'Node', 'metadata.namespace=', 'field label not supported: metadata.namespace'],
    ['namespaces', 'Namespace', 'metadata.namespace=x', 'field label not supported: metadata.namespace'],
    ['events', 'Event', 'involvedObject.foo=x', 'field label not supported: involvedObject.foo'],
    ['configmaps', 'ConfigMap', 'spec.foo=x', '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"'],
    ['statefulsets', 'StatefulSet', 'status.replicas=1', '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"'],
    ['pods', 'Pod', 'spec.nodeName', "invalid selector: 'spec.nodeName'; can't understand 'spec.nodeName'"],
  ])('%s %j → 400 %j', (plural, kind, value, message) => {
    const err = thrown(() => parseFieldSelectorFor(plural, kind, value));
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toMatchObject({ code: 400, reason: 'BadRequest', message });
  });

  it.each([
    ['pods', 11],
    ['events', 13],
    ['configmaps', 2],
  ])('%s supports %i labels', (plural, n) => {
    expect(supportedFieldLabels(plural)).toHaveLength(n);
  });
});

describe('fieldsOf (upstream GetAttrs)', () => {
  it.each<[string, string, unknown, Record<string, string>]>([
    [
      'pod',
      'pods',
      {
        metadata: { name: 'p', namespace: 'ns' },
        spec: { nodeName: 'n1', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default' },
        status: { phase: 'Running', podIP: '10.0.0.2', podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }] },
      },
      {
        'metadata.name': 'p',
        'metadata.namespace': 'ns',
        'spec.nodeName': 'n1',
        'spec.restartPolicy': 'Always',
        'spec.schedulerName': 'default-scheduler',
        'spec.serviceAccountName': 'default',
        'spec.hostNetwork': 'false',
        'status.phase': 'Running',
        'status.podIP': '10.0.0.1',
        'status.nominatedNodeName': '',
      },
    ],
    [
      'event falls back to reportingComponent for source',
      'events',
      { metadata: { name: 'e', namespace: 'ns' }, involvedObject: { kind: 'Node', name: 'n1' }, reason: 'Ready', reportingComponent: 'kubelet', type: 'Normal' },
      {
        'metadata.name': 'e',
        'metadata.namespace': 'ns',
        'involvedObject.kind': 'Node',
        'involvedObject.namespace': '',
        'involvedObject.name': 'n1',
        'involvedObject.uid': '',
        'involvedObject.apiVersion': '',
        'involvedObject.resourceVersion': '',
        'involvedObject.fieldPath': '',
        reason: 'Ready',
        reportingComponent: 'kubelet',
        source: 'kubelet',
        type: 'Normal',
      },
    ],
    ['node is cluster-scoped', 'nodes', { metadata: { name: 'n1' }, spec: { unschedulable: true } }, { 'metadata.name': 'n1', 'spec.unschedulable': 'true' }],
    ['namespace', 'namespaces', { metadata: { name: 'ns' }, status: { phase: 'Terminating' } }, { 'metadata.name': 'ns', 'status.phase': 'Terminating' }],
    ['secret', 'secrets', { metadata: { name: 's', namespace: 'ns' }, type: 'Opaque' }, { 'metadata.name': 's', 'metadata.namespace': 'ns', type: 'Opaque' }],
    [
      'service',
      'services',
      { metadata: { name: 'svc', namespace: 'ns' }, spec: { clusterIP: 'None', type: 'ClusterIP' } },
      { 'metadata.name': 'svc', 'metadata.namespace': 'ns', 'spec.clusterIP': 'None', 'spec.type': 'ClusterIP' },
    ],
    ['configmap', 'configmaps', { metadata: { name: 'cm', namespace: 'ns' }, data: { a: 'b' } }, { 'metadata.name': 'cm', 'metadata.namespace': 'ns' }],
  ])('%s', (_name, plural, obj, want) => {
    expect(fieldsOf(plural, obj)).toEqual(want);
  });

  it('drives matching end to end: drain-style pod query', () => {
    const sel = parseFieldSelectorFor('pods', 'Pod', 'spec.nodeName=n1,status.phase!=Succeeded,status.phase!=Failed');
    const pod = (phase: string): unknown => ({ metadata: { name: 'p', namespace: 'd' }, spec: { nodeName: 'n1' }, status: { phase } });
    expect(matchesFields(sel, fieldsOf('pods', pod('Running')))).toBe(true);
    expect(matchesFields(sel, fieldsOf('pods', pod('Failed')))).toBe(false);
  });
});
