// DaemonSet and StatefulSet spec validation with upstream's paths and messages (pkg/apis/apps/validation, 1.32).

import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { FieldError } from '../api/status.js';
import { isPlainObject, type KObject } from '../api/types.js';
import { isEverything, matches, selectorFromLabelSelector, type Selector } from '../api/labels.js';
import { validateAnnotations, validateLabelSelector, validateLabels } from '../api/validation.js';
import { goInt, goIntOrString, goLabelSelector, goPointer, goString, goStringMap } from './go-format.js';
import { validatePodSpec } from './validate-pod.js';
import { type Obj, isSet, obj, str } from './field-errors.js';

const NEGATIVE = 'must be greater than or equal to 0';

function nonNegative(v: unknown, field: string): FieldError[] {
  return typeof v === 'number' && v < 0 ? [{ type: 'Invalid', field, value: v, detail: NEGATIVE }] : [];
}

/** LabelSelectorAsSelector, or undefined when it fails (an invalid operator, key or value). */
function asSelector(sel: unknown): Selector | undefined {
  try {
    return selectorFromLabelSelector(isPlainObject(sel) ? (sel as LabelSelector) : undefined);
  } catch {
    return undefined;
  }
}

/** len(MatchLabels) + len(MatchExpressions). */
const selectorTerms = (sel: Obj): number => Object.keys(obj(sel.matchLabels)).length + (Array.isArray(sel.matchExpressions) ? sel.matchExpressions.length : 0);

const templateLabels = (template: Obj): Record<string, string> | undefined => {
  const labels = obj(template.metadata).labels;
  return isPlainObject(labels) ? (labels as Record<string, string>) : undefined;
};

const mismatch = (template: Obj): FieldError => ({
  type: 'Invalid', field: 'spec.template.metadata.labels', valueText: goStringMap(obj(template.metadata).labels), detail: '`selector` does not match template `labels`',
});

/** Upstream ValidatePodTemplateSpec at `spec.template` (labels and annotations at upstream's `spec.template.labels`). */
function validatePodTemplateSpec(template: Obj): FieldError[] {
  const meta = obj(template.metadata);
  const errs = validateLabels(templateLabels(template), 'spec.template.labels');
  if (isPlainObject(meta.annotations)) errs.push(...validateAnnotations(meta.annotations as Record<string, string>, 'spec.template.annotations'));
  errs.push(...validatePodSpec(template.spec, 'spec.template.spec', { isPod: false }));
  if (Array.isArray(obj(template.spec).ephemeralContainers) && (obj(template.spec).ephemeralContainers as unknown[]).length > 0) {
    errs.push({ type: 'Forbidden', field: 'spec.template.spec.ephemeralContainers', detail: 'ephemeral containers not allowed in pod template' });
  }
  return errs;
}

/** The template checks every workload makes: restartPolicy Always, no activeDeadlineSeconds. */
function workloadTemplateRules(template: Obj, kind: string): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj(template.spec);
  const restart = str(spec.restartPolicy);
  if (restart !== 'Always') errs.push({ type: 'NotSupported', field: 'spec.template.spec.restartPolicy', value: restart, supported: ['Always'] });
  if (isSet(spec.activeDeadlineSeconds)) {
    errs.push({ type: 'Forbidden', field: 'spec.template.spec.activeDeadlineSeconds', detail: `activeDeadlineSeconds in ${kind} is not Supported` });
  }
  return errs;
}

/** A valid percent (`25%`) as its number, else undefined (upstream getPercentValue). */
function percentOf(v: unknown): number | undefined {
  return typeof v === 'string' && /^[0-9]+%$/.test(v) ? Number(v.slice(0, -1)) : undefined;
}

/** Upstream getIntOrPercentValue: a percent's number, an int, or strconv.Atoi of any other string (0 on error). */
function intOrPercentValue(v: unknown): number {
  const pct = percentOf(v);
  if (pct !== undefined) return pct;
  if (typeof v === 'string') return /^[+-]?\d+$/.test(v) ? Number(v) : 0;
  return goInt(v);
}

const PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** Upstream ValidatePositiveIntOrPercent and IsNotMoreThan100Percent for one field. */
function intOrPercentErrors(v: unknown, field: string): { format: FieldError[]; over: FieldError[] } {
  const format: FieldError[] = [];
  if (typeof v === 'string') {
    if (percentOf(v) === undefined) format.push({ type: 'Invalid', field, valueText: goIntOrString(v), detail: PERCENT_MSG });
  } else if (goInt(v) < 0) format.push({ type: 'Invalid', field, value: goInt(v), detail: NEGATIVE });
  const pct = percentOf(v);
  const over: FieldError[] = pct !== undefined && pct > 100 ? [{ type: 'Invalid', field, valueText: goIntOrString(v), detail: 'must not be greater than 100%' }] : [];
  return { format, over };
}

/** Upstream ValidateDaemonSetUpdateStrategy and ValidateRollingUpdateDaemonSet. */
function validateDaemonSetUpdateStrategy(strategyValue: unknown): FieldError[] {
  const strategy = obj(strategyValue);
  const type = str(strategy.type);
  if (type === 'OnDelete') return [];
  if (type !== 'RollingUpdate') {
    return [{
      type: 'NotSupported', field: 'spec.updateStrategy', supported: ['RollingUpdate', 'OnDelete'],
      valueText: `apps.DaemonSetUpdateStrategy{Type:${goString(type)}, RollingUpdate:${goPointer('apps.RollingUpdateDaemonSet', strategy.rollingUpdate)}}`,
    }];
  }
  if (!isPlainObject(strategy.rollingUpdate)) return [{ type: 'Required', field: 'spec.updateStrategy.rollingUpdate' }];
  const ru = strategy.rollingUpdate;
  const path = 'spec.updateStrategy.rollingUpdate';
  const unavailable = intOrPercentErrors(ru.maxUnavailable, `${path}.maxUnavailable`);
  const surge = intOrPercentErrors(ru.maxSurge, `${path}.maxSurge`);
  const errs = [...unavailable.format, ...surge.format, ...unavailable.over, ...surge.over];
  const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
  const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
  if (hasUnavailable && hasSurge) {
    errs.push({ type: 'Invalid', field: `${path}.maxSurge`, valueText: goIntOrString(ru.maxSurge), detail: 'may not be set when maxUnavailable is non-zero' });
  } else if (!hasUnavailable && !hasSurge) {
    errs.push({ type: 'Required', field: `${path}.maxUnavailable`, detail: 'cannot be 0 when maxSurge is 0' });
  }
  return errs;
}

/** Upstream ValidateDaemonSetSpec. */
export function validateDaemonSetSpec(ds: KObject): FieldError[] {
  const spec = obj(ds.spec);
  const template = obj(spec.template);
  const errs = validateLabelSelector(isPlainObject(spec.selector) ? (spec.selector as LabelSelector) : undefined, 'spec.selector');
  const selector = asSelector(spec.selector);
  if (selector && !matches(selector, templateLabels(template))) errs.push(mismatch(template));
  if (isPlainObject(spec.selector) && selectorTerms(spec.selector) === 0) {
    errs.push({ type: 'Invalid', field: 'spec.selector', valueText: goLabelSelector(spec.selector), detail: 'empty selector is invalid for daemonset' });
  }
  errs.push(...validatePodTemplateSpec(template));
  errs.push(...workloadTemplateRules(template, 'DaemonSet'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateDaemonSetUpdateStrategy(spec.updateStrategy));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  return errs;
}

/** Upstream validateRollingUpdateStatefulSet, and the strategy type checks of ValidateStatefulSetSpec. */
function validateStatefulSetUpdateStrategy(strategyValue: unknown): FieldError[] {
  const strategy = obj(strategyValue);
  const type = str(strategy.type);
  const ru = strategy.rollingUpdate;
  const ruText = (r: unknown): string => {
    const o = obj(r);
    return `apps.RollingUpdateStatefulSetStrategy{Partition:${goInt(o.partition)}, MaxUnavailable:${goPointer('intstr.IntOrString', o.maxUnavailable)}}`;
  };
  switch (type) {
    case '':
      return [{ type: 'Required', field: 'spec.updateStrategy' }];
    case 'OnDelete':
      return isSet(ru) ? [{ type: 'Invalid', field: 'spec.updateStrategy.rollingUpdate', valueText: ruText(ru), detail: "only allowed for updateStrategy 'RollingUpdate'" }] : [];
    case 'RollingUpdate':
      return isPlainObject(ru) ? nonNegative(ru.partition, 'spec.updateStrategy.rollingUpdate.partition') : [];
    default:
      return [{
        type: 'Invalid', field: 'spec.updateStrategy', detail: "must be 'RollingUpdate' or 'OnDelete'",
        valueText: `apps.StatefulSetUpdateStrategy{Type:${goString(type)}, RollingUpdate:${goPointer('apps.RollingUpdateStatefulSetStrategy', ru)}}`,
      }];
  }
}

const RETENTION = ['Retain', 'Delete'];

/** Upstream ValidateStatefulSetSpec (the pod spec itself is not validated for StatefulSets upstream). */
export function validateStatefulSetSpec(sts: KObject): FieldError[] {
  const spec = obj(sts.spec);
  const template = obj(spec.template);
  const errs: FieldError[] = [];
  const policy = str(spec.podManagementPolicy);
  if (!policy) errs.push({ type: 'Required', field: 'spec.podManagementPolicy' });
  else if (policy !== 'OrderedReady' && policy !== 'Parallel') {
    errs.push({ type: 'Invalid', field: 'spec.podManagementPolicy', value: policy, detail: "must be 'OrderedReady' or 'Parallel'" });
  }
  errs.push(...validateStatefulSetUpdateStrategy(spec.updateStrategy));
  if (isPlainObject(spec.persistentVolumeClaimRetentionPolicy)) {
    for (const k of ['whenDeleted', 'whenScaled'] as const) {
      const v = str(spec.persistentVolumeClaimRetentionPolicy[k]);
      if (!RETENTION.includes(v)) errs.push({ type: 'NotSupported', field: `spec.persistentVolumeClaimRetentionPolicy.${k}`, value: v, supported: RETENTION });
    }
  }
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  if (isPlainObject(spec.ordinals)) errs.push(...nonNegative(spec.ordinals.start, 'spec.ordinals.start'));
  if (!isPlainObject(spec.selector)) errs.push({ type: 'Required', field: 'spec.selector' });
  else {
    errs.push(...validateLabelSelector(spec.selector as LabelSelector, 'spec.selector'));
    if (selectorTerms(spec.selector) === 0) {
      errs.push({ type: 'Invalid', field: 'spec.selector', valueText: goLabelSelector(spec.selector), detail: 'empty selector is invalid for statefulset' });
    }
  }
  const selector = asSelector(spec.selector);
  if (!selector) errs.push({ type: 'Invalid', field: 'spec.selector', valueText: goLabelSelector(spec.selector) });
  else {
    if (!isEverything(selector) && !matches(selector, templateLabels(template))) errs.push(mismatch(template));
    errs.push(...validateLabels(templateLabels(template), 'spec.template.labels'));
    const annotations = obj(template.metadata).annotations;
    if (isPlainObject(annotations)) errs.push(...validateAnnotations(annotations as Record<string, string>, 'spec.template.annotations'));
  }
  errs.push(...workloadTemplateRules(template, 'StatefulSet'));
  return errs;
}
