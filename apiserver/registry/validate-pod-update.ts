// What a pod update may change (upstream ValidatePodUpdate, 1.32): images, activeDeadlineSeconds, added tolerations.

import type { FieldError } from '../api/status.js';
import { isPlainObject, type KObject } from '../api/types.js';
import { semanticEqual } from './semantic.js';
import { validatePodOnlyContainers, validatePodSpec, validateTolerations } from './validate-pod.js';
import { type Obj, isSet, list, obj } from './field-errors.js';

/** The text of upstream's Forbidden error before the diff (updatablePodSpecFields joined by ","). */
export const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,'
  + '`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

const MIRROR = 'kubernetes.io/config.mirror';

/** Upstream ValidatePodSpecificAnnotationUpdates for the mirror pod annotation. */
function mirrorAnnotationErrors(pod: KObject, old: KObject): FieldError[] {
  const now = pod.metadata.annotations ?? {};
  const before = old.metadata.annotations ?? {};
  const field = `metadata.annotations[${MIRROR}]`;
  if (MIRROR in before && now[MIRROR] !== before[MIRROR]) return [{ type: 'Forbidden', field, detail: 'may not remove or update mirror pod annotation' }];
  if (!(MIRROR in before) && MIRROR in now) return [{ type: 'Forbidden', field, detail: 'may not add mirror pod annotation' }];
  return [];
}

/** Upstream ValidateContainerUpdates: same number of containers (else stop), images required and trimmed. */
function containerUpdateErrors(now: unknown, before: unknown, path: string): { errs: FieldError[]; stop: boolean } {
  const a = list(now);
  if (a.length !== list(before).length) return { errs: [{ type: 'Forbidden', field: path, detail: 'pod updates may not add or remove containers' }], stop: true };
  const errs: FieldError[] = [];
  a.forEach((c, i) => {
    const image = typeof obj(c).image === 'string' ? (obj(c).image as string) : '';
    if (image === '') errs.push({ type: 'Required', field: `${path}[${i}].image` });
    if (image.trim() !== image) errs.push({ type: 'Invalid', field: `${path}[${i}].image`, value: image, detail: 'must not have leading or trailing whitespace' });
  });
  return { errs, stop: false };
}

/** Upstream validateOnlyAddedTolerations: every old toleration kept (tolerationSeconds may change), then the new list valid. */
function onlyAddedTolerations(now: unknown, before: unknown): FieldError[] {
  const news = list(now).map(obj);
  for (const o of list(before).map(obj)) {
    const found = news.some((n) => semanticEqual({ ...o, tolerationSeconds: n.tolerationSeconds }, n));
    if (!found) return [{ type: 'Forbidden', field: 'spec.tolerations', detail: 'existing toleration can not be modified except its tolerationSeconds' }];
  }
  return validateTolerations(now, 'spec.tolerations');
}

/** Upstream validateOnlyDeletedSchedulingGates. */
function onlyDeletedSchedulingGates(now: unknown, before: unknown): FieldError[] {
  const old = new Set(list(before).map((g) => obj(g).name));
  const errs: FieldError[] = [];
  list(now).forEach((g, i) => {
    const name = obj(g).name;
    if (!old.has(name)) errs.push({ type: 'Forbidden', field: `spec.schedulingGates[${i}].name`, detail: `only deletion is allowed, but found new scheduling gate '${String(name)}'` });
  });
  return errs;
}

/** Upstream's checks of spec.activeDeadlineSeconds on update; `stop` when upstream returns early. */
function activeDeadlineErrors(now: unknown, before: unknown): { errs: FieldError[]; stop: boolean } {
  const field = 'spec.activeDeadlineSeconds';
  if (isSet(now)) {
    const v = typeof now === 'number' ? now : NaN;
    if (!(v >= 0 && v <= 2147483647)) return { errs: [{ type: 'Invalid', field, value: now, detail: 'must be between 0 and 2147483647, inclusive' }], stop: true };
    if (isSet(before) && (before as number) < v) return { errs: [{ type: 'Invalid', field, value: v, detail: 'must be less than or equal to previous value' }], stop: true };
    return { errs: [], stop: false };
  }
  if (isSet(before)) return { errs: [{ type: 'Invalid', field, value: null, detail: 'must not update from a positive integer to nil value' }], stop: false };
  return { errs: [], stop: false };
}

/** The new spec with every field an update may change set back to the old one's (upstream's munged pod spec). */
function mungedSpec(spec: Obj, old: Obj): Obj {
  const munged = structuredClone(spec);
  for (const kind of ['containers', 'initContainers'] as const) {
    const olds = list(old[kind]);
    list(munged[kind]).forEach((c, i) => {
      if (isPlainObject(c)) {
        const image = obj(olds[i]).image;
        if (image === undefined) delete c.image;
        else c.image = image;
      }
    });
  }
  for (const k of ['activeDeadlineSeconds', 'schedulingGates', 'tolerations'] as const) {
    if (old[k] === undefined) delete munged[k];
    else munged[k] = old[k];
  }
  const grace = old.terminationGracePeriodSeconds;
  if (typeof grace === 'number' && grace < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = grace;
  return munged;
}

/** The internal core.PodSpec's fields in Go order, by their v1 JSON names (host namespaces live in SecurityContext). */
const GO_POD_SPEC: ReadonlyArray<readonly [string, string[]]> = [
  ['Volumes', ['volumes']], ['InitContainers', ['initContainers']], ['Containers', ['containers']],
  ['EphemeralContainers', ['ephemeralContainers']], ['RestartPolicy', ['restartPolicy']],
  ['TerminationGracePeriodSeconds', ['terminationGracePeriodSeconds']], ['ActiveDeadlineSeconds', ['activeDeadlineSeconds']],
  ['DNSPolicy', ['dnsPolicy']], ['NodeSelector', ['nodeSelector']], ['ServiceAccountName', ['serviceAccountName', 'serviceAccount']],
  ['AutomountServiceAccountToken', ['automountServiceAccountToken']], ['NodeName', ['nodeName']],
  ['SecurityContext', ['securityContext', 'hostNetwork', 'hostPID', 'hostIPC', 'shareProcessNamespace', 'hostUsers']],
  ['ImagePullSecrets', ['imagePullSecrets']], ['Hostname', ['hostname']], ['Subdomain', ['subdomain']],
  ['SetHostnameAsFQDN', ['setHostnameAsFQDN']], ['Affinity', ['affinity']], ['SchedulerName', ['schedulerName']],
  ['Tolerations', ['tolerations']], ['HostAliases', ['hostAliases']], ['PriorityClassName', ['priorityClassName']],
  ['Priority', ['priority']], ['PreemptionPolicy', ['preemptionPolicy']], ['DNSConfig', ['dnsConfig']],
  ['ReadinessGates', ['readinessGates']], ['RuntimeClassName', ['runtimeClassName']], ['Overhead', ['overhead']],
  ['EnableServiceLinks', ['enableServiceLinks']], ['TopologySpreadConstraints', ['topologySpreadConstraints']], ['OS', ['os']],
  ['SchedulingGates', ['schedulingGates']], ['ResourceClaims', ['resourceClaims']], ['Resources', ['resources']],
];

/** A value in the diff: JSON, or Go's zero value for an absent one (`""` beside a string, `nil` otherwise). */
function goValue(v: unknown, other: unknown): string {
  if (v !== undefined && v !== null) return JSON.stringify(v);
  if (typeof other === 'string') return '""';
  if (typeof other === 'number') return '0';
  if (typeof other === 'boolean') return 'false';
  return 'nil';
}

/**
 * A diff of two pod specs in the shape of go-cmp's cmp.Diff over core.PodSpec, which upstream appends to the error.
 * Approximation, by design: go-cmp's exact output cannot be reproduced (it prints Go values and deliberately varies its
 * whitespace between runs); here each changed top-level field is one `-`/`+` pair with its JSON value, and runs of
 * unchanged fields are elided as go-cmp elides them.
 */
export function podSpecDiff(old: Obj, now: Obj): string {
  const lines = ['  core.PodSpec{'];
  let same = 0;
  const flush = (): void => {
    if (same) lines.push(`  \t... // ${same} identical field${same === 1 ? '' : 's'}`);
    same = 0;
  };
  const pick = (spec: Obj, keys: string[]): unknown => {
    if (keys.length === 1) return spec[keys[0]!];
    const v: Obj = {};
    for (const k of keys) if (spec[k] !== undefined && k !== 'serviceAccount') v[k] = spec[k];
    return keys[0] === 'serviceAccountName' ? spec.serviceAccountName : v;
  };
  for (const [goName, keys] of GO_POD_SPEC) {
    const a = pick(old, keys);
    const b = pick(now, keys);
    if (semanticEqual(a, b)) {
      same++;
      continue;
    }
    flush();
    lines.push(`- \t${goName}: ${goValue(a, b)},`, `+ \t${goName}: ${goValue(b, a)},`);
  }
  flush();
  lines.push('  }');
  return `${lines.join('\n')}\n`;
}

/**
 * Upstream ValidatePodUpdate after ObjectMeta (validated generically): the new pod valid, mirror annotation kept,
 * containers neither added nor removed, activeDeadlineSeconds only set or lowered, tolerations only added, scheduling
 * gates only removed, and nothing else in the spec changed (Forbidden, with a diff).
 */
export function validatePodUpdate(pod: KObject, old: KObject): FieldError[] {
  const spec = obj(pod.spec);
  const before = obj(old.spec);
  const errs = [...validatePodSpec(spec, 'spec', { isPod: true }), ...validatePodOnlyContainers(spec), ...mirrorAnnotationErrors(pod, old)];
  for (const kind of ['containers', 'initContainers'] as const) {
    const c = containerUpdateErrors(spec[kind], before[kind], `spec.${kind}`);
    errs.push(...c.errs);
    if (c.stop) return errs;
  }
  const deadline = activeDeadlineErrors(spec.activeDeadlineSeconds, before.activeDeadlineSeconds);
  errs.push(...deadline.errs);
  if (deadline.stop) return errs;
  errs.push(...onlyAddedTolerations(spec.tolerations, before.tolerations));
  errs.push(...onlyDeletedSchedulingGates(spec.schedulingGates, before.schedulingGates));
  if (semanticEqual(spec, before)) return errs;
  const munged = mungedSpec(spec, before);
  if (!semanticEqual(munged, before)) errs.push({ type: 'Forbidden', field: 'spec', detail: `${POD_UPDATE_FORBIDDEN}\n${podSpecDiff(before, munged)}` });
  return errs;
}
