// Storage admission of a default kube-apiserver 1.32: DefaultStorageClass and StorageObjectInUseProtection, and the
// `standard` StorageClass a fresh cluster has (kind's, served by the volume controller's simulated provisioner).

import { isPlainObject, type KObject } from '../api/types.js';
import {
  IS_DEFAULT_CLASS_ANNOTATION, LOCAL_PATH_PROVISIONER, PVC_PROTECTION_FINALIZER, PV_PROTECTION_FINALIZER, claimHasClass,
} from '../api/volumes.js';

export { defaultStorageClassName, type StorageClassRef } from '../api/volumes.js';

function addFinalizer(obj: KObject, finalizer: string): void {
  const list = obj.metadata.finalizers ?? [];
  if (!list.includes(finalizer)) obj.metadata.finalizers = [...list, finalizer];
}

/**
 * Admission of a PersistentVolumeClaim create: DefaultStorageClass gives a claim that names no class (neither
 * spec.storageClassName, not even "", nor the beta annotation) the default class when there is one; then
 * StorageObjectInUseProtection adds `kubernetes.io/pvc-protection`.
 */
export function admitPersistentVolumeClaimCreate(pvc: KObject, defaultClass: string | undefined): void {
  const spec = isPlainObject(pvc.spec) ? pvc.spec : (pvc.spec = {});
  if (defaultClass !== undefined && !claimHasClass({ metadata: pvc.metadata, spec: { storageClassName: spec.storageClassName as string | undefined } })) {
    spec.storageClassName = defaultClass;
  }
  addFinalizer(pvc, PVC_PROTECTION_FINALIZER);
}

/** StorageObjectInUseProtection on a PersistentVolume create: adds `kubernetes.io/pv-protection`. */
export function admitPersistentVolumeCreate(pv: KObject): void {
  addFinalizer(pv, PV_PROTECTION_FINALIZER);
}

/**
 * kind's default StorageClass, created at a cluster's first start: `standard`, marked default, provisioned by
 * rancher.io/local-path, Delete. Binding is Immediate (kind's is WaitForFirstConsumer): kubeling's scheduler has no
 * volume binding plugin to choose the node first.
 */
export function standardStorageClassObject(): KObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'standard', annotations: { [IS_DEFAULT_CLASS_ANNOTATION]: 'true' } },
    provisioner: LOCAL_PATH_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
  };
}
