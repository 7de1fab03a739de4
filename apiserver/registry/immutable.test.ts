// Table tests for the immutable fields of DaemonSets and StatefulSets, with upstream's error texts.

import { describe, expect, it } from 'vitest';
import { fieldErrorString } from '../api/status.js';
import type { KObject } from '../api/types.js';
import { daemonSetUpdateErrors, goLabelSelector, statefulSetUpdateErrors } from './immutable.js';

const obj = (spec: Record<string, unknown>): KObject => ({ apiVersion: 'apps/v1', kind: 'X', metadata: { name: 'x' }, spec });
const FORBIDDEN = "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

describe('goLabelSelector', () => {
  it.each([
    [{ matchLabels: { b: '2', a: '1' } }, 'v1.LabelSelector{MatchLabels:map[string]string{"a":"1", "b":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}'],
    [{ matchExpressions: [{ key: 'k', operator: 'In', values: ['x', 'y'] }, { key: 'e', operator: 'Exists' }] },
      'v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"k", Operator:"In", Values:[]string{"x", "y"}}, v1.LabelSelectorRequirement{Key:"e", Operator:"Exists", Values:[]string(nil)}}}'],
  ])('%j', (sel, want) => {
    expect(goLabelSelector(sel)).toBe(want);
  });
});

describe('daemonSetUpdateErrors', () => {
  it.each([
    ['an unchanged selector', { selector: { matchLabels: { a: '1' } }, x: 1 }, { selector: { matchLabels: { a: '1' } }, x: 2 }, []],
    ['the same selector, keys reordered', { selector: { matchLabels: { a: '1', b: '2' } } }, { selector: { matchLabels: { b: '2', a: '1' } } }, []],
    ['a changed selector', { selector: { matchLabels: { a: '1' } } }, { selector: { matchLabels: { a: '2' } } },
      ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable']],
  ])('%s', (_name, old, next, want) => {
    expect(daemonSetUpdateErrors(obj(next), obj(old)).map(fieldErrorString)).toEqual(want);
  });
});

describe('statefulSetUpdateErrors', () => {
  const base = { replicas: 1, serviceName: 'web', selector: { matchLabels: { a: '1' } }, template: { spec: {} }, podManagementPolicy: 'OrderedReady' };
  it.each([
    ['replicas, template, updateStrategy, minReadySeconds, ordinals, retention policy', {
      ...base, replicas: 3, template: { spec: { x: 1 } }, updateStrategy: { type: 'OnDelete' }, minReadySeconds: 5,
      ordinals: { start: 1 }, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete' } }, []],
    ['the same selector with its keys in another order', { ...base, selector: { matchLabels: { a: '1' }, matchExpressions: [] } }, []],
    // Immutable in 1.32 (kubernetes/kubernetes#56341 is still open).
    ['revisionHistoryLimit', { ...base, revisionHistoryLimit: 2 }, [FORBIDDEN]],
    ['serviceName', { ...base, serviceName: 'other' }, [FORBIDDEN]],
    ['selector', { ...base, selector: { matchLabels: { a: '2' } } }, [FORBIDDEN]],
    ['podManagementPolicy', { ...base, podManagementPolicy: 'Parallel' }, [FORBIDDEN]],
    ['volumeClaimTemplates', { ...base, volumeClaimTemplates: [{ metadata: { name: 'd' } }] }, [FORBIDDEN]],
  ])('%s', (_name, next, want) => {
    expect(statefulSetUpdateErrors(obj(next), obj(base)).map(fieldErrorString)).toEqual(want);
  });
});
