// Name, label and ObjectMeta validation with apimachinery's exact messages (util/validation, api/validation).

import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { ObjectMeta, OwnerReference } from './types.js';
import type { FieldError } from './status.js';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from './finalizers.js';

// Assumptions / Invariants: the format strings, messages and examples below are those of
// k8s.io/apimachinery v0.32 pkg/util/validation; messages embed the format text verbatim.
// Go measures length in bytes, so lengths here are UTF-8 byte counts.

const QNAME_CHAR = '[A-Za-z0-9]';
const QNAME_EXT_CHAR = '[-A-Za-z0-9_.]';
const QUALIFIED_NAME_FMT = `(${QNAME_CHAR}${QNAME_EXT_CHAR}*)?${QNAME_CHAR}`;
const QUALIFIED_NAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";

const whole = (fmt: string): RegExp => new RegExp(`^${fmt}$`);
const QUALIFIED_NAME_RE = whole(QUALIFIED_NAME_FMT);
const LABEL_VALUE_RE = whole(LABEL_VALUE_FMT);
const DNS1123_LABEL_RE = whole(DNS1123_LABEL_FMT);
const DNS1123_SUBDOMAIN_RE = whole(DNS1123_SUBDOMAIN_FMT);
const DNS1035_LABEL_RE = whole(DNS1035_LABEL_FMT);

/** Longest qualified-name part, label value, DNS label (all 63) and DNS subdomain (253). */
export const QUALIFIED_NAME_MAX_LENGTH = 63;
export const LABEL_VALUE_MAX_LENGTH = 63;
export const DNS1123_LABEL_MAX_LENGTH = 63;
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
export const DNS1035_LABEL_MAX_LENGTH = 63;
/** Upper bound on the summed byte size of all annotation keys and values (256 KiB). */
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;

/** Byte length as Go's len(string). */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** `must be no more than N characters` (upstream MaxLenError). */
export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** `msg (e.g. 'a' or 'b', regex used for validation is 'fmt')` (upstream RegexError). */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

/** `must be non-empty` (upstream EmptyError). */
export function emptyError(): string {
  return 'must be non-empty';
}

/** Upstream IsQualifiedName: `[prefix/]name`, prefix a DNS subdomain, name at most 63 characters. */
export function isQualifiedName(value: string): string[] {
  if (VALID_QUALIFIED_NAMES.has(value)) return [];
  const errs = qualifiedNameErrors(value);
  if (errs.length === 0 && VALID_QUALIFIED_NAMES.size < 10_000) VALID_QUALIFIED_NAMES.add(value);
  return errs;
}

/** Label and annotation keys repeat across objects: remember the valid ones (bounded). */
const VALID_QUALIFIED_NAMES = new Set<string>();

function qualifiedNameErrors(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    const msg = regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc');
    return [`a qualified name ${msg} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (byteLength(name) > QUALIFIED_NAME_MAX_LENGTH) errs.push(`name part ${maxLenError(QUALIFIED_NAME_MAX_LENGTH)}`);
  if (!QUALIFIED_NAME_RE.test(name)) {
    errs.push(`name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  }
  return errs;
}

/** Upstream IsValidLabelValue: empty, or a qualified-name part of at most 63 characters. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > LABEL_VALUE_MAX_LENGTH) errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH));
  if (!LABEL_VALUE_RE.test(value)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** Upstream IsDNS1123Label; a valid subdomain that is not a label gets `must not contain dots`. */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH));
  if (!DNS1123_LABEL_RE.test(value)) {
    if (DNS1123_SUBDOMAIN_RE.test(value)) errs.push('must not contain dots');
    else errs.push(regexError(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

/** Upstream IsDNS1123Subdomain. */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!DNS1123_SUBDOMAIN_RE.test(value)) errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

/** Upstream IsDNS1035Label (Service names). */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1035_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1035_LABEL_MAX_LENGTH));
  if (!DNS1035_LABEL_RE.test(value)) errs.push(regexError(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  return errs;
}

/** Upstream path.IsValidPathSegmentName: not `.`/`..`, no `/` or `%`. */
export function isValidPathSegmentName(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  return isValidPathSegmentPrefix(name);
}

/** Upstream path.IsValidPathSegmentPrefix: no `/` or `%`. */
export function isValidPathSegmentPrefix(name: string): string[] {
  return ['/', '%'].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
}

/** How a resource's metadata.name is validated (upstream ValidateNameFunc). */
export type NameRule = 'subdomain' | 'label' | 'dns1035-label' | 'path-segment';

// Assumptions / Invariants: upstream maskTrailingDash replaces the last TWO characters of a
// generateName ending in '-' with "a" (name[:len-2] + "a"); reproduced as is.
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

/** Messages for a name (prefix: it is a generateName, so a trailing '-' is allowed), as upstream NameIs* funcs. */
export function validateName(rule: NameRule, name: string, prefix: boolean): string[] {
  if (rule === 'path-segment') return prefix ? isValidPathSegmentPrefix(name) : isValidPathSegmentName(name);
  const n = prefix ? maskTrailingDash(name) : name;
  if (rule === 'label') return isDNS1123Label(n);
  if (rule === 'dns1035-label') return isDNS1035Label(n);
  return isDNS1123Subdomain(n);
}

// Assumptions / Invariants (kube-apiserver 1.32): Namespace names are DNS-1123 labels
// (ValidateNamespaceName); Service names DNS-1035 labels (ValidateServiceName); StatefulSet
// names DNS-1123 labels since 1.27 (kubernetes#114172); core/v1 Events get no type-specific
// name check, only the generic path-segment check in rest.BeforeCreate; all others subdomains.
const NAME_RULES: ReadonlyMap<string, NameRule> = new Map<string, NameRule>([
  ['namespaces', 'label'],
  ['services', 'dns1035-label'],
  ['statefulsets', 'label'],
  ['events', 'path-segment'],
  ['nodes', 'subdomain'],
  ['pods', 'subdomain'],
  ['configmaps', 'subdomain'],
  ['secrets', 'subdomain'],
  ['serviceaccounts', 'subdomain'],
  ['persistentvolumeclaims', 'subdomain'],
  ['controllerrevisions', 'subdomain'],
  ['daemonsets', 'subdomain'],
  ['leases', 'subdomain'],
]);

/** The name rule kube-apiserver 1.32 applies to a resource's objects (subdomain for unknown plurals). */
export function nameRuleFor(plural: string): NameRule {
  return NAME_RULES.get(plural) ?? 'subdomain';
}

const invalidAt = (field: string, value: unknown, detail: string): FieldError => ({ type: 'Invalid', field, value, detail });

/** Upstream ValidateLabelName: one Invalid per IsQualifiedName message. */
export function validateLabelName(key: string, field: string): FieldError[] {
  return isQualifiedName(key).map((m) => invalidAt(field, key, m));
}

/** Upstream ValidateLabels: keys are qualified names, values label values; all errors at `field`. */
export function validateLabels(labels: Readonly<Record<string, string>> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, field));
    errs.push(...isValidLabelValue(v).map((m) => invalidAt(field, v, m)));
  }
  return errs;
}

/** Upstream v1validation.ValidateLabelSelector (strict options) for a metav1.LabelSelector at `path`. */
export function validateLabelSelector(ls: LabelSelector | null | undefined, path: string): FieldError[] {
  if (!ls) return [];
  const errs = validateLabels(ls.matchLabels, `${path}.matchLabels`);
  (ls.matchExpressions ?? []).forEach((e, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    const values = e.values ?? [];
    if (e.operator === 'In' || e.operator === 'NotIn') {
      if (values.length === 0) errs.push({ type: 'Required', field: `${at}.values`, detail: "must be specified when `operator` is 'In' or 'NotIn'" });
    } else if (e.operator === 'Exists' || e.operator === 'DoesNotExist') {
      if (values.length > 0) errs.push({ type: 'Forbidden', field: `${at}.values`, detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'" });
    } else {
      errs.push({ type: 'Invalid', field: `${at}.operator`, value: e.operator, detail: 'not a valid selector operator' });
    }
    errs.push(...validateLabelName(e.key, `${at}.key`));
    values.forEach((v, j) => {
      errs.push(...isValidLabelValue(v).map((m): FieldError => ({ type: 'Invalid', field: `${at}.values[${j}]`, value: v, detail: m })));
    });
  });
  return errs;
}

/** Upstream ValidateAnnotations: keys are qualified names (case-insensitive), total size at most 256 KiB. */
export function validateAnnotations(annotations: Readonly<Record<string, string>> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    errs.push(...isQualifiedName(k.toLowerCase()).map((m) => invalidAt(field, k, m)));
    total += byteLength(k) + byteLength(v);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_B) {
    errs.push({ type: 'TooLong', field, detail: `may not be more than ${TOTAL_ANNOTATION_SIZE_LIMIT_B} bytes` });
  }
  return errs;
}

/** Upstream ValidateFinalizers: each a qualified name; `orphan` and `foregroundDeletion` are exclusive. */
export function validateFinalizers(finalizers: readonly string[] | undefined, field: string): FieldError[] {
  const list = finalizers ?? [];
  const errs = list.flatMap((f) => isQualifiedName(f).map((m) => invalidAt(field, f, m)));
  if (list.includes(ORPHAN_FINALIZER) && list.includes(FOREGROUND_FINALIZER)) {
    errs.push(invalidAt(field, [...list], 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

/** Group and version of an apiVersion as upstream schema.ParseGroupVersion (undefined when unparsable). */
function parseGroupVersion(apiVersion: string): { group: string; version: string } | undefined {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: apiVersion };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return undefined;
}

function validateOwnerReference(ref: OwnerReference, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const gv = parseGroupVersion(ref.apiVersion ?? '') ?? { group: '', version: '' };
  if (!gv.version) errs.push(invalidAt(`${field}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
  if (!ref.kind) errs.push(invalidAt(`${field}.kind`, ref.kind ?? '', 'kind must not be empty'));
  if (!ref.name) errs.push(invalidAt(`${field}.name`, ref.name ?? '', 'name must not be empty'));
  if (!ref.uid) errs.push(invalidAt(`${field}.uid`, ref.uid ?? '', 'uid must not be empty'));
  if (gv.group === '' && gv.version === 'v1' && ref.kind === 'Event') {
    errs.push(invalidAt(field, ref, `${gv.group}/${gv.version}, Kind=${ref.kind} is disallowed from being an owner`));
  }
  return errs;
}

/** Upstream ValidateOwnerReferences: required parts (paths carry no index, as upstream), no Event owner, one controller. */
export function validateOwnerReferences(refs: readonly OwnerReference[] | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    errs.push(...validateOwnerReference(ref, field));
    if (ref.controller !== true) continue;
    const current = `${ref.kind}/${ref.name}`;
    if (!firstController) firstController = current;
    else {
      const detail = `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`;
      errs.push(invalidAt(field, refs, detail));
    }
  }
  return errs;
}

/** How validateObjectMeta treats a resource. */
export interface ObjectMetaRules {
  namespaced: boolean;
  nameRule: NameRule;
  /**
   * An update: names are checked only as path segments, as rest.BeforeUpdate's common
   * validation does (names are immutable; pair with validateObjectMetaUpdate).
   */
  update?: boolean;
}

function validateNamespaceField(namespace: string, namespaced: boolean): FieldError[] {
  const field = 'metadata.namespace';
  if (!namespaced) return namespace ? [{ type: 'Forbidden', field, detail: 'not allowed on this type' }] : [];
  if (!namespace) return [{ type: 'Required', field }];
  return isDNS1123Label(namespace).map((m) => invalidAt(field, namespace, m));
}

/**
 * Upstream ValidateObjectMetaAccessor for a create: generateName, name, namespace, generation,
 * labels, annotations, ownerReferences, finalizers, in that order, with upstream field paths.
 * Callers first settle the namespace as rest.BeforeCreate does (cleared for cluster-scoped
 * kinds, defaulted from the request), and set metadata.name from generateName.
 * managedFields are not validated.
 */
export function validateObjectMeta(meta: ObjectMeta, rules: ObjectMetaRules): FieldError[] {
  const errs: FieldError[] = [];
  const generateName = meta.generateName ?? '';
  const name = meta.name ?? '';
  const nameRule = rules.update ? 'path-segment' : rules.nameRule;
  if (generateName) {
    errs.push(...validateName(nameRule, generateName, true).map((m) => invalidAt('metadata.generateName', generateName, m)));
  }
  if (!name) errs.push({ type: 'Required', field: 'metadata.name', detail: 'name or generateName is required' });
  else errs.push(...validateName(nameRule, name, false).map((m) => invalidAt('metadata.name', name, m)));
  errs.push(...validateNamespaceField(meta.namespace ?? '', rules.namespaced));
  if ((meta.generation ?? 0) < 0) errs.push(invalidAt('metadata.generation', meta.generation, 'must be greater than or equal to 0'));
  errs.push(...validateLabels(meta.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(meta.ownerReferences, 'metadata.ownerReferences'));
  errs.push(...validateFinalizers(meta.finalizers, 'metadata.finalizers'));
  return errs;
}

/** Immutable Go string fields (unset is ""), then optional ones (unset is null). */
const IMMUTABLE_STRINGS = ['name', 'namespace', 'uid'] as const;
const IMMUTABLE_OPTIONALS = ['creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const;

/**
 * Upstream ValidateObjectMetaAccessorUpdate's checks that need the stored object: no new
 * finalizers once deleting, resourceVersion present, generation not decremented, and
 * name/namespace/uid/creationTimestamp/deletionTimestamp/deletionGracePeriodSeconds immutable
 * (`field is immutable`). Timestamps are compared and shown as their JSON strings.
 */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta): FieldError[] {
  const errs: FieldError[] = [];
  if (old.deletionTimestamp) {
    const extra = [...new Set(meta.finalizers ?? [])].filter((f) => !(old.finalizers ?? []).includes(f)).sort();
    if (extra.length) {
      const list = `[]string{${extra.map((f) => JSON.stringify(f)).join(', ')}}`;
      errs.push({ type: 'Forbidden', field: 'metadata.finalizers', detail: `no new finalizers can be added if the object is being deleted, found new finalizers ${list}` });
    }
  }
  if (!meta.resourceVersion) errs.push(invalidAt('metadata.resourceVersion', meta.resourceVersion ?? '', 'must be specified for an update'));
  if ((meta.generation ?? 0) < (old.generation ?? 0)) errs.push(invalidAt('metadata.generation', meta.generation ?? 0, 'must not be decremented'));
  for (const f of IMMUTABLE_STRINGS) {
    if ((meta[f] ?? '') !== (old[f] ?? '')) errs.push(invalidAt(`metadata.${f}`, meta[f] ?? '', 'field is immutable'));
  }
  for (const f of IMMUTABLE_OPTIONALS) {
    if ((meta[f] ?? null) !== (old[f] ?? null)) errs.push(invalidAt(`metadata.${f}`, meta[f] ?? null, 'field is immutable'));
  }
  return errs;
}
