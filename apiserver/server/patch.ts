// PATCH bodies: JSON patch, merge patch and strategic merge patch, applied and decoded as upstream's patch handler does.

import * as S from '../api/status.js';
import { sanitizeJson } from '../api/json-value.js';
import { convertError, decodeError } from '../api/go-decode.js';
import { goTypeOfKind } from '../api/go-types.js';
import { isPlainObject, type KObject } from '../api/types.js';
import { JsonPatchDecodeError, JsonPatchError, applyJsonPatch, decodeJsonPatch } from '../patch/json-patch.js';
import { MergePatchError, applyMergePatch } from '../patch/merge-patch.js';
import { goValue } from '../patch/strategic-errors.js';
import { schemaFor, strategicMergePatch } from '../patch/strategic.js';
import { BodyError, parseJsonText } from './body.js';
import { mediaType, typeMetaError, unreadableTypeMeta } from './negotiate.js';
import { checkKind, checkName, checkNamespace, inStoredOrder, type BodyTarget } from './typed-body.js';
import type { FieldChecks } from './field-validation.js';

/** Field validation of one PATCH: its directive, and the errors of the patch body itself. */
interface PatchFieldChecks {
  checks: FieldChecks;
  patchErrs: readonly string[];
}

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';
/** Server-side apply. */
export const APPLY_PATCH = 'application/apply-patch+yaml';
const PATCH_TYPES = [JSON_PATCH, MERGE_PATCH, STRATEGIC, APPLY_PATCH];
/** Upstream's maxJSONPatchOperations. */
const MAX_JSON_PATCH_OPERATIONS = 10000;

export type PatchType = typeof JSON_PATCH | typeof MERGE_PATCH | typeof STRATEGIC;

/** The patch type of a Content-Type; anything else is a 415, before the object is read. */
export function patchType(contentType: string | undefined): PatchType | typeof APPLY_PATCH {
  const type = mediaType(contentType);
  if (type === JSON_PATCH || type === MERGE_PATCH || type === STRATEGIC || type === APPLY_PATCH) return type;
  throw S.unsupportedMediaType(type, PATCH_TYPES);
}

/** The patch body as JSON; a body that does not parse is a 400 worded by patch type, as upstream. */
function parsePatch(type: PatchType, raw: Buffer): unknown {
  try {
    return parseJsonText(raw);
  } catch (e) {
    if (!(e instanceof BodyError)) throw e;
    throw S.badRequest(type === MERGE_PATCH ? 'Invalid JSON Patch' : e.message);
  }
}

/** Upstream's 422 for a patched object that does not decode: ` "" is invalid: patch: Invalid value: "<value>": <why>`. */
function undecodablePatched(value: string, why: string): S.ApiError {
  return S.invalid('', '', '', [{ type: 'Invalid', field: 'patch', value, detail: why }]);
}

/** Applies the patch to the current object (a private copy) and returns the raw result. */
function applyTo(type: PatchType, r: BodyTarget['resource'], current: KObject, patch: unknown): unknown {
  try {
    if (type === STRATEGIC) return strategicMergePatch(current, patch, schemaFor(current.apiVersion ?? '', r.kind));
    if (type === MERGE_PATCH) return applyMergePatch(current, structuredClone(patch));
    const ops = decodeJsonPatch(patch);
    if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
      throw S.requestEntityTooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`);
    }
    return applyJsonPatch(current, ops);
  } catch (e) {
    if (e instanceof MergePatchError || e instanceof JsonPatchDecodeError) throw S.badRequest(e.message);
    if (e instanceof JsonPatchError) throw S.invalidRequest(e.message);
    throw e;
  }
}

/**
 * Decodes a patch result into the endpoint's kind, as upstream: JSON and merge patch results are decoded from JSON
 * (422 quoting the patched JSON), strategic ones converted from the merged map (422 quoting the patch). A result
 * that changes apiVersion or kind is refused like a create body (400). Server-side apply results decode as merge
 * patch results do.
 */
export function decodePatched(type: PatchType, t: BodyTarget, result: unknown, patch: unknown, fields?: PatchFieldChecks): KObject {
  const r = t.resource;
  const quoted = (): string => (type === STRATEGIC ? goValue(patch) : JSON.stringify(result));
  const problem = sanitizeJson(result);
  if (problem?.tooDeep) throw undecodablePatched(quoted(), `couldn't get version/kind; json parse error: invalid character '${problem.tooDeep}' exceeded max depth`);
  const metaErr = typeMetaError(result);
  if (metaErr && !isPlainObject(result)) throw undecodablePatched(quoted(), `couldn't get version/kind; json parse error: ${metaErr}`);
  if (metaErr) throw unreadableTypeMeta(r.kind, metaErr, Buffer.from(JSON.stringify(result)));
  const body = result as Record<string, unknown>;
  checkKind(r, body);
  const goType = goTypeOfKind(r.kind);
  const err = (type === STRATEGIC ? convertError(body, goType) : undefined) ?? decodeError(body, goType);
  if (err) throw undecodablePatched(quoted(), err);
  fields?.checks.checkPatched(r, body, fields.patchErrs, (detail) => undecodablePatched(quoted(), detail));
  return inStoredOrder(r, body);
}

/**
 * Prepares a PATCH: the body is parsed once, then applied to each current object GuaranteedUpdate hands over.
 * Invariants (upstream patch handler): the result decodes into the endpoint's kind; its namespace and name are
 * the URL's (400); a metadata.resourceVersion left in it that differs from the stored one is a conflict (409).
 */
export function preparePatch(t: BodyTarget & { name: string }, type: PatchType, raw: unknown, checks?: FieldChecks): (current: KObject) => KObject {
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
  let patch: { value: unknown; patchErrs: string[] } | undefined;
  return (current) => {
    if (!patch) {
      const value = parsePatch(type, buf);
      patch = { value, patchErrs: checks ? checks.patchErrors(type === JSON_PATCH, value) : [] };
    }
    const storedRV = current.metadata.resourceVersion;
    const fields = checks && { checks, patchErrs: patch.patchErrs };
    const obj = decodePatched(type, t, applyTo(type, t.resource, current, patch.value), patch.value, fields);
    checkNamespace(t, obj.metadata);
    checkName(t, obj.metadata);
    const rv = obj.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== storedRV) throw S.conflict({ group: t.resource.group, resource: t.resource.plural }, t.name);
    return obj;
  };
}
