// The Table registry: picks each resource's printer and assembles the meta.k8s.io/v1 Table response.

import type { KObject } from '../../api/types.js';
import { parseTimestamp } from '../../api/duration.js';
import { DOC, col, nameColumn } from './columns.js';
import { controllerRevisionConvertor, daemonSetConvertor, statefulSetConvertor } from './workloads.js';
import { configMapConvertor, leaseConvertor, namespaceConvertor, pvcConvertor, secretConvertor, serviceAccountConvertor } from './core.js';
import { eventConvertor } from './events.js';
import { nodeConvertor } from './nodes.js';
import { podConvertor } from './pods.js';
import { serviceConvertor } from './services.js';
import { podDisruptionBudgetConvertor } from './policy.js';
import { priorityClassConvertor } from './scheduling.js';
import { persistentVolumeConvertor, storageClassConvertor } from './storage.js';
import { scaleConvertor } from './scale.js';
import { str } from './format.js';
import type { Table, TableConvertor, TableRow } from './types.js';

export type { ColumnDefinition, Table, TableConvertor, TableRow, TableRowCondition } from './types.js';

/** What `rows[].object` carries (`?includeObject=`). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** `Time.UTC().Format(time.RFC3339)`: second precision, `Z`; the zero time when absent. */
function rfc3339(ts: unknown): string {
  const ms = parseTimestamp(ts);
  if (ms === undefined) return '0001-01-01T00:00:00Z';
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The generic apiserver's default convertor: NAME and CREATED AT (type `date`, an RFC3339 string). */
export const defaultConvertor: TableConvertor = {
  columns: [nameColumn(), col('Created At', DOC.creationTimestamp, { type: 'date' })],
  cells(obj) {
    return [str(obj.metadata.name), rfc3339(obj.metadata.creationTimestamp)];
  },
};

/** Printers by plural, with the API group each belongs to. */
const REGISTRY: ReadonlyMap<string, { group: string; convertor: TableConvertor }> = new Map([
  ['pods', { group: '', convertor: podConvertor }],
  ['nodes', { group: '', convertor: nodeConvertor }],
  ['namespaces', { group: '', convertor: namespaceConvertor }],
  ['events', { group: '', convertor: eventConvertor }],
  ['services', { group: '', convertor: serviceConvertor }],
  ['configmaps', { group: '', convertor: configMapConvertor }],
  ['secrets', { group: '', convertor: secretConvertor }],
  ['serviceaccounts', { group: '', convertor: serviceAccountConvertor }],
  ['persistentvolumeclaims', { group: '', convertor: pvcConvertor }],
  ['persistentvolumes', { group: '', convertor: persistentVolumeConvertor }],
  ['daemonsets', { group: 'apps', convertor: daemonSetConvertor }],
  ['statefulsets', { group: 'apps', convertor: statefulSetConvertor }],
  ['controllerrevisions', { group: 'apps', convertor: controllerRevisionConvertor }],
  ['leases', { group: 'coordination.k8s.io', convertor: leaseConvertor }],
  ['poddisruptionbudgets', { group: 'policy', convertor: podDisruptionBudgetConvertor }],
  ['priorityclasses', { group: 'scheduling.k8s.io', convertor: priorityClassConvertor }],
  ['storageclasses', { group: 'storage.k8s.io', convertor: storageClassConvertor }],
  ['scale', { group: 'autoscaling', convertor: scaleConvertor }],
]);

/**
 * The printer for a resource. When `group` is given it must match too (so a future
 * `events.k8s.io` events falls back); anything unknown gets {@link defaultConvertor}.
 */
export function tableConvertor(plural: string, group?: string): TableConvertor {
  const entry = REGISTRY.get(plural);
  if (!entry || (group !== undefined && group !== entry.group)) return defaultConvertor;
  return entry.convertor;
}

/**
 * Reads `?includeObject=`: absent or empty means `Metadata` (the server default);
 * an unrecognised value gives undefined, which the caller answers with 400
 * `unrecognized includeObject value: "<v>"`, as upstream.
 */
export function parseIncludeObject(v: unknown): IncludeObject | undefined {
  if (v === undefined || v === '') return 'Metadata';
  return v === 'None' || v === 'Metadata' || v === 'Object' ? v : undefined;
}

const META_FIELDS = [
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
] as const;

/** Go `omitempty` for an ObjectMeta field (the pointer `deletionGracePeriodSeconds` keeps 0). */
function isEmpty(field: string, v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  if (field === 'generation') return v === 0;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

/**
 * `meta.AsPartialObjectMetadata`: every ObjectMeta field, managedFields included (upstream
 * keeps them), empty ones omitted — except `creationTimestamp`, which Go serializes as null.
 */
export function partialObjectMetadata(obj: KObject): { kind: 'PartialObjectMetadata'; apiVersion: 'meta.k8s.io/v1'; metadata: Record<string, unknown> } {
  const metadata: Record<string, unknown> = {};
  const source = obj.metadata as Record<string, unknown>;
  for (const field of META_FIELDS) {
    const v = source[field];
    if (!isEmpty(field, v)) metadata[field] = v;
    else if (field === 'creationTimestamp') metadata[field] = null;
  }
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata };
}

/** Options of {@link buildTable}. */
export interface BuildTableOptions {
  plural: string;
  /** API group of the resource; omit to match by plural only. */
  group?: string;
  /** One object for a GET, the list items for a LIST (or one watch event's object). */
  objects: readonly KObject[];
  resourceVersion?: string;
  continueToken?: string;
  remainingItemCount?: number;
  includeObject: IncludeObject;
  /** Epoch ms used for every age cell. */
  now: number;
  /** Omit column definitions (`?noHeaders=true`, and every watch event after the first). */
  noHeaders?: boolean;
}

function rowObject(obj: KObject, include: IncludeObject): unknown {
  if (include === 'None') return null;
  if (include === 'Object') return obj;
  return partialObjectMetadata(obj);
}

/** Builds the `meta.k8s.io/v1` Table for a GET, LIST or watch event, as the real server does. */
export function buildTable(opts: BuildTableOptions): Table {
  const convertor = tableConvertor(opts.plural, opts.group);
  const rows: TableRow[] = opts.objects.map((obj) => {
    const cells = convertor.cells(obj, opts.now);
    const conditions = convertor.conditions?.(obj);
    const object = rowObject(obj, opts.includeObject);
    return conditions ? { cells, conditions, object } : { cells, object };
  });
  const metadata: Table['metadata'] = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continueToken) metadata.continue = opts.continueToken;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: opts.noHeaders ? null : convertor.columns.map((c) => ({ ...c })),
    rows,
  };
}
