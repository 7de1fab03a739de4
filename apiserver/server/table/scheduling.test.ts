// Tests of the PriorityClass printer: upstream's columns and cells.

import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types.js';
import { tableConvertor } from './index.js';
import { priorityClassConvertor } from './scheduling.js';

const NOW = Date.parse('2026-11-22T01:44:00Z');

describe('priorityClassConvertor', () => {
  it('is the printer of scheduling.k8s.io priorityclasses', () => {
    expect(tableConvertor('priorityclasses', 'scheduling.k8s.io')).toBe(priorityClassConvertor);
  });

  it('has NAME, VALUE, GLOBAL-DEFAULT, AGE and PREEMPTIONPOLICY, none of them wide', () => {
    expect(priorityClassConvertor.columns.map((c) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0], ['Value', 'integer', 0], ['Global-Default', 'boolean', 0], ['Age', 'string', 0], ['PreemptionPolicy', 'string', 0],
    ]);
  });

  it('fills value (an integer), globalDefault (a boolean), age and policy', () => {
    const obj: KObject = {
      apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass',
      metadata: { name: 'system-node-critical', creationTimestamp: '2026-11-22T01:40:00Z' },
      value: 2000001000, preemptionPolicy: 'PreemptLowerPriority',
    };
    expect(priorityClassConvertor.cells(obj, NOW)).toEqual(['system-node-critical', 2000001000, false, '4m', 'PreemptLowerPriority']);
    expect(priorityClassConvertor.cells({ ...obj, globalDefault: true, preemptionPolicy: 'Never' }, NOW).slice(2)).toEqual([true, '4m', 'Never']);
  });
});
