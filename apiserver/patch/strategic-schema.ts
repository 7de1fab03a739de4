// Patch strategies and merge keys of the served kinds (Go struct tags patchStrategy/patchMergeKey, Kubernetes 1.32).

/**
 * How a strategic merge patch treats one field: the `x-kubernetes-patch-strategy` and
 * `x-kubernetes-patch-merge-key` of the real schema.
 *
 * - `strategy: 'merge'` with `mergeKey`: a list of objects merged element by element on that key.
 * - `strategy: 'merge'` without `mergeKey`: a list of primitives merged as an ordered set (finalizers).
 * - `strategy: 'replace'` on an object: the patch value replaces the live one.
 * - no strategy: objects merge key by key, lists are replaced wholesale.
 * - `retainKeys`: the field carries the `retainKeys` strategy (for lists: on each element). As upstream, the
 *   engine honours a `$retainKeys` directive wherever it appears; the flag documents the schema.
 */
export interface SchemaNode {
  readonly strategy?: 'merge' | 'replace';
  readonly mergeKey?: string;
  readonly retainKeys?: boolean;
  /** Fields of this object or, for a list of objects, of each element. Unlisted fields have no strategy. */
  readonly fields?: Readonly<Record<string, SchemaNode>>;
}

type Fields = Readonly<Record<string, SchemaNode>>;

/** A field with no patch strategy: objects merge, lists are replaced wholesale. */
const PLAIN: SchemaNode = Object.freeze({});
/** Documents a list upstream replaces wholesale (no patchStrategy tag). */
const REPLACED_LIST = PLAIN;

const obj = (fields: Fields): SchemaNode => ({ fields });
const byKey = (mergeKey: string, fields?: Fields): SchemaNode => (fields ? { strategy: 'merge', mergeKey, fields } : { strategy: 'merge', mergeKey });
const byKeyRetaining = (mergeKey: string): SchemaNode => ({ strategy: 'merge', mergeKey, retainKeys: true });
const PRIMITIVE_SET: SchemaNode = { strategy: 'merge' };
const CONDITIONS = byKey('type');

/** metav1.ObjectMeta, shared by every kind. */
const OBJECT_META = obj({
  ownerReferences: byKey('uid'),
  finalizers: PRIMITIVE_SET,
  managedFields: REPLACED_LIST,
});

/** core/v1 Container and EphemeralContainerCommon. */
const CONTAINER_FIELDS: Fields = {
  ports: byKey('containerPort'),
  env: byKey('name'),
  volumeMounts: byKey('mountPath'),
  volumeDevices: byKey('devicePath'),
  envFrom: REPLACED_LIST,
  command: REPLACED_LIST,
  args: REPLACED_LIST,
};

const POD_SPEC = obj({
  volumes: byKeyRetaining('name'),
  initContainers: byKey('name', CONTAINER_FIELDS),
  containers: byKey('name', CONTAINER_FIELDS),
  ephemeralContainers: byKey('name', CONTAINER_FIELDS),
  imagePullSecrets: byKey('name'),
  hostAliases: byKey('ip'),
  topologySpreadConstraints: byKey('topologyKey'),
  schedulingGates: byKey('name'),
  resourceClaims: byKeyRetaining('name'),
  tolerations: REPLACED_LIST,
  readinessGates: REPLACED_LIST,
});

const POD_STATUS = obj({
  conditions: CONDITIONS,
  hostIPs: byKey('ip'),
  podIPs: byKey('ip'),
  resourceClaimStatuses: byKeyRetaining('name'),
  containerStatuses: REPLACED_LIST,
  initContainerStatuses: REPLACED_LIST,
  ephemeralContainerStatuses: REPLACED_LIST,
});

const POD_TEMPLATE_SPEC = obj({ metadata: OBJECT_META, spec: POD_SPEC });

const topLevel = (fields: Fields = {}): SchemaNode => obj({ metadata: OBJECT_META, ...fields });
const withConditions = (fields: Fields = {}): SchemaNode => obj({ conditions: CONDITIONS, ...fields });

/** The kinds the table knows, keyed `apiVersion/Kind`. */
const TABLE: ReadonlyMap<string, SchemaNode> = new Map<string, SchemaNode>([
  ['v1/Pod', topLevel({ spec: POD_SPEC, status: POD_STATUS })],
  ['v1/Node', topLevel({
    spec: obj({ podCIDRs: PRIMITIVE_SET, taints: REPLACED_LIST }),
    status: withConditions({ addresses: byKey('type') }),
  })],
  ['v1/Namespace', topLevel({ spec: obj({ finalizers: REPLACED_LIST }), status: withConditions() })],
  ['v1/ConfigMap', topLevel()],
  ['v1/Secret', topLevel()],
  ['v1/Service', topLevel({ spec: obj({ ports: byKey('port') }), status: withConditions() })],
  ['v1/ServiceAccount', topLevel({ secrets: byKey('name'), imagePullSecrets: REPLACED_LIST })],
  ['v1/PersistentVolumeClaim', topLevel({ status: withConditions() })],
  ['v1/Event', topLevel()],
  ['events.k8s.io/v1/Event', topLevel()],
  ['apps/v1/ControllerRevision', topLevel()],
  ['apps/v1/DaemonSet', topLevel({ spec: obj({ template: POD_TEMPLATE_SPEC }), status: withConditions() })],
  ['apps/v1/StatefulSet', topLevel({
    spec: obj({ template: POD_TEMPLATE_SPEC, volumeClaimTemplates: REPLACED_LIST }),
    status: withConditions(),
  })],
  ['coordination.k8s.io/v1/Lease', topLevel()],
]);

/** For kinds outside the table: ObjectMeta's strategies, every other list replaced, objects merged. */
const UNKNOWN_KIND = topLevel();

/**
 * The strategic-merge schema of a kind. Kinds outside the table get ObjectMeta's strategies and
 * merge-patch-like behaviour elsewhere (objects merge, lists are replaced).
 */
export function schemaFor(apiVersion: string, kind: string): SchemaNode {
  return TABLE.get(`${apiVersion}/${kind}`) ?? UNKNOWN_KIND;
}

/** Whether the table describes this kind (upstream refuses strategic merge patch for custom resources: 415). */
export function hasStrategicSchema(apiVersion: string, kind: string): boolean {
  return TABLE.has(`${apiVersion}/${kind}`);
}

/** The schema of one field of an object (or of each element of a list of objects); `{}` when unlisted. */
export function fieldSchema(node: SchemaNode, field: string): SchemaNode {
  const fields = node.fields;
  return fields && Object.hasOwn(fields, field) ? (fields[field] ?? PLAIN) : PLAIN;
}

/** The schema at a path of field names, e.g. `['spec', 'template', 'spec', 'containers', 'env']`. */
export function schemaAt(node: SchemaNode, path: readonly string[]): SchemaNode {
  return path.reduce(fieldSchema, node);
}
