// Builders of StatefulSets, pods and claims for the StatefulSet controller's unit tests.

import type { PersistentVolumeClaim, Pod, StatefulSet } from '../../apiserver/api/types.js';
import type { UpdateInput } from './control.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../history/index.js';
import type { VersionedSet } from './util.js';

/** The fixed "now" of the tests. */
export const NOW = Date.parse('2025-01-01T00:10:00Z');
export const OLD = 'web-old';
export const NEW = 'web-new';

/** Options of {@link sts}. */
export interface StsOptions {
  replicas?: number;
  parallel?: boolean;
  onDelete?: boolean;
  /** undefined: rollingUpdate {partition: 0}; null: RollingUpdate without a rollingUpdate block. */
  partition?: number | null;
  start?: number;
  minReadySeconds?: number;
  whenScaled?: 'Retain' | 'Delete';
  whenDeleted?: 'Retain' | 'Delete';
  claims?: boolean;
  deleting?: boolean;
  currentReplicas?: number;
}

/** A StatefulSet `web` (selector app=web, service `web`, claim template `www`), defaulted as the API stores it. */
export function sts(o: StsOptions = {}): StatefulSet {
  const strategy = o.onDelete ? { type: 'OnDelete' } : o.partition === null ? { type: 'RollingUpdate' } : { type: 'RollingUpdate', rollingUpdate: { partition: o.partition ?? 0 } };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', uid: 'u-web', generation: 2, resourceVersion: '100', ...(o.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) },
    spec: {
      replicas: o.replicas ?? 3,
      serviceName: 'web',
      selector: { matchLabels: { app: 'web' } },
      podManagementPolicy: o.parallel ? 'Parallel' : 'OrderedReady',
      updateStrategy: strategy,
      ...(o.start !== undefined ? { ordinals: { start: o.start } } : {}),
      ...(o.minReadySeconds ? { minReadySeconds: o.minReadySeconds } : {}),
      persistentVolumeClaimRetentionPolicy: { whenScaled: o.whenScaled ?? 'Retain', whenDeleted: o.whenDeleted ?? 'Retain' },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1' }] } },
      ...(o.claims === false ? {} : { volumeClaimTemplates: [{ metadata: { name: 'www', labels: { tier: 'data' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] }),
    },
    status: { replicas: 0, observedGeneration: 1, currentRevision: OLD, updateRevision: OLD, currentReplicas: o.currentReplicas ?? 0 },
  };
}

/** Options of {@link pod}. */
export interface PodOptions {
  rev?: string;
  phase?: 'Pending' | 'Running' | 'Failed' | 'Succeeded';
  ready?: boolean;
  /** Seconds before NOW that Ready turned True (default 60). */
  readyFor?: number;
  terminating?: boolean;
  uid?: string;
  /** Leave out the identity labels. */
  bare?: boolean;
}

/** A created pod `web-<ordinal>` of the set; Running and Ready unless told otherwise. */
export function pod(ordinal: number, o: PodOptions = {}): Pod {
  const name = `web-${ordinal}`;
  const phase = o.phase ?? 'Running';
  const ready = o.ready ?? phase === 'Running';
  const labels: Record<string, string> = { app: 'web', [CONTROLLER_REVISION_HASH_LABEL]: o.rev ?? OLD };
  if (!o.bare) Object.assign(labels, { 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(ordinal) });
  return {
    metadata: {
      name, namespace: 'default', uid: o.uid ?? `u-${name}`, resourceVersion: '10', labels,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u-web', controller: true, blockOwnerDeletion: true }],
      ...(o.terminating ? { deletionTimestamp: '2025-01-01T00:09:00Z' } : {}),
    },
    spec: { containers: [{ name: 'nginx', image: 'nginx:1' }], volumes: [{ name: 'www', persistentVolumeClaim: { claimName: `www-web-${ordinal}` } }] },
    status: {
      phase,
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date(NOW - (o.readyFor ?? 60) * 1000).toISOString().replace('.000Z', 'Z') }],
    },
  };
}

/** A claim `www-web-<ordinal>` with the given owner references. */
export function claim(ordinal: number, owners: NonNullable<PersistentVolumeClaim['metadata']>['ownerReferences'] = []): PersistentVolumeClaim {
  return { metadata: { name: `www-web-${ordinal}`, namespace: 'default', uid: `u-www-${ordinal}`, resourceVersion: '5', labels: { app: 'web' }, ...(owners.length ? { ownerReferences: owners } : {}) }, spec: {} };
}

/** The two revisions of `set`: old (image nginx:1) and new (nginx:2). */
export function versions(set: StatefulSet): { current: VersionedSet; update: VersionedSet } {
  const t = set.spec!.template;
  return {
    current: { set, template: t, revision: OLD },
    update: { set, template: { ...t, spec: { containers: [{ name: 'nginx', image: 'nginx:2' }] } }, revision: NEW },
  };
}

/** An UpdateInput over `set` and `pods`, with every claim of `claims` cached (default: one per pod). */
export function input(set: StatefulSet, pods: Pod[], claims?: PersistentVolumeClaim[]): UpdateInput {
  const cached = claims ?? pods.map((p) => claim(Number(p.metadata!.name!.split('-')[1])));
  return { set, ...versions(set), collisionCount: 0, pods, claims: (name) => cached.find((c) => c.metadata?.name === name), now: NOW };
}
