// List continue tokens: opaque to clients, base64 JSON of the last key returned (as upstream's etcd3 store).

import { badRequest, type ApiError } from '../api/status.js';
import { base64ErrorIndex, goJsonSyntaxError, isCleanPath } from '../api/go-text.js';
import { decodeError } from '../api/go-decode.js';
import { CONTINUE_TOKEN } from '../api/go-types.js';

/** Encodes the position after `lastKey` (stored relative to the list prefix, as upstream). */
export function encodeContinue(lastKey: string, prefix: string, revision: number): string {
  const start = `${lastKey.slice(prefix.length)}\u0000`;
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: revision, start })).toString('base64url');
}

const INVALID = 'continue key is not valid';

/** Upstream's 400 for a token DecodeContinue refuses (k8s.io/apiserver/pkg/storage/continue.go errors). */
function invalidToken(why: string): ApiError {
  return badRequest(`invalid continue token: ${why}`);
}

/** The token's JSON, decoded as Go's RawURLEncoding and json.Unmarshal into continueToken do. */
function tokenFields(token: string): { v: string; rv: number; start: string } {
  const bad = base64ErrorIndex(token, 'raw-url');
  if (bad !== undefined) throw invalidToken(`${INVALID}: illegal base64 data at input byte ${bad}`);
  const bytes = Buffer.from(token.replace(/[\r\n]/g, ''), 'base64url');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw invalidToken(`${INVALID}: ${goJsonSyntaxError(bytes, (e as Error).message)}`);
  }
  const err = decodeError(parsed, CONTINUE_TOKEN);
  if (err) throw invalidToken(`${INVALID}: ${err}`);
  const p = (parsed ?? {}) as { v?: string; rv?: number; start?: string };
  return { v: p.v ?? '', rv: p.rv ?? 0, start: p.start ?? '' };
}

/**
 * The greatest key before `key` that the storage can list strictly after: the key minus its trailing NUL (what
 * encodeContinue appends), else the key with its last character lowered (upstream lists from the key inclusive).
 */
function listAfter(prefix: string, rest: string): string {
  if (rest === '') return prefix;
  const key = prefix + rest;
  if (key.endsWith('\u0000')) return key.slice(0, -1);
  const last = key.charCodeAt(key.length - 1);
  return `${key.slice(0, -1)}${String.fromCharCode(last - 1)}\uffff`;
}

/**
 * Decodes a token into the key to list strictly after, as upstream DecodeContinue: base64url without padding,
 * JSON `{v, rv, start}` with v `meta.k8s.io/v1`, a non-zero rv, a non-empty start that stays under the prefix.
 * Every refusal is a 400 `invalid continue token: continue key is not valid…`.
 */
export function decodeContinue(token: string, prefix: string): string {
  const { v, rv, start } = tokenFields(token);
  if (v !== 'meta.k8s.io/v1') throw invalidToken(`${INVALID}: server does not recognize this encoded version ${v}`);
  if (rv === 0) throw invalidToken(`${INVALID}: incorrect encoded start resourceVersion (version meta.k8s.io/v1)`);
  if (start === '') throw invalidToken(`${INVALID}: encoded start key empty (version meta.k8s.io/v1)`);
  const key = start.startsWith('/') ? start : `/${start}`;
  if (!isCleanPath(key)) throw invalidToken(`${INVALID}: ${start}`);
  return listAfter(prefix, key.slice(1));
}
