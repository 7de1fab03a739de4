// Printer for scheduling.k8s.io/v1 PriorityClasses.

import { ageColumn, col, int, nameColumn } from './columns.js';
import { age, str } from './format.js';
import type { TableConvertor } from './types.js';

/**
 * Server-side printer for `priorityclasses` (upstream printPriorityClass, 1.32): NAME, VALUE, GLOBAL-DEFAULT, AGE and
 * PREEMPTIONPOLICY, all shown without `-o wide` (upstream's column has no priority). A class always has a policy
 * (defaulting sets it); one without would show upstream's default, PreemptLowerPriority.
 */
export const priorityClassConvertor: TableConvertor = {
  columns: [
    nameColumn(),
    int('Value', 'value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.'),
    col('Global-Default', 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority.', { type: 'boolean' }),
    ageColumn(),
    col('PreemptionPolicy', 'preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.'),
  ],
  cells(obj, now) {
    const value = typeof obj.value === 'number' ? obj.value : 0;
    const policy = str(obj.preemptionPolicy) || 'PreemptLowerPriority';
    return [str(obj.metadata.name), value, obj.globalDefault === true, age(obj, now), policy];
  },
};
