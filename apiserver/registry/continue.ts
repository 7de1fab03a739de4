// List continue tokens: opaque to clients, base64 JSON of the last key returned (as upstream's etcd3 store).

import { badRequest } from '../api/status.js';

/** Encodes the position after `lastKey` (stored relative to the list prefix, as upstream). */
export function encodeContinue(lastKey: string, prefix: string, revision: number): string {
  const start = `${lastKey.slice(prefix.length)}\u0000`;
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: revision, start })).toString('base64url');
}

/** Decodes a token into the key to list strictly after; a malformed token is a 400. */
export function decodeContinue(token: string, prefix: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('continue key is not valid: illegal base64 data');
  }
  const p = parsed as { v?: unknown; start?: unknown };
  if (p.v !== 'meta.k8s.io/v1') throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof p.start !== 'string' || !p.start.endsWith('\u0000') || p.start.includes('/..') || p.start.startsWith('/')) {
    throw badRequest('continue key is not valid: invalid start key');
  }
  return prefix + p.start.slice(0, -1);
}
