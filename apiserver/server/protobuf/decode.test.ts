// Protobuf bodies: bytes kubectl 1.32 sent, bodies encoded from our descriptors, upstream's errors, and random bytes.

import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/status.js';
import { decodeObjectBody } from '../negotiate.js';
import { ProtobufBodyError, decodeMessage, decodeProtobufDeleteOptions, decodeProtobufObject, openEnvelope } from './decode.js';
import { encodeBody, encodeMessage } from './encode.js';

const hex = (h: string): Buffer => Buffer.from(h, 'hex');
const PB = 'application/vnd.kubernetes.protobuf';

/** Bodies recorded from kubectl v1.32.4 by an HTTP server standing in for the API server. */
const CAPTURED = {
  // kubectl create namespace x
  namespace: hex('6b3873000a0f0a02763112094e616d65737061636512190a110a017812001a0022002a0032003800420012001a020a001a002200'),
  // kubectl create configmap c --from-literal=a=b --from-file=t.txt (text) --from-file=bin.dat (hello\0\xff)
  configmap: hex('6b3873000a0f0a0276311209436f6e6669674d6170123e0a110a016312001a0022002a0032003800420012060a0161120162120d0a05742e7478741204746578741a120a0762696e2e646174120768656c6c6f00ff1a002200'),
  // kubectl create secret generic s --from-literal=u=p
  secret: hex('6b3873000a0c0a027631120653656372657412230a110a017312001a0022002a0032003800420012060a01751201701a064f70617175651a002200'),
  // kubectl create serviceaccount sa
  serviceaccount: hex('6b3873000a140a027631120e536572766963654163636f756e7412140a120a02736112001a0022002a003200380042001a002200'),
  // kubectl create secret docker-registry d --docker-server=r.io --docker-username=u --docker-password=p
  dockerRegistry: hex('6b3873000a0c0a0276311206536563726574128a010a110a016412001a0022002a0032003800420012550a112e646f636b6572636f6e6669676a736f6e12407b226175746873223a7b22722e696f223a7b22757365726e616d65223a2275222c2270617373776f7264223a2270222c2261757468223a2264547077227d7d7d1a1e6b756265726e657465732e696f2f646f636b6572636f6e6669676a736f6e1a002200'),
  // kubectl create service clusterip svc1 --tcp=80:8080 --tcp=443:https
  service: hex('6b3873000a0d0a0276311207536572766963651290010a210a047376633112001a0022002a003200380042005a0b0a0361707012047376633112670a1b0a0738302d38303830120354435018502207080010903f1a0028000a220a093434332d6874747073120354435018bb03220b080110001a0568747470732800120b0a036170701204737663311a002209436c757374657249503a00420052005a00600068001a020a001a002200'),
  // kubectl create service nodeport np --tcp=80:8080 --node-port=30080
  nodePort: hex('6b3873000a0d0a02763112075365727669636512670a1d0a026e7012001a0022002a003200380042005a090a0361707012026e7012420a1d0a0738302d38303830120354435018502207080010903f1a002880eb0112090a0361707012026e701a0022084e6f6465506f72743a00420052005a00600068001a020a001a002200'),
  // kubectl create pdb pdb1 --selector=app=x --min-available=50%
  pdb: hex('6b3873000a200a09706f6c6963792f76311213506f6444697372757074696f6e427564676574123b0a140a047064623112001a0022002a0032003800420012170a09080110001a03353025120a0a080a036170701201781a0a080018002000280030001a002200'),
  // kubectl create pdb pdb2 --selector='app=x,tier notin (a)' --max-unavailable=1
  pdbExpressions: hex('6b3873000a200a09706f6c6963792f76311213506f6444697372757074696f6e427564676574124a0a140a047064623212001a0022002a003200380042001226121c0a080a0361707012017812100a047469657212054e6f74496e1a01611a06080010011a001a0a080018002000280030001a002200'),
};

const KINDS: Record<keyof typeof CAPTURED, [string, string]> = {
  namespace: ['v1', 'Namespace'], configmap: ['v1', 'ConfigMap'], secret: ['v1', 'Secret'], serviceaccount: ['v1', 'ServiceAccount'],
  dockerRegistry: ['v1', 'Secret'], service: ['v1', 'Service'], nodePort: ['v1', 'Service'], pdb: ['policy/v1', 'PodDisruptionBudget'],
  pdbExpressions: ['policy/v1', 'PodDisruptionBudget'],
};

const pdbStatus = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };

const dockerConfig = '{"auths":{"r.io":{"username":"u","password":"p","auth":"dTpw"}}}';

describe('bodies kubectl sends', () => {
  it.each([
    ['namespace', 'Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', creationTimestamp: null }, spec: {}, status: {} }],
    ['configmap', 'ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', creationTimestamp: null }, data: { a: 'b', 't.txt': 'text' }, binaryData: { 'bin.dat': 'aGVsbG8A/w==' } }],
    ['secret', 'Secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', creationTimestamp: null }, data: { u: 'cA==' }, type: 'Opaque' }],
    ['serviceaccount', 'ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', creationTimestamp: null } }],
    ['dockerRegistry', 'Secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'd', creationTimestamp: null }, data: { '.dockerconfigjson': Buffer.from(dockerConfig).toString('base64') }, type: 'kubernetes.io/dockerconfigjson' }],
    ['service', 'Service', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc1', creationTimestamp: null, labels: { app: 'svc1' } },
      spec: { ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }, { name: '443-https', protocol: 'TCP', port: 443, targetPort: 'https' }], selector: { app: 'svc1' }, type: 'ClusterIP' },
      status: { loadBalancer: {} },
    }],
    ['nodePort', 'Service', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'np', creationTimestamp: null, labels: { app: 'np' } },
      spec: { ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }], selector: { app: 'np' }, type: 'NodePort' },
      status: { loadBalancer: {} },
    }],
    ['pdb', 'PodDisruptionBudget', {
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'pdb1', creationTimestamp: null },
      spec: { minAvailable: '50%', selector: { matchLabels: { app: 'x' } } }, status: pdbStatus,
    }],
    ['pdbExpressions', 'PodDisruptionBudget', {
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'pdb2', creationTimestamp: null },
      spec: { selector: { matchLabels: { app: 'x' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['a'] }] }, maxUnavailable: 1 }, status: pdbStatus,
    }],
  ] as const)('%s decodes to the JSON of the same Go object', (body, kind, want) => {
    const [gv, endpointKind] = KINDS[body];
    expect(endpointKind).toBe(kind);
    const got = decodeProtobufObject(CAPTURED[body], gv, kind);
    // Same keys in the same order as Go's encoding/json writes them.
    expect(JSON.stringify(got)).toBe(JSON.stringify(want));
  });

  it('goes through decodeObjectBody by Content-Type (with parameters)', () => {
    expect(decodeObjectBody(`${PB}; charset=binary`, CAPTURED.namespace, 'Namespace', 'v1')).toMatchObject({ kind: 'Namespace', metadata: { name: 'x' } });
  });
});

const SECONDS_2024 = 1704164645; // 2024-01-02T03:04:05Z

describe('field types, encoded from our descriptors', () => {
  it('object metadata: maps sorted, lists, nested messages, int64, pointers, Time', () => {
    const body = encodeBody('v1', 'ConfigMap', 'ConfigMap', {
      metadata: {
        name: 'm', generateName: '', namespace: 'default', uid: 'u-1', generation: 9007199254740991, resourceVersion: '',
        creationTimestamp: { seconds: SECONDS_2024, nanos: 999_000_000 }, deletionTimestamp: {}, deletionGracePeriodSeconds: 0,
        labels: { z: '1', a: '2', '\u{1f600}': '3', '\uff01': '4' }, annotations: { note: '' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ds', uid: 'o-1', controller: false }, {}],
        finalizers: ['f/1', 'f/2'],
        managedFields: [{ manager: 'kubectl', operation: 'Update', time: { seconds: 0 }, fieldsType: 'FieldsV1', fieldsV1: { Raw: Buffer.from('{"f:data":{}}') } }],
      },
      immutable: false,
      data: { k: 'v' },
      binaryData: { empty: Buffer.alloc(0), b: Buffer.from([0, 1, 254, 255]) },
    });
    const got = decodeProtobufObject(body, 'v1', 'ConfigMap');
    expect(JSON.stringify(got)).toBe(JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'm', namespace: 'default', uid: 'u-1', generation: 9007199254740991, creationTimestamp: '2024-01-02T03:04:05Z',
        deletionTimestamp: null, deletionGracePeriodSeconds: 0, labels: { a: '2', z: '1', '\uff01': '4', '\u{1f600}': '3' }, annotations: { note: '' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ds', uid: 'o-1', controller: false }, { apiVersion: '', kind: '', name: '', uid: '' }],
        finalizers: ['f/1', 'f/2'],
        managedFields: [{ manager: 'kubectl', operation: 'Update', time: '1970-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }],
      },
      immutable: false,
      data: { k: 'v' },
      binaryData: { b: 'AAH+/w==', empty: '' },
    }));
  });

  it('secrets: bytes data, stringData, type, immutable', () => {
    const body = encodeBody('v1', 'Secret', 'Secret', { metadata: { name: 's' }, data: { bin: Buffer.from([0xff, 0xfe]) }, stringData: { plain: 'text' }, type: 'Opaque', immutable: true });
    expect(decodeProtobufObject(body, 'v1', 'Secret')).toEqual({
      apiVersion: 'v1', kind: 'Secret', metadata: { creationTimestamp: null, name: 's' }, immutable: true, data: { bin: '//4=' }, stringData: { plain: 'text' }, type: 'Opaque',
    });
  });

  it('service accounts: repeated nested references and a pointer bool', () => {
    const body = encodeBody('v1', 'ServiceAccount', 'ServiceAccount', {
      metadata: { name: 'sa' }, secrets: [{ name: 's1', namespace: 'default', kind: '' }], imagePullSecrets: [{ name: 'pull' }, {}], automountServiceAccountToken: false,
    });
    expect(decodeProtobufObject(body, 'v1', 'ServiceAccount')).toEqual({
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', creationTimestamp: null },
      secrets: [{ name: 's1', namespace: 'default' }], imagePullSecrets: [{ name: 'pull' }, {}], automountServiceAccountToken: false,
    });
  });

  it('namespaces: spec finalizers, status conditions with zero and set times', () => {
    const body = encodeBody('v1', 'Namespace', 'Namespace', {
      metadata: { name: 'n' }, spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active', conditions: [{ type: 'T', status: '' }, { type: 'U', status: 'True', lastTransitionTime: { seconds: SECONDS_2024 }, reason: 'R', message: 'M' }] },
    });
    expect(decodeProtobufObject(body, 'v1', 'Namespace')).toEqual({
      apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', creationTimestamp: null }, spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active', conditions: [{ type: 'T', status: '', lastTransitionTime: null }, { type: 'U', status: 'True', lastTransitionTime: '2024-01-02T03:04:05Z', reason: 'R', message: 'M' }] },
    });
  });

  it('services: every spec field, IntOrString, status with ingress ports and conditions', () => {
    const body = encodeBody('v1', 'Service', 'Service', {
      metadata: { name: 'svc' },
      spec: {
        ports: [{ port: 0 }, { name: 'p', protocol: 'UDP', appProtocol: '', port: 53, targetPort: { type: 1, strVal: 'dns' }, nodePort: 0 }],
        selector: { b: '2', a: '1' }, clusterIP: 'None', clusterIPs: ['None'], type: 'ClusterIP', externalIPs: ['1.2.3.4'], sessionAffinity: 'ClientIP',
        loadBalancerIP: '', loadBalancerSourceRanges: ['10.0.0.0/8'], externalName: '', externalTrafficPolicy: 'Local', healthCheckNodePort: 31000,
        publishNotReadyAddresses: true, sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } }, ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack',
        allocateLoadBalancerNodePorts: false, loadBalancerClass: 'c', internalTrafficPolicy: 'Cluster', trafficDistribution: 'PreferClose',
      },
      status: {
        loadBalancer: { ingress: [{ ip: '5.6.7.8', ipMode: 'VIP', ports: [{ port: 80, protocol: 'TCP', error: '' }] }] },
        conditions: [{ type: 'Ready', status: 'True', observedGeneration: 2, lastTransitionTime: { seconds: SECONDS_2024 } }],
      },
    });
    expect(JSON.stringify(decodeProtobufObject(body, 'v1', 'Service'))).toBe(JSON.stringify({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', creationTimestamp: null },
      spec: {
        ports: [{ port: 0, targetPort: 0 }, { name: 'p', protocol: 'UDP', appProtocol: '', port: 53, targetPort: 'dns' }],
        selector: { a: '1', b: '2' }, clusterIP: 'None', clusterIPs: ['None'], type: 'ClusterIP', externalIPs: ['1.2.3.4'], sessionAffinity: 'ClientIP',
        loadBalancerSourceRanges: ['10.0.0.0/8'], externalTrafficPolicy: 'Local', healthCheckNodePort: 31000, publishNotReadyAddresses: true,
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } }, ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', allocateLoadBalancerNodePorts: false,
        loadBalancerClass: 'c', internalTrafficPolicy: 'Cluster', trafficDistribution: 'PreferClose',
      },
      status: {
        loadBalancer: { ingress: [{ ip: '5.6.7.8', ipMode: 'VIP', ports: [{ port: 80, protocol: 'TCP', error: '' }] }] },
        conditions: [{ type: 'Ready', status: 'True', observedGeneration: 2, lastTransitionTime: '2024-01-02T03:04:05Z', reason: '', message: '' }],
      },
    }));
  });

  it('disruption budgets: a map of Times, pointer IntOrStrings, status counters', () => {
    const body = encodeBody('policy/v1', 'PodDisruptionBudget', 'PodDisruptionBudget', {
      metadata: { name: 'b' }, spec: { minAvailable: { type: 0, intVal: 0 }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
      status: { observedGeneration: 3, disruptedPods: { 'pod-b': { seconds: SECONDS_2024 }, 'pod-a': {} }, disruptionsAllowed: 1, expectedPods: 2 },
    });
    expect(JSON.stringify(decodeProtobufObject(body, 'policy/v1', 'PodDisruptionBudget'))).toBe(JSON.stringify({
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'b', creationTimestamp: null },
      spec: { minAvailable: 0, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
      status: { observedGeneration: 3, disruptedPods: { 'pod-a': null, 'pod-b': '2024-01-02T03:04:05Z' }, disruptionsAllowed: 1, currentHealthy: 0, desiredHealthy: 0, expectedPods: 2 },
    }));
  });

  it('priority classes: int32 value always written, globalDefault and description omitted when empty, pointer policy', () => {
    const body = encodeBody('scheduling.k8s.io/v1', 'PriorityClass', 'PriorityClass', { metadata: { name: 'high' }, value: 0, preemptionPolicy: 'Never' });
    expect(JSON.stringify(decodeProtobufObject(body, 'scheduling.k8s.io/v1', 'PriorityClass'))).toBe(JSON.stringify({
      apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high', creationTimestamp: null }, value: 0, preemptionPolicy: 'Never',
    }));
    const full = encodeBody('scheduling.k8s.io/v1', 'PriorityClass', 'PriorityClass', { metadata: { name: 'd' }, value: 1000, globalDefault: true, description: 'x' });
    expect(JSON.stringify(decodeProtobufObject(full, 'scheduling.k8s.io/v1', 'PriorityClass'))).toBe(JSON.stringify({
      apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'd', creationTimestamp: null }, value: 1000, globalDefault: true, description: 'x',
    }));
  });

  it('map entries without a key or value are the zero values (as in Go)', () => {
    const status = Buffer.from([0x12, 0x00, 0x12, 0x03, 0x0a, 0x01, 0x61]); // disruptedPods: {"" : zero}, {"a": zero}
    const pdb = Buffer.concat([Buffer.from([0x1a, status.length]), status]);
    const body = Buffer.concat([Buffer.from('k8s\0'), encodeMessage('Unknown', { typeMeta: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' }, raw: pdb })]);
    expect(decodeProtobufObject(body, 'policy/v1', 'PodDisruptionBudget')).toMatchObject({ status: { disruptedPods: { '': null, a: null } } });
    const cm = Buffer.from([0x12, 0x00, 0x1a, 0x03, 0x0a, 0x01, 0x62]); // data: {"": ""}, binaryData: {"b": ""}
    const cmBody = Buffer.concat([Buffer.from('k8s\0'), encodeMessage('Unknown', { typeMeta: { apiVersion: 'v1', kind: 'ConfigMap' }, raw: cm })]);
    expect(decodeProtobufObject(cmBody, 'v1', 'ConfigMap')).toMatchObject({ data: { '': '' }, binaryData: { b: '' } });
  });

  it('invalid UTF-8 in strings becomes U+FFFD, as Go\'s JSON encoding writes it', () => {
    const meta = Uint8Array.from([0x0a, 0x03, 0x61, 0xff, 0x62, 0x5a, 0x05, 0x0a, 0x01, 0xc3, 0x12, 0x00]);
    expect(decodeMessage('ObjectMeta', meta)).toEqual({ name: 'a\ufffdb', creationTimestamp: null, labels: { '\ufffd': '' } });
  });

  it('an IntOrString of an unknown type does not decode', () => {
    const body = encodeBody('policy/v1', 'PodDisruptionBudget', 'PodDisruptionBudget', { spec: { maxUnavailable: { type: 2 } } });
    expect(() => decodeProtobufObject(body, 'policy/v1', 'PodDisruptionBudget')).toThrow(ProtobufBodyError);
  });

  it('skips fields it does not know, groups included (upstream decodes newer clients the same way)', () => {
    const meta = Buffer.from(encodeMessage('ObjectMeta', { name: 'x' }));
    // field 99 varint, field 98 fixed64, field 97 fixed32, field 96 group holding a varint field
    const unknown = Buffer.from([0x98, 0x06, 0x01, 0x91, 0x06, 1, 2, 3, 4, 5, 6, 7, 8, 0x8d, 0x06, 1, 2, 3, 4, 0x83, 0x06, 0x08, 0x01, 0x84, 0x06]);
    const cm = Buffer.concat([Buffer.from([0x0a, meta.length]), meta, unknown]);
    const body = Buffer.concat([Buffer.from('k8s\0'), encodeMessage('Unknown', { typeMeta: { apiVersion: 'v1', kind: 'ConfigMap' }, raw: cm })]);
    expect(decodeProtobufObject(body, 'v1', 'ConfigMap')).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', creationTimestamp: null } });
  });

  it('an envelope without typeMeta leaves apiVersion and kind to the endpoint', () => {
    const body = Buffer.concat([Buffer.from('k8s\0'), encodeMessage('Unknown', { raw: encodeMessage('Namespace', { metadata: { name: 'n' } }) })]);
    expect(decodeProtobufObject(body, 'v1', 'Namespace')).toEqual({ metadata: { name: 'n', creationTimestamp: null }, spec: {}, status: {} });
  });

  it('an envelope naming another kind yields only its apiVersion and kind (the endpoint check refuses it)', () => {
    expect(decodeProtobufObject(encodeBody('v1', 'Secret', 'Secret', { metadata: { name: 's' } }), 'v1', 'ConfigMap')).toEqual({ apiVersion: 'v1', kind: 'Secret' });
    expect(decodeProtobufObject(encodeBody('apps/v1', 'ConfigMap', 'ConfigMap', {}), 'v1', 'ConfigMap')).toEqual({ apiVersion: 'apps/v1', kind: 'ConfigMap' });
  });
});

describe('DeleteOptions', () => {
  it.each([
    [{ gracePeriodSeconds: 0, propagationPolicy: 'Background' }, { gracePeriodSeconds: 0, propagationPolicy: 'Background' }],
    [{ preconditions: { uid: 'u', resourceVersion: '' }, orphanDependents: false, dryRun: ['All'] }, { preconditions: { uid: 'u', resourceVersion: '' }, orphanDependents: false, dryRun: ['All'] }],
    [{ gracePeriodSeconds: -5, ignoreStoreReadErrorWithClusterBreakingPotential: true }, { gracePeriodSeconds: -5, ignoreStoreReadErrorWithClusterBreakingPotential: true }],
    [{}, {}],
  ])('%j', (options, want) => {
    expect(decodeProtobufDeleteOptions(encodeBody('v1', 'DeleteOptions', 'DeleteOptions', options))).toEqual({ apiVersion: 'v1', kind: 'DeleteOptions', ...want });
  });
});

/** The error a body gives, as the Status the API server would send. */
function statusOf(body: Buffer, kind = 'ConfigMap'): { code: number; message: string } {
  try {
    decodeObjectBody(PB, body, kind, 'v1');
  } catch (e) {
    if (e instanceof ApiError) return { code: e.status.code ?? 0, message: e.status.message ?? '' };
    throw e;
  }
  return { code: 0, message: '' };
}

describe('bodies that do not decode', () => {
  const envelope = (raw: Buffer, kind = 'ConfigMap'): Buffer => Buffer.concat([Buffer.from('k8s\0'), encodeMessage('Unknown', { typeMeta: { apiVersion: 'v1', kind }, raw })]);
  const unrecognized = (detail: string, data: string): string => `the object provided is unrecognized (must be of type ConfigMap): ${detail} (${data})`;
  const cannot = (detail: string): string => `ConfigMap in version "v1" cannot be handled as a ConfigMap: ${detail}`;
  it.each([
    ['empty', Buffer.alloc(0), unrecognized('empty data', '<empty>')],
    ['no magic', Buffer.from('{"kind":"ConfigMap"}'), unrecognized('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]', '{"kind":"ConfigMap"}')],
    ['short', Buffer.from('k8s'), unrecognized('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]', '6b3873')],
    ['magic only', Buffer.from('k8s\0'), unrecognized('empty body', '6b387300')],
    ['truncated envelope', Buffer.from('k8s\0\x0a\x0f\x0a', 'latin1'), unrecognized('unexpected EOF', '6b3873000a0f0a')],
    ['end group in envelope', Buffer.from('k8s\0\x0c', 'latin1'), unrecognized('proto: Unknown: wiretype end group for non-group', '6b3873000c')],
    ['tag 0 in envelope', Buffer.from('k8s\0\x00', 'latin1'), unrecognized('proto: Unknown: illegal tag 0 (wire type 0)', '6b38730000')],
    ['varint overflow', Buffer.from('k8s\0\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01', 'latin1'), unrecognized('proto: integer overflow', '6b387300ffffffffffffffffffff01')],
    ['illegal wire type', Buffer.from('k8s\0\x7f', 'latin1'), unrecognized('proto: illegal wireType 7', '6b3873007f')],
    ['wrong wire type in the object', envelope(Buffer.from([0x0a, 0x02, 0x08, 0x01])), cannot('proto: wrong wireType = 0 for field Name')],
    ['truncated object', envelope(Buffer.from([0x0a, 0x05, 0x0a, 0x01])), cannot('unexpected EOF')],
    ['map value past its entry', envelope(Buffer.from([0x12, 0x02, 0x10, 0x01])), cannot('unexpected EOF')],
    ['end group in a time', envelope(Buffer.from([0x0a, 0x03, 0x42, 0x01, 0x0c])), cannot('proto: Timestamp: wiretype end group for non-group')],
    ['fieldsV1 that is not JSON', envelope(Buffer.from(encodeMessage('ConfigMap', { metadata: { managedFields: [{ fieldsV1: { Raw: Buffer.from('{') } }] } }))), cannot('json: error calling MarshalJSON for type *v1.FieldsV1: invalid character in raw JSON')],
  ])('%s: 400 with upstream\'s message', (_name, body, message) => {
    expect(statusOf(body)).toEqual({ code: 400, message });
  });

  it('is 415 for kinds kubeling takes only as JSON or YAML', () => {
    expect(statusOf(CAPTURED.namespace, 'Pod')).toEqual({ code: 415, message: 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml' });
  });

  it('DeleteOptions bodies keep the decoder text', () => {
    expect(() => decodeProtobufDeleteOptions(Buffer.from('k8s\0'))).toThrow(new ProtobufBodyError('empty body'));
    expect(() => decodeProtobufDeleteOptions(Buffer.from('k8s\0\x0a\x02\x0a\x05', 'latin1'))).toThrow(new ProtobufBodyError('unexpected EOF'));
  });
});

/** A small deterministic generator (mulberry32), so a failing case can be replayed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('random bytes never crash the decoder', () => {
  /** Decodes through the server's path: an object, or a 4xx ApiError; anything else fails the test. */
  const outcome = (body: Buffer, kind: string, gv = 'v1'): string => {
    try {
      decodeObjectBody(PB, body, kind, gv);
      return 'ok';
    } catch (e) {
      if (!(e instanceof ApiError)) throw new Error(`${body.toString('hex')}: ${String(e)}`);
      expect(e.status.code, body.toString('hex')).toBeGreaterThanOrEqual(400);
      expect(e.status.code, body.toString('hex')).toBeLessThan(500);
      return String(e.status.code);
    }
  };

  it('random bytes after the magic give an object or a 4xx Status', () => {
    const next = rng(1);
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(next() * 40) }, () => Math.floor(next() * 256)));
      seen.add(outcome(Buffer.concat([Buffer.from('k8s\0'), bytes]), 'ConfigMap'));
    }
    expect(seen.has('400')).toBe(true);
  });

  it.each(Object.entries(CAPTURED))('mutations of the %s body give an object or a 4xx Status', (name, body) => {
    const [gv, kind] = KINDS[name as keyof typeof CAPTURED];
    const next = rng(name.length);
    const seen = new Set<string>();
    for (let i = 0; i < 1500; i++) {
      const copy = Buffer.from(body);
      for (let n = 1 + Math.floor(next() * 3); n > 0; n--) copy[4 + Math.floor(next() * (copy.length - 4))] = Math.floor(next() * 256);
      const cut = next() < 0.2 ? copy.subarray(0, 4 + Math.floor(next() * (copy.length - 4))) : copy;
      seen.add(outcome(cut, kind, gv));
    }
    expect(seen).toContain('400');
  });

  it('random DeleteOptions bodies give options or a ProtobufBodyError', () => {
    const next = rng(7);
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(next() * 30) }, () => Math.floor(next() * 256)));
      try {
        decodeProtobufDeleteOptions(Buffer.concat([Buffer.from('k8s\0'), bytes]));
      } catch (e) {
        if (!(e instanceof ProtobufBodyError)) throw new Error(`${bytes.toString('hex')}: ${String(e)}`);
      }
    }
  });
});

describe('openEnvelope', () => {
  it('reads typeMeta and raw from kubectl\'s envelope', () => {
    const env = openEnvelope(CAPTURED.namespace);
    expect({ apiVersion: env.apiVersion, kind: env.kind, rawLength: env.raw.length }).toEqual({ apiVersion: 'v1', kind: 'Namespace', rawLength: 0x19 });
  });
});
