// Wire types of the meta.k8s.io/v1 Table and the per-resource convertor contract.

import type { KObject } from '../../api/types.js';

/** `metav1.TableColumnDefinition`; every field is always serialized. */
export interface ColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

/** `metav1.TableRowCondition` (upstream sets `Completed` on finished pods). */
export interface TableRowCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/** `metav1.TableRow`. `object` is `null` for includeObject=None, as upstream serializes it. */
export interface TableRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
  object: unknown;
}

/** `metav1.Table` as served. `columnDefinitions` is `null` when headers are suppressed. */
export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: ColumnDefinition[] | null;
  rows: TableRow[];
}

/** The server-side printer of one resource: its columns and how to fill one row. */
export interface TableConvertor {
  /** All columns, wide ones included (priority 1); the client hides those without `-o wide`. */
  columns: ColumnDefinition[];
  /** One row's cells, in column order. `now` is epoch ms (injected clock). */
  cells(obj: KObject, now: number): unknown[];
  /** Optional row conditions (pods mark Succeeded/Failed rows `Completed`). */
  conditions?(obj: KObject): TableRowCondition[] | undefined;
}
