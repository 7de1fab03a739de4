// Table tests: one row per patch strategy / merge key of the served kinds (contract §9.2 table and Go struct tags).

import { describe, expect, it } from 'vitest';
import { hasStrategicSchema, schemaAt, schemaFor, strategicMergePatch } from './strategic.js';

/** Builds `{a: {b: value}}` from `'a.b'`. */
function at(path: string, value: unknown): Record<string, unknown> {
  return path.split('.').reduceRight<unknown>((v, k) => ({ [k]: v }), value) as Record<string, unknown>;
}

interface Row {
  name: string;
  gvk: string;
  path: string;
  live: unknown;
  patch: unknown;
  want: unknown;
}

const gvk = (s: string): [string, string] => {
  const i = s.lastIndexOf('/');
  return [s.slice(0, i), s.slice(i + 1)];
};

const mergeKeyRows: Row[] = [
  { name: 'PodSpec.containers by name (patch order, new after live ones it follows)', gvk: 'v1/Pod', path: 'spec.containers',
    live: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }],
    patch: [{ name: 'b', image: 'b:2' }, { name: 'c', image: 'c:1' }],
    want: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:2' }, { name: 'c', image: 'c:1' }] },
  { name: 'PodSpec.initContainers by name', gvk: 'v1/Pod', path: 'spec.initContainers',
    live: [{ name: 'i', image: 'x' }], patch: [{ name: 'i', args: ['y'] }], want: [{ name: 'i', image: 'x', args: ['y'] }] },
  { name: 'PodSpec.ephemeralContainers by name', gvk: 'v1/Pod', path: 'spec.ephemeralContainers',
    live: [{ name: 'dbg', image: 'busybox' }], patch: [{ name: 'dbg', stdin: true }], want: [{ name: 'dbg', image: 'busybox', stdin: true }] },
  { name: 'PodSpec.volumes by name with $retainKeys', gvk: 'v1/Pod', path: 'spec.volumes',
    live: [{ name: 'v', emptyDir: {} }, { name: 'w', emptyDir: {} }],
    patch: [{ $retainKeys: ['hostPath', 'name'], name: 'v', hostPath: { path: '/d' } }],
    want: [{ name: 'v', hostPath: { path: '/d' } }, { name: 'w', emptyDir: {} }] },
  { name: 'PodSpec.imagePullSecrets by name (a new item precedes live-only items, as upstream)', gvk: 'v1/Pod', path: 'spec.imagePullSecrets',
    live: [{ name: 'r1' }], patch: [{ name: 'r2' }], want: [{ name: 'r2' }, { name: 'r1' }] },
  { name: 'PodSpec.hostAliases by ip (hostnames list replaced)', gvk: 'v1/Pod', path: 'spec.hostAliases',
    live: [{ ip: '10.0.0.1', hostnames: ['a'] }, { ip: '10.0.0.2', hostnames: ['b'] }],
    patch: [{ ip: '10.0.0.1', hostnames: ['c'] }],
    want: [{ ip: '10.0.0.1', hostnames: ['c'] }, { ip: '10.0.0.2', hostnames: ['b'] }] },
  { name: 'PodSpec.topologySpreadConstraints by topologyKey', gvk: 'v1/Pod', path: 'spec.topologySpreadConstraints',
    live: [{ topologyKey: 'zone', maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' }],
    patch: [{ topologyKey: 'zone', maxSkew: 2 }],
    want: [{ topologyKey: 'zone', maxSkew: 2, whenUnsatisfiable: 'DoNotSchedule' }] },
  { name: 'PodSpec.schedulingGates by name ($patch: delete)', gvk: 'v1/Pod', path: 'spec.schedulingGates',
    live: [{ name: 'g1' }, { name: 'g2' }], patch: [{ $patch: 'delete', name: 'g1' }], want: [{ name: 'g2' }] },
  { name: 'PodSpec.resourceClaims by name with $retainKeys', gvk: 'v1/Pod', path: 'spec.resourceClaims',
    live: [{ name: 'gpu', resourceClaimName: 'x' }],
    patch: [{ $retainKeys: ['name', 'resourceClaimTemplateName'], name: 'gpu', resourceClaimTemplateName: 't' }],
    want: [{ name: 'gpu', resourceClaimTemplateName: 't' }] },
  { name: 'Container.env by name', gvk: 'v1/Pod', path: 'spec.containers',
    live: [{ name: 'c', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }],
    patch: [{ name: 'c', env: [{ name: 'B', value: '3' }] }],
    want: [{ name: 'c', env: [{ name: 'A', value: '1' }, { name: 'B', value: '3' }] }] },
  { name: 'Container.ports by containerPort', gvk: 'v1/Pod', path: 'spec.containers',
    live: [{ name: 'c', ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }] }],
    patch: [{ name: 'c', ports: [{ containerPort: 80, name: 'http' }] }],
    want: [{ name: 'c', ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 443, protocol: 'TCP' }] }] },
  { name: 'Container.volumeMounts by mountPath', gvk: 'v1/Pod', path: 'spec.containers',
    live: [{ name: 'c', volumeMounts: [{ name: 'v', mountPath: '/a' }] }],
    patch: [{ name: 'c', volumeMounts: [{ mountPath: '/a', readOnly: true }] }],
    want: [{ name: 'c', volumeMounts: [{ name: 'v', mountPath: '/a', readOnly: true }] }] },
  { name: 'Container.volumeDevices by devicePath', gvk: 'v1/Pod', path: 'spec.containers',
    live: [{ name: 'c', volumeDevices: [{ name: 'raw', devicePath: '/dev/xvda' }] }],
    patch: [{ name: 'c', volumeDevices: [{ $patch: 'delete', devicePath: '/dev/xvda' }] }],
    want: [{ name: 'c', volumeDevices: [] }] },
  { name: 'ObjectMeta.ownerReferences by uid (any kind)', gvk: 'v1/ConfigMap', path: 'metadata.ownerReferences',
    live: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ds', uid: 'u1' }],
    patch: [{ uid: 'u1', controller: true }],
    want: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ds', uid: 'u1', controller: true }] },
  { name: 'ObjectMeta.finalizers: primitive merge (union, patch order)', gvk: 'v1/Secret', path: 'metadata.finalizers',
    live: ['a', 'b'], patch: ['b', 'c'], want: ['a', 'b', 'c'] },
  { name: 'ObjectMeta.finalizers: a value new to the list precedes live-only values', gvk: 'v1/Namespace', path: 'metadata.finalizers',
    live: ['a'], patch: ['z'], want: ['z', 'a'] },
  { name: 'PodStatus.conditions by type', gvk: 'v1/Pod', path: 'status.conditions',
    live: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'False' }],
    patch: [{ type: 'Ready', status: 'True' }],
    want: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }] },
  { name: 'PodStatus.podIPs by ip', gvk: 'v1/Pod', path: 'status.podIPs',
    live: [{ ip: '10.0.0.5' }], patch: [{ ip: 'fd00::5' }], want: [{ ip: 'fd00::5' }, { ip: '10.0.0.5' }] },
  { name: 'PodStatus.hostIPs by ip', gvk: 'v1/Pod', path: 'status.hostIPs',
    live: [{ ip: '192.168.0.1' }], patch: [{ ip: '192.168.0.1' }], want: [{ ip: '192.168.0.1' }] },
  { name: 'NodeStatus.conditions by type', gvk: 'v1/Node', path: 'status.conditions',
    live: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }, { type: 'MemoryPressure', status: 'False' }],
    patch: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown' }],
    want: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown' }, { type: 'MemoryPressure', status: 'False' }] },
  { name: 'NodeStatus.addresses by type', gvk: 'v1/Node', path: 'status.addresses',
    live: [{ type: 'InternalIP', address: '10.0.0.1' }, { type: 'Hostname', address: 'n1' }],
    patch: [{ type: 'InternalIP', address: '10.0.0.2' }],
    want: [{ type: 'InternalIP', address: '10.0.0.2' }, { type: 'Hostname', address: 'n1' }] },
  { name: 'NodeSpec.podCIDRs: primitive merge', gvk: 'v1/Node', path: 'spec.podCIDRs',
    live: ['10.244.0.0/24'], patch: ['10.244.0.0/24'], want: ['10.244.0.0/24'] },
  { name: 'DaemonSetStatus.conditions by type', gvk: 'apps/v1/DaemonSet', path: 'status.conditions',
    live: [{ type: 'A', status: 'True' }], patch: [{ type: 'A', status: 'False' }], want: [{ type: 'A', status: 'False' }] },
  { name: 'StatefulSetStatus.conditions by type', gvk: 'apps/v1/StatefulSet', path: 'status.conditions',
    live: [{ type: 'A', status: 'True' }, { type: 'B', status: 'True' }], patch: [{ $patch: 'delete', type: 'A' }], want: [{ type: 'B', status: 'True' }] },
  { name: 'DaemonSet spec.template.spec.containers by name', gvk: 'apps/v1/DaemonSet', path: 'spec.template.spec.containers',
    live: [{ name: 'agent', image: 'agent:v1', args: ['-a'] }], patch: [{ name: 'agent', image: 'agent:v2' }],
    want: [{ name: 'agent', image: 'agent:v2', args: ['-a'] }] },
  { name: 'StatefulSet spec.template.metadata is ObjectMeta (ownerReferences by uid)', gvk: 'apps/v1/StatefulSet', path: 'spec.template.metadata.ownerReferences',
    live: [{ uid: 'x', name: 'a' }], patch: [{ uid: 'x', name: 'b' }], want: [{ uid: 'x', name: 'b' }] },
  { name: 'ServiceSpec.ports by port', gvk: 'v1/Service', path: 'spec.ports',
    live: [{ port: 80, targetPort: 8080, protocol: 'TCP' }, { port: 443, targetPort: 8443, protocol: 'TCP' }],
    patch: [{ port: 80, targetPort: 9090 }],
    want: [{ port: 80, targetPort: 9090, protocol: 'TCP' }, { port: 443, targetPort: 8443, protocol: 'TCP' }] },
  { name: 'ServiceAccount.secrets by name', gvk: 'v1/ServiceAccount', path: 'secrets',
    live: [{ name: 's1' }], patch: [{ name: 's1', namespace: 'default' }], want: [{ name: 's1', namespace: 'default' }] },
  { name: 'PersistentVolumeClaimStatus.conditions by type', gvk: 'v1/PersistentVolumeClaim', path: 'status.conditions',
    live: [{ type: 'Resizing', status: 'True' }], patch: [{ type: 'Resizing', status: 'False' }], want: [{ type: 'Resizing', status: 'False' }] },
  { name: 'NamespaceStatus.conditions by type', gvk: 'v1/Namespace', path: 'status.conditions',
    live: [{ type: 'X', status: 'True' }], patch: [{ type: 'Y', status: 'True' }], want: [{ type: 'Y', status: 'True' }, { type: 'X', status: 'True' }] },
];

const replaceRows: Row[] = [
  { name: 'Container.envFrom: no merge key, replaced', gvk: 'v1/Pod', path: 'spec.containers',
    live: [{ name: 'c', envFrom: [{ configMapRef: { name: 'a' } }] }], patch: [{ name: 'c', envFrom: [{ secretRef: { name: 'b' } }] }],
    want: [{ name: 'c', envFrom: [{ secretRef: { name: 'b' } }] }] },
  { name: 'Container.args/command: replaced', gvk: 'v1/Pod', path: 'spec.containers',
    live: [{ name: 'c', command: ['sh'], args: ['-c', 'x'] }], patch: [{ name: 'c', args: ['-c', 'y'] }],
    want: [{ name: 'c', command: ['sh'], args: ['-c', 'y'] }] },
  { name: 'PodSpec.tolerations: replaced', gvk: 'apps/v1/DaemonSet', path: 'spec.template.spec.tolerations',
    live: [{ key: 'a', operator: 'Exists' }], patch: [{ key: 'b', operator: 'Exists' }], want: [{ key: 'b', operator: 'Exists' }] },
  { name: 'NodeSpec.taints: kubectl taint sends the full list, replaced', gvk: 'v1/Node', path: 'spec.taints',
    live: [{ key: 'old', effect: 'NoExecute' }], patch: [{ effect: 'NoSchedule', key: 'k', value: 'v' }],
    want: [{ effect: 'NoSchedule', key: 'k', value: 'v' }] },
  { name: 'StatefulSet spec.volumeClaimTemplates: no merge key, replaced', gvk: 'apps/v1/StatefulSet', path: 'spec.volumeClaimTemplates',
    live: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }],
    patch: [{ metadata: { name: 'logs' } }], want: [{ metadata: { name: 'logs' } }] },
  { name: 'PodStatus.containerStatuses: replaced', gvk: 'v1/Pod', path: 'status.containerStatuses',
    live: [{ name: 'a', ready: true }, { name: 'b', ready: true }], patch: [{ name: 'a', ready: false }], want: [{ name: 'a', ready: false }] },
  { name: 'ObjectMeta.managedFields: replaced', gvk: 'v1/Pod', path: 'metadata.managedFields',
    live: [{ manager: 'a' }], patch: [{ manager: 'b' }], want: [{ manager: 'b' }] },
  { name: 'unknown kind: lists are replaced', gvk: 'example.com/v1/Widget', path: 'spec.containers',
    live: [{ name: 'a' }], patch: [{ name: 'b' }], want: [{ name: 'b' }] },
  { name: 'unknown kind: ObjectMeta.finalizers still merge', gvk: 'example.com/v1/Widget', path: 'metadata.finalizers',
    live: ['a'], patch: ['a', 'b'], want: ['a', 'b'] },
];

describe('strategicMergePatch merge keys and strategies', () => {
  it.each([...mergeKeyRows, ...replaceRows])('$name', ({ gvk: g, path, live, patch, want }) => {
    const [apiVersion, kind] = gvk(g);
    const original = { apiVersion, kind, ...at(path, live) };
    const got = strategicMergePatch(original, at(path, patch), schemaFor(apiVersion, kind));
    expect(got).toEqual({ apiVersion, kind, ...at(path, want) });
  });
});

describe('schemaFor', () => {
  it.each([
    ['apps/v1/DaemonSet', 'spec.template.spec.volumes', { strategy: 'merge', mergeKey: 'name', retainKeys: true }],
    ['apps/v1/StatefulSet', 'spec.template.spec.containers.env', { strategy: 'merge', mergeKey: 'name' }],
    ['v1/Pod', 'spec.containers.ports', { strategy: 'merge', mergeKey: 'containerPort' }],
    ['v1/Pod', 'spec.resourceClaims', { strategy: 'merge', mergeKey: 'name', retainKeys: true }],
    ['v1/Pod', 'metadata.finalizers', { strategy: 'merge' }],
    ['v1/Node', 'spec.taints', {}],
    ['v1/Pod', 'spec.tolerations', {}],
    ['v1/Pod', 'spec.containers.envFrom', {}],
    ['apps/v1/StatefulSet', 'spec.volumeClaimTemplates', {}],
    ['example.com/v1/Widget', 'metadata.ownerReferences', { strategy: 'merge', mergeKey: 'uid' }],
    ['example.com/v1/Widget', 'spec.anything', {}],
    ['v1/Pod', 'spec.constructor', {}],
  ])('%s %s', (g, path, want) => {
    const [apiVersion, kind] = gvk(g);
    expect({ ...schemaAt(schemaFor(apiVersion, kind), path.split('.')), fields: undefined }).toEqual({ ...want, fields: undefined });
  });

  it('knows the table kinds only', () => {
    expect(hasStrategicSchema('apps/v1', 'ControllerRevision')).toBe(true);
    expect(hasStrategicSchema('coordination.k8s.io/v1', 'Lease')).toBe(true);
    expect(hasStrategicSchema('example.com/v1', 'Widget')).toBe(false);
  });
});
