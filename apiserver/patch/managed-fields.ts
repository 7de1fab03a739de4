// metadata.managedFields: reading and writing the per-manager field sets, and recording what an Update changed.

import { FieldSet, fieldElement } from './field-set.js';
import { compare } from './field-walk.js';
import type { SchemaNode } from './strategic-schema.js';

/** One metadata.managedFields entry, keys in upstream's order. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** A manager's decoded entry: its identity, its set, and the entry it came from. */
export interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string | undefined;
  time?: string | undefined;
  set: FieldSet;
  /** The set as read, to tell whether it changed (and its time with it). */
  readonly before?: FieldSet;
}

/** The identity of a manager entry: name, operation and subresource (upstream BuildManagerIdentifier, minus time). */
export const managerId = (m: Pick<Manager, 'manager' | 'operation' | 'subresource'>): string => `${m.manager}\u0000${m.operation}\u0000${m.subresource ?? ''}`;

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether a value is a managedFields list this server can read (otherwise upstream falls back to the live one). */
export function readableManagedFields(v: unknown): v is unknown[] {
  return Array.isArray(v) && v.length > 0 && v.every((e) => isMap(e) && typeof e.manager === 'string' && (e.operation === 'Apply' || e.operation === 'Update'));
}

/** Decodes managedFields into managers keyed by identity; unreadable input yields none. */
export function decodeManagers(v: unknown): Map<string, Manager> {
  const out = new Map<string, Manager>();
  if (!readableManagedFields(v)) return out;
  for (const e of v as Array<Record<string, unknown>>) {
    const set = FieldSet.fromFieldsV1(e.fieldsV1);
    const m: Manager = {
      manager: e.manager as string,
      operation: e.operation as 'Apply' | 'Update',
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      subresource: typeof e.subresource === 'string' && e.subresource ? e.subresource : undefined,
      time: typeof e.time === 'string' ? e.time : undefined,
      set,
      before: set,
    };
    const id = managerId(m);
    const prev = out.get(id);
    if (prev) prev.set = prev.set.union(set);
    else out.set(id, m);
  }
  return out;
}

const OPERATION_ORDER = { Apply: 0, Update: 1 } as const;

/**
 * Encodes managers as managedFields: empty sets dropped, a changed set stamped `now`, sorted as upstream
 * (operation, Apply first; then time; then manager name, apiVersion, subresource).
 */
export function encodeManagers(managers: Iterable<Manager>, now: string): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const m of managers) {
    if (m.set.empty()) continue;
    const changed = !m.before || !m.before.equals(m.set);
    const time = changed ? now : m.time;
    const e: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion, ...(time === undefined ? {} : { time }), fieldsType: 'FieldsV1', fieldsV1: m.set.toFieldsV1() };
    if (m.subresource) e.subresource = m.subresource;
    out.push(e);
  }
  return out.sort((a, b) => OPERATION_ORDER[a.operation] - OPERATION_ORDER[b.operation]
    || byteOrder(a.time ?? '', b.time ?? '') || byteOrder(a.manager, b.manager) || byteOrder(a.apiVersion, b.apiVersion)
    || byteOrder(a.subresource ?? '', b.subresource ?? ''));
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Metadata fields no manager owns (upstream's strip-meta manager). */
const STRIPPED_META = ['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generateName'];

/**
 * A set without the fields nobody owns: apiVersion, kind, server-set metadata, and the fields the endpoint resets
 * (`status` on the main resource of a kind with a status subresource; everything but `status` on /status).
 */
export function stripSet(set: FieldSet, opts: { subresource?: string | undefined; hasStatus: boolean }): FieldSet {
  const strip = new FieldSet();
  strip.insert([fieldElement('apiVersion')]);
  strip.insert([fieldElement('kind')]);
  for (const f of STRIPPED_META) strip.insert([fieldElement('metadata'), fieldElement(f)]);
  const out = set.difference(strip);
  const meta = out.children.get(fieldElement('metadata'));
  if (meta) meta.member = false;
  for (const [pe, c] of [...out.children]) {
    const isStatus = pe === fieldElement('status');
    if (opts.subresource === 'status' ? !isStatus : opts.hasStatus && isStatus) out.children.delete(pe);
    else if (c.empty()) out.children.delete(pe);
  }
  return out;
}

/** The managedFields an update starts from, or undefined when the object is not tracked. */
export function trackedBase(old: Record<string, unknown>, incoming: unknown, subresource: string | undefined): unknown[] | undefined {
  if (!subresource && readableManagedFields(incoming)) return incoming;
  const live = isMap(old.metadata) ? old.metadata.managedFields : undefined;
  return readableManagedFields(live) ? live : undefined;
}

/** What an Update needs besides the two objects. */
export interface UpdateContext {
  manager: string;
  apiVersion: string;
  subresource?: string | undefined;
  hasStatus: boolean;
  schema: SchemaNode;
  now: string;
}

function withoutManagedFields(o: Record<string, unknown>): Record<string, unknown> {
  const meta = isMap(o.metadata) ? { ...o.metadata } : {};
  delete meta.managedFields;
  return { ...o, metadata: meta };
}

/**
 * The managedFields after a non-apply write (upstream FieldManager.Update): managedFields the client sent are
 * taken as the starting point when readable (never on a subresource), else the live ones. An object that has
 * none stays untracked (upstream's skip-non-applied manager, with tracking starting at the first apply): the result is then
 * undefined. Otherwise the fields the write added or changed move to this manager's Update entry, and removed
 * fields leave every entry.
 */
export function trackUpdate(old: Record<string, unknown>, next: Record<string, unknown>, incoming: unknown, ctx: UpdateContext): ManagedFieldsEntry[] | undefined {
  const base = trackedBase(old, incoming, ctx.subresource);
  if (!base) return undefined;
  const managers = decodeManagers(base);
  const c = compare(withoutManagedFields(old), withoutManagedFields(next), ctx.schema);
  const strip = { subresource: ctx.subresource, hasStatus: ctx.hasStatus };
  const changed = stripSet(c.modified.union(c.added), strip);
  const removed = c.removed;
  const id = managerId({ manager: ctx.manager, operation: 'Update', subresource: ctx.subresource });
  for (const [mid, m] of managers) if (mid !== id) m.set = m.set.difference(changed).difference(removed);
  const mine = managers.get(id);
  if (mine) mine.set = mine.set.union(changed).difference(removed);
  else if (!changed.empty()) managers.set(id, { manager: ctx.manager, operation: 'Update', apiVersion: ctx.apiVersion, subresource: ctx.subresource, set: changed });
  return encodeManagers(managers.values(), ctx.now);
}
