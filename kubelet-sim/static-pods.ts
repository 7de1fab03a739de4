// Static pods: manifest parsing, the kubelet's defaults for file-sourced pods, and the mirror pods shown in the API.

import { createHash } from 'node:crypto';
import { isPlainObject } from '../apiserver/api/types.js';
import { yamlLib } from '../apiserver/api/yaml-lib.js';
import type { Pod, Toleration } from '../apiserver/api/types.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../apiserver/api/validation.js';

/** The content hash of a static pod (its generated uid). */
export const CONFIG_HASH_ANNOTATION = 'kubernetes.io/config.hash';
/** On a mirror pod: the config hash of the static pod it mirrors. */
export const CONFIG_MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
/** Where the kubelet got a pod: `file`, `http` or `api`. */
export const CONFIG_SOURCE_ANNOTATION = 'kubernetes.io/config.source';
/** When the kubelet first saw the pod (RFC 3339 with nanoseconds). */
export const CONFIG_SEEN_ANNOTATION = 'kubernetes.io/config.seen';

/** Where a static pod comes from: the manifest file and the node that runs it. */
export interface StaticPodSource {
  /** Absolute path of the manifest file. */
  file: string;
  node: string;
}

/** A manifest file's pods, or why the file cannot be used. */
export type ManifestResult = { ok: true; pods: Pod[] } | { ok: false; error: string };

/**
 * The pods in one manifest file: YAML or JSON, one or more `---`-separated documents.
 *
 * Assumptions / Invariants (kubelet config/file.go + common.go `tryDecodeSinglePod`; deviations are ours):
 * - upstream accepts exactly one Pod per file; we also accept several documents, each of which must be a v1 Pod.
 *   Empty documents are skipped, so an empty or comment-only file is valid and yields no pods.
 * - one bad document makes the whole file an error (no partial result); messages name the file and the 1-based
 *   document number.
 * - `metadata.name` must be a DNS-1123 subdomain, `metadata.namespace` (if set) a DNS-1123 label, and
 *   `spec.containers` a non-empty list; full validation and defaulting is left to the apiserver, which sees the
 *   mirror pod.
 * - YAML is read as YAML 1.2 (`yes`/`on` are strings) with unique keys; JSON is a subset of it.
 */
export function parseManifest(text: string, file: string): ManifestResult {
  let docs;
  try {
    docs = yamlLib().parseAllDocuments(text, { uniqueKeys: true });
  } catch (err) {
    return { ok: false, error: `${file}: ${(err as Error).message}` };
  }
  const pods: Pod[] = [];
  for (const [i, doc] of docs.entries()) {
    const where = `${file}: document ${i + 1}`;
    const err = doc.errors[0];
    if (err !== undefined) return { ok: false, error: `${where}: ${err.message}` };
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      return { ok: false, error: `${where}: ${(e as Error).message}` };
    }
    if (value === null || value === undefined) continue;
    const problem = podProblem(value);
    if (problem !== undefined) return { ok: false, error: `${where}: ${problem}` };
    pods.push(value as Pod);
  }
  return { ok: true, pods };
}

function podProblem(v: unknown): string | undefined {
  if (!isPlainObject(v)) return 'expected a Pod object';
  if (v.apiVersion !== 'v1' || v.kind !== 'Pod') {
    return `expected apiVersion "v1" and kind "Pod", got apiVersion ${JSON.stringify(v.apiVersion ?? '')} and kind ${JSON.stringify(v.kind ?? '')}`;
  }
  const meta = v.metadata;
  if (!isPlainObject(meta)) return 'metadata.name: Required value';
  if (typeof meta.name !== 'string' || meta.name === '') return 'metadata.name: Required value';
  const nameErrs = isDNS1123Subdomain(meta.name);
  if (nameErrs.length > 0) return `metadata.name: Invalid value: ${JSON.stringify(meta.name)}: ${nameErrs.join('; ')}`;
  if (meta.namespace !== undefined && meta.namespace !== '') {
    const nsErrs = typeof meta.namespace === 'string' ? isDNS1123Label(meta.namespace) : ['must be a string'];
    if (nsErrs.length > 0) return `metadata.namespace: Invalid value: ${JSON.stringify(meta.namespace)}: ${nsErrs.join('; ')}`;
  }
  const spec = v.spec;
  if (!isPlainObject(spec) || !Array.isArray(spec.containers) || spec.containers.length === 0) return 'spec.containers: Required value';
  if (!spec.containers.every((c) => isPlainObject(c) && typeof c.name === 'string' && c.name !== '')) return 'spec.containers: every container needs a name';
  return undefined;
}

/** JSON with object keys sorted at every level: the same object always gives the same text. */
function canonicalJSON(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJSON).join(',')}]`;
  if (isPlainObject(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJSON(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Go's RFC3339Nano in UTC: fractional seconds with trailing zeros dropped (and no dot when they are all zero). */
export function rfc3339Nano(ms: number): string {
  const whole = Math.floor(ms / 1000);
  const nanos = Math.min(999_999_999, Math.round((ms - whole * 1000) * 1e6));
  const base = new Date(whole * 1000).toISOString().slice(0, 19);
  const frac = nanos === 0 ? '' : `.${String(nanos).padStart(9, '0').replace(/0+$/, '')}`;
  return `${base}${frac}Z`;
}

const STATIC_TOLERATION: Toleration = { operator: 'Exists', effect: 'NoExecute' };

/**
 * The static pod the kubelet runs for a manifest pod on `src.node`, first seen at `seenAt` (ms since the epoch).
 *
 * Assumptions / Invariants (kubelet config/common.go `applyDefaults` with isFile=true, config/config.go):
 * - uid, when the manifest has none, is the md5 hex of the pod as written (here: canonical JSON with sorted keys,
 *   so formatting and key order do not matter) followed by `host:<node>` and `file:<path>`; the same content on the
 *   same node from the same file always gives the same uid, any change gives another.
 * - name becomes `<name>-<lowercase node name>`; namespace `default` when empty; spec.nodeName is the node.
 * - annotations: config.hash = uid, config.source = "file", config.seen = RFC3339Nano of `seenAt`.
 * - a toleration `{operator: Exists, effect: NoExecute}` is added (replacing one with the same key, operator, value
 *   and effect, as helper.AddOrUpdateTolerationInPod does), so node problems never evict static pods.
 * - status.phase is Pending; spec defaults are the apiserver's business and not repeated here.
 */
export function staticPod(pod: Pod, src: StaticPodSource, seenAt: number): Pod {
  const out = structuredClone(pod) as Pod & { metadata: NonNullable<Pod['metadata']>; spec: NonNullable<Pod['spec']> };
  const meta = out.metadata as { name?: string; namespace?: string; uid?: string; annotations?: Record<string, string> };
  if (!meta.uid) {
    const h = createHash('md5');
    h.update(canonicalJSON(pod));
    h.update(`host:${src.node}`);
    h.update(`file:${src.file}`);
    meta.uid = h.digest('hex');
  }
  meta.name = `${meta.name ?? ''}-${src.node.toLowerCase()}`;
  if (!meta.namespace) meta.namespace = 'default';
  out.spec.nodeName = src.node;
  meta.annotations = {
    ...meta.annotations,
    [CONFIG_HASH_ANNOTATION]: meta.uid,
    [CONFIG_SOURCE_ANNOTATION]: 'file',
    [CONFIG_SEEN_ANNOTATION]: rfc3339Nano(seenAt),
  };
  const tolerations = [...(out.spec.tolerations ?? [])];
  const same = tolerations.findIndex((t) => (t.key ?? '') === '' && t.operator === 'Exists' && (t.value ?? '') === '' && t.effect === 'NoExecute');
  if (same >= 0) tolerations[same] = { ...STATIC_TOLERATION };
  else tolerations.push({ ...STATIC_TOLERATION });
  out.spec.tolerations = tolerations;
  return { ...out, status: { phase: 'Pending' } };
}

/** The config hash of a static pod (`kubernetes.io/config.hash`), if it has one. */
export function staticPodHash(pod: Pod): string | undefined {
  return pod.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
}

/** True for a mirror pod: one carrying `kubernetes.io/config.mirror` (upstream kubetypes.IsMirrorPod). */
export function isMirrorPod(pod: Pod): boolean {
  return pod.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION] !== undefined;
}

/** The static pod hash a mirror pod stands for (`kubernetes.io/config.mirror`), if any. */
export function mirrorPodHash(pod: Pod): string | undefined {
  return pod.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION];
}

/** True for a pod that came from a file or URL rather than the API (upstream kubetypes.IsStaticPod). */
export function isStaticPod(pod: Pod): boolean {
  const source = pod.metadata?.annotations?.[CONFIG_SOURCE_ANNOTATION];
  return source !== undefined && source !== 'api';
}

/**
 * The mirror pod to create for `staticPod` on `node`.
 *
 * Assumptions / Invariants (kubelet pod/mirror_client.go `CreateMirrorPod`): a copy of the static pod with all its
 * annotations plus config.mirror = config.hash, owned by its Node (`controller: true`, no blockOwnerDeletion), so
 * the garbage collector removes it with the Node. uid, resourceVersion, creationTimestamp and status are dropped:
 * the apiserver assigns the first three, and the status is reported separately on the mirror pod.
 */
export function mirrorPod(staticPod: Pod, node: { name: string; uid: string }): Pod {
  const hash = staticPodHash(staticPod);
  if (hash === undefined) throw new Error(`pod ${staticPod.metadata?.name ?? ''} has no ${CONFIG_HASH_ANNOTATION} annotation: not a static pod`);
  const { status: _status, ...rest } = structuredClone(staticPod);
  const { uid: _uid, resourceVersion: _rv, creationTimestamp: _ct, ...meta } = rest.metadata ?? {};
  return {
    ...rest,
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...meta,
      annotations: { ...meta.annotations, [CONFIG_MIRROR_ANNOTATION]: hash },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid: node.uid, controller: true }],
    },
  };
}
