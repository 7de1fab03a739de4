// Wire types: the generic object shape every handler works with, plus re-exports of the typed kinds.

import type { ObjectMeta as ReadonlyObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1.js';

/** Removes `readonly` (kubernetes-types marks every field read-only; the server sets metadata). */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** ObjectMeta with writable top-level fields. */
export type ObjectMeta = Mutable<ReadonlyObjectMeta>;
export type { OwnerReference };
export type { Pod, PodSpec, PodTemplateSpec, Node, Namespace, Event, ConfigMap, Secret, Service, ServiceAccount, PersistentVolumeClaim, PersistentVolume, Container, Toleration, Taint, NodeAffinity, NodeSelectorTerm } from 'kubernetes-types/core/v1.js';
export type { DaemonSet, StatefulSet, ControllerRevision } from 'kubernetes-types/apps/v1.js';
export type { Lease } from 'kubernetes-types/coordination/v1.js';
export type { StorageClass } from 'kubernetes-types/storage/v1.js';

/** Any Kubernetes object as JSON: typed metadata, everything else open. */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** A list as served: `PodList` etc. */
export interface KList<T = KObject> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

/** True for a plain JSON object (not an array, not null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
