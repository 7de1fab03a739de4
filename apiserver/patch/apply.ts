// Server-side apply (application/apply-patch+yaml): merges a manager's configuration into the live object.

import { ApiError, badRequest, type StatusCause } from '../api/status.js';
import { FieldSet, pathString, type PathElement } from './field-set.js';
import { ConfigError, compare, mergeApplied, removePaths, toFieldSet } from './field-walk.js';
import { decodeManagers, encodeManagers, managerId, stripSet, type ManagedFieldsEntry, type Manager } from './managed-fields.js';
import type { SchemaNode } from './strategic-schema.js';

type Json = Record<string, unknown>;

/** One apply request, already decoded. */
export interface ApplyRequest {
  /** The live object, or undefined when the apply creates it. */
  live: Json | undefined;
  config: Json;
  manager: string;
  force: boolean;
  schema: SchemaNode;
  apiVersion: string;
  /** Whether the kind has a status subresource (status is then not applied through the main resource). */
  hasStatus: boolean;
  /** `status` when applying to the status subresource: only status is applied, the entry names the subresource. */
  subresource?: 'status' | undefined;
  /** RFC 3339 time for changed entries. */
  now: string;
}

/** The object to store and its managedFields. */
export interface ApplyResult {
  object: Json;
  managedFields: ManagedFieldsEntry[];
}

/*
 * Assumptions / Invariants — structured-merge-diff Updater.Apply as kube-apiserver 1.32 runs it:
 * - The configuration is merged into the live object (field-walk mergeApplied); the applier's set becomes exactly
 *   the fields its configuration names (leaves, atomic values, list elements).
 * - Another manager (Apply or Update) whose set holds a field this apply adds or changes is a conflict: 409 unless
 *   `force`, which moves the field to the applier. Fields set to the value they already have are shared.
 * - Fields the applier set last time and omits now are removed, unless some manager still owns them or something
 *   under them; removed fields leave every manager's set.
 * - The status of a kind with a status subresource, apiVersion, kind and server-set metadata are owned by nobody.
 * - A configuration with a keyed list element lacking its key, or two elements with one key, is refused; upstream
 *   answers that with a reason-less 500, kubeling with 400 BadRequest and the same message (bad input is a 4xx).
 */
export function serverSideApply(req: ApplyRequest): ApplyResult {
  const live = withoutManagedFields(req.live ?? {});
  const managers = decodeManagers(req.live ? (req.live.metadata as Json | undefined)?.managedFields : undefined);
  const strip = { hasStatus: req.hasStatus, subresource: req.subresource };
  if (req.live && managers.size === 0) adoptUntracked(managers, live, req, strip);
  const config = req.subresource === 'status' ? { status: req.config.status } : req.hasStatus ? withoutStatus(req.config) : req.config;
  const applied = stripSet(configFields(config, req), strip);
  const merged = mergeApplied(live, config, req.schema);
  const c = compare(live, merged, req.schema);
  const changed = c.modified.union(c.added);
  const id = managerId({ manager: req.manager, operation: 'Apply', subresource: req.subresource });
  const conflicts = findConflicts(managers, id, changed);
  if (conflicts.length > 0 && !req.force) throw conflictError(conflicts);
  for (const [mid, m] of managers) if (mid !== id) m.set = m.set.difference(changed);
  const previous = managers.get(id);
  const lastSet = previous?.set ?? new FieldSet();
  if (previous) previous.set = applied;
  else managers.set(id, { manager: req.manager, operation: 'Apply', apiVersion: req.apiVersion, subresource: req.subresource, set: applied });
  let owned = new FieldSet();
  for (const m of managers.values()) owned = owned.union(m.set);
  removePaths(merged, lastSet.difference(owned), owned, req.schema);
  const removed = compare(live, merged, req.schema).removed;
  for (const m of managers.values()) m.set = m.set.difference(removed);
  if (previous) previous.apiVersion = req.apiVersion;
  return { object: merged, managedFields: encodeManagers(managers.values(), req.now) };
}

/** The configuration's field set; a configuration that is no typed object is a 400 with upstream's message. */
function configFields(config: Json, req: ApplyRequest): FieldSet {
  try {
    return toFieldSet(config, req.schema);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw typedPatchError(req.config, req.apiVersion, e.message);
  }
}

/**
 * Upstream's error for an applied configuration that does not convert to its typed form: `failed to create typed
 * patch object (<namespace>/<name>; <group>/<version>, Kind=<Kind>): <why>`. Upstream answers it with a reason-less
 * 500; kubeling with 400 BadRequest and the same message (bad input is a 4xx).
 */
export function typedPatchError(config: Json, apiVersion: string, why: string): ApiError {
  const meta = (config.metadata !== null && typeof config.metadata === 'object' ? config.metadata : {}) as Json;
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  const gv = apiVersion.includes('/') ? apiVersion : `/${apiVersion}`;
  return badRequest(`failed to create typed patch object (${text(meta.namespace)}/${text(meta.name)}; ${gv}, Kind=${text(config.kind)}): ${why}`);
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The first apply to an object nobody tracks yet (kubeling records field ownership from the first apply on):
 * every field it has is given to one Update manager, as upstream's skip-non-applied manager does, so the apply
 * conflicts with values set before it. The manager is `kubectl-client-side-apply` when the object carries
 * kubectl's last-applied annotation (then kubectl migrates those fields to its apply manager, as against a real
 * cluster), else upstream's `before-first-apply`.
 */
function adoptUntracked(managers: Map<string, Manager>, live: Json, req: ApplyRequest, strip: Parameters<typeof stripSet>[1]): void {
  const annotations = (live.metadata as Json | undefined)?.annotations as Json | undefined;
  const name = annotations && Object.hasOwn(annotations, LAST_APPLIED) ? 'kubectl-client-side-apply' : 'before-first-apply';
  const set = stripSet(compare({}, live, req.schema).added, strip);
  if (set.empty()) return;
  const m: Manager = { manager: name, operation: 'Update', apiVersion: req.apiVersion, set };
  managers.set(managerId(m), m);
}

interface Conflict {
  manager: Manager;
  path: PathElement[];
}

function findConflicts(managers: Map<string, Manager>, applier: string, changed: FieldSet): Conflict[] {
  const out: Conflict[] = [];
  for (const [mid, m] of managers) {
    if (mid === applier) continue;
    for (const path of m.set.intersection(changed).paths()) out.push({ manager: m, path });
  }
  return out;
}

/** How upstream names a manager in conflicts: `"name"`, plus `with subresource "s"`, plus `using v` for Updates. */
function printManager(m: Manager): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s += ` using ${m.apiVersion}`;
  return s;
}

/** Upstream's 409 for apply conflicts: the message lists them, each cause names one field. */
export function conflictError(conflicts: readonly Conflict[]): ApiError {
  const causes: StatusCause[] = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) }));
  let message: string;
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    message = `Apply failed with 1 conflict: conflict with ${printManager(c.manager)}: ${pathString(c.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const name = printManager(c.manager);
      byManager.set(name, [...(byManager.get(name) ?? []), pathString(c.path)]);
    }
    const lines: string[] = [];
    for (const name of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${name}:`);
      for (const p of byManager.get(name)!) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Conflict', details: { causes }, code: 409 });
}

function withoutManagedFields(o: Json): Json {
  const meta = o.metadata !== null && typeof o.metadata === 'object' ? { ...(o.metadata as Json) } : undefined;
  if (!meta) return structuredClone(o);
  delete meta.managedFields;
  return structuredClone({ ...o, metadata: meta });
}

function withoutStatus(o: Json): Json {
  const { status: _s, ...rest } = o;
  void _s;
  return rest;
}
