// JSON patch (RFC 6902): operations checked for shape as upstream decodes them, then applied by fast-json-patch
// with upstream's tolerances and error texts (json-patch-upstream.ts).

import fastJsonPatch from 'fast-json-patch';
import { tolerated, upstreamFailure } from './json-patch-upstream.js';

type Json = unknown;
type Doc = Record<string, Json>;
type Container = Doc | Json[];

/** One decoded operation (a JSON object), or null for a `null` element (which upstream refuses when applying). */
export type Operation = Record<string, Json> | null;

/** An operation that does not apply; the message is the library's error text (upstream answers 422). */
export class JsonPatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPatchError';
  }
}

/** A body that is not a patch at all (upstream's DecodePatch error, answered 400). */
export class JsonPatchDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPatchDecodeError';
  }
}

const isDoc = (v: Json): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

function kindOf(v: Json): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v;
}

/** DecodePatch: a JSON array of objects (null elements allowed); `null` is the empty patch. */
export function decodeJsonPatch(body: Json): Operation[] {
  if (body === null) return [];
  if (!Array.isArray(body)) throw new JsonPatchDecodeError(`json: cannot unmarshal ${kindOf(body)} into Go value of type jsonpatch.Patch`);
  for (const op of body) {
    if (op !== null && !isDoc(op)) throw new JsonPatchDecodeError(`json: cannot unmarshal ${kindOf(op)} into Go value of type jsonpatch.Operation`);
  }
  return body as Operation[];
}

/** True when a JSON pointer names a `__proto__` segment (never a field of a Kubernetes object). */
function touchesProto(pointer: Json): boolean {
  return typeof pointer === 'string' && pointer.split('/').includes('__proto__');
}

/**
 * Applies the operations to a document (modified in place; pass a copy), one at a time, as the API server does:
 * operations naming `__proto__` are refused before the library sees them (so no prototype can change), while
 * `constructor` and `prototype` stay ordinary keys (a ConfigMap may hold them); what upstream tolerates is
 * rewritten first (json-patch-upstream `tolerated`), and a failure is a JsonPatchError worded as upstream's
 * (the library's text only where upstream's cannot be told).
 */
export function applyJsonPatch(doc: Container, ops: readonly Operation[]): Container {
  for (const op of ops) {
    if (op !== null && (touchesProto(op.path) || touchesProto(op.from))) throw new JsonPatchError(`${String(op.op)} operation does not apply: path ${JSON.stringify(op.path)} is not a field`);
  }
  let cur = doc;
  for (const op of ops) {
    if (op === null) throw new JsonPatchError('Unexpected kind: unknown');
    const adjusted = tolerated(cur, op);
    if (adjusted === undefined) continue;
    try {
      cur = fastJsonPatch.applyOperation(cur, adjusted as unknown as fastJsonPatch.Operation, true, true, false).newDocument as Container;
    } catch (e) {
      const message = (e as Error).message ?? String(e);
      throw new JsonPatchError(upstreamFailure(cur, op) ?? message.split('\n')[0]!);
    }
  }
  return cur;
}
