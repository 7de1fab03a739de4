// scheduling.k8s.io/v1 PriorityClass: the system classes, defaults and validation, as upstream pkg/apis/scheduling.

import type { FieldError } from '../api/status.js';
import type { KObject } from '../api/types.js';

/** Upstream HighestUserDefinablePriority: the largest value a class not named `system-…` may have. */
const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;

/** Upstream SystemPriorityClassPrefix: names with it are reserved for the system classes. */
const SYSTEM_PRIORITY_CLASS_PREFIX = 'system-';

/** Upstream DefaultPriorityWhenNoDefaultClassExists. */
export const DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS = 0;

/** A system PriorityClass as upstream's pkg/apis/scheduling/v1 SystemPriorityClasses lists it. */
export interface SystemPriorityClass {
  name: string;
  value: number;
  description: string;
}

/** Upstream systemPriorityClasses (SystemCriticalPriority = 2 × HighestUserDefinablePriority), in upstream's order. */
export const SYSTEM_PRIORITY_CLASSES: readonly SystemPriorityClass[] = [
  {
    name: 'system-node-critical',
    value: 2 * HIGHEST_USER_DEFINABLE_PRIORITY + 1000,
    description: 'Used for system critical pods that must not be moved from their current node.',
  },
  {
    name: 'system-cluster-critical',
    value: 2 * HIGHEST_USER_DEFINABLE_PRIORITY,
    description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
  },
];

/** The PriorityClass object of a system class, as the scheduling storage's post-start hook creates it. */
export function systemPriorityClassObject(c: SystemPriorityClass): KObject {
  return { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: c.name }, value: c.value, description: c.description };
}

/** Upstream IsKnownSystemPriorityClass: undefined when name, value and globalDefault match a system class, else why not. */
function knownSystemPriorityClassError(name: string, value: unknown, globalDefault: boolean): string | undefined {
  const spc = SYSTEM_PRIORITY_CLASSES.find((c) => c.name === name);
  if (!spc) return `${name} is not a known system priority class`;
  if (spc.value !== value) return `value of ${spc.name} PriorityClass must be ${spc.value}`;
  if (globalDefault) return `globalDefault of ${spc.name} PriorityClass must be false`;
  return undefined;
}

/** Upstream SetDefaults_PriorityClass: preemptionPolicy defaults to PreemptLowerPriority. */
export function defaultPriorityClass(pc: KObject): void {
  if (pc.preemptionPolicy === undefined || pc.preemptionPolicy === null) pc.preemptionPolicy = 'PreemptLowerPriority';
}

const valueOf = (pc: KObject): number => (typeof pc.value === 'number' ? pc.value : 0);

/**
 * Upstream ValidatePriorityClass (ObjectMeta is validated generically): a `system-` name must be one of the system
 * classes exactly; any other class may not exceed HighestUserDefinablePriority; preemptionPolicy is one of the two.
 */
export function validatePriorityClass(pc: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const name = pc.metadata.name ?? '';
  if (name.startsWith(SYSTEM_PRIORITY_CLASS_PREFIX)) {
    const why = knownSystemPriorityClassError(name, valueOf(pc), pc.globalDefault === true);
    if (why !== undefined) {
      errs.push({ type: 'Forbidden', field: 'metadata.name', detail: `priority class names with '${SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved for system use only. error: ${why}` });
    }
  } else if (valueOf(pc) > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push({ type: 'Forbidden', field: 'value', detail: `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}` });
  }
  if (pc.preemptionPolicy !== undefined && pc.preemptionPolicy !== null) {
    const p = typeof pc.preemptionPolicy === 'string' ? pc.preemptionPolicy : '';
    if (!p) errs.push({ type: 'Required', field: 'preemptionPolicy' });
    else if (p !== 'PreemptLowerPriority' && p !== 'Never') {
      errs.push({ type: 'NotSupported', field: 'preemptionPolicy', value: p, supported: ['PreemptLowerPriority', 'Never'] });
    }
  }
  return errs;
}

/**
 * Upstream ValidatePriorityClassUpdate (ObjectMeta is validated generically): `value` may not change, and
 * `preemptionPolicy` is immutable. (Upstream's update strategy validates only this, not the whole class again.)
 */
export function validatePriorityClassUpdate(pc: KObject, old: KObject): FieldError[] {
  const errs: FieldError[] = [];
  if (valueOf(pc) !== valueOf(old)) errs.push({ type: 'Forbidden', field: 'value', detail: 'may not be changed in an update.' });
  const policy = pc.preemptionPolicy ?? null;
  if (policy !== (old.preemptionPolicy ?? null)) {
    errs.push(policy === null
      ? { type: 'Invalid', field: 'preemptionPolicy', valueText: 'null', detail: 'field is immutable' }
      : { type: 'Invalid', field: 'preemptionPolicy', value: policy, detail: 'field is immutable' });
  }
  return errs;
}
