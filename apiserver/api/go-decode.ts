// Typed decoding as upstream does it, for the fields kubeling reads: JSON type errors in Go's words, zero values for nulls.

import { base64ErrorIndex, jsonKind, rfc3339Error } from './go-text.js';

/** A Go type, as far as the checks below need it. Fields of a struct are listed in Go declaration order. */
export type GoType =
  | { t: 'string'; name: string }
  | { t: 'int'; name: 'int64' | 'int32' }
  | { t: 'bool' }
  | { t: 'time' }
  | { t: 'bytes' }
  | { t: 'map'; elem: GoType }
  | { t: 'list'; elem: GoType }
  | { t: 'struct'; name: string; pkg: string; fields: ReadonlyArray<readonly [string, GoType]> };

/** Go's `reflect.Type.String()` of a type. */
export function goTypeName(t: GoType): string {
  switch (t.t) {
    case 'string':
    case 'int':
      return t.name;
    case 'bool':
      return 'bool';
    case 'time':
      return 'v1.Time';
    case 'bytes':
      return '[]uint8';
    case 'map':
      return `map[string]${goTypeName(t.elem)}`;
    case 'list':
      return `[]${goTypeName(t.elem)}`;
    case 'struct':
      return `${t.pkg}.${t.name}`;
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Where a value sits, as Go's decoder reports it: the innermost struct and the JSON field path from the root. The path
 * is a chain of field names, joined only when an error is reported (most values decode without one).
 */
interface At {
  struct: string;
  parent?: At;
  field?: string;
}

const ROOT: At = { struct: '' };

function pathOf(at: At): string {
  const names: string[] = [];
  for (let a: At | undefined = at; a?.field !== undefined; a = a.parent) names.push(a.field);
  return names.reverse().join('.');
}

/** `json: cannot unmarshal <kind> into Go struct field <Struct>.<path> of type <T>` (UnmarshalTypeError). */
function mismatch(value: string, want: string, at: At): string {
  const path = pathOf(at);
  const where = path ? `Go struct field ${at.struct}.${path}` : 'Go value';
  return `json: cannot unmarshal ${value} into ${where} of type ${want}`;
}

/** The Go zero value a JSON null becomes inside a map or list (a top-level struct field is removed instead). */
function zeroOf(t: GoType): unknown {
  if (t.t === 'string') return '';
  if (t.t === 'struct') return {};
  return null;
}

/** A number for an integer field: Go quotes the literal when it is not an integer or overflows (JS: not safe). */
function intError(v: number, name: 'int64' | 'int32', at: At): string | undefined {
  const ok = name === 'int32' ? Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 : Number.isSafeInteger(v);
  return ok ? undefined : mismatch(`number ${String(v)}`, name, at);
}

function scalarError(v: unknown, t: GoType, at: At): string | undefined {
  switch (t.t) {
    case 'string':
      return typeof v === 'string' ? undefined : mismatch(jsonKind(v), t.name, at);
    case 'int':
      return typeof v === 'number' ? intError(v, t.name, at) : mismatch(jsonKind(v), t.name, at);
    case 'bool':
      return typeof v === 'boolean' ? undefined : mismatch(jsonKind(v), 'bool', at);
    case 'time':
      return typeof v === 'string' ? rfc3339Error(v) : mismatch(jsonKind(v), 'string', at);
    case 'bytes': {
      if (typeof v !== 'string') return mismatch(jsonKind(v), '[]uint8', at);
      const bad = base64ErrorIndex(v, 'std');
      return bad === undefined ? undefined : `illegal base64 data at input byte ${bad}`;
    }
    default:
      return undefined;
  }
}

function elementsError(values: unknown[] | Obj, elem: GoType, at: At): string | undefined {
  const keys = Array.isArray(values) ? values.keys() : Object.keys(values);
  for (const k of keys) {
    const container = values as Record<string | number, unknown>;
    if (container[k] === null) {
      container[k] = zeroOf(elem);
      continue;
    }
    const err = decodeError(container[k], elem, at);
    if (err) return err;
  }
  return undefined;
}

type StructType = Extract<GoType, { t: 'struct' }>;

/** Each struct type's fields by JSON name, built once. */
const fieldMaps = new WeakMap<StructType, Map<string, GoType>>();

function fieldsOf(t: StructType): Map<string, GoType> {
  let fields = fieldMaps.get(t);
  if (!fields) fieldMaps.set(t, (fields = new Map(t.fields)));
  return fields;
}

function structError(o: Obj, t: StructType, at: At): string | undefined {
  const fields = fieldsOf(t);
  for (const key in o) {
    if (!Object.hasOwn(o, key)) continue;
    const ft = fields.get(key);
    if (!ft) continue;
    const v = o[key];
    if (v === null) {
      delete o[key];
      continue;
    }
    if (ft.t === 'string' && typeof v === 'string') continue;
    const err = decodeError(v, ft, { struct: t.name, parent: at, field: key });
    if (err) return err;
  }
  return undefined;
}

/**
 * Checks a decoded JSON value against a Go type in document order, as encoding/json decodes: the text of the
 * first error (`json: cannot unmarshal …`, `illegal base64 data …`, `parsing time …`), or undefined. Nulls become
 * what Go decodes them to: a removed field, `""` in a map or list of strings. Unknown fields are not looked at.
 */
export function decodeError(v: unknown, t: GoType, at: At = ROOT): string | undefined {
  if (v === null) return undefined;
  switch (t.t) {
    case 'map':
      return isObj(v) ? elementsError(v, t.elem, at) : mismatch(jsonKind(v), goTypeName(t), at);
    case 'list':
      return Array.isArray(v) ? elementsError(v, t.elem, at) : mismatch(jsonKind(v), goTypeName(t), at);
    case 'struct':
      return isObj(v) ? structError(v, t, at) : mismatch(jsonKind(v), goTypeName(t), at);
    default:
      return scalarError(v, t, at);
  }
}

// ---- the unstructured converter (strategic merge patch results are converted, not decoded) ----

/** The Go dynamic type a value has in a decoded patch map (integers are preserved as int64). */
function dynKind(v: unknown): string {
  if (Array.isArray(v)) return 'slice';
  if (isObj(v)) return 'map';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

function convertScalar(v: unknown, t: GoType): string | undefined {
  const dyn = dynKind(v);
  switch (t.t) {
    case 'string':
      if (dyn === 'string') return undefined;
      return dyn === 'int64' ? `cannot convert int64 to ${t.name}` : 'unrecognized type: string';
    case 'int':
      if (dyn === 'int64') return undefined;
      return dyn === 'float64' ? `cannot convert float64 to ${t.name}` : `unrecognized type: ${t.name}`;
    case 'bool':
      return dyn === 'bool' ? undefined : 'unrecognized type: bool';
    case 'time':
      return typeof v === 'string' ? rfc3339Error(v) : `json: cannot unmarshal ${jsonKind(v)} into Go value of type string`;
    case 'bytes': {
      if (dyn === 'slice') return undefined;
      if (typeof v !== 'string') return `cannot restore slice from ${dyn}`;
      const bad = base64ErrorIndex(v, 'std');
      return bad === undefined ? undefined : `error decoding from json: illegal base64 data at input byte ${bad}`;
    }
    default:
      return undefined;
  }
}

/**
 * Checks a value as runtime.DefaultUnstructuredConverter.FromUnstructured converts it (what upstream does with a
 * strategic-merge-patched map): struct fields in declaration order, its error texts (`cannot convert int64 to
 * string`, `cannot restore map from string`, …), or undefined.
 */
export function convertError(v: unknown, t: GoType): string | undefined {
  if (v === null || v === undefined) return undefined;
  switch (t.t) {
    case 'map':
      if (!isObj(v)) return `cannot restore map from ${dynKind(v)}`;
      return firstError(Object.values(v), (x) => convertError(x, t.elem));
    case 'list':
      if (!Array.isArray(v)) return `cannot restore slice from ${dynKind(v)}`;
      return firstError(v, (x) => convertError(x, t.elem));
    case 'struct':
      if (!isObj(v)) return `cannot restore struct from: ${dynKind(v)}`;
      return firstError(t.fields, ([name, ft]) => convertError(v[name], ft));
    default:
      return convertScalar(v, t);
  }
}

function firstError<T>(items: Iterable<T>, check: (x: T) => string | undefined): string | undefined {
  for (const x of items) {
    const err = check(x);
    if (err) return err;
  }
  return undefined;
}
