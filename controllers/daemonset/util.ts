// Pure DaemonSet helpers: which nodes run a daemon pod, the tolerations and pod template of daemon pods, their target node.

import { nodeSelectorMatches, parseNodeSelector, type NodeSelectorMatcher } from '../../apiserver/api/node-selector.js';
import { tolerationsTolerate } from '../../apiserver/api/tolerations.js';
import { olderFirst } from '../../apiserver/api/time.js';
import {
  TAINT_DISK_PRESSURE, TAINT_MEMORY_PRESSURE, TAINT_NETWORK_UNAVAILABLE, TAINT_NOT_READY, TAINT_PID_PRESSURE, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE,
} from '../../apiserver/api/taints.js';
import type { DaemonSet, Mutable, Node, Pod, PodSpec, PodTemplateSpec, Taint, Toleration } from '../../apiserver/api/types.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../history/index.js';

/** The label carrying the template generation a daemon pod was made from. */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
/** The DaemonSet annotation the API server keeps the template generation in. */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

/** The tolerations every daemon pod gets (upstream AddOrUpdateDaemonPodTolerations), in upstream's order. */
const DAEMON_TOLERATIONS: readonly Toleration[] = [
  { key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute' },
  { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' },
  { key: TAINT_DISK_PRESSURE, operator: 'Exists', effect: 'NoSchedule' },
  { key: TAINT_MEMORY_PRESSURE, operator: 'Exists', effect: 'NoSchedule' },
  { key: TAINT_PID_PRESSURE, operator: 'Exists', effect: 'NoSchedule' },
  { key: TAINT_UNSCHEDULABLE, operator: 'Exists', effect: 'NoSchedule' },
];
const NETWORK_UNAVAILABLE: Toleration = { key: TAINT_NETWORK_UNAVAILABLE, operator: 'Exists', effect: 'NoSchedule' };

/** Upstream Toleration.MatchToleration: same key, operator, value and effect (tolerationSeconds ignored). */
function sameToleration(a: Toleration, b: Toleration): boolean {
  return (a.key ?? '') === (b.key ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');
}

/**
 * Upstream v1helper.AddOrUpdateTolerationInPodSpec: every toleration matching `tol` is replaced by it (so a
 * `tolerationSeconds` goes), else `tol` is appended; an identical one leaves the list as it was.
 */
export function addOrUpdateToleration(tols: readonly Toleration[], tol: Toleration): Toleration[] {
  const out: Toleration[] = [];
  let updated = false;
  for (const t of tols) {
    if (sameToleration(tol, t)) {
      if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) return [...tols];
      out.push({ ...tol });
      updated = true;
    } else out.push(t);
  }
  if (!updated) out.push({ ...tol });
  return out;
}

/** A pod spec's tolerations plus the daemon ones (network-unavailable only with hostNetwork). */
export function daemonPodTolerations(spec: PodSpec | undefined): Toleration[] {
  let tols: Toleration[] = [...(spec?.tolerations ?? [])];
  for (const t of DAEMON_TOLERATIONS) tols = addOrUpdateToleration(tols, t);
  if (spec?.hostNetwork) tols = addOrUpdateToleration(tols, NETWORK_UNAVAILABLE);
  return tols;
}

/** Whether a daemon pod should run on a node, and whether an existing one may stay. */
export interface ShouldRun {
  shouldRun: boolean;
  shouldContinueRunning: boolean;
}

/** A DaemonSet's placement rules, parsed once: evaluate with {@link nodeShouldRunDaemonPod}. */
export interface DaemonPlacement {
  nodeName: string;
  nodeSelector: ReadonlyArray<[string, string]>;
  required: NodeSelectorMatcher | undefined;
  tolerations: Toleration[];
}

const placements = new WeakMap<DaemonSet, DaemonPlacement>();

/** The placement rules of `ds` (cached per object: cached objects are replaced, never changed, on update). */
export function placementOf(ds: DaemonSet): DaemonPlacement {
  let p = placements.get(ds);
  if (!p) {
    const spec = ds.spec?.template?.spec;
    const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    p = {
      nodeName: spec?.nodeName ?? '',
      nodeSelector: Object.entries(spec?.nodeSelector ?? {}),
      required: terms ? parseNodeSelector(terms) : undefined,
      tolerations: daemonPodTolerations(spec),
    };
    placements.set(ds, p);
  }
  return p;
}

function untolerated(taints: readonly Taint[], tols: readonly Toleration[], effects: readonly string[]): boolean {
  for (const t of taints) if (effects.includes(t.effect) && !tolerationsTolerate(tols, t)) return true;
  return false;
}

/**
 * Upstream NodeShouldRunDaemonPod for the daemon pod of `ds` on `node`.
 *
 * Assumptions / Invariants (daemon_controller.go NodeShouldRunDaemonPod, predicates; 1.32): a template nodeName
 * other than the node's means no pod. The pod's nodeSelector and required node affinity must match the node, else
 * (false, false). Only NoSchedule and NoExecute taints count, against the template's tolerations plus the daemon
 * ones: an untolerated one of either gives shouldRun false, and an existing pod may continue unless one of them is
 * NoExecute. Node conditions, `spec.unschedulable`, resources and PreferNoSchedule taints play no part.
 */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet | DaemonPlacement): ShouldRun {
  const p = 'tolerations' in ds ? ds : placementOf(ds);
  const name = node.metadata?.name ?? '';
  const no = { shouldRun: false, shouldContinueRunning: false };
  if (p.nodeName !== '' && p.nodeName !== name) return no;
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of p.nodeSelector) if (labels[k] !== v) return no;
  if (p.required !== undefined && !nodeSelectorMatches(p.required, node)) return no;
  const taints = node.spec?.taints ?? [];
  if (untolerated(taints, p.tolerations, ['NoSchedule', 'NoExecute'])) {
    return { shouldRun: false, shouldContinueRunning: !untolerated(taints, p.tolerations, ['NoExecute']) };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

/** The DaemonSet's template generation (its annotation), or undefined when absent or not a whole number. */
export function templateGeneration(ds: DaemonSet): string | undefined {
  const v = ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  return v !== undefined && /^[+-]?\d+$/.test(v) ? String(Number(v)) : undefined;
}

/**
 * Upstream util.CreatePodTemplate: the DaemonSet's template with the daemon tolerations, and the labels
 * `pod-template-generation` (when the DaemonSet has one) and `controller-revision-hash`.
 */
export function createPodTemplate(template: PodTemplateSpec | undefined, generation: string | undefined, hash: string): PodTemplateSpec {
  const t = structuredClone(template ?? {}) as Mutable<PodTemplateSpec>;
  const spec = (t.spec ?? { containers: [] }) as Mutable<PodSpec>;
  spec.tolerations = daemonPodTolerations(spec);
  t.spec = spec;
  const meta = { ...(t.metadata ?? {}) } as Mutable<NonNullable<PodTemplateSpec['metadata']>>;
  const labels: Record<string, string> = { ...(meta.labels ?? {}) };
  if (generation !== undefined) labels[TEMPLATE_GENERATION_LABEL] = generation;
  if (hash) labels[CONTROLLER_REVISION_HASH_LABEL] = hash;
  meta.labels = labels;
  t.metadata = meta;
  return t;
}

/**
 * Upstream ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes the single term
 * `matchFields metadata.name In [node]` (the user's required terms go; preferred terms and pod affinities stay).
 */
export function replaceNodeNameAffinity(spec: PodSpec, nodeName: string): PodSpec {
  const required = { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] };
  const affinity = spec.affinity ?? {};
  return { ...spec, affinity: { ...affinity, nodeAffinity: { ...(affinity.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: required } } };
}

/**
 * The pod to create for `node` from a template of {@link createPodTemplate} (upstream GetPodFromTemplate): labels,
 * annotations and finalizers of the template, `generateName: <ds>-`, the controller reference, the spec with
 * its node affinity pinned to the node. `spec.nodeName` stays empty: the scheduler binds it.
 */
export function podForNode(ds: DaemonSet, template: PodTemplateSpec, nodeName: string, ownerRef: NonNullable<Pod['metadata']>['ownerReferences']): Pod {
  const meta = template.metadata ?? {};
  const spec = replaceNodeNameAffinity(structuredClone(template.spec ?? { containers: [] }), nodeName);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace: ds.metadata?.namespace,
      generateName: `${ds.metadata?.name ?? ''}-`,
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: ownerRef,
    },
    spec,
  };
}

/**
 * Upstream util.GetTargetNodeName: `spec.nodeName`, else the single value of the first `matchFields metadata.name
 * In` of the required node affinity; undefined when neither (such pods are ignored).
 */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const e of term.matchFields ?? []) {
      if (e.key === 'metadata.name' && e.operator === 'In') return e.values?.length === 1 ? e.values[0] : undefined;
    }
  }
  return undefined;
}

/**
 * Upstream util.IsPodUpdated (1.32): the pod's hash label is the current hash, or its `pod-template-generation`
 * label is the DaemonSet's template generation.
 */
export function isPodUpdated(pod: Pod, hash: string, generation: string | undefined): boolean {
  const labels = pod.metadata?.labels ?? {};
  return (hash !== '' && labels[CONTROLLER_REVISION_HASH_LABEL] === hash) || (generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === generation);
}

/** Upstream podByCreationTimestampAndPhase: scheduled pods first, then oldest first, then by name. */
export function byCreationTimestampAndPhase(a: Pod, b: Pod): number {
  const sa = a.spec?.nodeName ? 0 : 1;
  const sb = b.spec?.nodeName ? 0 : 1;
  return sa - sb || olderFirst(a, b);
}

/**
 * Upstream intstr.GetScaledValueFromIntOrPercent(v, total, roundUp=true): an integer as is, `"N%"` of `total`
 * rounded up; undefined for anything else (the API server refuses such values).
 */
export function scaledValue(v: number | string | undefined, total: number): number | undefined {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  return m ? Math.ceil((Number(m[1]) * total) / 100) : undefined;
}

/** Upstream util.UnavailableCount: maxUnavailable scaled to `desired` (0 unless RollingUpdate). */
export function unavailableCount(ds: DaemonSet, desired: number): number {
  const s = ds.spec?.updateStrategy;
  if ((s?.type ?? 'RollingUpdate') !== 'RollingUpdate' || !s?.rollingUpdate) return 0;
  return scaledValue(s.rollingUpdate.maxUnavailable, desired) ?? 0;
}

/** Upstream util.SurgeCount: maxSurge scaled to `desired` (0 unless RollingUpdate). */
export function surgeCount(ds: DaemonSet, desired: number): number {
  const s = ds.spec?.updateStrategy;
  if ((s?.type ?? 'RollingUpdate') !== 'RollingUpdate' || !s?.rollingUpdate) return 0;
  return scaledValue(s.rollingUpdate.maxSurge, desired) ?? 0;
}

/** Upstream util.AllowsSurge: maxSurge scaled to one node is above 0. */
export function allowsSurge(ds: DaemonSet): boolean {
  return surgeCount(ds, 1) > 0;
}
