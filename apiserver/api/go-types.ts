// The Go types of the kinds kubeling serves, limited to the fields its code reads; the OpenAPI schemas will cover the rest.

import type { GoType } from './go-decode.js';

type Fields = ReadonlyArray<readonly [string, GoType]>;

const str = (name = 'string'): GoType => ({ t: 'string', name });
const int64: GoType = { t: 'int', name: 'int64' };
const bool: GoType = { t: 'bool' };
const time: GoType = { t: 'time' };
const bytes: GoType = { t: 'bytes' };
const mapOf = (elem: GoType): GoType => ({ t: 'map', elem });
const listOf = (elem: GoType): GoType => ({ t: 'list', elem });
const struct = (name: string, fields: Fields = [], pkg = 'v1'): GoType => ({ t: 'struct', name, pkg, fields });

const OWNER_REFERENCE = struct('OwnerReference', [
  ['apiVersion', str()], ['kind', str()], ['name', str()], ['uid', str('types.UID')], ['controller', bool], ['blockOwnerDeletion', bool],
]);

const MANAGED_FIELDS_ENTRY = struct('ManagedFieldsEntry', [
  ['manager', str()], ['operation', str('v1.ManagedFieldsOperationType')], ['apiVersion', str()], ['time', time], ['fieldsType', str()], ['subresource', str()],
]);

/** metav1.ObjectMeta (every field but fieldsV1 inside managedFields). */
export const OBJECT_META = struct('ObjectMeta', [
  ['name', str()], ['generateName', str()], ['namespace', str()], ['selfLink', str()], ['uid', str('types.UID')], ['resourceVersion', str()],
  ['generation', int64], ['creationTimestamp', time], ['deletionTimestamp', time], ['deletionGracePeriodSeconds', int64],
  ['labels', mapOf(str())], ['annotations', mapOf(str())], ['ownerReferences', listOf(OWNER_REFERENCE)], ['finalizers', listOf(str())],
  ['managedFields', listOf(MANAGED_FIELDS_ENTRY)],
]);

const CONTAINER = struct('Container', [['name', str()], ['image', str()]]);
const POD_SPEC = struct('PodSpec', [['initContainers', listOf(CONTAINER)], ['containers', listOf(CONTAINER)]]);
const LABEL_SELECTOR = struct('LabelSelector', [
  ['matchLabels', mapOf(str())],
  ['matchExpressions', listOf(struct('LabelSelectorRequirement', [['key', str()], ['operator', str('v1.LabelSelectorOperator')], ['values', listOf(str())]]))],
]);
const POD_TEMPLATE = struct('PodTemplateSpec', [['metadata', OBJECT_META], ['spec', POD_SPEC]]);
const WORKLOAD: Fields = [['selector', LABEL_SELECTOR], ['template', POD_TEMPLATE]];

/** A top-level kind: TypeMeta inlined, then ObjectMeta, then its own fields. */
function kind(name: string, fields: Fields = []): GoType {
  return struct(name, [['kind', str()], ['apiVersion', str()], ['metadata', OBJECT_META], ...fields]);
}

/** A kind whose spec and status are structs (their fields unchecked unless listed). */
function specStatus(name: string, spec: Fields = []): GoType {
  return kind(name, [['spec', struct(`${name}Spec`, spec)], ['status', struct(`${name}Status`)]]);
}

const int32: GoType = { t: 'int', name: 'int32' };
const OBJECT_REFERENCE = struct('ObjectReference', [
  ['kind', str()], ['namespace', str()], ['name', str()], ['uid', str('types.UID')], ['apiVersion', str()], ['resourceVersion', str()], ['fieldPath', str()],
]);

/** metav1.DeleteOptions. */
export const DELETE_OPTIONS = struct('DeleteOptions', [
  ['kind', str()], ['apiVersion', str()], ['gracePeriodSeconds', int64],
  ['preconditions', struct('Preconditions', [['uid', str('types.UID')], ['resourceVersion', str()]])],
  ['orphanDependents', bool], ['propagationPolicy', str('v1.DeletionPropagation')], ['dryRun', listOf(str())],
  ['ignoreStoreReadErrorWithClusterBreakingPotential', bool],
]);

const KINDS: Readonly<Record<string, GoType>> = {
  Binding: kind('Binding', [['target', OBJECT_REFERENCE]]),
  Eviction: kind('Eviction', [['deleteOptions', DELETE_OPTIONS]]),
  Scale: kind('Scale', [['spec', struct('ScaleSpec', [['replicas', int32]])], ['status', struct('ScaleStatus', [['replicas', int32], ['selector', str()]])]]),
  ConfigMap: kind('ConfigMap', [['immutable', bool], ['data', mapOf(str())], ['binaryData', mapOf(bytes)]]),
  Secret: kind('Secret', [['immutable', bool], ['data', mapOf(bytes)], ['stringData', mapOf(str())], ['type', str('v1.SecretType')]]),
  Pod: kind('Pod', [['spec', POD_SPEC], ['status', struct('PodStatus')]]),
  Namespace: specStatus('Namespace', [['finalizers', listOf(str('v1.FinalizerName'))]]),
  Node: specStatus('Node'),
  Service: specStatus('Service'),
  PersistentVolumeClaim: specStatus('PersistentVolumeClaim'),
  ServiceAccount: kind('ServiceAccount'),
  Event: kind('Event', [['involvedObject', struct('ObjectReference')]]),
  ControllerRevision: kind('ControllerRevision', [['revision', int64]]),
  DaemonSet: specStatus('DaemonSet', WORKLOAD),
  StatefulSet: specStatus('StatefulSet', WORKLOAD),
  Lease: kind('Lease', [['spec', struct('LeaseSpec')]]),
  PodDisruptionBudget: specStatus('PodDisruptionBudget'),
  PersistentVolume: specStatus('PersistentVolume'),
  StorageClass: kind('StorageClass', [
    ['provisioner', str()], ['parameters', mapOf(str())], ['reclaimPolicy', str('v1.PersistentVolumeReclaimPolicy')], ['mountOptions', listOf(str())],
    ['allowVolumeExpansion', bool], ['volumeBindingMode', str('v1.VolumeBindingMode')],
  ]),
  PriorityClass: kind('PriorityClass', [['value', int32], ['globalDefault', bool], ['description', str()], ['preemptionPolicy', str('v1.PreemptionPolicy')]]),
};

/** The Go type a kind's objects are decoded into (TypeMeta and ObjectMeta only for a kind not listed). */
export function goTypeOfKind(name: string): GoType {
  return KINDS[name] ?? kind(name);
}

/** The etcd3 store's continue token (k8s.io/apiserver/pkg/storage continueToken). */
export const CONTINUE_TOKEN = struct('continueToken', [['v', str()], ['rv', int64], ['start', str()]], 'storage');
