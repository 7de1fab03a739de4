// Request paths: turns /api/v1/namespaces/ns/pods/x/status (and friends) into a typed target.

import { findResource, groupVersions, type ResourceInfo } from '../api/resources.js';

/** What a request path names. */
export type Target =
  | { type: 'root-api' }
  | { type: 'root-apis' }
  | { type: 'group'; group: string }
  | { type: 'group-version'; group: string; version: string }
  | { type: 'resource'; resource: ResourceInfo; namespace?: string; name?: string; subresource?: string; allNamespaces: boolean }
  | { type: 'unknown' }
  /** Outside every served group-version: upstream answers plain-text `404 page not found`. */
  | { type: 'unserved' };

const SERVED = groupVersions();

function servesGroup(group: string): boolean {
  return SERVED.some((gv) => gv.group === group);
}

function servesVersion(group: string, version: string): boolean {
  return SERVED.some((gv) => gv.group === group && gv.version === version);
}

/**
 * Parses the resource part after a group-version prefix. Invariant (upstream's API installer): a path under
 * `namespaces/<ns>/` names a namespaced resource when the next segment is one; otherwise it is the namespace
 * object itself (`namespaces/<name>/status`, `namespaces/<name>/finalize`).
 */
function parseResource(group: string, version: string, segs: string[]): Target {
  const [first, second, third, fourth, fifth, ...rest] = segs;
  if (!first) return { type: 'unknown' };
  if (first === 'namespaces' && second !== undefined && third !== undefined) {
    const nsRes = findResource(group, third);
    if (nsRes && nsRes.version === version && nsRes.namespaced) {
      if (rest.length > 0 || fourth === '' || fifth === '') return { type: 'unknown' };
      return withParts(nsRes, second, fourth, fifth);
    }
  }
  const r = findResource(group, first);
  if (!r || r.version !== version) return { type: 'unknown' };
  if (third !== undefined && (fourth !== undefined || third === '')) return { type: 'unknown' };
  if (second === '') return { type: 'unknown' };
  if (r.namespaced) {
    // Only lists (and watches) across all namespaces exist outside namespaces/<ns>/.
    if (second !== undefined) return { type: 'unknown' };
    return { type: 'resource', resource: r, allNamespaces: true };
  }
  return withParts(r, undefined, second, third);
}

function withParts(resource: ResourceInfo, namespace: string | undefined, name: string | undefined, sub: string | undefined): Target {
  const t: Target = { type: 'resource', resource, allNamespaces: false };
  if (namespace !== undefined) t.namespace = namespace;
  if (name !== undefined) t.name = name;
  if (sub !== undefined) t.subresource = sub;
  return t;
}

/** Parses a request path (without query string); the result is shared and must not be mutated. */
export function parsePath(path: string): Target {
  const cached = recent.get(path);
  if (cached) return cached;
  const target = parseUncached(path);
  if (recent.size >= 1024) recent.clear();
  recent.set(path, target);
  return target;
}

/** Clients repeat the same paths (collection URLs above all): parsed targets are kept (bounded, never mutated). */
const recent = new Map<string, Target>();

function parseUncached(path: string): Target {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  let segs: string[];
  try {
    segs = trimmed.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return { type: 'unknown' };
  }
  if (segs[0] === 'api') {
    if (segs.length === 1) return { type: 'root-api' };
    if (segs[1] !== 'v1') return { type: 'unserved' };
    if (segs.length === 2) return { type: 'group-version', group: '', version: 'v1' };
    return parseResource('', 'v1', segs.slice(2));
  }
  if (segs[0] === 'apis') {
    if (segs.length === 1) return { type: 'root-apis' };
    const group = segs[1]!;
    if (!servesGroup(group)) return { type: 'unserved' };
    if (segs.length === 2) return { type: 'group', group };
    const version = segs[2]!;
    if (!servesVersion(group, version)) return { type: 'unserved' };
    if (segs.length === 3) return { type: 'group-version', group, version };
    return parseResource(group, version, segs.slice(3));
  }
  return { type: 'unserved' };
}
