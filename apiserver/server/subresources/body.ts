// Bodies of subresource creates (Binding, Eviction): decoded, kind-checked and matched to the URL as upstream.

import * as S from '../../api/status.js';
import { groupVersion, type ResourceInfo } from '../../api/resources.js';
import type { KObject } from '../../api/types.js';
import { decodeObjectBody } from '../negotiate.js';
import { checkKind, inStoredOrder, typedError } from '../typed-body.js';
import type { ResourceTarget } from '../resource-handlers.js';

/** A kind a subresource accepts, as an endpoint for the body checks. */
export function bodyKind(group: string, version: string, kind: string): ResourceInfo {
  return { group, version, kind, listKind: `${kind}List`, plural: kind.toLowerCase(), singular: kind.toLowerCase(), namespaced: true, shortNames: [], categories: [], verbs: ['create'], subresources: [] };
}

/**
 * Decodes the body of a named create on a subresource (upstream createHandler for a NamedCreater): the kind must
 * be one the endpoint accepts (400), typed fields must decode (400), the namespace must be the URL's (400), and
 * the object's name must be the URL's: `name in URL does not match name in <Kind> object` (400).
 */
export function namedCreateBody(t: ResourceTarget, raw: unknown, contentType: string | undefined, accepted: ResourceInfo[]): KObject {
  const main = accepted[0]!;
  const body = decodeObjectBody(contentType, raw, main.kind, groupVersion(main));
  const endpoint = accepted.find((k) => body.apiVersion === (k.group ? `${k.group}/${k.version}` : k.version) && (body.kind === undefined || body.kind === '' || body.kind === k.kind)) ?? main;
  checkKind(endpoint, body);
  const err = typedError(endpoint, body);
  if (err) throw S.badRequest(`${endpoint.kind} in version "${endpoint.version}" cannot be handled as a ${endpoint.kind}: ${err}`);
  const obj = inStoredOrder(endpoint, body);
  const meta = obj.metadata;
  if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== t.namespace) {
    throw S.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (meta.name !== t.name) throw S.badRequest(`name in URL does not match name in ${main.kind} object`);
  return obj;
}
