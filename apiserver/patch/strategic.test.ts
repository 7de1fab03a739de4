// Table tests for the strategic merge patch engine: directives, kubectl's real bodies, errors, purity.

import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/status.js';
import { schemaFor, strategicMergePatch } from './strategic.js';

const POD = schemaFor('v1', 'Pod');
const NODE = schemaFor('v1', 'Node');
const DS = schemaFor('apps/v1', 'DaemonSet');
const CM = schemaFor('v1', 'ConfigMap');

function daemonSet(): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet',
    metadata: {
      name: 'agent', namespace: 'default', uid: 'ds-uid', resourceVersion: '42', generation: 3,
      labels: { app: 'agent' }, finalizers: ['a.example/f1', 'a.example/f2'],
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"old":true}\n', note: 'keep' },
    },
    spec: {
      selector: { matchLabels: { app: 'agent' } }, revisionHistoryLimit: 10,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      template: {
        metadata: { labels: { app: 'agent' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-22T01:37:07Z' } },
        spec: {
          containers: [
            { name: 'c', image: 'img:v1', imagePullPolicy: 'IfNotPresent', resources: {},
              env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
              volumeMounts: [{ name: 'v1', mountPath: '/data' }], terminationMessagePath: '/dev/termination-log' },
            { name: 'd', image: 'sidecar:v1', resources: {} },
          ],
          volumes: [{ name: 'v1', emptyDir: {} }],
          tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
          dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', schedulerName: 'default-scheduler', securityContext: {},
          terminationGracePeriodSeconds: 30,
        },
      },
    },
    status: { currentNumberScheduled: 2, desiredNumberScheduled: 2, numberReady: 2, observedGeneration: 3 },
  };
}

/** The body kubectl apply sent after removing an env var, a container, a volume source and a finalizer (contract §9.2). */
const APPLY_BODY = {
  metadata: {
    '$deleteFromPrimitiveList/finalizers': ['a.example/f2'],
    '$setElementOrder/finalizers': ['a.example/f1'],
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{...}\n' },
  },
  spec: { template: { spec: {
    '$setElementOrder/containers': [{ name: 'c' }],
    '$setElementOrder/volumes': [{ name: 'v1' }],
    containers: [
      { '$setElementOrder/env': [{ name: 'A' }], env: [{ $patch: 'delete', name: 'B' }], image: 'img:v2', name: 'c' },
      { $patch: 'delete', name: 'd' },
    ],
    volumes: [{ $retainKeys: ['hostPath', 'name'], emptyDir: null, hostPath: { path: '/data' }, name: 'v1' }],
  } } },
};

/** ControllerRevision data as the DS controller writes it; rollout undo sends it verbatim (contract §11.3). */
const UNDO_BODY = { spec: { template: {
  $patch: 'replace',
  metadata: { creationTimestamp: null, labels: { app: 'agent' } },
  spec: {
    containers: [{ image: 'agent:v2', imagePullPolicy: 'IfNotPresent', name: 'agent', ports: [{ containerPort: 80, protocol: 'TCP' }],
      resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
    dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', schedulerName: 'default-scheduler', securityContext: {}, terminationGracePeriodSeconds: 30,
  },
} } };

function expectedAfterApply(): Record<string, unknown> {
  const ds = daemonSet() as { metadata: Record<string, unknown>; spec: { template: { spec: Record<string, unknown> } } };
  ds.metadata.finalizers = ['a.example/f1'];
  ds.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{...}\n', note: 'keep' };
  const spec = ds.spec.template.spec;
  spec.containers = [{ name: 'c', image: 'img:v2', imagePullPolicy: 'IfNotPresent', resources: {}, env: [{ name: 'A', value: '1' }],
    volumeMounts: [{ name: 'v1', mountPath: '/data' }], terminationMessagePath: '/dev/termination-log' }];
  spec.volumes = [{ name: 'v1', hostPath: { path: '/data' } }];
  return ds;
}

function expectedAfterUndo(): Record<string, unknown> {
  const ds = daemonSet() as { spec: Record<string, unknown> };
  const { $patch: _directive, ...template } = UNDO_BODY.spec.template;
  ds.spec.template = { ...template, metadata: { labels: { app: 'agent' } } };
  return ds;
}

interface Row {
  name: string;
  original: unknown;
  patch: unknown;
  want: unknown;
  schema?: typeof POD;
}

const rows: Row[] = [
  { name: 'kubectl apply body (contract §9.2) on a realistic DaemonSet', original: daemonSet(), patch: APPLY_BODY, want: expectedAfterApply(), schema: DS },
  { name: 'rollout undo: $patch replace of spec.template', original: daemonSet(), patch: UNDO_BODY, want: expectedAfterUndo(), schema: DS },
  { name: 'rollout restart annotation merges into template metadata', original: { spec: { template: { metadata: { annotations: { a: '1' } } } } },
    patch: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': 't' } } } } },
    want: { spec: { template: { metadata: { annotations: { a: '1', 'kubectl.kubernetes.io/restartedAt': 't' } } } } }, schema: DS },
  { name: 'label removal via null (kubectl label x-)', original: { metadata: { labels: { x: '1', y: '2' } } },
    patch: { metadata: { labels: { x: null } } }, want: { metadata: { labels: { y: '2' } } } },
  { name: 'null inside a map new to the object is discarded (an empty map remains, as upstream)', original: { metadata: { name: 'a' } }, patch: { metadata: { labels: { x: null } } },
    want: { metadata: { name: 'a', labels: {} } } },
  { name: 'removing the last taint: {"spec":{"taints":null}}', original: { spec: { taints: [{ key: 'k', effect: 'NoSchedule' }], podCIDR: 'x' } },
    patch: { spec: { taints: null } }, want: { spec: { podCIDR: 'x' } }, schema: NODE },
  { name: 'cordon: {"spec":{"unschedulable":true}}', original: { spec: {} }, patch: { spec: { unschedulable: true } },
    want: { spec: { unschedulable: true } }, schema: NODE },
  { name: 'uncordon: {"spec":{"unschedulable":null}}', original: { spec: { unschedulable: true, podCIDR: 'x' } },
    patch: { spec: { unschedulable: null } }, want: { spec: { podCIDR: 'x' } }, schema: NODE },
  { name: '$patch: replace on a map replaces it', original: { metadata: { labels: { a: '1', b: '2' } } },
    patch: { metadata: { labels: { $patch: 'replace', c: '3' } } }, want: { metadata: { labels: { c: '3' } } } },
  { name: '$patch: delete on a map leaves an empty map (upstream)', original: { data: { a: '1' }, kind: 'ConfigMap' },
    patch: { data: { $patch: 'delete' } }, want: { data: {}, kind: 'ConfigMap' } },
  { name: '$patch: replace on the whole object', original: { a: 1, b: { c: 2 } }, patch: { $patch: 'replace', d: 4 }, want: { d: 4 } },
  { name: '$patch: replace inside a merge list', original: { spec: { containers: [{ name: 'a' }, { name: 'b' }] } },
    patch: { spec: { containers: [{ $patch: 'replace' }, { name: 'x', image: 'y' }] } }, want: { spec: { containers: [{ name: 'x', image: 'y' }] } }, schema: POD },
  { name: '$patch: delete of a missing element is a no-op', original: { spec: { containers: [{ name: 'a' }] } },
    patch: { spec: { containers: [{ $patch: 'delete', name: 'zz' }] } }, want: { spec: { containers: [{ name: 'a' }] } }, schema: POD },
  { name: '$patch: delete removes every element with the key', original: { spec: { containers: [{ name: 'a' }, { name: 'a', x: 1 }, { name: 'b' }] } },
    patch: { spec: { containers: [{ $patch: 'delete', name: 'a' }] } }, want: { spec: { containers: [{ name: 'b' }] } }, schema: POD },
  { name: '$retainKeys keeps only the listed keys', original: { spec: { volumes: [{ name: 'v', emptyDir: {}, secret: { secretName: 's' } }] } },
    patch: { spec: { volumes: [{ name: 'v', $retainKeys: ['name', 'secret'] }] } },
    want: { spec: { volumes: [{ name: 'v', secret: { secretName: 's' } }] } }, schema: POD },
  { name: '$deleteFromPrimitiveList on finalizers', original: { metadata: { finalizers: ['a', 'b', 'c'] } },
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'zz'] } }, want: { metadata: { finalizers: ['a', 'c'] } } },
  { name: '$deleteFromPrimitiveList never creates the list', original: { metadata: { name: 'n' } },
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } }, want: { metadata: { name: 'n' } } },
  { name: '$deleteFromPrimitiveList also applies to a list without strategy (upstream)', original: { spec: { containers: [{ name: 'c', args: ['1', '2', '3'] }] } },
    patch: { spec: { containers: [{ name: 'c', '$deleteFromPrimitiveList/args': ['2'] }] } },
    want: { spec: { containers: [{ name: 'c', args: ['1', '3'] }] } }, schema: POD },
  { name: '$setElementOrder on a primitive list keeps server-only values in place', original: { metadata: { finalizers: ['f1', 'f4', 'f2'] } },
    patch: { metadata: { '$setElementOrder/finalizers': ['f3', 'f1', 'f2'], finalizers: ['f3'] } }, want: { metadata: { finalizers: ['f3', 'f1', 'f4', 'f2'] } } },
  { name: '$setElementOrder on a merge list with added items', original: { spec: { containers: [{ name: '1', x: 'a' }, { name: '2', v: 2 }] } },
    patch: { spec: { '$setElementOrder/containers': [{ name: '1' }, { name: '4' }, { name: '2' }, { name: '3' }], containers: [{ name: '4', v: 4 }, { name: '3', v: 3 }] } },
    want: { spec: { containers: [{ name: '1', x: 'a' }, { name: '4', v: 4 }, { name: '2', v: 2 }, { name: '3', v: 3 }] } }, schema: POD },
  { name: '$setElementOrder alone reorders; server-only items stay between', original: { spec: { containers: ['1', '2', '7', '9', '8', '3', '4'].map((name) => ({ name })) } },
    patch: { spec: { '$setElementOrder/containers': ['2', '1', '4', '3'].map((name) => ({ name })) } },
    want: { spec: { containers: ['2', '1', '7', '9', '8', '4', '3'].map((name) => ({ name })) } }, schema: POD },
  { name: 'without $setElementOrder: patch order wins among patched items', original: { spec: { containers: [{ name: '1' }, { name: '2', v: 'b' }, { name: '3' }] } },
    patch: { spec: { containers: [{ name: '3', v: 'c' }, { name: '1', v: 'a' }] } },
    want: { spec: { containers: [{ name: '2', v: 'b' }, { name: '3', v: 'c' }, { name: '1', v: 'a' }] } }, schema: POD },
  { name: 'a new element is taken without directives or nulls', original: { spec: { containers: [{ name: 'a' }] } },
    patch: { spec: { containers: [{ name: 'n', image: 'x', args: null, '$setElementOrder/env': [], env: [{ $patch: 'delete', name: 'Z' }, { name: 'Y', value: 'y' }] }] } },
    want: { spec: { containers: [{ name: 'n', image: 'x', env: [{ name: 'Y', value: 'y' }] }, { name: 'a' }] } }, schema: POD },
  { name: 'a map carrying $patch with no live counterpart is dropped (upstream removeDirectives)', original: { spec: { containers: [] } },
    patch: { spec: { securityContext: { $patch: 'replace', runAsUser: 1 }, hostNetwork: true } }, want: { spec: { containers: [], hostNetwork: true } }, schema: POD },
  { name: '$retainKeys is honoured on any map, as upstream', original: { metadata: { name: 'n', labels: { a: '1' }, annotations: { b: '2' } } },
    patch: { metadata: { $retainKeys: ['name', 'labels'], labels: { c: '3' } } }, want: { metadata: { name: 'n', labels: { a: '1', c: '3' } } } },
  { name: 'a value whose JSON type differs is replaced', original: { data: { a: { b: 1 } } }, patch: { data: { a: ['x'] } }, want: { data: { a: ['x'] } } },
  { name: 'a null patch changes nothing', original: { a: 1 }, patch: null, want: { a: 1 } },
];

function collectKeys(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => collectKeys(x, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { out.push(k); collectKeys(x, out); }
  return out;
}

describe('strategicMergePatch directives and kubectl bodies', () => {
  it.each(rows)('$name', ({ original, patch, want, schema }) => {
    const got = strategicMergePatch(original, patch, schema ?? CM);
    expect(got).toEqual(want);
    expect(collectKeys(got).filter((k) => k.startsWith('$'))).toEqual([]);
  });
});

function errorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

const badRows: Array<[string, unknown, unknown, number, string]> = [
  ['unknown $patch value on a map', { a: { x: 1 } }, { a: { $patch: 'foo', x: 1 } }, 400, 'unknown patch type: foo in map: map[$patch:foo x:1]'],
  ['$patch: merge on a map is refused', { a: {} }, { a: { $patch: 'merge' } }, 400, 'unknown patch type: merge in map: map[$patch:merge]'],
  ['unknown $patch value in a list', { spec: { containers: [{ name: 'a' }] } }, { spec: { containers: [{ $patch: 'bogus', name: 'a' }] } }, 400,
    'unknown patch type: bogus in map: map[$patch:bogus name:a]'],
  ['$patch: merge in a list', { spec: { containers: [{ name: 'a' }] } }, { spec: { containers: [{ $patch: 'merge' }] } }, 400,
    'merging lists cannot yet be specified in the patch'],
  ['$setElementOrder of the wrong type', { spec: { containers: [{ name: 'a' }] } }, { spec: { '$setElementOrder/containers': 'a' } }, 400,
    'expected a []interface {}, but received a string'],
  ['$setElementOrder without a field', { spec: {} }, { spec: { $setElementOrder: [] } }, 400, 'invalid patch format of setElementOrder list'],
  ['$setElementOrder contradicting the patch order', { spec: { containers: [{ name: 'a' }, { name: 'b' }] } },
    { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'b', image: '2' }, { name: 'a', image: '1' }] } }, 400,
    'The order in patch list:\n[map[image:2 name:b] map[image:1 name:a]]\n doesn\'t match $setElementOrder list:\n[map[name:a] map[name:b]]\n'],
  ['$deleteFromPrimitiveList without a field', { metadata: {} }, { metadata: { $deleteFromPrimitiveList: ['x'] } }, 400, 'invalid patch format of primitive list'],
  ['$retainKeys that is not a list', { spec: { volumes: [{ name: 'v' }] } }, { spec: { volumes: [{ name: 'v', $retainKeys: 'name' }] } }, 400,
    'invalid patch format of retainKeys'],
  ['a patch key missing from $retainKeys', { spec: { volumes: [{ name: 'v' }] } }, { spec: { volumes: [{ name: 'v', emptyDir: {}, $retainKeys: ['name'] }] } }, 400,
    'invalid patch format of retainKeys'],
  ['an element without the merge key', { spec: { containers: [{ name: 'a' }] } }, { spec: { containers: [{ image: 'x' }] } }, 400,
    'map: map[image:x] does not contain declared merge key: name'],
  ['elements of mixed types', { metadata: { finalizers: ['a'] } }, { metadata: { finalizers: [1] } }, 400, 'list element types are not identical: [[a] [1]]'],
  ['lists of lists', { metadata: { finalizers: [['a']] } }, { metadata: { finalizers: [['b']] } }, 422, 'the server rejected our request due to an error in our request'],
  ['a patch that is not an object', {}, ['x'], 400, 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
];

describe('strategicMergePatch malformed patches', () => {
  it.each(badRows)('%s', (_name, original, patch, code, message) => {
    const err = errorOf(() => strategicMergePatch(original, patch, POD));
    expect(err.code).toBe(code);
    expect(err.status.message).toBe(message);
    expect(err.reason).toBe(code === 422 ? 'Invalid' : 'BadRequest');
  });
});

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    Object.values(v).forEach(deepFreeze);
    Object.freeze(v);
  }
  return v;
}

describe('strategicMergePatch purity', () => {
  it.each([
    ['apply body', APPLY_BODY],
    ['undo body', UNDO_BODY],
    ['taints', { spec: { template: { spec: { tolerations: null } } } }],
  ])('does not mutate its inputs (%s)', (_name, body) => {
    const original = deepFreeze(daemonSet());
    const patch = deepFreeze(structuredClone(body));
    const before = JSON.stringify([original, patch]);
    const got = strategicMergePatch(original, patch, DS) as { metadata: { labels: Record<string, string> } };
    expect(JSON.stringify([original, patch])).toBe(before);
    got.metadata.labels.extra = 'x';
    expect((original.metadata as { labels: Record<string, string> }).labels.extra).toBeUndefined();
  });
});
