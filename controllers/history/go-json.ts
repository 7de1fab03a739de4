// ControllerRevision data as the real controllers write it: Go's JSON of the typed, defaulted pod template.

import { escapeHTML } from '../../apiserver/api/html-escape.js';
import { isPlainObject } from '../../apiserver/api/types.js';

// Assumptions / Invariants: upstream builds revision data by encoding the typed object, decoding it into a map and
// encoding that again (daemon `getPatch`, statefulset `getPatch`). Go's encoding/json writes compact JSON, sorts map
// keys, and HTML-escapes `<`, `>`, `&` (and U+2028/U+2029). kubectl's `rollout undo` computes the same bytes from
// the live object and compares them byte for byte, so these rules decide whether it prints "skipped rollback".

/** Go's `json.Marshal` of a JSON value whose maps are Go maps: compact, keys sorted at every level, `<>&` escaped. */
export function goJSON(v: unknown): string {
  return escapeHTML(JSON.stringify(sortKeys(v)));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = sortKeys(v[k]);
  return out;
}

// Fields of the pod template's Go types that `omitempty` drops when empty but the API may have stored explicitly.
// Maps and plain bools/strings only: pointer fields (`*bool`, `*int64`, `*struct`) keep their zero values.
const EMPTY_MAP_FIELDS = new Set(['labels', 'annotations', 'nodeSelector', 'limits', 'requests', 'matchLabels', 'overhead', 'claims']);
const FALSE_FIELDS = new Set(['hostNetwork', 'hostPID', 'hostIPC', 'stdin', 'stdinOnce', 'tty', 'readOnly']);
// `type` is a `*HostPathType` (defaulted to "" by the API server, so kubectl's encoding shows `"type":""`) or a
// non-omitempty profile type: kept either way.
const KEEP_EMPTY_STRING = new Set(['name', 'mountPath', 'key', 'path', 'operator', 'topologyKey', 'whenUnsatisfiable', 'fieldPath', 'resource', 'ip', 'type']);
const KEEP_EMPTY_LIST = new Set(['containers', 'nodeSelectorTerms']);
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'];

function dropEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropEmpty);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, raw] of Object.entries(v)) {
    if (raw === null || raw === undefined) continue;
    const x = dropEmpty(raw);
    if (x === '' && !KEEP_EMPTY_STRING.has(k)) continue;
    if (x === false && FALSE_FIELDS.has(k)) continue;
    if (Array.isArray(x) && x.length === 0 && !KEEP_EMPTY_LIST.has(k)) continue;
    if (isPlainObject(x) && Object.keys(x).length === 0 && EMPTY_MAP_FIELDS.has(k)) continue;
    out[k] = x;
  }
  return out;
}

/**
 * The pod template as Go's typed round trip prints it: nil and omitempty-empty fields dropped,
 * `metadata.creationTimestamp: null`, and `resources: {}` in every container (a struct, never omitted).
 */
export function canonicalTemplate(template: unknown): Record<string, unknown> {
  const t = dropEmpty(isPlainObject(template) ? template : {}) as Record<string, unknown>;
  const metadata = isPlainObject(t.metadata) ? t.metadata : {};
  t.metadata = { ...metadata, creationTimestamp: null };
  const spec = isPlainObject(t.spec) ? t.spec : {};
  for (const list of CONTAINER_LISTS) {
    const cs = spec[list];
    if (!Array.isArray(cs)) continue;
    spec[list] = cs.map((c: unknown) => (isPlainObject(c) ? { ...c, resources: isPlainObject(c.resources) ? c.resources : {} } : c));
  }
  if (!Array.isArray(spec.containers)) spec.containers = null;
  t.spec = spec;
  return t;
}

/** The `data` of a revision of `owner` (a DaemonSet or StatefulSet): `{"spec":{"template":{"$patch":"replace",…}}}`. */
export function revisionData(owner: { spec?: { template?: unknown } }): string {
  return goJSON({ spec: { template: { ...canonicalTemplate(owner.spec?.template), $patch: 'replace' } } });
}

/** The data bytes of an existing revision, for a byte comparison with `revisionData`. */
export function dataOf(cr: { data?: unknown }): string {
  return goJSON(cr.data ?? null);
}

// Assumptions / Invariants: informer objects are replaced, never changed, on update (controllers/runtime/informer.ts),
// so the encodings below may be remembered per object; an object must not be changed after it was encoded.
const ownerData = new WeakMap<object, string>();
const revisionBytes = new WeakMap<object, string>();

/** `revisionData(owner)`, computed once per owner object (for cached owners, read-only). */
export function cachedRevisionData(owner: { spec?: { template?: unknown } }): string {
  let data = ownerData.get(owner);
  if (data === undefined) ownerData.set(owner, (data = revisionData(owner)));
  return data;
}

/** `dataOf(cr)`, computed once per revision object (for cached revisions, read-only). */
export function cachedDataOf(cr: { data?: unknown }): string {
  let data = revisionBytes.get(cr);
  if (data === undefined) revisionBytes.set(cr, (data = dataOf(cr)));
  return data;
}
