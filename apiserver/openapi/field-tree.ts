// Decoding trees: what Go's strict JSON decoder knows of each served kind, compiled once from the generated schemas.

import { SCHEMAS } from './generated-schemas.js';
import { apiPackage } from './paths.js';
import { refName, type Schema } from './types.js';

/**
 * How the decoder treats a value (sigs.k8s.io/json into the Go type):
 * - `struct`: known fields by exact name; any other key is an unknown field; a repeated field is a duplicate.
 * - `map`: any key (duplicates reported), each value decoded as `elem`.
 * - `list`: each element decoded as `elem`.
 * - `free`: `interface{}` — maps and lists of anything; duplicates reported, never unknown fields.
 * - `opaque`: a type with its own JSON decoding (RawExtension, FieldsV1, Quantity, IntOrString, Time): nothing inside
 *   is checked.
 */
export type FieldNode =
  | { readonly t: 'struct'; readonly fields: ReadonlyMap<string, FieldNode> }
  | { readonly t: 'map'; readonly elem: FieldNode }
  | { readonly t: 'list'; readonly elem: FieldNode }
  | { readonly t: 'free' }
  | { readonly t: 'opaque' };

export const FREE: FieldNode = Object.freeze({ t: 'free' });
export const OPAQUE: FieldNode = Object.freeze({ t: 'opaque' });

/** The body of a JSON patch as upstream decodes it strictly: a list of `{op, path, from, value}`. */
export const JSON_PATCH_OPERATIONS: FieldNode = {
  t: 'list',
  elem: { t: 'struct', fields: new Map<string, FieldNode>([['op', OPAQUE], ['path', OPAQUE], ['from', OPAQUE], ['value', FREE]]) },
};

/** Types with their own JSON decoding: their content is never checked field by field. */
const OPAQUE_TYPES = new Set([
  'io.k8s.apimachinery.pkg.runtime.RawExtension',
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1',
  'io.k8s.apimachinery.pkg.api.resource.Quantity',
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime',
]);

/** Compiles schemas into decoding trees, sharing one node per named schema (recursive types stay finite). */
export class FieldTrees {
  private readonly named = new Map<string, FieldNode>();

  constructor(private readonly schemas: Readonly<Record<string, Schema>> = SCHEMAS) {}

  /** The tree of a named schema (`io.k8s.api.core.v1.Pod`), or undefined when there is no such schema. */
  ofSchema(name: string): FieldNode | undefined {
    const known = this.named.get(name);
    if (known) return known;
    const schema = this.schemas[name];
    if (!schema) return undefined;
    if (OPAQUE_TYPES.has(name)) return OPAQUE;
    if (schema.type === 'object' && schema.properties) {
      // Registered before its fields are compiled, so a type that contains itself points at this node.
      const fields = new Map<string, FieldNode>();
      const node: FieldNode = { t: 'struct', fields };
      this.named.set(name, node);
      for (const [field, sub] of Object.entries(schema.properties)) fields.set(field, this.ofSchemaObject(sub));
      return node;
    }
    const node = this.ofSchemaObject(schema);
    this.named.set(name, node);
    return node;
  }

  private ofSchemaObject(s: Schema): FieldNode {
    const ref = s.$ref ?? s.allOf?.[0]?.$ref;
    if (ref !== undefined) return this.ofSchema(refName(ref)) ?? FREE;
    if (s.type === 'array') return { t: 'list', elem: s.items ? this.ofSchemaObject(s.items) : FREE };
    if (s.type === 'object') {
      if (s.properties) return { t: 'struct', fields: new Map(Object.entries(s.properties).map(([k, v]) => [k, this.ofSchemaObject(v)])) };
      if (typeof s.additionalProperties === 'object') return { t: 'map', elem: this.ofSchemaObject(s.additionalProperties) };
      return FREE;
    }
    return OPAQUE;
  }

  private readonly byKind = new WeakMap<object, FieldNode | null>();

  /** The tree of a served kind (a resource-table entry), or undefined when no schema describes it. */
  ofKind(r: { readonly group: string; readonly version: string; readonly kind: string }): FieldNode | undefined {
    let node = this.byKind.get(r);
    if (node === undefined) this.byKind.set(r, (node = this.ofSchema(`${apiPackage(r.group, r.version)}.${r.kind}`) ?? null));
    return node ?? undefined;
  }
}

/**
 * The trees of the generated schemas, compiled on first use. Shared by every server in the process: it only
 * memoizes a pure function of the generated (immutable) schemas.
 */
export const FIELD_TREES = new FieldTrees();
