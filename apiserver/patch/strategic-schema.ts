// Patch strategies and merge keys of the served kinds, as derived from the one metadata table in apiserver/api.

import { hasMergeSchema, mergeSchemaFor, type SchemaNode } from '../api/merge-schema.js';

export type { SchemaNode } from '../api/merge-schema.js';

/** A field with no patch strategy: objects merge, lists are replaced wholesale. */
const PLAIN: SchemaNode = Object.freeze({});

/**
 * The strategic-merge schema of a kind. Kinds outside the table get ObjectMeta's strategies and
 * merge-patch-like behaviour elsewhere (objects merge, lists are replaced).
 */
export function schemaFor(apiVersion: string, kind: string): SchemaNode {
  return mergeSchemaFor(apiVersion, kind);
}

/** Whether the table describes this kind (upstream refuses strategic merge patch for custom resources: 415). */
export function hasStrategicSchema(apiVersion: string, kind: string): boolean {
  return hasMergeSchema(apiVersion, kind);
}

/** The schema of one field of an object (or of each element of a list of objects); `{}` when unlisted. */
export function fieldSchema(node: SchemaNode, field: string): SchemaNode {
  const fields = node.fields;
  return fields && Object.hasOwn(fields, field) ? (fields[field] ?? PLAIN) : PLAIN;
}

/** The schema at a path of field names, e.g. `['spec', 'template', 'spec', 'containers', 'env']`. */
export function schemaAt(node: SchemaNode, path: readonly string[]): SchemaNode {
  return path.reduce(fieldSchema, node);
}
