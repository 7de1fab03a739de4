// Table tests for server-side apply: list types of every merge-key row, field removal, ownership, conflicts.

import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/status.js';
import { serverSideApply, type ApplyResult } from './apply.js';
import { FieldSet, pathString } from './field-set.js';
import { trackUpdate } from './managed-fields.js';
import { schemaFor } from './strategic.js';

type Json = Record<string, unknown>;

/** Builds `{a: {b: value}}` from `'a.b'`. */
function at(path: string, value: unknown): Json {
  return path.split('.').reduceRight<unknown>((v, k) => ({ [k]: v }), value) as Json;
}

function get(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Json)[k] : undefined), obj);
}

const gvk = (s: string): [string, string] => {
  const i = s.lastIndexOf('/');
  return [s.slice(0, i), s.slice(i + 1)];
};

interface Step {
  manager: string;
  config: Json;
  force?: boolean;
}

/** Applies the steps in order to `live` (undefined: the first step creates). */
function run(kind: string, live: Json | undefined, steps: Step[], hasStatus = false, subresource?: 'status'): ApplyResult {
  const [apiVersion, k] = gvk(kind);
  let result: ApplyResult = { object: live ?? {}, managedFields: [] };
  let current = live;
  for (const s of steps) {
    result = serverSideApply({
      live: current, config: { apiVersion, kind: k, ...s.config }, manager: s.manager, force: s.force ?? false,
      schema: schemaFor(apiVersion, k), apiVersion, hasStatus, subresource, now: '2026-01-01T00:00:00Z',
    });
    current = { ...result.object, metadata: { ...(result.object.metadata as Json), managedFields: result.managedFields } };
  }
  return result;
}

interface MergeRow {
  name: string;
  kind: string;
  path: string;
  live: unknown;
  config: unknown;
  want: unknown;
}

/** The first apply onto an untracked live object (forced): how each list type of the merge-key table merges. */
const mergeRows: MergeRow[] = [
  { name: 'PodSpec.containers: associative by name, live-only elements keep their place', kind: 'v1/Pod', path: 'spec.containers',
    live: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }], config: [{ name: 'b', image: 'b2' }, { name: 'c', image: 'c' }],
    want: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b2' }, { name: 'c', image: 'c' }] },
  { name: 'PodSpec.initContainers by name', kind: 'v1/Pod', path: 'spec.initContainers',
    live: [{ name: 'i', image: 'x', args: ['1'] }], config: [{ name: 'i', image: 'y' }], want: [{ name: 'i', image: 'y', args: ['1'] }] },
  { name: 'Container.env by name', kind: 'v1/Pod', path: 'spec.containers',
    live: [{ name: 'c', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }], config: [{ name: 'c', env: [{ name: 'B', value: '3' }] }],
    want: [{ name: 'c', env: [{ name: 'A', value: '1' }, { name: 'B', value: '3' }] }] },
  { name: 'Container.ports by containerPort + protocol (TCP by default)', kind: 'v1/Pod', path: 'spec.containers',
    live: [{ name: 'c', ports: [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 53, protocol: 'TCP', name: 'dns' }] }],
    config: [{ name: 'c', ports: [{ containerPort: 53, name: 'dns-tcp' }] }],
    want: [{ name: 'c', ports: [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 53, protocol: 'TCP', name: 'dns-tcp' }] }] },
  { name: 'Container.volumeMounts by mountPath', kind: 'v1/Pod', path: 'spec.containers',
    live: [{ name: 'c', volumeMounts: [{ name: 'v', mountPath: '/a' }] }], config: [{ name: 'c', volumeMounts: [{ name: 'v', mountPath: '/a', readOnly: true }, { name: 'w', mountPath: '/b' }] }],
    want: [{ name: 'c', volumeMounts: [{ name: 'v', mountPath: '/a', readOnly: true }, { name: 'w', mountPath: '/b' }] }] },
  { name: 'Container.volumeDevices by devicePath', kind: 'v1/Pod', path: 'spec.containers',
    live: [{ name: 'c', volumeDevices: [{ name: 'raw', devicePath: '/dev/a' }] }], config: [{ name: 'c', volumeDevices: [{ name: 'raw2', devicePath: '/dev/a' }] }],
    want: [{ name: 'c', volumeDevices: [{ name: 'raw2', devicePath: '/dev/a' }] }] },
  { name: 'Container.args and command: atomic, replaced', kind: 'v1/Pod', path: 'spec.containers',
    live: [{ name: 'c', command: ['sh'], args: ['-c', 'x', 'y'] }], config: [{ name: 'c', args: ['z'] }], want: [{ name: 'c', command: ['sh'], args: ['z'] }] },
  { name: 'PodSpec.volumes by name', kind: 'v1/Pod', path: 'spec.volumes',
    live: [{ name: 'v', emptyDir: {} }, { name: 'w', emptyDir: {} }], config: [{ name: 'w', hostPath: { path: '/d' } }],
    want: [{ name: 'v', emptyDir: {} }, { name: 'w', emptyDir: {}, hostPath: { path: '/d' } }] },
  { name: 'PodSpec.imagePullSecrets by name', kind: 'v1/Pod', path: 'spec.imagePullSecrets',
    live: [{ name: 'r1' }], config: [{ name: 'r2' }], want: [{ name: 'r1' }, { name: 'r2' }] },
  { name: 'PodSpec.hostAliases by ip', kind: 'v1/Pod', path: 'spec.hostAliases',
    live: [{ ip: '10.0.0.1', hostnames: ['a'] }], config: [{ ip: '10.0.0.1', hostnames: ['b'] }], want: [{ ip: '10.0.0.1', hostnames: ['b'] }] },
  { name: 'PodSpec.topologySpreadConstraints by topologyKey + whenUnsatisfiable', kind: 'v1/Pod', path: 'spec.topologySpreadConstraints',
    live: [{ topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', maxSkew: 1 }],
    config: [{ topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 2 }],
    want: [{ topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', maxSkew: 1 }, { topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 2 }] },
  { name: 'PodSpec.schedulingGates by name', kind: 'v1/Pod', path: 'spec.schedulingGates',
    live: [{ name: 'g1' }], config: [{ name: 'g2' }], want: [{ name: 'g1' }, { name: 'g2' }] },
  { name: 'PodSpec.tolerations: atomic, replaced', kind: 'v1/Pod', path: 'spec.tolerations',
    live: [{ key: 'a', operator: 'Exists' }], config: [{ key: 'b', operator: 'Exists' }], want: [{ key: 'b', operator: 'Exists' }] },
  { name: 'PodSpec.nodeSelector: atomic map, replaced', kind: 'v1/Pod', path: 'spec.nodeSelector',
    live: { a: '1' }, config: { b: '2' }, want: { b: '2' } },
  { name: 'ObjectMeta.ownerReferences by uid', kind: 'v1/ConfigMap', path: 'metadata.ownerReferences',
    live: [{ uid: 'u1', name: 'x', kind: 'K', apiVersion: 'v1' }], config: [{ uid: 'u2', name: 'y', kind: 'K', apiVersion: 'v1' }],
    want: [{ uid: 'u1', name: 'x', kind: 'K', apiVersion: 'v1' }, { uid: 'u2', name: 'y', kind: 'K', apiVersion: 'v1' }] },
  { name: 'ObjectMeta.finalizers: a set', kind: 'v1/ConfigMap', path: 'metadata.finalizers',
    live: ['a', 'b'], config: ['b', 'c'], want: ['a', 'b', 'c'] },
  { name: 'ObjectMeta.labels: a granular map', kind: 'v1/ConfigMap', path: 'metadata.labels',
    live: { a: '1' }, config: { b: '2' }, want: { a: '1', b: '2' } },
  { name: 'DaemonSet spec.selector: atomic (LabelSelector)', kind: 'apps/v1/DaemonSet', path: 'spec.selector',
    live: { matchLabels: { a: '1' } }, config: { matchLabels: { b: '2' } }, want: { matchLabels: { b: '2' } } },
  { name: 'DaemonSet template containers by name', kind: 'apps/v1/DaemonSet', path: 'spec.template.spec.containers',
    live: [{ name: 'c', image: 'i:1', resources: {} }], config: [{ name: 'c', image: 'i:2' }], want: [{ name: 'c', image: 'i:2', resources: {} }] },
  { name: 'StatefulSet volumeClaimTemplates: atomic', kind: 'apps/v1/StatefulSet', path: 'spec.volumeClaimTemplates',
    live: [{ metadata: { name: 'a' } }], config: [{ metadata: { name: 'b' } }], want: [{ metadata: { name: 'b' } }] },
  { name: 'ServiceSpec.ports by port + protocol', kind: 'v1/Service', path: 'spec.ports',
    live: [{ port: 80, protocol: 'TCP', targetPort: 80 }], config: [{ port: 80, targetPort: 8080 }], want: [{ port: 80, protocol: 'TCP', targetPort: 8080 }] },
  { name: 'NodeSpec.taints: atomic', kind: 'v1/Node', path: 'spec.taints',
    live: [{ key: 'a', effect: 'NoSchedule' }], config: [{ key: 'b', effect: 'NoSchedule' }], want: [{ key: 'b', effect: 'NoSchedule' }] },
  { name: 'NodeStatus.addresses by type', kind: 'v1/Node', path: 'status.addresses',
    live: [{ type: 'InternalIP', address: '1' }, { type: 'Hostname', address: 'n' }], config: [{ type: 'InternalIP', address: '2' }],
    want: [{ type: 'InternalIP', address: '2' }, { type: 'Hostname', address: 'n' }] },
];

describe('serverSideApply: list types of the merge-key table', () => {
  it.each(mergeRows)('$name', ({ kind, path, live, config, want }) => {
    const liveObj = { metadata: { name: 'x' }, ...at(path, live) };
    // force: the live fields belong to before-first-apply; the merge, not the conflict, is under test here.
    const got = run(kind, liveObj, [{ manager: 'm', config: { metadata: { name: 'x' }, ...at(path, config) }, force: true }]);
    expect(get(got.object, path)).toEqual(want);
  });
});

interface RemovalRow {
  name: string;
  kind: string;
  path: string;
  first: unknown;
  second: unknown;
  want: unknown;
}

/** Applying twice as the same manager: what the second configuration omits is removed. */
const removalRows: RemovalRow[] = [
  { name: 'a container', kind: 'apps/v1/DaemonSet', path: 'spec.template.spec.containers',
    first: [{ name: 'c', image: 'c' }, { name: 'd', image: 'd' }], second: [{ name: 'c', image: 'c' }], want: [{ name: 'c', image: 'c' }] },
  { name: 'an env var', kind: 'v1/Pod', path: 'spec.containers',
    first: [{ name: 'c', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }], second: [{ name: 'c', env: [{ name: 'A', value: '1' }] }],
    want: [{ name: 'c', env: [{ name: 'A', value: '1' }] }] },
  { name: 'a finalizer', kind: 'v1/ConfigMap', path: 'metadata.finalizers', first: ['a', 'b'], second: ['a'], want: ['a'] },
  { name: 'a label', kind: 'v1/ConfigMap', path: 'metadata.labels', first: { a: '1', b: '2' }, second: { a: '1' }, want: { a: '1' } },
  { name: 'a port (by containerPort + protocol)', kind: 'v1/Pod', path: 'spec.containers',
    first: [{ name: 'c', ports: [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 53 }] }], second: [{ name: 'c', ports: [{ containerPort: 53 }] }],
    want: [{ name: 'c', ports: [{ containerPort: 53 }] }] },
  { name: 'a whole nested map the manager created', kind: 'v1/Pod', path: 'spec',
    first: { nodeName: 'n', securityContext: { runAsUser: 1 } }, second: { nodeName: 'n' }, want: { nodeName: 'n' } },
  { name: 'the last port, and the then empty list', kind: 'v1/Pod', path: 'spec.containers',
    first: [{ name: 'c', ports: [{ containerPort: 80 }] }], second: [{ name: 'c' }], want: [{ name: 'c' }] },
  { name: 'an owner reference', kind: 'v1/ConfigMap', path: 'metadata.ownerReferences',
    first: [{ uid: 'u1', name: 'a' }, { uid: 'u2', name: 'b' }], second: [{ uid: 'u2', name: 'b' }], want: [{ uid: 'u2', name: 'b' }] },
];

describe('serverSideApply: fields dropped from the configuration are removed', () => {
  it.each(removalRows)('$name', ({ kind, path, first, second, want }) => {
    const got = run(kind, undefined, [
      { manager: 'm', config: { metadata: { name: 'x' }, ...at(path, first) } },
      { manager: 'm', config: { metadata: { name: 'x' }, ...at(path, second) } },
    ]);
    expect(get(got.object, path)).toEqual(want);
  });

  it('keeps a dropped field another manager applied with the same value, and that manager keeps it', () => {
    const got = run('v1/ConfigMap', undefined, [
      { manager: 'a', config: { metadata: { name: 'x' }, data: { k: '1', l: '2' } } },
      { manager: 'b', config: { metadata: { name: 'x' }, data: { k: '1' } } },
      { manager: 'a', config: { metadata: { name: 'x' }, data: { l: '2' } } },
    ]);
    expect(got.object.data).toEqual({ k: '1', l: '2' });
    expect(got.managedFields.map((m) => [m.manager, m.fieldsV1])).toEqual([
      ['a', { 'f:data': { 'f:l': {} } }],
      ['b', { 'f:data': { 'f:k': {} } }],
    ]);
  });

  it('leaves fields it never applied alone (an untracked live object)', () => {
    const got = run('v1/ConfigMap', { metadata: { name: 'x' }, data: { old: '1' } }, [
      { manager: 'm', config: { metadata: { name: 'x' }, data: { a: '1' } } },
      { manager: 'm', config: { metadata: { name: 'x' }, data: {} } },
    ]);
    expect(got.object.data).toEqual({ old: '1' });
  });

  it.each([
    ['before-first-apply', {}],
    ['kubectl-client-side-apply', { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } }],
  ])('gives the fields of an untracked object to %s at the first apply (upstream skip-non-applied manager)', (manager, meta) => {
    const live = { metadata: { name: 'x', ...meta }, data: { a: '1', b: '1' } };
    const err = conflictOf(() => run('v1/ConfigMap', live, [{ manager: 'kubectl', config: { metadata: { name: 'x' }, data: { a: '2', b: '1' } } }]));
    expect(err.status.message).toBe(`Apply failed with 1 conflict: conflict with "${manager}" using v1: .data.a`);
    const shared = run('v1/ConfigMap', live, [{ manager: 'kubectl', config: { metadata: { name: 'x' }, data: { b: '1' } } }]);
    const annotations = 'annotations' in meta ? { 'f:metadata': { 'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} } } } : {};
    expect(shared.managedFields.map((m) => [m.manager, m.operation, m.fieldsV1])).toEqual([
      ['kubectl', 'Apply', { 'f:data': { 'f:b': {} } }],
      [manager, 'Update', { 'f:data': { '.': {}, 'f:a': {}, 'f:b': {} }, ...annotations }],
    ]);
  });
});

describe('serverSideApply: managedFields', () => {
  it('records exactly the configured fields: leaves, list elements, atomic values; no apiVersion, kind, name or status', () => {
    const got = run('apps/v1/StatefulSet', undefined, [{ manager: 'kubectl', config: {
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, finalizers: ['f'] },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }] } } },
      status: { replicas: 9 },
    } }], true);
    expect(got.managedFields).toEqual([{ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: {
      'f:metadata': { 'f:finalizers': { 'v:"f"': {} }, 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {}, 'f:selector': {},
        'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"c"}': {
          '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
        } } } },
      },
    } }]);
    expect(got.object.status).toBeUndefined();
  });

  it('applies status alone through the status subresource and names it in the entry', () => {
    const got = run('v1/Node', { metadata: { name: 'n' }, spec: { podCIDR: 'a' } }, [
      { manager: 'kubelet', config: { metadata: { name: 'n' }, spec: { podCIDR: 'b' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } } },
    ], true, 'status');
    expect(got.object.spec).toEqual({ podCIDR: 'a' });
    expect(got.managedFields[0]).toMatchObject({ manager: 'kubelet', operation: 'Apply', subresource: 'status',
      fieldsV1: { 'f:status': { 'f:conditions': { 'k:{"type":"Ready"}': { '.': {}, 'f:status': {}, 'f:type': {} } } } } });
  });

  it('keeps the time of an entry whose fields did not change', () => {
    const first = run('v1/ConfigMap', undefined, [{ manager: 'm', config: { metadata: { name: 'x' }, data: { a: '1' } } }]);
    const again = serverSideApply({
      live: { ...first.object, metadata: { ...(first.object.metadata as Json), managedFields: first.managedFields } },
      config: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: '1' } }, manager: 'm', force: false,
      schema: schemaFor('v1', 'ConfigMap'), apiVersion: 'v1', hasStatus: false, now: '2030-01-01T00:00:00Z',
    });
    expect(again.managedFields).toEqual(first.managedFields);
  });
});

function conflictOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected a conflict');
}

describe('serverSideApply: conflicts', () => {
  const base: Step = { manager: 'a', config: { metadata: { name: 'x' }, data: { k: '1', l: '1' } } };

  it.each([
    ['one field, an Apply manager', [base, { manager: 'b', config: { metadata: { name: 'x' }, data: { k: '2' } } }],
      'Apply failed with 1 conflict: conflict with "a": .data.k', [{ reason: 'FieldManagerConflict', message: 'conflict with "a"', field: '.data.k' }]],
    ['two fields', [base, { manager: 'b', config: { metadata: { name: 'x' }, data: { k: '2', l: '2' } } }],
      'Apply failed with 2 conflicts: conflicts with "a":\n- .data.k\n- .data.l', undefined],
    ['a list element field', [
      { manager: 'a', config: { metadata: { name: 'x' }, spec: { containers: [{ name: 'c', image: '1' }] } } },
      { manager: 'b', config: { metadata: { name: 'x' }, spec: { containers: [{ name: 'c', image: '2' }] } } },
    ], 'Apply failed with 1 conflict: conflict with "a": .spec.containers[name="c"].image', undefined],
    ['a port keyed by two fields', [
      { manager: 'a', config: { metadata: { name: 'x' }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, name: 'a' }] }] } } },
      { manager: 'b', config: { metadata: { name: 'x' }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, name: 'b' }] }] } } },
    ], 'Apply failed with 1 conflict: conflict with "a": .spec.containers[name="c"].ports[containerPort=80,protocol="TCP"].name', undefined],
  ])('%s', (_name, steps, message, causes) => {
    const kind = (steps as Step[]).some((s) => s.config.spec) ? 'v1/Pod' : 'v1/ConfigMap';
    const err = conflictOf(() => run(kind, undefined, steps as Step[]));
    expect(err.code).toBe(409);
    expect(err.reason).toBe('Conflict');
    expect(err.status.message).toBe(message);
    if (causes) expect(err.status.details).toEqual({ causes });
  });

  it.each([
    ['a keyed element without its key', [{ image: 'x' }],
      'failed to create typed patch object (/x; /v1, Kind=Pod): .spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)'],
    ['two elements with one key', [{ name: 'c' }, { name: 'c', image: 'y' }],
      'failed to create typed patch object (/x; /v1, Kind=Pod): .spec.containers: duplicate entries for key [name="c"]'],
  ])('refuses a configuration with %s (400)', (_name, containers, message) => {
    const err = conflictOf(() => run('v1/Pod', undefined, [{ manager: 'm', config: { metadata: { name: 'x' }, spec: { containers } } }]));
    expect([err.code, err.status.message]).toEqual([400, message]);
  });

  it('shares a field set to the value it already has (no conflict)', () => {
    const got = run('v1/ConfigMap', undefined, [base, { manager: 'b', config: { metadata: { name: 'x' }, data: { k: '1' } } }]);
    expect(got.managedFields.map((m) => m.manager)).toEqual(['a', 'b']);
  });

  it('force moves the field to the applier', () => {
    const got = run('v1/ConfigMap', undefined, [base, { manager: 'b', config: { metadata: { name: 'x' }, data: { k: '2' } }, force: true }]);
    expect(got.object.data).toEqual({ k: '2', l: '1' });
    expect(got.managedFields.map((m) => [m.manager, m.fieldsV1])).toEqual([['a', { 'f:data': { 'f:l': {} } }], ['b', { 'f:data': { 'f:k': {} } }]]);
  });

  it('names an Update manager with its apiVersion and subresource', () => {
    const created = run('v1/ConfigMap', undefined, [base]);
    const live = { ...created.object, metadata: { ...(created.object.metadata as Json), managedFields: created.managedFields } };
    const next = { ...live, data: { k: '5', l: '1' } };
    const managedFields = trackUpdate(live, next, undefined, { manager: 'kubectl-edit', apiVersion: 'v1', hasStatus: false, schema: schemaFor('v1', 'ConfigMap'), now: 't' });
    const err = conflictOf(() => serverSideApply({
      live: { ...next, metadata: { ...(next.metadata as Json), managedFields } }, config: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { k: '1' } },
      manager: 'a', force: false, schema: schemaFor('v1', 'ConfigMap'), apiVersion: 'v1', hasStatus: false, now: 't',
    }));
    expect(err.status.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.k');
  });
});

describe('trackUpdate', () => {
  const ctx = { manager: 'kubectl-label', apiVersion: 'v1', hasStatus: false, schema: schemaFor('v1', 'ConfigMap'), now: 't2' };
  const tracked = (): Json => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', managedFields: [
    { manager: 'a', operation: 'Apply', apiVersion: 'v1', time: 't1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:k': {} } } },
  ] }, data: { k: '1' } });

  it.each([
    ['an untracked object stays untracked', { metadata: { name: 'x' } }, { metadata: { name: 'x', labels: { a: '1' } } }, undefined],
    ['a new label map is owned with its key', tracked(), { ...tracked(), metadata: { name: 'x', labels: { a: '1' } } }, [
      { manager: 'a', operation: 'Apply', apiVersion: 'v1', time: 't1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:k': {} } } },
      { manager: 'kubectl-label', operation: 'Update', apiVersion: 'v1', time: 't2', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } } } },
    ]],
    ['a removed field leaves its owner', tracked(), { ...tracked(), data: {} }, []],
    ['a write that changes nothing changes no entry', tracked(), tracked(), (tracked().metadata as Json).managedFields],
    ['a live keyed element without its key is named by its index', { ...tracked(), metadata: { ...(tracked().metadata as Json), ownerReferences: [{ name: 'o' }] } },
      { ...tracked(), metadata: { ...(tracked().metadata as Json), ownerReferences: [{ name: 'o', controller: true }] } }, [
        ((tracked().metadata as Json).managedFields as Json[])[0],
        { manager: 'kubectl-label', operation: 'Update', apiVersion: 'v1', time: 't2', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:ownerReferences': { 'i:0': { 'f:controller': {} } } } } },
      ]],
  ])('%s', (_name, old, next, want) => {
    expect(trackUpdate(old as Json, next as Json, undefined, ctx)).toEqual(want);
  });

  it('takes managedFields the client sent (kubectl\'s client-side to server-side apply migration)', () => {
    const sent = [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: 't0', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:k': {} } } }];
    expect(trackUpdate(tracked(), { ...tracked(), metadata: { name: 'x', managedFields: sent } }, sent, ctx)).toEqual(sent);
  });
});

describe('FieldSet', () => {
  it.each([
    [{ 'f:a': {}, 'f:b': { '.': {}, 'f:c': {} } }],
    [{ 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {} } } } }],
    [{ 'f:metadata': { 'f:finalizers': { 'v:"x"': {}, 'v:"y"': {} } } }],
  ])('reads and writes FieldsV1 %j unchanged', (v) => {
    expect(FieldSet.fromFieldsV1(v).toFieldsV1()).toEqual(v);
  });

  it('lists elements in upstream order: fields, keys (numbers numerically), values, indices', () => {
    const set = new FieldSet();
    for (const pe of ['i:0', 'v:"b"', 'k:{"containerPort":1000}', 'v:"a"', 'k:{"containerPort":80}', 'f:z', 'f:a']) set.insert([pe]);
    expect(Object.keys(set.toFieldsV1())).toEqual(['f:a', 'f:z', 'k:{"containerPort":80}', 'k:{"containerPort":1000}', 'v:"a"', 'v:"b"', 'i:0']);
  });

  it.each([
    [['f:spec', 'f:replicas'], '.spec.replicas'],
    [['f:spec', 'f:containers', 'k:{"name":"c"}', 'f:image'], '.spec.containers[name="c"].image'],
    [['f:metadata', 'f:finalizers', 'v:"a/b"'], '.metadata.finalizers[="a/b"]'],
    [['f:ports', 'k:{"containerPort":80,"protocol":"TCP"}'], '.ports[containerPort=80,protocol="TCP"]'],
  ])('prints %j as %s', (path, want) => {
    expect(pathString(path)).toBe(want);
  });
});
