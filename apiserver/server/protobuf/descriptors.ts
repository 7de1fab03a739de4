// Our descriptors of the Kubernetes protobuf messages kubeling decodes: wire numbers and types, and Go JSON shapes.

/** Scalar wire types used by the messages below. */
export type Scalar = 'string' | 'bytes' | 'bool' | 'int32' | 'int64';

/**
 * How Go's JSON encoding treats the field of the Go struct the message decodes into:
 * - `omitempty`: a value field, left out when zero ("" / 0 / false / empty map or list);
 * - `always`: a value field without omitempty (a zero string is written as "");
 * - `pointer`: a pointer field, written whenever it was on the wire (even when zero);
 * - `struct`: a non-pointer struct, always written (a zero Time is written as null).
 */
export type GoShape = 'omitempty' | 'always' | 'pointer' | 'struct';

/** One field: its JSON name, wire number, type (a scalar or a message of this table) and Go shape. */
export interface FieldDesc {
  json: string;
  id: number;
  type: Scalar | string;
  /** A repeated field (a Go slice). */
  repeated?: boolean;
  /** A `map<string, type>` field (a Go map; values are scalars or messages). */
  map?: boolean;
  go: GoShape;
  /** The Go field name when it is not the JSON name capitalized (named in wire-type errors). */
  goName?: string;
}

/** One message: its Go type name (named in errors) and fields. */
export interface MessageDesc {
  name: string;
  fields: FieldDesc[];
}

const f = (json: string, id: number, type: Scalar | string, go: GoShape, more: Partial<FieldDesc> = {}): FieldDesc => ({ json, id, type, go, ...more });
const str = (json: string, id: number, more: Partial<FieldDesc> = {}): FieldDesc => f(json, id, 'string', 'omitempty', more);
const list = (json: string, id: number, type: Scalar | string): FieldDesc => f(json, id, type, 'omitempty', { repeated: true });
const map = (json: string, id: number, type: Scalar | string): FieldDesc => f(json, id, type, 'omitempty', { map: true });
const meta = f('metadata', 1, 'ObjectMeta', 'struct', { goName: 'ObjectMeta' });

/**
 * The messages, as k8s.io/apimachinery and k8s.io/api declare them (generated.proto for numbers and wire types,
 * types.go for JSON names and omitempty). `Time`, `FieldsV1` and `IntOrString` have custom JSON forms (go-json.ts).
 */
export const MESSAGES: MessageDesc[] = [
  // k8s.io/apimachinery/pkg/runtime
  { name: 'Unknown', fields: [f('typeMeta', 1, 'TypeMeta', 'struct'), f('raw', 2, 'bytes', 'omitempty'), str('contentEncoding', 3), str('contentType', 4)] },
  { name: 'TypeMeta', fields: [str('apiVersion', 1, { goName: 'APIVersion' }), str('kind', 2)] },
  // k8s.io/apimachinery/pkg/apis/meta/v1
  { name: 'Time', fields: [f('seconds', 1, 'int64', 'omitempty'), f('nanos', 2, 'int32', 'omitempty')] },
  { name: 'FieldsV1', fields: [f('Raw', 1, 'bytes', 'omitempty')] },
  {
    name: 'ObjectMeta',
    fields: [
      str('name', 1), str('generateName', 2), str('namespace', 3), str('selfLink', 4), str('uid', 5, { goName: 'UID' }),
      str('resourceVersion', 6), f('generation', 7, 'int64', 'omitempty'), f('creationTimestamp', 8, 'Time', 'struct'),
      f('deletionTimestamp', 9, 'Time', 'pointer'), f('deletionGracePeriodSeconds', 10, 'int64', 'pointer'),
      map('labels', 11, 'string'), map('annotations', 12, 'string'), list('ownerReferences', 13, 'OwnerReference'),
      list('finalizers', 14, 'string'), list('managedFields', 17, 'ManagedFieldsEntry'),
    ],
  },
  {
    name: 'OwnerReference',
    fields: [
      f('apiVersion', 5, 'string', 'always', { goName: 'APIVersion' }), f('kind', 1, 'string', 'always'), f('name', 3, 'string', 'always'),
      f('uid', 4, 'string', 'always', { goName: 'UID' }), f('controller', 6, 'bool', 'pointer'), f('blockOwnerDeletion', 7, 'bool', 'pointer'),
    ],
  },
  {
    name: 'ManagedFieldsEntry',
    fields: [
      str('manager', 1), str('operation', 2), str('apiVersion', 3, { goName: 'APIVersion' }), f('time', 4, 'Time', 'pointer'),
      str('fieldsType', 6), f('fieldsV1', 7, 'FieldsV1', 'pointer', { goName: 'FieldsV1' }), str('subresource', 8),
    ],
  },
  {
    name: 'DeleteOptions',
    fields: [
      f('gracePeriodSeconds', 1, 'int64', 'pointer'), f('preconditions', 2, 'Preconditions', 'pointer'), f('orphanDependents', 3, 'bool', 'pointer'),
      f('propagationPolicy', 4, 'string', 'pointer'), list('dryRun', 5, 'string'),
      f('ignoreStoreReadErrorWithClusterBreakingPotential', 6, 'bool', 'pointer'),
    ],
  },
  { name: 'Preconditions', fields: [f('uid', 1, 'string', 'pointer', { goName: 'UID' }), f('resourceVersion', 2, 'string', 'pointer')] },
  {
    name: 'Condition',
    fields: [
      f('type', 1, 'string', 'always'), f('status', 2, 'string', 'always'), f('observedGeneration', 3, 'int64', 'omitempty'),
      f('lastTransitionTime', 4, 'Time', 'struct'), f('reason', 5, 'string', 'always'), f('message', 6, 'string', 'always'),
    ],
  },
  { name: 'LabelSelector', fields: [map('matchLabels', 1, 'string'), list('matchExpressions', 2, 'LabelSelectorRequirement')] },
  { name: 'LabelSelectorRequirement', fields: [f('key', 1, 'string', 'always'), f('operator', 2, 'string', 'always'), list('values', 3, 'string')] },
  // k8s.io/apimachinery/pkg/util/intstr (JSON: the number or the string, by type)
  { name: 'IntOrString', fields: [f('type', 1, 'int64', 'omitempty'), f('intVal', 2, 'int32', 'omitempty', { goName: 'IntVal' }), str('strVal', 3, { goName: 'StrVal' })] },
  // k8s.io/api/core/v1
  { name: 'Namespace', fields: [meta, f('spec', 2, 'NamespaceSpec', 'struct'), f('status', 3, 'NamespaceStatus', 'struct')] },
  { name: 'NamespaceSpec', fields: [list('finalizers', 1, 'string')] },
  { name: 'NamespaceStatus', fields: [str('phase', 1), list('conditions', 2, 'NamespaceCondition')] },
  {
    name: 'NamespaceCondition',
    fields: [f('type', 1, 'string', 'always'), f('status', 2, 'string', 'always'), f('lastTransitionTime', 4, 'Time', 'struct'), str('reason', 5), str('message', 6)],
  },
  { name: 'ConfigMap', fields: [meta, f('immutable', 4, 'bool', 'pointer'), map('data', 2, 'string'), map('binaryData', 3, 'bytes')] },
  {
    name: 'Secret',
    fields: [meta, f('immutable', 5, 'bool', 'pointer'), map('data', 2, 'bytes'), map('stringData', 4, 'string'), str('type', 3)],
  },
  {
    name: 'ServiceAccount',
    fields: [meta, list('secrets', 2, 'ObjectReference'), list('imagePullSecrets', 3, 'LocalObjectReference'), f('automountServiceAccountToken', 4, 'bool', 'pointer')],
  },
  {
    name: 'ObjectReference',
    fields: [str('kind', 1), str('namespace', 2), str('name', 3), str('uid', 4, { goName: 'UID' }), str('apiVersion', 5, { goName: 'APIVersion' }), str('resourceVersion', 6), str('fieldPath', 7)],
  },
  { name: 'LocalObjectReference', fields: [str('name', 1)] },
  { name: 'Service', fields: [meta, f('spec', 2, 'ServiceSpec', 'struct'), f('status', 3, 'ServiceStatus', 'struct')] },
  {
    name: 'ServiceSpec',
    fields: [
      list('ports', 1, 'ServicePort'), map('selector', 2, 'string'), str('clusterIP', 3, { goName: 'ClusterIP' }), list('clusterIPs', 18, 'string'),
      str('type', 4), list('externalIPs', 5, 'string'), str('sessionAffinity', 7), str('loadBalancerIP', 8, { goName: 'LoadBalancerIP' }),
      list('loadBalancerSourceRanges', 9, 'string'), str('externalName', 10), str('externalTrafficPolicy', 11),
      f('healthCheckNodePort', 12, 'int32', 'omitempty'), f('publishNotReadyAddresses', 13, 'bool', 'omitempty'),
      f('sessionAffinityConfig', 14, 'SessionAffinityConfig', 'pointer'), list('ipFamilies', 19, 'string'),
      f('ipFamilyPolicy', 17, 'string', 'pointer', { goName: 'IPFamilyPolicy' }), f('allocateLoadBalancerNodePorts', 20, 'bool', 'pointer'),
      f('loadBalancerClass', 21, 'string', 'pointer'), f('internalTrafficPolicy', 22, 'string', 'pointer'), f('trafficDistribution', 23, 'string', 'pointer'),
    ],
  },
  {
    name: 'ServicePort',
    fields: [
      str('name', 1), str('protocol', 2), f('appProtocol', 6, 'string', 'pointer'), f('port', 3, 'int32', 'always'),
      f('targetPort', 4, 'IntOrString', 'struct'), f('nodePort', 5, 'int32', 'omitempty'),
    ],
  },
  { name: 'ServiceStatus', fields: [f('loadBalancer', 1, 'LoadBalancerStatus', 'struct'), list('conditions', 2, 'Condition')] },
  { name: 'LoadBalancerStatus', fields: [list('ingress', 1, 'LoadBalancerIngress')] },
  { name: 'LoadBalancerIngress', fields: [str('ip', 1, { goName: 'IP' }), str('hostname', 2), f('ipMode', 3, 'string', 'pointer', { goName: 'IPMode' }), list('ports', 4, 'PortStatus')] },
  { name: 'PortStatus', fields: [f('port', 1, 'int32', 'always'), f('protocol', 2, 'string', 'always'), f('error', 3, 'string', 'pointer')] },
  { name: 'SessionAffinityConfig', fields: [f('clientIP', 1, 'ClientIPConfig', 'pointer', { goName: 'ClientIP' })] },
  { name: 'ClientIPConfig', fields: [f('timeoutSeconds', 1, 'int32', 'pointer')] },
  // k8s.io/api/policy/v1
  { name: 'PodDisruptionBudget', fields: [meta, f('spec', 2, 'PodDisruptionBudgetSpec', 'struct'), f('status', 3, 'PodDisruptionBudgetStatus', 'struct')] },
  {
    name: 'PodDisruptionBudgetSpec',
    fields: [
      f('minAvailable', 1, 'IntOrString', 'pointer'), f('selector', 2, 'LabelSelector', 'pointer'), f('maxUnavailable', 3, 'IntOrString', 'pointer'),
      f('unhealthyPodEvictionPolicy', 4, 'string', 'pointer'),
    ],
  },
  {
    name: 'PodDisruptionBudgetStatus',
    fields: [
      f('observedGeneration', 1, 'int64', 'omitempty'), map('disruptedPods', 2, 'Time'), f('disruptionsAllowed', 3, 'int32', 'always'),
      f('currentHealthy', 4, 'int32', 'always'), f('desiredHealthy', 5, 'int32', 'always'), f('expectedPods', 6, 'int32', 'always'),
      list('conditions', 7, 'Condition'),
    ],
  },
  // k8s.io/api/scheduling/v1
  {
    name: 'PriorityClass',
    fields: [meta, f('value', 2, 'int32', 'always'), f('globalDefault', 3, 'bool', 'omitempty'), str('description', 4), f('preemptionPolicy', 5, 'string', 'pointer')],
  },
];

/** The top-level kinds (group/version/kind) whose protobuf bodies kubeling decodes, by `apiVersion/kind`. */
export const OBJECT_KINDS = new Map<string, string>([
  ['v1/Namespace', 'Namespace'],
  ['v1/ConfigMap', 'ConfigMap'],
  ['v1/Secret', 'Secret'],
  ['v1/ServiceAccount', 'ServiceAccount'],
  ['v1/Service', 'Service'],
  ['policy/v1/PodDisruptionBudget', 'PodDisruptionBudget'],
  ['scheduling.k8s.io/v1/PriorityClass', 'PriorityClass'],
]);

const BY_NAME = new Map(MESSAGES.map((m) => [m.name, m]));

/** The descriptor of a message by name (throws on a name not in the table: a bug in this file). */
export function message(name: string): MessageDesc {
  const m = BY_NAME.get(name);
  if (!m) throw new Error(`no protobuf descriptor for ${name}`);
  return m;
}

/** Whether a field type names a message of the table (otherwise it is a scalar). */
export function isMessageType(type: string): boolean {
  return BY_NAME.has(type);
}

/** The Go field name of a field (named in upstream's wire-type errors). */
export function goFieldName(field: FieldDesc): string {
  return field.goName ?? field.json.charAt(0).toUpperCase() + field.json.slice(1);
}
