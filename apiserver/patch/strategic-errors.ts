// Strategic-merge-patch failures as Status errors, worded as upstream's apimachinery mergepatch/strategicpatch errors.

import { ApiError, badRequest, invalidRequest } from '../api/status.js';

/** A JSON object as decoded from a request body. */
export type JsonMap = Record<string, unknown>;

/** True for a JSON object (not null, not an array). */
export function isMap(v: unknown): v is JsonMap {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The Go dynamic type upstream sees for a decoded JSON value (the API server decodes patches with
 * integers preserved as int64), as `reflect.Type.String()` prints it; `%!s(<nil>)` for null.
 */
export function goType(v: unknown): string {
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (Array.isArray(v)) return '[]interface {}';
  if (isMap(v)) return 'map[string]interface {}';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

function goFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const [mant = '', expText = '0'] = n.toExponential().split('e');
  const exp = Number(expText);
  if (exp >= -4 && exp < 6) return String(n);
  const sign = exp < 0 ? '-' : '+';
  return `${mant}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** Go's `%v` rendering of a decoded JSON value: `map[k:v ...]` with sorted keys, `[a b]`, `<nil>`. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (isMap(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goValue(v[k])}`).join(' ')}]`;
  }
  if (typeof v === 'number') return goFloat(v);
  return String(v);
}

/** Go's `%s` of a value: strings verbatim, anything else flagged as Go does (`%!s(int64=1)`). */
function goString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (typeof v === 'number' || typeof v === 'boolean') return `%!s(${goType(v)}=${goValue(v)})`;
  return goValue(v);
}

/** `invalid patch format of primitive list` (upstream: 400). */
export const errPrimitiveListFormat = (): ApiError => badRequest('invalid patch format of primitive list');

/** `invalid patch format of retainKeys` (upstream: 400). */
export const errRetainKeysFormat = (): ApiError => badRequest('invalid patch format of retainKeys');

/** `invalid patch format of setElementOrder list` (upstream: 400). */
export const errSetElementOrderFormat = (): ApiError => badRequest('invalid patch format of setElementOrder list');

/** `unknown patch type: X in map: map[...]` for a `$patch` value other than replace/delete (merge, in a list). */
export function errUnknownPatchType(directive: unknown, m: JsonMap): ApiError {
  return badRequest(`unknown patch type: ${goString(directive)} in map: ${goValue(m)}`);
}

/** `map: map[...] does not contain declared merge key: name`. */
export function errNoMergeKey(m: JsonMap, key: string): ApiError {
  return badRequest(`map: ${goValue(m)} does not contain declared merge key: ${key}`);
}

/** `expected a []interface {}, but received a string` (upstream ErrBadArgType). */
export function errBadArgType(expected: 'map[string]interface {}' | '[]interface {}', actual: unknown): ApiError {
  return badRequest(`expected a ${expected}, but received a ${goType(actual)}`);
}

/** Any other upstream error text, answered as 400 (upstream answers these as a reason-less 500). */
export function errPatch(message: string): ApiError {
  return badRequest(message);
}

/** `lists of lists are not supported`: upstream's generic 422, the text only in its cause. */
export function errListOfLists(): ApiError {
  return invalidRequest('lists of lists are not supported');
}
