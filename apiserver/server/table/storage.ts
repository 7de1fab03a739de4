// Printers for core/v1 PersistentVolumes and storage.k8s.io/v1 StorageClasses.

import type { PersistentVolume } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { ageColumn, col, nameColumn, wide } from './columns.js';
import { accessModesString } from './core.js';
import { isDefaultStorageClass, storageClassOf } from '../../api/volumes.js';
import { age, str } from './format.js';
import type { TableConvertor } from './types.js';

/**
 * Server-side printer for `persistentvolumes` (upstream printPersistentVolume, 1.32): NAME, CAPACITY (`storage`, `0`
 * when absent; as written, kubeling does not canonicalize quantities), ACCESS MODES, RECLAIM POLICY, STATUS
 * (`Terminating` once deleted), CLAIM (`namespace/name`), STORAGECLASS, VOLUMEATTRIBUTESCLASS, REASON, AGE, and
 * VOLUMEMODE with `-o wide`.
 */
export const persistentVolumeConvertor: TableConvertor = {
  columns: [
    nameColumn(),
    col('Capacity', "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity"),
    col('Access Modes', 'accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes'),
    col('Reclaim Policy', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming'),
    col('Status', 'phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase'),
    col('Claim', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding'),
    col('StorageClass', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'VolumeAttributesClass of the pv'),
    col('Reason', 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.'),
    ageColumn(),
    wide('VolumeMode', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.'),
  ],
  cells(obj, now) {
    const pv = obj as unknown as PersistentVolume;
    const ref = pv.spec?.claimRef;
    const claim = ref ? `${str(ref.namespace)}/${str(ref.name)}` : '';
    const capacity = str(pv.spec?.capacity?.['storage']) || '0';
    const phase = pv.metadata?.deletionTimestamp ? 'Terminating' : str(pv.status?.phase);
    const vac = typeof pv.spec?.volumeAttributesClassName === 'string' ? pv.spec.volumeAttributesClassName : '<unset>';
    const volumeMode = typeof pv.spec?.volumeMode === 'string' ? pv.spec.volumeMode : '<unset>';
    return [
      str(obj.metadata.name), capacity, accessModesString(pv.spec?.accessModes), str(pv.spec?.persistentVolumeReclaimPolicy), phase, claim,
      storageClassOf(pv), vac, str(pv.status?.reason), age(obj, now), volumeMode,
    ];
  },
};

/**
 * Server-side printer for storage.k8s.io `storageclasses` (upstream printStorageClass, 1.32): NAME (with ` (default)`
 * after each class marked default), PROVISIONER, RECLAIMPOLICY and VOLUMEBINDINGMODE (their defaults when unset),
 * ALLOWVOLUMEEXPANSION (a boolean cell), AGE.
 */
export const storageClassConvertor: TableConvertor = {
  columns: [
    nameColumn(),
    col('Provisioner', 'provisioner indicates the type of the provisioner.'),
    col('ReclaimPolicy', 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.'),
    col('VolumeBindingMode', 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.'),
    col('AllowVolumeExpansion', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
    ageColumn(),
  ],
  cells(obj, now) {
    const sc = obj as unknown as StorageClass;
    const name = `${str(obj.metadata.name)}${isDefaultStorageClass(sc) ? ' (default)' : ''}`;
    return [
      name, str(sc.provisioner), str(sc.reclaimPolicy) || 'Delete', str(sc.volumeBindingMode) || 'Immediate', sc.allowVolumeExpansion === true,
      age(obj, now),
    ];
  },
};
