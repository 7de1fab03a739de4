// Table tests for name/label/ObjectMeta validation against apimachinery's exact messages.

import { describe, expect, it } from 'vitest';
import { fieldErrorString } from './status.js';
import type { ObjectMeta } from './types.js';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  nameRuleFor,
  validateLabelSelector,
  validateName,
  validateObjectMeta,
  validateObjectMetaUpdate,
  type NameRule,
  type ObjectMetaRules,
} from './validation.js';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QNAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('name and label checks', () => {
  it.each([
    ['subdomain ok', isDNS1123Subdomain, 'example.com', []],
    ['subdomain upper', isDNS1123Subdomain, 'Example', [SUBDOMAIN_MSG]],
    ['subdomain trailing dot', isDNS1123Subdomain, 'a.', [SUBDOMAIN_MSG]],
    ['subdomain too long', isDNS1123Subdomain, 'a'.repeat(254), ['must be no more than 253 characters']],
    ['subdomain 253', isDNS1123Subdomain, 'a'.repeat(253), []],
    ['label ok', isDNS1123Label, '123-abc', []],
    ['label with dots', isDNS1123Label, 'a.b', ['must not contain dots']],
    ['label bad start', isDNS1123Label, '-a', [LABEL_MSG]],
    ['label too long', isDNS1123Label, 'a'.repeat(64), ['must be no more than 63 characters']],
    ['label too long and bad', isDNS1123Label, `${'a'.repeat(63)}-`, ['must be no more than 63 characters', LABEL_MSG]],
    ['1035 ok', isDNS1035Label, 'my-svc', []],
    ['1035 digit start', isDNS1035Label, '1abc', [DNS1035_MSG]],
    ['1035 dot', isDNS1035Label, 'a.b', [DNS1035_MSG]],
    ['qualified plain', isQualifiedName, 'MyName', []],
    ['qualified prefixed', isQualifiedName, 'example.com/My_name.1', []],
    ['qualified empty prefix', isQualifiedName, '/a', ['prefix part must be non-empty']],
    ['qualified bad prefix', isQualifiedName, 'Ex/a', [`prefix part ${SUBDOMAIN_MSG}`]],
    ['qualified empty', isQualifiedName, '', ['name part must be non-empty', `name part ${QNAME_MSG}`]],
    ['qualified bad name', isQualifiedName, 'a/-b', [`name part ${QNAME_MSG}`]],
    ['qualified long name', isQualifiedName, 'a'.repeat(64), ['name part must be no more than 63 characters']],
    [
      'qualified two slashes',
      isQualifiedName,
      'a/b/c',
      [`a qualified name ${QNAME_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
    ],
    ['value empty', isValidLabelValue, '', []],
    ['value ok', isValidLabelValue, 'my_value.1-2', []],
    ['value bad', isValidLabelValue, '-a', [VALUE_MSG]],
    ['value long', isValidLabelValue, 'a'.repeat(64), ['must be no more than 63 characters']],
    ['path ok', isValidPathSegmentName, 'Any thing', []],
    ['path dotdot', isValidPathSegmentName, '..', ["may not be '..'"]],
    ['path slash and percent', isValidPathSegmentName, 'a/%', ["may not contain '/'", "may not contain '%'"]],
  ])('%s', (_name, fn, value, want) => {
    expect(fn(value)).toEqual(want);
  });
});

describe('validateName', () => {
  it.each<[NameRule, string, boolean, string[]]>([
    ['subdomain', 'web-', true, []],
    ['subdomain', 'a-', true, []],
    ['subdomain', 'web-', false, [SUBDOMAIN_MSG]],
    ['subdomain', 'Web-', true, [SUBDOMAIN_MSG]],
    ['label', 'a.b-', true, ['must not contain dots']],
    ['dns1035-label', 'svc-', true, []],
    ['dns1035-label', '9svc', false, [DNS1035_MSG]],
    ['path-segment', '..', false, ["may not be '..'"]],
    ['path-segment', '..', true, []],
  ])('%s %j prefix=%s', (rule, name, prefix, want) => {
    expect(validateName(rule, name, prefix)).toEqual(want);
  });
});

describe('nameRuleFor', () => {
  it.each([
    ['namespaces', 'label'],
    ['services', 'dns1035-label'],
    ['statefulsets', 'label'],
    ['events', 'path-segment'],
    ['pods', 'subdomain'],
    ['nodes', 'subdomain'],
    ['configmaps', 'subdomain'],
    ['serviceaccounts', 'subdomain'],
    ['persistentvolumeclaims', 'subdomain'],
    ['leases', 'subdomain'],
    ['constructor', 'subdomain'],
  ])('%s → %s', (plural, rule) => {
    expect(nameRuleFor(plural)).toBe(rule);
  });
});

const NS: ObjectMetaRules = { namespaced: true, nameRule: 'subdomain' };
const ok = { name: 'x', namespace: 'default' };

describe('validateObjectMeta', () => {
  it.each<[string, ObjectMeta, ObjectMetaRules, string[]]>([
    ['valid', ok, NS, []],
    ['no name, no namespace', {}, NS, ['metadata.name: Required value: name or generateName is required', 'metadata.namespace: Required value']],
    ['bad name', { ...ok, name: 'Bad_Name' }, NS, [`metadata.name: Invalid value: "Bad_Name": ${SUBDOMAIN_MSG}`]],
    ['service name', { ...ok, name: 'my.svc' }, { namespaced: true, nameRule: 'dns1035-label' }, [`metadata.name: Invalid value: "my.svc": ${DNS1035_MSG}`]],
    ['namespace name', { name: 'a.b' }, { namespaced: false, nameRule: 'label' }, ['metadata.name: Invalid value: "a.b": must not contain dots']],
    ['generateName', { generateName: 'Web-', name: 'web-abcde', namespace: 'default' }, NS, [`metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN_MSG}`]],
    ['bad namespace', { name: 'x', namespace: 'Default' }, NS, [`metadata.namespace: Invalid value: "Default": ${LABEL_MSG}`]],
    ['namespace on cluster-scoped', { name: 'n', namespace: 'default' }, { namespaced: false, nameRule: 'subdomain' }, ['metadata.namespace: Forbidden: not allowed on this type']],
    ['negative generation', { ...ok, generation: -1 }, NS, ['metadata.generation: Invalid value: -1: must be greater than or equal to 0']],
    [
      'labels',
      { ...ok, labels: { 'a/b/c': 'x', good: '-bad' } },
      NS,
      [
        `metadata.labels: Invalid value: "a/b/c": a qualified name ${QNAME_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
        `metadata.labels: Invalid value: "-bad": ${VALUE_MSG}`,
      ],
    ],
    ['annotation key case-insensitive', { ...ok, annotations: { 'Example.COM/Key': 'v' } }, NS, []],
    ['annotation key bad', { ...ok, annotations: { '-k': 'v' } }, NS, [`metadata.annotations: Invalid value: "-k": name part ${QNAME_MSG}`]],
    ['annotations too large', { ...ok, annotations: { k: 'v'.repeat(256 * 1024) } }, NS, ['metadata.annotations: Too long: may not be more than 262144 bytes']],
    ['annotations at the limit', { ...ok, annotations: { k: 'v'.repeat(256 * 1024 - 1) } }, NS, []],
    ['finalizer bad', { ...ok, finalizers: ['kubernetes.io/pv-protection', 'bad/'] }, NS, ['metadata.finalizers: Invalid value: "bad/": name part must be non-empty', `metadata.finalizers: Invalid value: "bad/": name part ${QNAME_MSG}`]],
    [
      'ownerReference parts',
      { ...ok, ownerReferences: [{ apiVersion: 'apps/', kind: '', name: '', uid: '' }] },
      NS,
      [
        'metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty',
        'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
        'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
        'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
      ],
    ],
    ['update checks names as path segments', { name: 'a.b' }, { namespaced: false, nameRule: 'label', update: true }, []],
  ])('%s', (_name, meta, rules, want) => {
    expect(validateObjectMeta(meta, rules).map(fieldErrorString)).toEqual(want);
  });

  // The offending value of these is a struct or list, which Go prints with %#v; only the detail is upstream's text.
  it.each<[string, ObjectMeta, { field: string; detail: string }]>([
    [
      'Event owner',
      { ...ok, ownerReferences: [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' }] },
      { field: 'metadata.ownerReferences', detail: '/v1, Kind=Event is disallowed from being an owner' },
    ],
    [
      'two controllers',
      {
        ...ok,
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'a', uid: '1', controller: true },
          { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'b', uid: '2', controller: true },
        ],
      },
      { field: 'metadata.ownerReferences', detail: 'Only one reference can have Controller set to true. Found "true" in references for DaemonSet/a and StatefulSet/b' },
    ],
    [
      'orphan with foregroundDeletion',
      { ...ok, finalizers: ['orphan', 'foregroundDeletion'] },
      { field: 'metadata.finalizers', detail: 'finalizer orphan and foregroundDeletion cannot be both set' },
    ],
  ])('%s', (_name, meta, want) => {
    const errs = validateObjectMeta(meta, NS);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ type: 'Invalid', ...want });
  });
});

describe('validateObjectMetaUpdate', () => {
  const old: ObjectMeta = { name: 'x', namespace: 'default', uid: 'u1', resourceVersion: '5', generation: 2, creationTimestamp: '2024-01-01T00:00:00Z' };
  it.each<[string, ObjectMeta, ObjectMeta, string[]]>([
    ['unchanged', { ...old }, old, []],
    ['no resourceVersion', { ...old, resourceVersion: '' }, old, ['metadata.resourceVersion: Invalid value: "": must be specified for an update']],
    ['generation decremented', { ...old, generation: 1 }, old, ['metadata.generation: Invalid value: 1: must not be decremented']],
    ['renamed', { ...old, name: 'y' }, old, ['metadata.name: Invalid value: "y": field is immutable']],
    ['uid changed', { ...old, uid: 'u2' }, old, ['metadata.uid: Invalid value: "u2": field is immutable']],
    ['deletionTimestamp set', { ...old, deletionTimestamp: '2024-01-02T00:00:00Z' }, old, ['metadata.deletionTimestamp: Invalid value: "2024-01-02T00:00:00Z": field is immutable']],
    [
      'finalizer added while deleting',
      { ...old, deletionTimestamp: 'T', finalizers: ['a', 'b/c'] },
      { ...old, deletionTimestamp: 'T', finalizers: ['a'] },
      ['metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b/c"}'],
    ],
  ])('%s', (_name, meta, prev, want) => {
    expect(validateObjectMetaUpdate(meta, prev).map(fieldErrorString)).toEqual(want);
  });
});

describe('validateLabelSelector', () => {
  it.each([
    ['valid', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] }, []],
    ['in without values', { matchExpressions: [{ key: 'tier', operator: 'In' }] }, ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"]],
    ['exists with values', { matchExpressions: [{ key: 'tier', operator: 'Exists', values: ['a'] }] }, ["spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"]],
    ['unknown operator', { matchExpressions: [{ key: 'tier', operator: 'Gt', values: ['1'] }] }, ['spec.selector.matchExpressions[0].operator: Invalid value: "Gt": not a valid selector operator']],
    ['bad value', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['ok', '-x'] }] }, [`spec.selector.matchExpressions[0].values[1]: Invalid value: "-x": ${VALUE_MSG}`]],
    ['bad matchLabels key', { matchLabels: { '-k': 'v' } }, [`spec.selector.matchLabels: Invalid value: "-k": name part ${QNAME_MSG}`]],
  ])('%s', (_name, ls, want) => {
    expect(validateLabelSelector(ls, 'spec.selector').map(fieldErrorString)).toEqual(want);
  });
});
