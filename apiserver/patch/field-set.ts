// Sets of field paths (structured-merge-diff fieldpath.Set): a trie whose keys are FieldsV1 path elements.

/**
 * A path element as FieldsV1 writes it: `f:<field>` (a field of an object), `k:{"name":"c"}` (an element of a
 * list keyed by its merge keys, keys sorted), `v:<json>` (a value of a set-like primitive list).
 */
export type PathElement = string;

/** A set of paths. `member` says the path ending here is in the set; `children` hold longer paths. */
export class FieldSet {
  member = false;
  readonly children = new Map<PathElement, FieldSet>();

  /** Adds one path. */
  insert(path: readonly PathElement[]): void {
    let node: FieldSet = this;
    for (const pe of path) node = node.child(pe);
    node.member = true;
  }

  /** The subtree under one element, created when missing. */
  child(pe: PathElement): FieldSet {
    let c = this.children.get(pe);
    if (!c) this.children.set(pe, (c = new FieldSet()));
    return c;
  }

  /** Whether a path is a member. */
  has(path: readonly PathElement[]): boolean {
    let node: FieldSet | undefined = this;
    for (const pe of path) node = node?.children.get(pe);
    return node?.member ?? false;
  }

  /** Whether some member path starts with `path` (the path itself included). */
  hasPrefix(path: readonly PathElement[]): boolean {
    let node: FieldSet | undefined = this;
    for (const pe of path) node = node?.children.get(pe);
    return node !== undefined && !node.empty();
  }

  /** True when no path is a member. */
  empty(): boolean {
    if (this.member) return false;
    for (const c of this.children.values()) if (!c.empty()) return false;
    return true;
  }

  /** Every member path, depth first. */
  paths(prefix: PathElement[] = []): PathElement[][] {
    const out: PathElement[][] = this.member ? [[...prefix]] : [];
    for (const [pe, c] of this.children) out.push(...c.paths([...prefix, pe]));
    return out;
  }

  /** A new set holding the members of both. */
  union(other: FieldSet): FieldSet {
    return combine(this, other, (a, b) => a || b);
  }

  /** A new set holding the members of this set that are not members of `other`. */
  difference(other: FieldSet): FieldSet {
    return combine(this, other, (a, b) => a && !b);
  }

  /** A new set holding the members of both sets. */
  intersection(other: FieldSet): FieldSet {
    return combine(this, other, (a, b) => a && b);
  }

  /** Whether both sets have the same members. */
  equals(other: FieldSet): boolean {
    return this.difference(other).empty() && other.difference(this).empty();
  }

  /** The FieldsV1 JSON object: `{}` for a leaf member, `".": {}` for a member that has children. */
  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const kids = [...this.children].filter(([, c]) => !c.empty()).sort(([a], [b]) => compareElements(a, b));
    if (this.member && kids.length > 0) out['.'] = {};
    for (const [pe, c] of kids) out[pe] = c.toFieldsV1();
    return out;
  }

  /** Reads a FieldsV1 object; anything that is not one yields the members read so far. */
  static fromFieldsV1(v: unknown): FieldSet {
    const set = new FieldSet();
    fill(set, v, true);
    return set;
  }
}

const RANK: Readonly<Record<string, number>> = { f: 0, k: 1, v: 2, i: 3 };

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function valueRank(v: unknown): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  return v === null ? 5 : 4;
}

/** structured-merge-diff value.Compare: numbers, then strings, booleans, lists, maps, null. */
function compareValues(a: unknown, b: unknown): number {
  const r = valueRank(a) - valueRank(b);
  if (r !== 0) return r;
  if (typeof a === 'number') return Math.sign(a - (b as number));
  if (typeof a === 'string') return byteOrder(a, b as string);
  if (typeof a === 'boolean') return Number(a) - Number(b);
  return byteOrder(JSON.stringify(a), JSON.stringify(b));
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** structured-merge-diff FieldList.Compare on two `k:` elements: key by key, name then value. */
function compareKeys(a: string, b: string): number {
  const ka = Object.entries(parse(a) as Record<string, unknown>);
  const kb = Object.entries(parse(b) as Record<string, unknown>);
  for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
    const x = ka[i];
    const y = kb[i];
    if (!x || !y) return x ? 1 : -1;
    const c = byteOrder(x[0], y[0]) || compareValues(x[1], y[1]);
    if (c !== 0) return c;
  }
  return 0;
}

/** The order FieldsV1 lists path elements in (structured-merge-diff PathElement.Compare): fields, keys, values, indices. */
export function compareElements(a: PathElement, b: PathElement): number {
  const ra = RANK[a[0] ?? ''] ?? 4;
  const rb = RANK[b[0] ?? ''] ?? 4;
  if (ra !== rb) return ra - rb;
  const x = a.slice(2);
  const y = b.slice(2);
  if (ra === 1) return compareKeys(x, y);
  if (ra === 2) return compareValues(parse(x), parse(y));
  if (ra === 3) return Number(x) - Number(y);
  return byteOrder(x, y);
}

function fill(node: FieldSet, v: unknown, root: boolean): void {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return;
  const entries = Object.entries(v as Record<string, unknown>);
  if (!root && entries.length === 0) node.member = true;
  for (const [k, c] of entries) {
    if (k === '.') node.member = true;
    else fill(node.child(k), c, false);
  }
}

function combine(a: FieldSet | undefined, b: FieldSet | undefined, keep: (a: boolean, b: boolean) => boolean): FieldSet {
  const out = new FieldSet();
  out.member = keep(a?.member ?? false, b?.member ?? false);
  const keys = new Set([...(a?.children.keys() ?? []), ...(b?.children.keys() ?? [])]);
  for (const k of keys) {
    const c = combine(a?.children.get(k), b?.children.get(k), keep);
    if (!c.empty()) out.children.set(k, c);
  }
  return out;
}

/** `f:<name>`. */
export const fieldElement = (name: string): PathElement => `f:${name}`;

/** `k:{...}` with the key fields sorted by name, as structured-merge-diff serializes them. */
export function keyElement(keys: Readonly<Record<string, unknown>>): PathElement {
  const sorted = Object.keys(keys).sort();
  return `k:{${sorted.map((k) => `${JSON.stringify(k)}:${JSON.stringify(keys[k])}`).join(',')}}`;
}

/** `v:<json>`. */
export const valueElement = (v: unknown): PathElement => `v:${JSON.stringify(v)}`;

/** One element as fieldpath.Path.String() prints it: `.name`, `[name="c"]`, `[="x"]`. */
function elementString(pe: PathElement): string {
  if (pe.startsWith('f:')) return `.${pe.slice(2)}`;
  if (pe.startsWith('v:')) return `[=${pe.slice(2)}]`;
  if (pe.startsWith('i:')) return `[${pe.slice(2)}]`;
  if (pe.startsWith('k:')) {
    try {
      const keys = JSON.parse(pe.slice(2)) as Record<string, unknown>;
      return `[${Object.entries(keys).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
    } catch {
      return `[${pe.slice(2)}]`;
    }
  }
  return pe;
}

/** A path as upstream prints it in conflict messages, e.g. `.spec.containers[name="c"].image`. */
export function pathString(path: readonly PathElement[]): string {
  return path.map(elementString).join('');
}
