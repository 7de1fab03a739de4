// Tests of PriorityClass defaults and validation: upstream's field errors, byte for byte.

import { describe, expect, it } from 'vitest';
import type { KObject } from '../api/types.js';
import { fieldErrorString } from '../api/status.js';
import {
  SYSTEM_PRIORITY_CLASSES, defaultPriorityClass, systemPriorityClassObject, validatePriorityClass, validatePriorityClassUpdate,
} from './validate-scheduling.js';

const pc = (name: string, value: number, more: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...more,
});
const errors = (errs: ReturnType<typeof validatePriorityClass>): string[] => errs.map(fieldErrorString);

describe('PriorityClass defaults', () => {
  it('preemptionPolicy defaults to PreemptLowerPriority and a given one is kept', () => {
    const a = pc('a', 1);
    defaultPriorityClass(a);
    expect(a.preemptionPolicy).toBe('PreemptLowerPriority');
    const b = pc('b', 1, { preemptionPolicy: 'Never' });
    defaultPriorityClass(b);
    expect(b.preemptionPolicy).toBe('Never');
  });
});

describe('validatePriorityClass', () => {
  it('accepts user classes up to 1000000000 and the system classes as upstream defines them', () => {
    expect(validatePriorityClass(pc('high', 1000000000))).toEqual([]);
    expect(validatePriorityClass(pc('neg', -5, { preemptionPolicy: 'Never', description: 'x' }))).toEqual([]);
    for (const c of SYSTEM_PRIORITY_CLASSES) expect(validatePriorityClass(systemPriorityClassObject(c))).toEqual([]);
  });

  it.each<[string, KObject, string[]]>([
    ['a user class above the limit', pc('huge', 1000000001), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']],
    ['a system- name that is not a system class', pc('system-mine', 10),
      ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class"]],
    ['a system class with another value', pc('system-node-critical', 10),
      ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-node-critical PriorityClass must be 2000001000"]],
    ['a system class marked default', pc('system-cluster-critical', 2000000000, { globalDefault: true }),
      ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: globalDefault of system-cluster-critical PriorityClass must be false"]],
    ['an unknown preemption policy', pc('p', 1, { preemptionPolicy: 'Sometimes' }),
      ['preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"']],
    ['an empty preemption policy', pc('p', 1, { preemptionPolicy: '' }), ['preemptionPolicy: Required value']],
  ])('%s', (_name, obj, want) => {
    expect(errors(validatePriorityClass(obj))).toEqual(want);
  });
});

describe('validatePriorityClassUpdate', () => {
  it('value and preemptionPolicy are immutable; description and globalDefault may change', () => {
    const old = pc('a', 5, { preemptionPolicy: 'PreemptLowerPriority' });
    expect(validatePriorityClassUpdate(pc('a', 5, { preemptionPolicy: 'PreemptLowerPriority', description: 'd', globalDefault: true }), old)).toEqual([]);
    expect(errors(validatePriorityClassUpdate(pc('a', 6, { preemptionPolicy: 'Never' }), old))).toEqual([
      'value: Forbidden: may not be changed in an update.',
      'preemptionPolicy: Invalid value: "Never": field is immutable',
    ]);
  });
});
