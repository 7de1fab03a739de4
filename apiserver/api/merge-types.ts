// Which type each field holds, for the fields that lead from a served kind to a type with merge metadata.

const CORE = 'io.k8s.api.core.v1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const APPS = 'io.k8s.api.apps.v1.';
const POLICY = 'io.k8s.api.policy.v1.';
const STORAGE = 'io.k8s.api.storage.v1.';

const core = (t: string): string => `${CORE}${t}`;
const OBJECT_META = `${META}ObjectMeta`;
const LABEL_SELECTOR = `${META}LabelSelector`;
const POD_SPEC = core('PodSpec');
const POD_TEMPLATE_SPEC = core('PodTemplateSpec');
const PVC_SPEC = core('PersistentVolumeClaimSpec');
const PROBE = core('Probe');
const CONTAINER_TYPES = {
  securityContext: core('SecurityContext'),
  lifecycle: core('Lifecycle'),
  livenessProbe: PROBE,
  readinessProbe: PROBE,
  startupProbe: PROBE,
  resources: core('ResourceRequirements'),
};
const AFFINITY_TERMS = {
  requiredDuringSchedulingIgnoredDuringExecution: core('PodAffinityTerm'),
  preferredDuringSchedulingIgnoredDuringExecution: core('WeightedPodAffinityTerm'),
};
const HANDLER = { exec: core('ExecAction'), httpGet: core('HTTPGetAction') };

/**
 * The type (upstream schema name) of each field on the way from a served kind to the types of FIELD_MERGE_METADATA,
 * by type, then JSON field name. It holds no merge data: with FIELD_MERGE_METADATA it yields each kind's tree of
 * patch strategies (merge-schema.ts). Every kind's `metadata` is ObjectMeta without being listed. The OpenAPI tests
 * check every entry against the generated schemas.
 */
export const FIELD_TYPES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  [LABEL_SELECTOR]: { matchExpressions: `${META}LabelSelectorRequirement` },

  [core('Pod')]: { spec: POD_SPEC, status: core('PodStatus') },
  [POD_TEMPLATE_SPEC]: { metadata: OBJECT_META, spec: POD_SPEC },
  [POD_SPEC]: {
    volumes: core('Volume'),
    initContainers: core('Container'),
    containers: core('Container'),
    ephemeralContainers: core('EphemeralContainer'),
    securityContext: core('PodSecurityContext'),
    affinity: core('Affinity'),
    dnsConfig: core('PodDNSConfig'),
    hostAliases: core('HostAlias'),
    topologySpreadConstraints: core('TopologySpreadConstraint'),
  },
  [core('Volume')]: {
    secret: core('SecretVolumeSource'),
    configMap: core('ConfigMapVolumeSource'),
    downwardAPI: core('DownwardAPIVolumeSource'),
    projected: core('ProjectedVolumeSource'),
    rbd: core('RBDVolumeSource'),
    cephfs: core('CephFSVolumeSource'),
    iscsi: core('ISCSIVolumeSource'),
    fc: core('FCVolumeSource'),
    ephemeral: core('EphemeralVolumeSource'),
  },
  [core('EphemeralVolumeSource')]: { volumeClaimTemplate: core('PersistentVolumeClaimTemplate') },
  [core('PersistentVolumeClaimTemplate')]: { metadata: OBJECT_META, spec: PVC_SPEC },
  [PVC_SPEC]: { selector: LABEL_SELECTOR },
  [core('ProjectedVolumeSource')]: { sources: core('VolumeProjection') },
  [core('VolumeProjection')]: {
    secret: core('SecretProjection'),
    configMap: core('ConfigMapProjection'),
    downwardAPI: core('DownwardAPIProjection'),
  },
  [core('Container')]: CONTAINER_TYPES,
  [core('EphemeralContainer')]: CONTAINER_TYPES,
  [core('SecurityContext')]: { capabilities: core('Capabilities') },
  [core('Lifecycle')]: { postStart: core('LifecycleHandler'), preStop: core('LifecycleHandler') },
  [core('LifecycleHandler')]: HANDLER,
  [PROBE]: HANDLER,
  [core('Affinity')]: { nodeAffinity: core('NodeAffinity'), podAffinity: core('PodAffinity'), podAntiAffinity: core('PodAntiAffinity') },
  [core('NodeAffinity')]: {
    requiredDuringSchedulingIgnoredDuringExecution: core('NodeSelector'),
    preferredDuringSchedulingIgnoredDuringExecution: core('PreferredSchedulingTerm'),
  },
  [core('PreferredSchedulingTerm')]: { preference: core('NodeSelectorTerm') },
  [core('NodeSelector')]: { nodeSelectorTerms: core('NodeSelectorTerm') },
  [core('NodeSelectorTerm')]: { matchExpressions: core('NodeSelectorRequirement'), matchFields: core('NodeSelectorRequirement') },
  [core('PodAffinity')]: AFFINITY_TERMS,
  [core('PodAntiAffinity')]: AFFINITY_TERMS,
  [core('WeightedPodAffinityTerm')]: { podAffinityTerm: core('PodAffinityTerm') },
  [core('PodAffinityTerm')]: { labelSelector: LABEL_SELECTOR, namespaceSelector: LABEL_SELECTOR },
  [core('TopologySpreadConstraint')]: { labelSelector: LABEL_SELECTOR },
  [core('PodStatus')]: {
    initContainerStatuses: core('ContainerStatus'),
    containerStatuses: core('ContainerStatus'),
    ephemeralContainerStatuses: core('ContainerStatus'),
  },
  [core('ContainerStatus')]: { allocatedResourcesStatus: core('ResourceStatus') },

  [core('Node')]: { spec: core('NodeSpec'), status: core('NodeStatus') },
  [core('NodeStatus')]: { images: core('ContainerImage') },
  [core('Namespace')]: { spec: core('NamespaceSpec'), status: core('NamespaceStatus') },
  [core('Service')]: { spec: core('ServiceSpec'), status: core('ServiceStatus') },
  [core('ServiceStatus')]: { loadBalancer: core('LoadBalancerStatus') },
  [core('LoadBalancerStatus')]: { ingress: core('LoadBalancerIngress') },
  [core('PersistentVolumeClaim')]: { spec: PVC_SPEC, status: core('PersistentVolumeClaimStatus') },
  [core('PersistentVolume')]: { spec: core('PersistentVolumeSpec') },
  [core('PersistentVolumeSpec')]: {
    iscsi: core('ISCSIPersistentVolumeSource'),
    rbd: core('RBDPersistentVolumeSource'),
    cephfs: core('CephFSPersistentVolumeSource'),
    fc: core('FCVolumeSource'),
    nodeAffinity: core('VolumeNodeAffinity'),
  },
  [core('VolumeNodeAffinity')]: { required: core('NodeSelector') },
  [core('TopologySelectorTerm')]: { matchLabelExpressions: core('TopologySelectorLabelRequirement') },

  [`${APPS}DaemonSet`]: { spec: `${APPS}DaemonSetSpec`, status: `${APPS}DaemonSetStatus` },
  [`${APPS}DaemonSetSpec`]: { selector: LABEL_SELECTOR, template: POD_TEMPLATE_SPEC },
  [`${APPS}StatefulSet`]: { spec: `${APPS}StatefulSetSpec`, status: `${APPS}StatefulSetStatus` },
  [`${APPS}StatefulSetSpec`]: { selector: LABEL_SELECTOR, template: POD_TEMPLATE_SPEC, volumeClaimTemplates: core('PersistentVolumeClaim') },
  [`${POLICY}PodDisruptionBudget`]: { spec: `${POLICY}PodDisruptionBudgetSpec`, status: `${POLICY}PodDisruptionBudgetStatus` },
  [`${POLICY}PodDisruptionBudgetSpec`]: { selector: LABEL_SELECTOR },
  [`${STORAGE}StorageClass`]: { allowedTopologies: core('TopologySelectorTerm') },
};

/** The metadata type every kind's `metadata` field holds. */
export const OBJECT_META_TYPE = OBJECT_META;
