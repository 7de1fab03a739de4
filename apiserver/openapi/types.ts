// The OpenAPI v3 shapes kubeling serves: schemas (as upstream's components.schemas), GVK entries, documents.

/** A group-version-kind as the `x-kubernetes-group-version-kind` extension writes it. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** The part of an OpenAPI 3.0 schema object that Kubernetes' documents use. */
export interface Schema {
  $ref?: string;
  allOf?: Schema[];
  oneOf?: Schema[];
  additionalProperties?: Schema | boolean;
  default?: unknown;
  description?: string;
  format?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
}

/** The prefix of every schema reference in a document. */
export const REF_PREFIX = '#/components/schemas/';

/** The schema name a `$ref` points at (`#/components/schemas/io.k8s.api.core.v1.Pod` → `io.k8s.api.core.v1.Pod`). */
export function refName(ref: string): string {
  return ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
}
