// Query parameters: reads list, watch, write and delete options the way kube-apiserver does, rejecting bad values.

import * as S from '../api/status.js';
import { parseInt64 } from '../api/go-text.js';

/** A parsed query string: each parameter's first value (every value through {@link queryValues}). */
export type Query = Record<string, string | undefined>;

const ALL_VALUES = new WeakMap<Query, ReadonlyMap<string, readonly string[]>>();

/** Flattens fastify's parsed query (repeated parameters become arrays) to first values, keeping all of them aside. */
export function flattenQuery(raw: unknown): Query {
  const out: Query = {};
  const all = new Map<string, string[]>();
  if (raw && typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
      const values = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
      if (values.length === 0) continue;
      out[k] = values[0];
      all.set(k, values);
    }
  }
  ALL_VALUES.set(out, all);
  return out;
}

/** Every value of a repeated parameter, in order (upstream converts some parameters from all of them). */
export function queryValues(q: Query, name: string): readonly string[] {
  const all = ALL_VALUES.get(q)?.get(name);
  if (all) return all;
  const v = q[name];
  return v === undefined ? [] : [v];
}

/** An int64 parameter, or undefined; anything else is a 400 with upstream's strconv.ParseInt error. */
export function intParam(q: Query, name: string): number | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  const n = parseInt64(v);
  if ('error' in n) throw S.badRequest(n.error);
  return n.value;
}

/** A boolean parameter (`true`, `1`, `false`, `0`). */
export function boolParam(q: Query, name: string): boolean {
  const v = q[name];
  if (v === undefined || v === '') return false;
  if (v === 'true' || v === '1' || v === 'True' || v === 'TRUE' || v === 't' || v === 'T') return true;
  if (v === 'false' || v === '0' || v === 'False' || v === 'FALSE' || v === 'f' || v === 'F') return false;
  throw S.badRequest(`strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

/** The options kind named in option errors: `CreateOptions.meta.k8s.io "" is invalid: …`. */
export type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions';

/** `dryRun=All` (the only value upstream accepts, in every repetition); anything else is 422 as upstream's validation. */
export function dryRunParam(q: Query, kind: OptionsKind): boolean {
  const values = queryValues(q, 'dryRun');
  if (values.length === 0) return false;
  if (values.every((v) => v === 'All')) return true;
  const text = `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
  throw S.invalid(kind, 'meta.k8s.io', '', [{ type: 'NotSupported', field: 'dryRun', valueText: text, supported: ['All'] }]);
}

/**
 * The query of a list (not a watch), converted and validated as upstream's ListOptions: int64 and bool
 * parameters must parse (400), then ValidateListOptions (422 `ListOptions.meta.k8s.io "" is invalid: …`), and a
 * continue token excludes a resourceVersion (400). Selectors are parsed by the caller.
 */
export function checkListOptions(q: Query): void {
  intParam(q, 'limit');
  intParam(q, 'timeoutSeconds');
  for (const b of ['allowWatchBookmarks', 'sendInitialEvents']) boolParam(q, b);
  const errs: S.FieldError[] = [];
  const match = q.resourceVersionMatch ?? '';
  const rv = q.resourceVersion ?? '';
  if (match !== '') {
    if (rv === '') errs.push({ type: 'Forbidden', field: 'resourceVersionMatch', detail: 'resourceVersionMatch is forbidden unless resourceVersion is provided' });
    if (q.continue) errs.push({ type: 'Forbidden', field: 'resourceVersionMatch', detail: 'resourceVersionMatch is forbidden when continue is provided' });
    if (match !== 'Exact' && match !== 'NotOlderThan') errs.push({ type: 'NotSupported', field: 'resourceVersionMatch', value: match, supported: ['Exact', 'NotOlderThan', ''] });
    if (match === 'Exact' && rv === '0') errs.push({ type: 'Forbidden', field: 'resourceVersionMatch', detail: 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"' });
  }
  if (q.sendInitialEvents !== undefined) errs.push({ type: 'Forbidden', field: 'sendInitialEvents', detail: 'sendInitialEvents is forbidden for list' });
  if (errs.length) throw S.invalid('ListOptions', 'meta.k8s.io', '', errs);
  if (q.continue && rv !== '' && rv !== '0') throw S.badRequest('specifying resource version is not allowed when using continue');
}

/** `fieldValidation`: Strict, Warn or Ignore (empty means Warn on a real server). */
export function fieldValidationParam(q: Query, kind: OptionsKind): 'Strict' | 'Warn' | 'Ignore' | undefined {
  const v = q.fieldValidation;
  if (v === undefined || v === '') return undefined;
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw S.invalid(kind, 'meta.k8s.io', '', [{ type: 'NotSupported', field: 'fieldValidation', value: v, supported: ['', 'Ignore', 'Strict', 'Warn'] }]);
}
