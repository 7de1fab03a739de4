// A decoded body checked against the endpoint: its kind, its typed fields, its namespace and name against the URL.

import * as S from '../api/status.js';
import { findByKind, groupVersion, type ResourceInfo } from '../api/resources.js';
import { isPlainObject, type KObject } from '../api/types.js';
import { decodeError } from '../api/go-decode.js';
import { goTypeOfKind } from '../api/go-types.js';
import type { FieldChecks } from './field-validation.js';

/** The part of a request target these checks need. */
export interface BodyTarget {
  resource: ResourceInfo;
  namespace?: string | undefined;
  name?: string | undefined;
}

/** Upstream's internal package of a group, as named in conversion errors. */
function internalGroup(group: string): string {
  return group === '' ? 'core' : group.split('.')[0]!;
}

/**
 * The body's apiVersion and kind against the endpoint's (upstream decodes into the endpoint's type and converts):
 * absent ones are the endpoint's, another registered kind has no conversion, an unknown one is not registered.
 * Both must already be strings or absent (typeMetaError). Throws 400; returns the endpoint's apiVersion and kind.
 */
export function checkKind(r: ResourceInfo, body: Record<string, unknown>): { apiVersion: string; kind: string } {
  const gv = groupVersion(r);
  const apiVersion = typeof body.apiVersion === 'string' && body.apiVersion !== '' ? body.apiVersion : gv;
  const kind = typeof body.kind === 'string' && body.kind !== '' ? body.kind : r.kind;
  if (apiVersion !== gv || kind !== r.kind) {
    const version = apiVersion.includes('/') ? apiVersion.split('/')[1]! : apiVersion;
    const inner = findByKind(apiVersion, kind)
      ? `converting (${version}.${kind}) to (${internalGroup(r.group)}.${r.kind}): unknown conversion`
      : `no kind "${kind}" is registered for version "${apiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`;
    throw S.badRequest(`${kind} in version "${version}" cannot be handled as a ${r.kind}: ${inner}`);
  }
  return { apiVersion: gv, kind: r.kind };
}

/** The object with apiVersion, kind and metadata first (the order objects are stored and served in). */
export function inStoredOrder(r: ResourceInfo, body: Record<string, unknown>): KObject {
  if (body.metadata === undefined || body.metadata === null) body.metadata = {};
  const { apiVersion: _a, kind: _k, metadata, ...rest } = body;
  void _a;
  void _k;
  return { apiVersion: groupVersion(r), kind: r.kind, metadata, ...rest } as KObject;
}

/**
 * The Go decoding error of an object of the endpoint's kind (type errors in the fields kubeling reads, invalid
 * base64, bad timestamps), or undefined. Nulls in typed fields become their Go zero values.
 */
export function typedError(r: ResourceInfo, body: Record<string, unknown>): string | undefined {
  return decodeError(body, goTypeOfKind(r.kind));
}

/**
 * EnsureObjectNamespaceMatchesRequestNamespace: an empty namespace is the request's, a cluster-scoped object's
 * namespace is cleared, any other is a 400.
 */
export function checkNamespace(t: BodyTarget, meta: KObject['metadata']): void {
  const ns = meta.namespace ?? '';
  if (!t.resource.namespaced) {
    delete meta.namespace;
    return;
  }
  if (ns !== '' && ns !== t.namespace) throw S.badRequest('the namespace of the provided object does not match the namespace sent on the request');
}

/** Upstream checkName: the object's name must be the URL's (400 either way). */
export function checkName(t: BodyTarget, meta: KObject['metadata']): void {
  if (meta.name === undefined || meta.name === '') {
    throw S.badRequest(`the name of the object (${t.name ?? ''} based on URL) was undeterminable: name must be provided`);
  }
  if (meta.name !== t.name) throw S.badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${t.name ?? ''})`);
}

/**
 * Checks a create or update body as upstream's handlers and decoder do, in their order: kind (400), typed fields
 * (400 `<Kind> in version "<v>" cannot be handled as a <Kind>: json: …`), unknown and duplicate fields when
 * `fields` asks (400 `… strict decoding error: …`, or warnings), namespace (400), and for an update the name (400).
 * Returns the object in stored order with the endpoint's apiVersion and kind.
 */
export function checkBody(t: BodyTarget, body: Record<string, unknown>, verb: 'create' | 'update', fields?: FieldChecks): KObject {
  const r = t.resource;
  checkKind(r, body);
  const err = typedError(r, body);
  if (err) throw S.badRequest(`${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: ${err}`);
  fields?.checkObject(r, body);
  const obj = inStoredOrder(r, body);
  if (!isPlainObject(obj.metadata)) obj.metadata = {};
  const meta = obj.metadata;
  if (r.namespaced && meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== t.namespace) {
    throw S.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (verb === 'update') checkName(t, meta);
  return obj;
}
