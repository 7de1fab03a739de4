// The list and map metadata of the served types (Go markers +patchStrategy, +patchMergeKey, +listType, +listMapKey,
// +mapType of Kubernetes 1.32): the one data table. The OpenAPI generator writes it into the documents; strategic
// merge patch and server-side apply read the trees merge-schema.ts derives from it.

/** What the OpenAPI schema of one field says about merging it (the `x-kubernetes-*` extensions of upstream's documents). */
export interface FieldMergeMetadata {
  /** `x-kubernetes-patch-strategy`: `merge`, `merge,retainKeys`, `retainKeys` or `replace`. */
  readonly patchStrategy?: 'merge' | 'merge,retainKeys' | 'retainKeys' | 'replace';
  /** `x-kubernetes-patch-merge-key`: the key that identifies an element of a merged list. */
  readonly patchMergeKey?: string;
  /** `x-kubernetes-list-type`. */
  readonly listType?: 'atomic' | 'set' | 'map';
  /** `x-kubernetes-list-map-keys` (with listType `map`). */
  readonly listMapKeys?: readonly string[];
  /** `x-kubernetes-map-type`. */
  readonly mapType?: 'atomic' | 'granular';
}

type Fields = Readonly<Record<string, FieldMergeMetadata>>;

const ATOMIC: FieldMergeMetadata = { listType: 'atomic' };
/** A list of objects merged on one key (strategic merge patch) and keyed the same way for server-side apply. */
const mergedOn = (key: string, listMapKeys: readonly string[] = [key]): FieldMergeMetadata => ({
  patchStrategy: 'merge',
  patchMergeKey: key,
  listType: 'map',
  listMapKeys,
});
const CONDITIONS = mergedOn('type');
const retaining = (key: string): FieldMergeMetadata => ({ ...mergedOn(key), patchStrategy: 'merge,retainKeys' });

/** Container and EphemeralContainer share these lists (EphemeralContainerCommon is inlined upstream). */
const CONTAINER_LISTS: Fields = {
  command: ATOMIC,
  args: ATOMIC,
  ports: mergedOn('containerPort', ['containerPort', 'protocol']),
  envFrom: ATOMIC,
  env: mergedOn('name'),
  resizePolicy: ATOMIC,
  volumeMounts: mergedOn('mountPath'),
  volumeDevices: mergedOn('devicePath'),
};

/**
 * Field metadata by upstream schema name, then JSON field name. The kubectl contract's §9.2 merge-key table is a
 * subset of this one; every entry names a field of a type reachable from a served kind (the generator's tests check).
 */
export const FIELD_MERGE_METADATA: Readonly<Record<string, Fields>> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    ownerReferences: mergedOn('uid'),
    finalizers: { patchStrategy: 'merge', listType: 'set' },
    managedFields: ATOMIC,
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': { matchExpressions: ATOMIC },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement': { values: ATOMIC },
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions': { dryRun: ATOMIC },
  'io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails': { causes: ATOMIC },

  'io.k8s.api.core.v1.PodSpec': {
    volumes: retaining('name'),
    initContainers: mergedOn('name'),
    containers: mergedOn('name'),
    ephemeralContainers: mergedOn('name'),
    nodeSelector: { mapType: 'atomic' },
    imagePullSecrets: mergedOn('name'),
    tolerations: ATOMIC,
    hostAliases: mergedOn('ip'),
    readinessGates: ATOMIC,
    topologySpreadConstraints: mergedOn('topologyKey', ['topologyKey', 'whenUnsatisfiable']),
    schedulingGates: mergedOn('name'),
    resourceClaims: retaining('name'),
  },
  'io.k8s.api.core.v1.Container': CONTAINER_LISTS,
  'io.k8s.api.core.v1.EphemeralContainer': CONTAINER_LISTS,
  'io.k8s.api.core.v1.ContainerStatus': {
    volumeMounts: mergedOn('mountPath'),
    allocatedResourcesStatus: mergedOn('name'),
  },
  'io.k8s.api.core.v1.ResourceStatus': { resources: mergedOn('resourceID') },
  'io.k8s.api.core.v1.ResourceRequirements': { claims: { listType: 'map', listMapKeys: ['name'] } },
  'io.k8s.api.core.v1.PodStatus': {
    conditions: CONDITIONS,
    hostIPs: { patchStrategy: 'merge', patchMergeKey: 'ip', listType: 'atomic' },
    podIPs: mergedOn('ip'),
    initContainerStatuses: ATOMIC,
    containerStatuses: ATOMIC,
    ephemeralContainerStatuses: ATOMIC,
    resourceClaimStatuses: retaining('name'),
  },
  'io.k8s.api.core.v1.PodSecurityContext': { supplementalGroups: ATOMIC, sysctls: ATOMIC },
  'io.k8s.api.core.v1.PodDNSConfig': { nameservers: ATOMIC, searches: ATOMIC, options: ATOMIC },
  'io.k8s.api.core.v1.HostAlias': { hostnames: ATOMIC },
  'io.k8s.api.core.v1.TopologySpreadConstraint': { matchLabelKeys: ATOMIC },
  'io.k8s.api.core.v1.Capabilities': { add: ATOMIC, drop: ATOMIC },
  'io.k8s.api.core.v1.ExecAction': { command: ATOMIC },
  'io.k8s.api.core.v1.HTTPGetAction': { httpHeaders: ATOMIC },
  'io.k8s.api.core.v1.NodeSelector': { nodeSelectorTerms: ATOMIC },
  'io.k8s.api.core.v1.NodeSelectorTerm': { matchExpressions: ATOMIC, matchFields: ATOMIC },
  'io.k8s.api.core.v1.NodeSelectorRequirement': { values: ATOMIC },
  'io.k8s.api.core.v1.NodeAffinity': { preferredDuringSchedulingIgnoredDuringExecution: ATOMIC },
  'io.k8s.api.core.v1.PodAffinity': {
    requiredDuringSchedulingIgnoredDuringExecution: ATOMIC,
    preferredDuringSchedulingIgnoredDuringExecution: ATOMIC,
  },
  'io.k8s.api.core.v1.PodAntiAffinity': {
    requiredDuringSchedulingIgnoredDuringExecution: ATOMIC,
    preferredDuringSchedulingIgnoredDuringExecution: ATOMIC,
  },
  'io.k8s.api.core.v1.PodAffinityTerm': { namespaces: ATOMIC, matchLabelKeys: ATOMIC, mismatchLabelKeys: ATOMIC },
  'io.k8s.api.core.v1.SecretVolumeSource': { items: ATOMIC },
  'io.k8s.api.core.v1.SecretProjection': { items: ATOMIC },
  'io.k8s.api.core.v1.ConfigMapVolumeSource': { items: ATOMIC },
  'io.k8s.api.core.v1.ConfigMapProjection': { items: ATOMIC },
  'io.k8s.api.core.v1.DownwardAPIVolumeSource': { items: ATOMIC },
  'io.k8s.api.core.v1.DownwardAPIProjection': { items: ATOMIC },
  'io.k8s.api.core.v1.ProjectedVolumeSource': { sources: ATOMIC },
  'io.k8s.api.core.v1.RBDVolumeSource': { monitors: ATOMIC },
  'io.k8s.api.core.v1.CephFSVolumeSource': { monitors: ATOMIC },
  'io.k8s.api.core.v1.ISCSIVolumeSource': { portals: ATOMIC },
  'io.k8s.api.core.v1.FCVolumeSource': { targetWWNs: ATOMIC, wwids: ATOMIC },
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': { accessModes: ATOMIC },
  'io.k8s.api.core.v1.PersistentVolumeClaimStatus': {
    accessModes: ATOMIC,
    conditions: CONDITIONS,
    allocatedResourceStatuses: { mapType: 'granular' },
  },
  'io.k8s.api.core.v1.PersistentVolumeSpec': { accessModes: ATOMIC, mountOptions: ATOMIC },
  'io.k8s.api.core.v1.ISCSIPersistentVolumeSource': { portals: ATOMIC },
  'io.k8s.api.core.v1.RBDPersistentVolumeSource': { monitors: ATOMIC },
  'io.k8s.api.core.v1.CephFSPersistentVolumeSource': { monitors: ATOMIC },
  'io.k8s.api.core.v1.TopologySelectorTerm': { matchLabelExpressions: ATOMIC },
  'io.k8s.api.core.v1.TopologySelectorLabelRequirement': { values: ATOMIC },
  'io.k8s.api.core.v1.NodeSpec': { podCIDRs: { patchStrategy: 'merge', listType: 'set' }, taints: ATOMIC },
  'io.k8s.api.core.v1.NodeStatus': {
    conditions: CONDITIONS,
    addresses: mergedOn('type'),
    images: ATOMIC,
    volumesInUse: ATOMIC,
    volumesAttached: ATOMIC,
    runtimeHandlers: ATOMIC,
  },
  'io.k8s.api.core.v1.ContainerImage': { names: ATOMIC },
  'io.k8s.api.core.v1.NamespaceSpec': { finalizers: ATOMIC },
  'io.k8s.api.core.v1.NamespaceStatus': { conditions: CONDITIONS },
  'io.k8s.api.core.v1.ServiceSpec': {
    ports: mergedOn('port', ['port', 'protocol']),
    selector: { mapType: 'atomic' },
    clusterIPs: ATOMIC,
    externalIPs: ATOMIC,
    loadBalancerSourceRanges: ATOMIC,
    ipFamilies: ATOMIC,
  },
  'io.k8s.api.core.v1.ServiceStatus': { conditions: CONDITIONS },
  'io.k8s.api.core.v1.LoadBalancerStatus': { ingress: ATOMIC },
  'io.k8s.api.core.v1.LoadBalancerIngress': { ports: ATOMIC },
  'io.k8s.api.core.v1.ServiceAccount': { secrets: mergedOn('name'), imagePullSecrets: ATOMIC },

  'io.k8s.api.apps.v1.DaemonSetStatus': { conditions: CONDITIONS },
  'io.k8s.api.apps.v1.StatefulSetSpec': { volumeClaimTemplates: ATOMIC },
  'io.k8s.api.apps.v1.StatefulSetStatus': { conditions: CONDITIONS },
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec': { selector: { patchStrategy: 'replace' } },
  'io.k8s.api.storage.v1.StorageClass': { mountOptions: ATOMIC, allowedTopologies: ATOMIC },
  'io.k8s.api.policy.v1.PodDisruptionBudgetStatus': { conditions: CONDITIONS },
};

/**
 * Metadata of whole types (Go marker +structType=atomic, `x-kubernetes-map-type` on the type's own schema): a field
 * holding one of these is owned and replaced as a whole by server-side apply.
 */
export const TYPE_MERGE_METADATA: Readonly<Record<string, Pick<FieldMergeMetadata, 'mapType'>>> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': { mapType: 'atomic' },
};
