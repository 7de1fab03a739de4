// Builders of claims, volumes, classes and pods for the volume controllers' unit tests.

import type { Pod } from '../../apiserver/api/types.js';
import type { VolumeAction } from './actions.js';
import type { ClaimSnapshot } from './claim.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from './util.js';

type Meta = NonNullable<PersistentVolumeClaim['metadata']>;

/** A claim `default/<name>` (uid `uid-<name>`) asking for 1Gi ReadWriteOnce; `spec`, `meta` and `status` override. */
export function claim(name: string, spec: Record<string, unknown> = {}, meta: Partial<Meta> = {}, status: Record<string, unknown> = { phase: 'Pending' }): PersistentVolumeClaim {
  return {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '10', ...meta },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem', ...spec },
    status,
  } as PersistentVolumeClaim;
}

/** A volume `<name>` of 1Gi ReadWriteOnce on a hostPath, Available, Retain; `spec`, `meta` and `status` override. */
export function volume(name: string, spec: Record<string, unknown> = {}, meta: Partial<Meta> = {}, status: Record<string, unknown> = { phase: 'Available' }): PersistentVolume {
  return {
    apiVersion: 'v1', kind: 'PersistentVolume',
    metadata: { name, uid: `uid-${name}`, resourceVersion: '20', ...meta },
    spec: {
      accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, hostPath: { path: `/data/${name}`, type: '' },
      persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem', ...spec,
    },
    status,
  } as PersistentVolume;
}

/** A StorageClass `<name>`; `default` marks it the default class. */
export function storageClass(name: string, more: Partial<StorageClass> = {}, isDefault = false): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
    metadata: { name, ...(isDefault && { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }) },
    provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate', ...more,
  };
}

/** A pod in `default` using claim `claimName`, on `node` when given. */
export function podUsing(name: string, claimName: string, node?: string, meta: Record<string, unknown> = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, ...meta },
    spec: { ...(node && { nodeName: node }), containers: [{ name: 'c', image: 'nginx' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] },
  };
}

/** A ClaimSnapshot over plain lists. */
export function snapshot(c: PersistentVolumeClaim, volumes: PersistentVolume[] = [], classes: StorageClass[] = [], pods: Pod[] = []): ClaimSnapshot {
  const def = classes.find((sc) => sc.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
  return {
    claim: c,
    volumes,
    volume: (n) => volumes.find((v) => v.metadata?.name === n),
    storageClass: (n) => classes.find((sc) => sc.metadata?.name === n),
    defaultClass: def?.metadata?.name,
    pods,
  };
}

/** A plan in a compact, readable form: `updateClaim default/x`, `event Normal Reason: message`, … */
export function summary(actions: readonly VolumeAction[]): string[] {
  return actions.map((a) => {
    switch (a.type) {
      case 'updateClaim':
      case 'updateClaimStatus':
        return `${a.type} ${a.claim.metadata?.namespace}/${a.claim.metadata?.name}`;
      case 'updateVolume':
      case 'updateVolumeStatus':
      case 'createVolume':
        return `${a.type} ${a.volume.metadata?.name}`;
      case 'deleteVolume':
        return `deleteVolume ${a.name}`;
      case 'event':
        return `event ${a.eventType} ${a.reason}: ${a.message}`;
      case 'enqueueClaim':
        return `enqueueClaim ${a.key}`;
    }
  });
}

/** The object the first action of `type` writes. */
export function written<T extends VolumeAction['type']>(actions: readonly VolumeAction[], type: T): Extract<VolumeAction, { type: T }> {
  const a = actions.find((x) => x.type === type);
  if (!a) throw new Error(`no ${type} in ${JSON.stringify(summary(actions))}`);
  return a as Extract<VolumeAction, { type: T }>;
}
