// PATCH bodies: JSON patch and JSON merge patch through libraries, strategic merge patch through our engine.

import fastJsonPatch from 'fast-json-patch';
import jsonMergePatch from 'json-merge-patch';
import * as S from '../api/status.js';
import type { ResourceInfo } from '../api/resources.js';
import { isPlainObject, type KObject } from '../api/types.js';
import { schemaFor, strategicMergePatch } from '../patch/strategic.js';
import { mediaType, parseJson } from './negotiate.js';

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

function jsonPatch(current: KObject, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw S.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  try {
    return fastJsonPatch.applyPatch(current, ops as fastJsonPatch.Operation[], true, false).newDocument;
  } catch (e) {
    const err = e as { name?: string; message?: string };
    if (err.name === 'TEST_OPERATION_FAILED') throw S.invalid(String(current.kind), '', current.metadata.name ?? '', [{ type: 'Invalid', field: '', value: '', detail: 'the server rejected our request due to an error in our request' }]);
    throw S.badRequest(`the server rejected our request due to an error in our request: ${(err.message ?? '').split('\n')[0]}`);
  }
}

/**
 * Applies a PATCH body to a private copy of the current object. Invariant (upstream patch handler): a
 * metadata.resourceVersion left in the result that differs from the stored one is a precondition failure (409).
 */
export function applyPatch(r: ResourceInfo, current: KObject, contentType: string | undefined, raw: unknown): KObject {
  const type = mediaType(contentType);
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
  const storedRV = current.metadata.resourceVersion;
  let result: unknown;
  switch (type) {
    case 'application/json-patch+json':
      result = jsonPatch(current, parseJson(buf));
      break;
    case 'application/merge-patch+json': {
      const patch = parseJson(buf);
      if (!isPlainObject(patch)) throw S.badRequest('json: cannot unmarshal into Go value of type map[string]interface {}');
      result = jsonMergePatch.apply(current, patch);
      break;
    }
    case 'application/strategic-merge-patch+json': {
      const patch = parseJson(buf);
      if (!isPlainObject(patch)) throw S.badRequest('json: cannot unmarshal into Go value of type map[string]interface {}');
      result = strategicMergePatch(current, patch, schemaFor(current.apiVersion ?? '', r.kind));
      break;
    }
    default:
      throw S.unsupportedMediaType(type, PATCH_TYPES.filter((t) => t !== 'application/apply-patch+yaml'));
  }
  if (!isPlainObject(result) || !isPlainObject(result.metadata)) throw S.badRequest('the patched object is not a valid object');
  const obj = result as KObject;
  const rv = obj.metadata.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== storedRV) throw S.conflict({ group: r.group, resource: r.plural }, current.metadata.name ?? '');
  return obj;
}
