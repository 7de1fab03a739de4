// Query parameters: reads list, watch, write and delete options the way kube-apiserver does, rejecting bad values.

import * as S from '../api/status.js';

/** A parsed query string: each parameter's first value. */
export type Query = Record<string, string | undefined>;

/** Flattens fastify's parsed query (repeated parameters become arrays) to first values. */
export function flattenQuery(raw: unknown): Query {
  const out: Query = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') out[k] = first;
  }
  return out;
}

/** A non-negative integer parameter, or undefined; anything else is a 400 as upstream's conversion error. */
export function intParam(q: Query, name: string): number | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw S.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
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

/** `dryRun=All` (the only value upstream accepts); anything else is 422 as upstream's options validation. */
export function dryRunParam(q: Query, kind: OptionsKind): boolean {
  const v = q.dryRun;
  if (v === undefined || v === '') return false;
  if (v === 'All') return true;
  throw S.invalid(kind, 'meta.k8s.io', '', [{ type: 'NotSupported', field: 'dryRun', valueText: `[]string{${JSON.stringify(v)}}`, supported: ['All'] }]);
}

/** `fieldValidation`: Strict, Warn or Ignore (empty means Warn on a real server). */
export function fieldValidationParam(q: Query, kind: OptionsKind): 'Strict' | 'Warn' | 'Ignore' | undefined {
  const v = q.fieldValidation;
  if (v === undefined || v === '') return undefined;
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw S.invalid(kind, 'meta.k8s.io', '', [{ type: 'NotSupported', field: 'fieldValidation', value: v, supported: ['', 'Ignore', 'Strict', 'Warn'] }]);
}
