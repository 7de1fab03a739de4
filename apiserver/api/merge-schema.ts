// Each kind's tree of patch strategies and list/map types, derived from the one metadata table (list-metadata.ts).

import { FIELD_MERGE_METADATA, TYPE_MERGE_METADATA, type FieldMergeMetadata } from './list-metadata.js';
import { FIELD_TYPES, OBJECT_META_TYPE } from './merge-types.js';
import { RESOURCES } from './resources.js';

/**
 * How a strategic merge patch treats one field: the `x-kubernetes-patch-strategy` and
 * `x-kubernetes-patch-merge-key` of the real schema.
 *
 * - `strategy: 'merge'` with `mergeKey`: a list of objects merged element by element on that key.
 * - `strategy: 'merge'` without `mergeKey`: a list of primitives merged as an ordered set (finalizers).
 * - `strategy: 'replace'` on an object: the patch value replaces the live one.
 * - no strategy: objects merge key by key, lists are replaced wholesale.
 * - `retainKeys`: the field carries the `retainKeys` strategy (for lists: on each element). As upstream, the
 *   engine honours a `$retainKeys` directive wherever it appears; the flag documents the schema.
 */
export interface SchemaNode {
  readonly strategy?: 'merge' | 'replace';
  readonly mergeKey?: string;
  readonly retainKeys?: boolean;
  /** Fields of this object or, for a list of objects, of each element. Unlisted fields have no strategy. */
  readonly fields?: Readonly<Record<string, SchemaNode>>;
}

/** How server-side apply sees a field (`x-kubernetes-list-type`, `-list-map-keys`, `-map-type`). */
export type ApplyShape = Pick<FieldMergeMetadata, 'listType' | 'listMapKeys' | 'mapType'>;

type Fields = Readonly<Record<string, SchemaNode>>;

/** Server-side apply's view of each derived node, kept beside the strategic view (one derivation, two readers). */
const APPLY_SHAPES = new WeakMap<SchemaNode, ApplyShape>();

/** The server-side apply shape of a node (`{}`: granular map, atomic list). */
export function applyShapeOf(node: SchemaNode): ApplyShape {
  return APPLY_SHAPES.get(node) ?? {};
}

function fieldNode(meta: FieldMergeMetadata | undefined, type: string | undefined, fields: (type: string) => Fields | undefined): SchemaNode {
  const node: { -readonly [K in keyof SchemaNode]: SchemaNode[K] } = {};
  const strategy = meta?.patchStrategy;
  if (strategy === 'merge' || strategy === 'merge,retainKeys') node.strategy = 'merge';
  if (strategy === 'replace') node.strategy = 'replace';
  if (meta?.patchMergeKey !== undefined) node.mergeKey = meta.patchMergeKey;
  if (strategy === 'merge,retainKeys' || strategy === 'retainKeys') node.retainKeys = true;
  const sub = type === undefined ? undefined : fields(type);
  if (sub) node.fields = sub;
  const shape: { -readonly [K in keyof ApplyShape]: ApplyShape[K] } = {};
  if (meta?.listType) shape.listType = meta.listType;
  if (meta?.listMapKeys) shape.listMapKeys = meta.listMapKeys;
  const mapType = meta?.mapType ?? (type === undefined ? undefined : TYPE_MERGE_METADATA[type]?.mapType);
  if (mapType) shape.mapType = mapType;
  APPLY_SHAPES.set(node, shape);
  return node;
}

/**
 * Derives the fields of each type once (shared by every kind that holds the type): every field with merge metadata
 * or on the way to one (FIELD_TYPES).
 */
class Derivation {
  private readonly byType = new Map<string, Fields | undefined>();

  fieldsOf(type: string, extra: Readonly<Record<string, string>> = {}): Fields | undefined {
    const key = Object.keys(extra).length ? `${type}+` : type;
    if (this.byType.has(key)) return this.byType.get(key);
    const meta = FIELD_MERGE_METADATA[type] ?? {};
    const types = { ...extra, ...FIELD_TYPES[type] };
    const names = new Set([...Object.keys(meta), ...Object.keys(types)]);
    let out: Record<string, SchemaNode> | undefined;
    for (const name of names) (out ??= {})[name] = fieldNode(meta[name], types[name], (t) => this.fieldsOf(t));
    this.byType.set(key, out);
    return out;
  }

  /** A kind's tree: its own fields and ObjectMeta's. */
  kind(type: string): SchemaNode {
    return { fields: this.fieldsOf(type, { metadata: OBJECT_META_TYPE }) };
  }
}

const derivation = new Derivation();

/** Upstream's schema name of a kind (`io.k8s.api.<group's first label or core>.<version>.<Kind>`). */
function typeOfKind(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') as [string, string] : ['', apiVersion];
  return `io.k8s.api.${group === '' ? 'core' : group.split('.')[0]}.${version}.${kind}`;
}

/** The kinds with a tree, keyed `apiVersion/Kind`: every served kind, and events.k8s.io's Event. */
const KINDS: ReadonlyMap<string, SchemaNode> = new Map(
  [...RESOURCES.map((r) => [r.group ? `${r.group}/${r.version}` : r.version, r.kind] as const), ['events.k8s.io/v1', 'Event'] as const]
    .map(([apiVersion, kind]) => [`${apiVersion}/${kind}`, derivation.kind(typeOfKind(apiVersion, kind))]),
);

/** For kinds outside the table: ObjectMeta's strategies, every other list replaced, objects merged. */
const UNKNOWN_KIND: SchemaNode = derivation.kind('');

/** The tree of a kind; kinds kubeling does not serve get ObjectMeta's strategies only. */
export function mergeSchemaFor(apiVersion: string, kind: string): SchemaNode {
  return KINDS.get(`${apiVersion}/${kind}`) ?? UNKNOWN_KIND;
}

/** Whether the kind has a tree of its own (upstream refuses strategic merge patch for custom resources: 415). */
export function hasMergeSchema(apiVersion: string, kind: string): boolean {
  return KINDS.has(`${apiVersion}/${kind}`);
}
