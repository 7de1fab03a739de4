// REST paths and query strings of the Kubernetes API, built from the resource table.

import { gvPath, type ResourceInfo } from '../../apiserver/api/resources.js';

/**
 * The path of a collection, object or subresource: `/api/v1[/namespaces/<ns>]/<plural>[/<name>[/<sub>]]`,
 * `/apis/<group>/<version>/…` for groups. The namespace is left out for cluster-scoped resources and when undefined
 * (a collection across all namespaces).
 */
export function resourcePath(r: ResourceInfo, namespace: string | undefined, name?: string, subresource?: string): string {
  let p = gvPath(r);
  if (r.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${r.plural}`;
  if (name !== undefined) {
    if (!name) throw new Error(`${r.plural}: resource name may not be empty`);
    p += `/${encodeURIComponent(name)}`;
    if (subresource) p += `/${subresource}`;
  }
  return p;
}

/** `?a=1&b=x` from the defined, non-empty entries (booleans only when true), or '' when none. */
export function queryString(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '' || v === false) continue;
    q.append(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
