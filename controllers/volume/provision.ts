// The simulated external provisioner (kind's rancher.io/local-path, and any other external provisioner name): pure
// planners for provisioning a claim's volume and deleting a released one, after sig-storage-lib-external-provisioner.

import { storageClassOf } from '../../apiserver/api/volumes.js';
import { event, type VolumeAction } from './actions.js';
import { externallyProvisioned } from './volume.js';
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_DYNAMICALLY_PROVISIONED, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, claimKey, claimRefOf,
  requestedStorage, type PersistentVolume, type PersistentVolumeClaim, type StorageClass,
} from './util.js';

/** Where local-path-provisioner keeps its volumes on a node (kind's layout). */
export const LOCAL_PATH_ROOT = '/var/local-path-provisioner';
/** The annotation local-path-provisioner leaves on a volume made for a known node. */
export const ANN_LOCAL_PATH_SELECTED_NODE = 'local.path.provisioner/selected-node';

/** The name of the volume provisioned for a claim (the library's `pvc-<claim uid>`). */
export function provisionedVolumeName(claim: PersistentVolumeClaim): string {
  return `pvc-${claim.metadata?.uid ?? ''}`;
}

/** The provisioner a claim asks for (the annotation the PV controller sets, or its beta twin), if any. */
export function requestedProvisioner(claim: { metadata?: { annotations?: Readonly<Record<string, string>> } }): string | undefined {
  const a = claim.metadata?.annotations ?? {};
  return a[ANN_STORAGE_PROVISIONER] ?? a[ANN_BETA_STORAGE_PROVISIONER];
}

/** What planProvision reads. */
export interface ProvisionSnapshot {
  claim: PersistentVolumeClaim;
  storageClass: StorageClass | undefined;
  /** The volume already named after the claim, if any. */
  existing: PersistentVolume | undefined;
}

// Assumptions / Invariants (sig-storage-lib-external-provisioner shouldProvision, provisionClaimOperation): a claim
// is provisioned once, when it is unbound, not being deleted, annotated by the PV controller with an external
// provisioner that its class names, and — for WaitForFirstConsumer — once a node was selected. The volume is
// `pvc-<uid>`, pre-bound to the claim (claimRef with uid and resourceVersion), annotated with the provisioner, of the
// claim's size, modes, volume mode and class, with the class's reclaim policy and mount options; kind's
// local-path-provisioner makes it a hostPath under /var/local-path-provisioner, pinned to the selected node if any.
/** The volume to create for a claim and the provisioner's events, or nothing. */
export function planProvision(s: ProvisionSnapshot): VolumeAction[] {
  const { claim, storageClass: sc } = s;
  const provisioner = requestedProvisioner(claim);
  if (!provisioner || !sc || sc.provisioner !== provisioner || s.existing) return [];
  if ((claim.spec?.volumeName ?? '') !== '' || claim.metadata?.deletionTimestamp) return [];
  if (provisioner.startsWith('kubernetes.io/')) return [];
  const node = claim.metadata?.annotations?.[ANN_SELECTED_NODE];
  if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !node) return [];
  const volume = newProvisionedVolume(claim, sc, node);
  return [
    event(claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim ${JSON.stringify(claimKey(claim))}`, 'provisioner'),
    { type: 'createVolume', volume },
    event(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${volume.metadata?.name ?? ''}`, 'provisioner'),
  ];
}

/** The PersistentVolume local-path-provisioner (through the library) creates for a claim. */
export function newProvisionedVolume(claim: PersistentVolumeClaim, sc: StorageClass, node: string | undefined): PersistentVolume {
  const m = claim.metadata ?? {};
  const name = provisionedVolumeName(claim);
  const annotations: Record<string, string> = { [ANN_DYNAMICALLY_PROVISIONED]: sc.provisioner };
  if (node) annotations[ANN_LOCAL_PATH_SELECTED_NODE] = node;
  const spec: NonNullable<PersistentVolume['spec']> = {
    accessModes: [...(claim.spec?.accessModes ?? [])],
    capacity: { storage: requestedStorage(claim) ?? '0' },
    claimRef: claimRefOf(claim),
    hostPath: { path: `${LOCAL_PATH_ROOT}/${name}_${m.namespace ?? ''}_${m.name ?? ''}`, type: 'DirectoryOrCreate' },
    ...(node && {
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
    }),
    persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
    storageClassName: storageClassOf(claim),
    volumeMode: claim.spec?.volumeMode ?? 'Filesystem',
    ...(sc.mountOptions?.length && { mountOptions: [...sc.mountOptions] }),
  };
  return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name, annotations }, spec };
}

/**
 * The library's shouldDelete: a Released volume with reclaim policy Delete that an external provisioner made (the
 * simulated one serves every external name) is deleted, with its uid as precondition.
 */
export function planDelete(volume: PersistentVolume): VolumeAction[] {
  if (volume.status?.phase !== 'Released' || volume.spec?.persistentVolumeReclaimPolicy !== 'Delete') return [];
  if (!externallyProvisioned(volume) || volume.metadata?.deletionTimestamp) return [];
  return [{ type: 'deleteVolume', name: volume.metadata?.name ?? '', uid: volume.metadata?.uid ?? '' }];
}
