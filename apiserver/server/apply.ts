// Server-side apply requests (PATCH with application/apply-patch+yaml) and managedFields tracking of other writes.

import * as S from '../api/status.js';
import { groupVersion, type ResourceInfo } from '../api/resources.js';
import { isPlainObject, type KObject } from '../api/types.js';
import { serverSideApply, typedPatchError } from '../patch/apply.js';
import { FIELD_TREES } from '../openapi/field-tree.js';
import { undeclaredFields } from './apply-fields.js';
import type { FieldChecks } from './field-validation.js';
import { trackUpdate, trackedBase } from '../patch/managed-fields.js';
import { schemaFor } from '../patch/strategic.js';
import type { Registry, WriteOptions } from '../registry/store.js';
import { timestamp } from '../registry/store.js';
import { BodyError, parseYamlKeepingDuplicates } from './body.js';
import { MERGE_PATCH, decodePatched } from './patch.js';
import { boolParam, type Query } from './query.js';
import { checkKind, checkName, checkNamespace, type BodyTarget } from './typed-body.js';

/** Upstream's limit on a fieldManager's length. */
const MAX_FIELD_MANAGER = 128;

const hasStatus = (r: ResourceInfo): boolean => r.subresources.some((s) => s.name === 'status');

/**
 * Upstream ValidatePatchOptions: `force` only with apply, `fieldManager` required for apply, at most 128 bytes,
 * printable. 422 `PatchOptions.meta.k8s.io "" is invalid: …`. Returns the force flag.
 */
export function patchOptions(q: Query, apply: boolean): boolean {
  const force = q.force !== undefined ? boolParam(q, 'force') : undefined;
  const manager = q.fieldManager ?? '';
  const errs: S.FieldError[] = [];
  if (!apply && force !== undefined) errs.push({ type: 'Forbidden', field: 'force', detail: 'may not be specified for non-apply patch' });
  if (apply && manager === '') errs.push({ type: 'Required', field: 'fieldManager', detail: 'is required for apply patch' });
  if (Buffer.byteLength(manager) > MAX_FIELD_MANAGER) errs.push({ type: 'TooLong', field: 'fieldManager', detail: `may not be more than ${MAX_FIELD_MANAGER} bytes` });
  else if ([...manager].some((c) => c < ' ' || c === '\u007f')) errs.push({ type: 'Invalid', field: 'fieldManager', value: manager, detail: 'must only contain printable characters' });
  if (errs.length) throw S.invalid('PatchOptions', 'meta.k8s.io', '', errs);
  return force ?? false;
}

/** The manager of a write without fieldManager: the User-Agent up to its first `/`, printable characters only (upstream). */
export function managerOf(q: Query, userAgent: string | undefined): string {
  if (q.fieldManager) return q.fieldManager;
  return [...(userAgent ?? '').split('/')[0]!].filter((c) => c >= ' ' && c !== '\u007f').join('').slice(0, MAX_FIELD_MANAGER);
}

/** The managedFields hook of a non-apply write: tracks what the write changed, once the object is tracked at all. */
export function updateTracker(r: ResourceInfo, manager: string, subresource: string | undefined, now: () => Date): WriteOptions['managedFields'] {
  return (next, old, incoming) => {
    if (!old || !trackedBase(old, incoming, subresource)) return undefined;
    return trackUpdate(old, next, incoming, {
      manager, apiVersion: groupVersion(r), subresource, hasStatus: hasStatus(r), schema: schemaFor(groupVersion(r), r.kind), now: timestamp(now()),
    });
  };
}

function goKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/**
 * The applied configuration: YAML or JSON, an object with this endpoint's apiVersion and no managedFields (400
 * otherwise, worded as upstream's sigs.k8s.io/yaml decoding into a map); keys given twice keep their last value and
 * are returned for fieldValidation.
 */
function parseConfig(r: ResourceInfo, raw: unknown): { config: Record<string, unknown>; duplicates: string[] } {
  let config: unknown;
  let duplicates: string[];
  try {
    ({ value: config, duplicates } = parseYamlKeepingDuplicates(Buffer.isBuffer(raw) ? raw : Buffer.alloc(0)));
  } catch (e) {
    if (e instanceof BodyError) throw S.badRequest(`error decoding YAML: error converting YAML to JSON: ${e.message}`);
    throw e;
  }
  if (config === null || config === undefined) config = {};
  if (!isPlainObject(config)) {
    throw S.badRequest(`error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${goKind(config)} into Go value of type map[string]interface {}`);
  }
  const meta = config.metadata;
  if (isPlainObject(meta) && meta.managedFields !== undefined && meta.managedFields !== null) throw S.badRequest('metadata.managedFields must be nil');
  const gv = groupVersion(r);
  if (config.apiVersion !== gv) {
    throw S.badRequest(`Incorrect version specified in apply patch. Specified patch version: ${typeof config.apiVersion === 'string' ? config.apiVersion : ''}, expected: ${gv}`);
  }
  checkKind(r, config);
  return { config, duplicates };
}

/** Upstream's typed conversion of the configuration: an undeclared field is refused whatever fieldValidation says. */
function checkDeclared(r: ResourceInfo, config: Record<string, unknown>): void {
  const node = FIELD_TREES.ofKind(r);
  const gv = groupVersion(r);
  const why = node && undeclaredFields(node, config, schemaFor(gv, r.kind));
  if (why) throw typedPatchError(config, gv, why);
}

/** One apply request's inputs. */
export interface ApplyTarget extends BodyTarget {
  name: string;
}

interface ApplyCall {
  config: Record<string, unknown>;
  duplicates: readonly string[];
  fields: FieldChecks;
  manager: string;
  force: boolean;
  subresource: 'status' | undefined;
  now: () => Date;
}

function applied(t: ApplyTarget, a: ApplyCall, live: KObject | undefined): KObject {
  const r = t.resource;
  const gv = groupVersion(r);
  const { config, manager, force, subresource } = a;
  const result = serverSideApply({ live, config, manager, force, subresource, schema: schemaFor(gv, r.kind), apiVersion: gv, hasStatus: hasStatus(r), now: timestamp(a.now()) });
  a.fields.applyDuplicates(a.duplicates);
  const obj = decodePatched(MERGE_PATCH, t, result.object, config);
  checkNamespace(t, obj.metadata);
  checkName(t, obj.metadata);
  const rv = obj.metadata.resourceVersion;
  if (live && rv !== undefined && rv !== '' && rv !== live.metadata.resourceVersion) throw S.conflict({ group: r.group, resource: r.plural }, t.name);
  if (result.managedFields.length) obj.metadata.managedFields = result.managedFields as KObject['metadata']['managedFields'];
  else delete obj.metadata.managedFields;
  return obj;
}

/**
 * Serves an apply: merges the configuration into the live object (200), or creates the object from it when there is
 * none (201, as upstream's patch handler). Conflicts with other managers are a 409 unless `force`.
 */
export async function handleApply(
  registry: Registry, t: ApplyTarget, raw: unknown,
  opts: { q: Query; dryRun: boolean; subresource?: 'status' | undefined; now: () => Date; fields: FieldChecks },
): Promise<{ object: KObject; created: boolean }> {
  const force = patchOptions(opts.q, true);
  const { config, duplicates } = parseConfig(t.resource, raw);
  const call: ApplyCall = { config, duplicates, fields: opts.fields, manager: opts.q.fieldManager!, force, subresource: opts.subresource, now: opts.now };
  // Upstream types the configuration before it merges anything: a field of the wrong type fails first (422), then
  // an undeclared one (400).
  decodePatched(MERGE_PATCH, t, structuredClone(call.config), call.config);
  checkDeclared(t.resource, call.config);
  const keep: WriteOptions['managedFields'] = (_next, _old, incoming) => (Array.isArray(incoming) ? incoming : undefined);
  const write: WriteOptions = { dryRun: opts.dryRun, subresource: opts.subresource, managedFields: keep };
  const update = (): Promise<KObject> => registry.guaranteedUpdate(t.resource, t.namespace, t.name, (current) => applied(t, call, current), write);
  try {
    return { object: await update(), created: false };
  } catch (e) {
    if (!S.isNotFound(e) || opts.subresource) throw e;
  }
  const fresh = applied(t, call, undefined);
  delete fresh.metadata.resourceVersion;
  try {
    return { object: await registry.create(t.resource, t.namespace, fresh, { dryRun: opts.dryRun, managedFields: keep }), created: true };
  } catch (e) {
    // Created by someone else meanwhile: apply to that object instead, as upstream's patch handler retries.
    if (!S.isAlreadyExists(e)) throw e;
    return { object: await update(), created: false };
  }
}
