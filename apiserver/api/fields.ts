// Field selectors: parse as apimachinery fields.ParseSelector, match flat field maps, and each resource's field labels.

import { RESOURCES } from './resources.js';
import { badRequest } from './status.js';
import { isPlainObject } from './types.js';

/** One `field=value` or `field!=value` term (`==` is stored as `=`, as upstream). */
export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '!=';
  readonly value: string;
}

/** The AND of its requirements; no requirements matches everything. */
export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
}

/** Matches every object. */
export const EVERYTHING_FIELDS: FieldSelector = Object.freeze({ requirements: Object.freeze([]) });

/** A field selector that does not parse, or names a field the resource does not support; message is upstream's. */
export class FieldSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldSelectorError';
  }
}

// ---- parsing (upstream fields.ParseSelector) ----

/** Splits on commas not escaped by a backslash; escapes stay in the terms. */
function splitTerms(selector: string): string[] {
  if (!selector) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

const TERM_OPERATORS = ['!=', '==', '='] as const;

/** Splits a term at the first operator (`!=` before `==` before `=` at each position); the left side is never unescaped. */
function splitTerm(term: string): { lhs: string; op: (typeof TERM_OPERATORS)[number]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    const op = TERM_OPERATORS.find((o) => term.startsWith(o, i));
    if (op) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
  }
  return undefined;
}

// Assumptions / Invariants: as upstream UnescapeValue, only `\\`, `\,` and `\=` are escapes;
// any other `\x` or a trailing `\` is an invalid escape sequence, and a bare `,` or `=` in a
// value is an error that prints the character's code point (Go prints a rune with %v).
/** Upstream fields.UnescapeValue; throws FieldSelectorError with upstream's message. */
export function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') throw new FieldSelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Upstream fields.EscapeValue: `\` → `\\`, `,` → `\,`, `=` → `\=`. */
export function escapeValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/**
 * Parses a field selector as upstream fields.ParseSelector: `k=v`, `k==v`, `k!=v`, comma-joined,
 * terms sorted, empty terms skipped. Throws FieldSelectorError, e.g.
 * `invalid selector: 'a'; can't understand 'a'`.
 */
export function parseFieldSelector(selector: string): FieldSelector {
  const requirements: FieldRequirement[] = [];
  for (const part of splitTerms(selector).sort()) {
    if (!part) continue;
    const t = splitTerm(part);
    if (!t) throw new FieldSelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    requirements.push({ field: t.lhs, operator: t.op === '!=' ? '!=' : '=', value: unescapeValue(t.rhs) });
  }
  return { requirements };
}

/** True when every term holds; a field absent from the map has the value "" (upstream Fields.Get). */
export function matchesFields(selector: FieldSelector, fields: Readonly<Record<string, string>>): boolean {
  return selector.requirements.every((r) => {
    const actual = Object.prototype.hasOwnProperty.call(fields, r.field) ? fields[r.field]! : '';
    return r.operator === '=' ? actual === r.value : actual !== r.value;
  });
}

/** Upstream Selector.String: terms joined by `,`, values escaped. */
export function fieldSelectorToString(selector: FieldSelector): string {
  return selector.requirements.map((r) => `${r.field}${r.operator}${escapeValue(r.value)}`).join(',');
}

/** Upstream RequiresExactMatch: the value an `=` term demands of `field`, if any. */
export function requiresExactMatch(selector: FieldSelector, field: string): string | undefined {
  return selector.requirements.find((r) => r.operator === '=' && r.field === field)?.value;
}

// ---- per-resource field labels (kube-apiserver 1.32) ----

// Assumptions / Invariants: Pod, Node, Event, Namespace, Secret and Service register a
// field-label conversion func in pkg/apis/core/v1/conversion.go that rejects anything else
// with `field label not supported: <label>`; every other kind here (ConfigMap,
// ServiceAccount, PersistentVolumeClaim, apps/v1 kinds, Lease) falls back to
// runtime.DefaultMetaV1FieldSelectorConversion, which accepts metadata.name and
// metadata.namespace (even for cluster-scoped kinds) and rejects the rest with
// `"<label>" is not a known field selector: only "metadata.name", "metadata.namespace"`.
// Neither message names the kind or version.
const POD_LABELS = [
  'metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName',
  'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName',
];
const EVENT_LABELS = [
  'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion',
  'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type',
  'metadata.namespace', 'metadata.name',
];
const CUSTOM_LABELS: ReadonlyMap<string, readonly string[]> = new Map([
  ['pods', POD_LABELS],
  ['events', EVENT_LABELS],
  ['nodes', ['metadata.name', 'spec.unschedulable']],
  ['namespaces', ['status.phase', 'metadata.name']],
  ['secrets', ['type', 'metadata.namespace', 'metadata.name']],
  ['services', ['metadata.namespace', 'metadata.name', 'spec.clusterIP', 'spec.type']],
]);
const DEFAULT_LABELS: readonly string[] = ['metadata.name', 'metadata.namespace'];

/** The field labels a list/watch of `plural` accepts in kube-apiserver 1.32. */
export function supportedFieldLabels(plural: string): readonly string[] {
  return CUSTOM_LABELS.get(plural) ?? DEFAULT_LABELS;
}

/** Upstream ConvertFieldLabel for one term: the (possibly renamed) label, or a FieldSelectorError with upstream's text. */
function convertFieldLabel(plural: string, label: string): string {
  const custom = CUSTOM_LABELS.get(plural);
  if (!custom) {
    if (DEFAULT_LABELS.includes(label)) return label;
    throw new FieldSelectorError(`${JSON.stringify(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`);
  }
  if (custom.includes(label)) return label;
  if (plural === 'pods' && label === 'spec.host') return 'spec.nodeName';
  throw new FieldSelectorError(`field label not supported: ${label}`);
}

/**
 * Parses the `fieldSelector` query parameter for a list/watch of `plural` as kube-apiserver does:
 * syntax errors and unsupported labels are 400 BadRequest with upstream's message; pods' legacy
 * `spec.host` becomes `spec.nodeName`. `kind` is accepted for call-site symmetry: upstream keys
 * the conversion on the request's kind, and no 1.32 message names it.
 */
export function parseFieldSelectorFor(plural: string, kind: string, value: string | undefined): FieldSelector {
  void kind;
  if (!value) return EVERYTHING_FIELDS;
  try {
    const parsed = parseFieldSelector(value);
    return { requirements: parsed.requirements.map((r) => ({ ...r, field: convertFieldLabel(plural, r.field) })) };
  } catch (e) {
    if (e instanceof FieldSelectorError) throw badRequest(e.message);
    throw e;
  }
}

// ---- field values of an object (upstream registry GetAttrs / ToSelectableFields) ----

/** The value at a dotted path, or undefined. */
function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** A Go string field: "" when absent. */
const str = (obj: unknown, path: string): string => {
  const v = at(obj, path);
  return typeof v === 'string' ? v : '';
};
/** A Go bool field printed with fmt.Sprint: "false" when absent. */
const bool = (obj: unknown, path: string): string => String(at(obj, path) === true);

function podIP(pod: unknown): string {
  const ips = at(pod, 'status.podIPs');
  const first: unknown = Array.isArray(ips) ? ips[0] : undefined;
  return str(first, 'ip') || str(pod, 'status.podIP');
}

// Assumptions / Invariants: as upstream, status.podIPs is an accepted label but not a
// selectable field, so it only ever equals ""; Event `source` falls back to
// reportingController when source.component is empty.
type FieldsFn = (o: unknown) => Record<string, string>;
const SPECIFIC_FIELDS: ReadonlyMap<string, FieldsFn> = new Map<string, FieldsFn>([
  ['pods', (o: unknown) => ({
    'spec.nodeName': str(o, 'spec.nodeName'),
    'spec.restartPolicy': str(o, 'spec.restartPolicy'),
    'spec.schedulerName': str(o, 'spec.schedulerName'),
    'spec.serviceAccountName': str(o, 'spec.serviceAccountName'),
    'spec.hostNetwork': bool(o, 'spec.hostNetwork'),
    'status.phase': str(o, 'status.phase'),
    'status.podIP': podIP(o),
    'status.nominatedNodeName': str(o, 'status.nominatedNodeName'),
  })],
  ['events', (o: unknown) => ({
    'involvedObject.kind': str(o, 'involvedObject.kind'),
    'involvedObject.namespace': str(o, 'involvedObject.namespace'),
    'involvedObject.name': str(o, 'involvedObject.name'),
    'involvedObject.uid': str(o, 'involvedObject.uid'),
    'involvedObject.apiVersion': str(o, 'involvedObject.apiVersion'),
    'involvedObject.resourceVersion': str(o, 'involvedObject.resourceVersion'),
    'involvedObject.fieldPath': str(o, 'involvedObject.fieldPath'),
    reason: str(o, 'reason'),
    reportingComponent: str(o, 'reportingComponent'),
    source: str(o, 'source.component') || str(o, 'reportingComponent'),
    type: str(o, 'type'),
  })],
  ['nodes', (o: unknown) => ({ 'spec.unschedulable': bool(o, 'spec.unschedulable') })],
  ['namespaces', (o: unknown) => ({ 'status.phase': str(o, 'status.phase') })],
  ['secrets', (o: unknown) => ({ type: str(o, 'type') })],
  ['services', (o: unknown) => ({ 'spec.clusterIP': str(o, 'spec.clusterIP'), 'spec.type': str(o, 'spec.type') })],
]);

/**
 * The selectable fields of an object of `plural`: metadata.name, metadata.namespace (namespaced
 * resources only; unknown plurals count as namespaced) and the resource's own fields, as
 * upstream strategies' GetAttrs. Match them with matchesFields.
 */
export function fieldsOf(plural: string, obj: unknown): Record<string, string> {
  const fields: Record<string, string> = { ...(SPECIFIC_FIELDS.get(plural)?.(obj) ?? {}) };
  fields['metadata.name'] = str(obj, 'metadata.name');
  if (RESOURCES.find((r) => r.plural === plural)?.namespaced ?? true) fields['metadata.namespace'] = str(obj, 'metadata.namespace');
  return fields;
}
