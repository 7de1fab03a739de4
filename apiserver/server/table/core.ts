// Printers for the simpler kinds: namespaces, configmaps, secrets, serviceaccounts, persistentvolumeclaims, leases.

import type { ConfigMap, Namespace, PersistentVolumeClaim, Secret, ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { ageColumn, col, nameColumn, wide } from './columns.js';
import { age, asArray, keyCount, str } from './format.js';
import type { TableConvertor } from './types.js';

/** Server-side printer for `namespaces`: STATUS is `status.phase`. */
export const namespaceConvertor: TableConvertor = {
  columns: [nameColumn(), col('Status', 'The status of the namespace'), ageColumn()],
  cells(obj, now) {
    return [str(obj.metadata.name), str((obj as unknown as Namespace).status?.phase), age(obj, now)];
  },
};

/** Server-side printer for `configmaps`: DATA counts `data` plus `binaryData` keys. */
export const configMapConvertor: TableConvertor = {
  columns: [
    nameColumn(),
    col(
      'Data',
      "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
    ),
    ageColumn(),
  ],
  cells(obj, now) {
    const cm = obj as unknown as ConfigMap;
    return [str(obj.metadata.name), keyCount(cm.data) + keyCount(cm.binaryData), age(obj, now)];
  },
};

/** Keys of `data` and write-only `stringData` together (the API merges stringData into data). */
function secretKeyCount(secret: Secret): number {
  const keys = new Set([...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})]);
  return keys.size;
}

/** Server-side printer for `secrets`. */
export const secretConvertor: TableConvertor = {
  columns: [
    nameColumn(),
    col('Type', 'Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types'),
    col(
      'Data',
      "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4",
    ),
    ageColumn(),
  ],
  cells(obj, now) {
    const secret = obj as unknown as Secret;
    return [str(obj.metadata.name), str(secret.type), secretKeyCount(secret), age(obj, now)];
  },
};

/** Server-side printer for `serviceaccounts`: SECRETS counts `secrets` entries. */
export const serviceAccountConvertor: TableConvertor = {
  columns: [
    nameColumn(),
    col(
      'Secrets',
      'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret',
    ),
    ageColumn(),
  ],
  cells(obj, now) {
    return [str(obj.metadata.name), asArray((obj as unknown as ServiceAccount).secrets).length, age(obj, now)];
  },
};

/** `helper.GetAccessModesAsString`: `RWO,ROX,RWX,RWOP` in that fixed order. */
export function accessModesString(modes: readonly string[] | undefined): string {
  const have = new Set(asArray(modes));
  const short: Array<[string, string]> = [
    ['ReadWriteOnce', 'RWO'],
    ['ReadOnlyMany', 'ROX'],
    ['ReadWriteMany', 'RWX'],
    ['ReadWriteOncePod', 'RWOP'],
  ];
  return short
    .filter(([mode]) => have.has(mode))
    .map(([, abbrev]) => abbrev)
    .join(',');
}

/** STORAGECLASS: the beta annotation wins over `spec.storageClassName`. */
function claimClass(pvc: PersistentVolumeClaim): string {
  const annotations = pvc.metadata?.annotations ?? {};
  const beta = annotations['volume.beta.kubernetes.io/storage-class'];
  if (beta !== undefined) return beta;
  return str(pvc.spec?.storageClassName);
}

/** STATUS, VOLUME, CAPACITY, ACCESS MODES of a claim; capacity and modes only once bound to a volume. */
function claimBinding(pvc: PersistentVolumeClaim): [string, string, string, string] {
  const phase = pvc.metadata?.deletionTimestamp ? 'Terminating' : str(pvc.status?.phase);
  const volume = str(pvc.spec?.volumeName);
  if (volume === '') return [phase, volume, '', ''];
  const capacity = str(pvc.status?.capacity?.['storage']) || '0';
  return [phase, volume, capacity, accessModesString(pvc.status?.accessModes)];
}

/** Server-side printer for `persistentvolumeclaims`. */
export const pvcConvertor: TableConvertor = {
  columns: [
    nameColumn(),
    col('Status', 'phase represents the current phase of PersistentVolumeClaim.'),
    col('Volume', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    col('Capacity', 'capacity represents the actual resources of the underlying volume.'),
    col('Access Modes', 'accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1'),
    col('StorageClass', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'VolumeAttributesClass of the pvc'),
    ageColumn(),
    wide('VolumeMode', 'volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.'),
  ],
  cells(obj, now) {
    const pvc = obj as unknown as PersistentVolumeClaim;
    const [phase, volume, capacity, modes] = claimBinding(pvc);
    const vac = typeof pvc.spec?.volumeAttributesClassName === 'string' ? pvc.spec.volumeAttributesClassName : '<unset>';
    const volumeMode = typeof pvc.spec?.volumeMode === 'string' ? pvc.spec.volumeMode : '<unset>';
    return [str(obj.metadata.name), phase, volume, capacity, modes, claimClass(pvc), vac, age(obj, now), volumeMode];
  },
};

/** Server-side printer for coordination.k8s.io `leases`: HOLDER is `spec.holderIdentity`. */
export const leaseConvertor: TableConvertor = {
  columns: [nameColumn(), col('Holder', 'holderIdentity contains the identity of the holder of a current lease.'), ageColumn()],
  cells(obj, now) {
    return [str(obj.metadata.name), str((obj as unknown as Lease).spec?.holderIdentity), age(obj, now)];
  },
};
