// Builds upstream-named OpenAPI v3 component schemas for every type reachable from the served kinds.

import { FIELD_MERGE_METADATA, TYPE_MERGE_METADATA, type FieldMergeMetadata } from '../../api/list-metadata.js';
import { RESOURCES, groupVersions } from '../../api/resources.js';
import { apiPackage } from '../paths.js';
import { REF_PREFIX, type GroupVersionKind, type Schema } from '../types.js';
import type { DtsMember } from './dts.js';
import type { Attribute, ClientModel, KtDeclaration, Sources } from './sources.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const TIME = `${META}.Time`;
const MICRO_TIME = `${META}.MicroTime`;
const FIELDS_V1 = `${META}.FieldsV1`;
const PATCH = `${META}.Patch`;
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';

/**
 * openapi-generator inlines IntOrString into each field of that type and gives the field the type's description
 * instead of its own: that text describes the IntOrString schema, and the field's own comes from kubernetes-types.
 */
const INT_OR_STRING_DOC = /^IntOrString is /;

/** The result: schemas by upstream name, and what the generator had to guess (reported, never silent). */
export interface Generated {
  schemas: Record<string, Schema>;
  notes: string[];
}

const CLASS_NAME = /^([A-Z][a-z]+)?(V\d+(?:(?:alpha|beta)\d+)?)([A-Z]\w*)$/;

/** Whitespace-insensitive comparison key of a description. */
function normalized(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The description to publish: client-node's text, or kubernetes-types' when both say the same thing (its JSDoc keeps
 * upstream's paragraph breaks, which openapi-generator flattens), or kubernetes-types' when client-node has none
 * (openapi-generator drops the descriptions of fields that reference another type).
 */
function pickDescription(client: string | undefined, kt: string | undefined): string | undefined {
  if (client && kt && normalized(client) === normalized(kt)) return kt;
  return client || kt || undefined;
}

/** The extensions of one field, from the data table. */
function mergeExtensions(meta: FieldMergeMetadata | undefined): Partial<Schema> {
  if (!meta) return {};
  const out: Partial<Schema> = {};
  if (meta.listMapKeys) out['x-kubernetes-list-map-keys'] = [...meta.listMapKeys];
  if (meta.listType) out['x-kubernetes-list-type'] = meta.listType;
  if (meta.mapType) out['x-kubernetes-map-type'] = meta.mapType;
  if (meta.patchMergeKey) out['x-kubernetes-patch-merge-key'] = meta.patchMergeKey;
  if (meta.patchStrategy) out['x-kubernetes-patch-strategy'] = meta.patchStrategy;
  return out;
}

/** A reference with siblings, as upstream's v3 documents write it: `allOf: [{$ref}]` beside them, a bare `$ref` alone. */
function ref(name: string, siblings: Partial<Schema> = {}): Schema {
  const hasSiblings = Object.values(siblings).some((v) => v !== undefined);
  return hasSiblings ? { allOf: [{ $ref: REF_PREFIX + name }], ...siblings } : { $ref: REF_PREFIX + name };
}

/** The GVKs each schema carries: served kinds and lists, subresource kinds, and the meta kinds of every served GV. */
function groupVersionKinds(): Map<string, GroupVersionKind[]> {
  const out = new Map<string, GroupVersionKind[]>();
  const add = (schema: string, gvk: GroupVersionKind): void => {
    const list = out.get(schema) ?? [];
    if (!list.some((g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind)) list.push(gvk);
    out.set(schema, list);
  };
  for (const r of RESOURCES) {
    const pkg = apiPackage(r.group, r.version);
    add(`${pkg}.${r.kind}`, { group: r.group, version: r.version, kind: r.kind });
    add(`${pkg}.${r.listKind}`, { group: r.group, version: r.version, kind: r.listKind });
    for (const s of r.subresources) {
      if (s.kind !== r.kind) add(`${apiPackage(s.group, s.version)}.${s.kind}`, { group: s.group, version: s.version, kind: s.kind });
    }
  }
  add(`${META}.Status`, { group: '', version: 'v1', kind: 'Status' });
  for (const gv of groupVersions()) {
    add(`${META}.DeleteOptions`, { group: gv.group, version: gv.version, kind: 'DeleteOptions' });
    add(`${META}.WatchEvent`, { group: gv.group, version: gv.version, kind: 'WatchEvent' });
  }
  for (const list of out.values()) list.sort((a, b) => a.group.localeCompare(b.group) || a.version.localeCompare(b.version));
  return out;
}

interface Pending {
  className: string;
  /** The package of the type that referenced it first (for types kubernetes-types does not know). */
  parentPkg: string;
  /** The upstream name, when a root fixes it. */
  name?: string;
}

/** The generator proper: walks client-node models from the served kinds outwards. */
class SchemaBuilder {
  readonly schemas: Record<string, Schema> = {};
  readonly notes: string[] = [];
  private readonly nameOfClass = new Map<string, string>();
  private readonly queue: Pending[] = [];
  private readonly usedMetadata = new Set<string>();
  private readonly gvks = groupVersionKinds();
  private intOrStringDoc: string | undefined;

  constructor(private readonly src: Sources) {}

  /** Adds a root kind by its upstream name (`io.k8s.api.core.v1.Pod`). */
  root(name: string, group: string, kind: string): void {
    const prefix = group === '' ? 'Core' : group.split('.')[0]!.replace(/^./, (c) => c.toUpperCase());
    const candidates = [`${prefix}V1${kind}`, `V1${kind}`];
    const className = candidates.find((c) => this.src.models.has(c));
    if (!className) throw new Error(`client-node has no model for ${name} (tried ${candidates.join(', ')})`);
    this.enqueue({ className, parentPkg: name.slice(0, name.lastIndexOf('.')), name });
  }

  /** The upstream name of a client-node class, resolved the first time it is referenced. */
  private schemaNameOf(className: string, parentPkg: string): string {
    const known = this.nameOfClass.get(className);
    if (known) return known;
    const m = CLASS_NAME.exec(className);
    if (!m) throw new Error(`client-node class name not understood: ${className}`);
    const [, prefix, versionPart, base] = m;
    const version = versionPart!.toLowerCase();
    let pkg: string;
    if (prefix) {
      pkg = `io.k8s.api.${prefix.toLowerCase()}.${version}`;
    } else {
      const candidates = (this.src.kt.get(base!) ?? []).filter((d: KtDeclaration) => d.version === version);
      const pkgs = [...new Set(candidates.map((c) => c.pkg))];
      if (pkgs.length === 1) pkg = pkgs[0]!;
      else if (pkgs.includes(parentPkg)) pkg = parentPkg;
      else if (pkgs.length === 0) {
        pkg = parentPkg;
        this.notes.push(`${className}: not in kubernetes-types; named after the package of its first referrer (${parentPkg})`);
      } else throw new Error(`${className}: ambiguous package (${pkgs.join(', ')}) from ${parentPkg}`);
    }
    const name = `${pkg}.${base!}`;
    this.nameOfClass.set(className, name);
    return name;
  }

  private enqueue(p: Pending): string {
    const existing = this.nameOfClass.get(p.className);
    if (existing) return existing;
    const name = p.name ?? this.schemaNameOf(p.className, p.parentPkg);
    this.nameOfClass.set(p.className, name);
    this.queue.push({ ...p, name });
    return name;
  }

  /** Builds every queued schema and whatever it references. */
  run(): void {
    for (let p = this.queue.shift(); p; p = this.queue.shift()) this.build(this.src.models.get(p.className)!, p.name!);
    for (const [type, fields] of Object.entries(FIELD_MERGE_METADATA)) {
      for (const field of Object.keys(fields)) {
        if (!this.usedMetadata.has(`${type}.${field}`)) throw new Error(`list metadata for ${type}.${field}: no such field in the generated schemas`);
      }
    }
  }

  private ktDeclaration(name: string): KtDeclaration | undefined {
    const pkg = name.slice(0, name.lastIndexOf('.'));
    const base = name.slice(name.lastIndexOf('.') + 1);
    return this.src.kt.get(base)?.find((d) => d.pkg === pkg);
  }

  private build(model: ClientModel, name: string): void {
    const pkg = name.slice(0, name.lastIndexOf('.'));
    const kt = this.ktDeclaration(name);
    const ktMembers = new Map((kt?.declaration.members ?? []).map((m) => [m.name, m]));
    const members = new Map(model.declaration.members.map((m) => [m.name, m]));
    const gvk = this.gvks.get(name);
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    for (const attr of model.attributes) {
      const member = members.get(attr.name);
      const isRequired = member !== undefined && !member.optional;
      if (isRequired) required.push(attr.baseName);
      properties[attr.baseName] = this.property(name, pkg, attr, member, ktMembers.get(attr.baseName), isRequired, gvk !== undefined);
    }
    const schema: Schema = { type: 'object', properties };
    const description = pickDescription(model.declaration.doc, kt?.declaration.doc);
    if (description) schema.description = description;
    if (required.length) schema.required = required;
    if (gvk) schema['x-kubernetes-group-version-kind'] = gvk;
    const mapType = TYPE_MERGE_METADATA[name]?.mapType;
    if (mapType) schema['x-kubernetes-map-type'] = mapType;
    this.schemas[name] = schema;
  }

  private property(owner: string, pkg: string, attr: Attribute, member: DtsMember | undefined, kt: DtsMember | undefined, isRequired: boolean, topLevel: boolean): Schema {
    let clientDoc = member?.doc;
    if (attr.type === 'IntOrString' && clientDoc !== undefined && INT_OR_STRING_DOC.test(clientDoc)) {
      this.intOrStringDoc ??= clientDoc;
      clientDoc = undefined;
    }
    const description = pickDescription(clientDoc, kt?.doc);
    const meta = FIELD_MERGE_METADATA[owner]?.[attr.baseName];
    if (meta) this.usedMetadata.add(`${owner}.${attr.baseName}`);
    const extensions = mergeExtensions(meta);
    const t = this.typeOf(attr.type, attr.format, kt?.type, pkg);
    if ('ref' in t) {
      // Upstream gives the non-pointer metadata/spec/status structs of a kind (and ObjectMeta/ListMeta anywhere) `{}`.
      const isStruct = this.src.models.has(t.className ?? '');
      const defaultsToEmpty = isStruct && (attr.baseName === 'metadata' || (topLevel && (attr.baseName === 'spec' || attr.baseName === 'status')));
      return ref(t.ref, { default: defaultsToEmpty ? {} : undefined, description, ...extensions });
    }
    const schema: Schema = { ...t.schema };
    if (isRequired && t.zero !== undefined) schema.default = t.zero;
    if (description) schema.description = description;
    return { ...schema, ...extensions };
  }

  /**
   * An element of a list or map (client-node gives the collection the element's format): strings and numbers carry
   * their zero value as default, structs `{}` (upstream's shape); bytes none.
   */
  private element(type: string, format: string, ktType: string | undefined, pkg: string): Schema {
    const t = this.typeOf(type, format, ktType, pkg);
    if ('ref' in t) return t.className ? ref(t.ref, { default: {} }) : ref(t.ref);
    return t.zero !== undefined && format !== 'byte' ? { default: t.zero, ...t.schema } : t.schema;
  }

  /**
   * Maps a client-node attribute type to a schema. kubernetes-types' type text refines what client-node flattens:
   * Quantity (client-node: `string`), RawExtension and FieldsV1 (client-node: `any`).
   */
  private typeOf(type: string, format: string, ktType: string | undefined, pkg: string): { ref: string; className?: string } | { schema: Schema; zero?: unknown } {
    const array = /^Array<(.+)>$/.exec(type);
    if (array) {
      const ktElem = ktType ? /^Array<(.+)>$/.exec(ktType)?.[1] : undefined;
      return { schema: { type: 'array', items: this.element(array[1]!, format, ktElem, pkg) } };
    }
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) {
      const ktElem = ktType ? /^\{ \[\w+: string\]: (.+); \}$/.exec(ktType)?.[1] : undefined;
      return { schema: { type: 'object', additionalProperties: this.element(map[1]!, format, ktElem, pkg) } };
    }
    switch (type) {
      case 'string':
        if (ktType === 'Quantity') return { ref: QUANTITY };
        return { schema: format ? { type: 'string', format } : { type: 'string' }, zero: '' };
      case 'number':
        if (format === 'int32' || format === 'int64') return { schema: { type: 'integer', format }, zero: 0 };
        return { schema: format ? { type: 'number', format } : { type: 'number' }, zero: 0 };
      case 'boolean':
        return { schema: { type: 'boolean' }, zero: false };
      case 'Date':
      case 'V1MicroTime':
        return { ref: format === 'date-time-micro' ? MICRO_TIME : TIME };
      case 'IntOrString':
        return { ref: INT_OR_STRING };
      case 'any':
        if (ktType === 'RawExtension') return { ref: RAW_EXTENSION };
        if (ktType === 'FieldsV1') return { ref: FIELDS_V1 };
        this.notes.push(`a field of type any (kubernetes-types: ${ktType ?? 'unknown'}) is published as a free-form object`);
        return { schema: { type: 'object' } };
      default: {
        if (!this.src.models.has(type)) throw new Error(`client-node type not understood: ${type}`);
        return { ref: this.enqueue({ className: type, parentPkg: pkg }), className: type };
      }
    }
  }

  /** The special types: named as upstream, shaped as upstream's v3 documents, described by kubernetes-types. */
  addSpecialTypes(): void {
    const doc = (name: string): string | undefined => this.ktDeclaration(name)?.declaration.doc;
    const described = (name: string, schema: Schema): Schema => {
      const description = doc(name);
      return description ? { description, ...schema } : schema;
    };
    this.schemas[TIME] = described(TIME, { type: 'string', format: 'date-time' });
    this.schemas[MICRO_TIME] = described(MICRO_TIME, { type: 'string', format: 'date-time' });
    this.schemas[QUANTITY] = described(QUANTITY, { oneOf: [{ type: 'string' }, { type: 'number' }] });
    this.schemas[RAW_EXTENSION] = described(RAW_EXTENSION, { type: 'object' });
    this.schemas[FIELDS_V1] = described(FIELDS_V1, { type: 'object' });
    this.schemas[PATCH] = described(PATCH, { type: 'object' });
    const intOrString: Schema = { format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] };
    if (this.intOrStringDoc) intOrString.description = this.intOrStringDoc;
    this.schemas[INT_OR_STRING] = intOrString;
  }
}

/** Recursively sorts object keys (Go's JSON encoding of upstream's maps), leaving arrays in order. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
  return out as T;
}

/**
 * Generates the component schemas of every type reachable from the served kinds, their lists, their subresource
 * kinds and the meta kinds the paths use (Status, DeleteOptions, WatchEvent, APIResourceList, Patch).
 *
 * Sources, field by field (client-node is generated from upstream's OpenAPI, but flattens some of it):
 * - names, JSON names, types and formats: each client-node model's `attributeTypeMap`;
 * - required-ness (`name:` versus `name?:`) and descriptions: the model's `.d.ts`;
 * - the Go package of each type (hence its upstream name), the descriptions openapi-generator drops (fields that
 *   reference another type), paragraph breaks, and the special types it flattens (Quantity is `string`,
 *   RawExtension and FieldsV1 are `any`): kubernetes-types' declarations;
 * - list and map metadata (merge keys, list types): the data table in apiserver/api/list-metadata.ts;
 * - GVKs: the resource table.
 * Shapes follow upstream's v3 documents: a reference with siblings is `allOf: [{$ref}]`, alone a bare `$ref`; keys
 * sorted; primitives in lists and maps and required primitives default to their zero value, struct elements and a
 * kind's metadata/spec/status to `{}`.
 */
export function generateSchemas(src: Sources): Generated {
  const b = new SchemaBuilder(src);
  for (const r of RESOURCES) {
    const pkg = apiPackage(r.group, r.version);
    b.root(`${pkg}.${r.kind}`, r.group, r.kind);
    b.root(`${pkg}.${r.listKind}`, r.group, r.listKind);
    for (const s of r.subresources) {
      if (s.kind !== r.kind) b.root(`${apiPackage(s.group, s.version)}.${s.kind}`, s.group, s.kind);
    }
  }
  for (const kind of ['Status', 'DeleteOptions', 'WatchEvent', 'APIResourceList']) b.root(`${META}.${kind}`, 'meta', kind);
  b.run();
  b.addSpecialTypes();
  return { schemas: sortKeys(b.schemas), notes: b.notes };
}
