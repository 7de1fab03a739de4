// Pure StatefulSet helpers: pod identity and ordinals, claims from volumeClaimTemplates, pod health, new pods.

import { isPodAvailable, isPodReady, isTerminating } from '../../apiserver/api/pod-state.js';
import type { ObjectMeta, PersistentVolumeClaim, Pod, PodTemplateSpec, StatefulSet } from '../../apiserver/api/types.js';
import { CONTROLLER_REVISION_HASH_LABEL, controllerRef } from '../history/index.js';

/** Label with the pod's own name (apps.StatefulSetPodNameLabel). */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
/** Label with the pod's ordinal (apps.PodIndexLabel; PodIndexLabel is GA in 1.32). */
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
/** Label with the bare hash on a StatefulSet's ControllerRevisions (history.ControllerRevisionHashLabel). */
export const CR_HASH_LABEL = 'controller.kubernetes.io/hash';

const MAX_INT32 = 2 ** 31 - 1;
const NO_PARENT = Object.freeze({ parent: '', ordinal: -1 });

/**
 * The parent StatefulSet name and ordinal in a pod name (`web-2` → web, 2); ordinal -1 when it does not parse.
 * Upstream matches `(.*)-([0-9]+)$` with a greedy parent, which is the text before the last `-` when only digits
 * follow it; an ordinal beyond int32 keeps the parent with ordinal -1. Written without the regexp: every sync calls
 * it several times per pod.
 */
export function getParentNameAndOrdinal(name: string | undefined): { parent: string; ordinal: number } {
  const s = name ?? '';
  const dash = s.lastIndexOf('-');
  if (dash < 0 || dash === s.length - 1) return NO_PARENT;
  for (let i = dash + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return NO_PARENT;
  }
  const n = Number(s.slice(dash + 1));
  return { parent: s.slice(0, dash), ordinal: n <= MAX_INT32 ? n : -1 };
}

/** A pod's ordinal, or -1. */
export function getOrdinal(pod: Pod): number {
  return getParentNameAndOrdinal(pod.metadata?.name).ordinal;
}

/** The first ordinal of the set (spec.ordinals.start, default 0). */
export function getStartOrdinal(set: StatefulSet): number {
  return set.spec?.ordinals?.start ?? 0;
}

/** The last ordinal of the set (inclusive). */
export function getEndOrdinal(set: StatefulSet): number {
  return getStartOrdinal(set) + replicasOf(set) - 1;
}

/** spec.replicas (defaulted to 1 by the API). */
export function replicasOf(set: StatefulSet): number {
  return set.spec?.replicas ?? 1;
}

/** True when the pod's ordinal is within [start, end]. */
export function podInOrdinalRange(pod: Pod, set: StatefulSet): boolean {
  const o = getOrdinal(pod);
  return o >= getStartOrdinal(set) && o <= getEndOrdinal(set);
}

/** `<set>-<ordinal>`. */
export function getPodName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata?.name ?? ''}-${ordinal}`;
}

/** `<claim template>-<set>-<ordinal>`. */
export function getPersistentVolumeClaimName(set: StatefulSet, claimTemplateName: string, ordinal: number): string {
  return `${claimTemplateName}-${set.metadata?.name ?? ''}-${ordinal}`;
}

/** True when the pod's name parses to `<set name>-<int>` (upstream isMemberOf). */
export function isMemberOf(set: StatefulSet, pod: Pod): boolean {
  return getParentNameAndOrdinal(pod.metadata?.name).parent === set.metadata?.name;
}

/** Name, namespace and the pod-name label agree with the set (hostname/subdomain are set only at creation). */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = getParentNameAndOrdinal(pod.metadata?.name);
  return ordinal >= 0 && parent === set.metadata?.name && pod.metadata?.name === getPodName(set, ordinal) &&
    pod.metadata?.namespace === set.metadata?.namespace && pod.metadata?.labels?.[POD_NAME_LABEL] === pod.metadata?.name;
}

/** Every volumeClaimTemplate has a pod volume of its name pointing at the pod's claim. */
export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = getOrdinal(pod);
  if (ordinal < 0) return false;
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  for (const t of set.spec?.volumeClaimTemplates ?? []) {
    const name = t.metadata?.name ?? '';
    const v = volumes.get(name);
    if (v?.persistentVolumeClaim?.claimName !== getPersistentVolumeClaimName(set, name, ordinal)) return false;
  }
  return true;
}

/** The names of the claims a pod of the set uses, one per volumeClaimTemplate (no objects built). */
export function claimNames(set: StatefulSet, ordinal: number): string[] {
  return (set.spec?.volumeClaimTemplates ?? []).map((t) => getPersistentVolumeClaimName(set, t.metadata?.name ?? '', ordinal));
}

/**
 * The claims a pod of the set needs, keyed by template name (upstream getPersistentVolumeClaims): the template with the
 * pod's claim name, the set's namespace, and labels = template labels with the selector's matchLabels on top.
 */
export function getPersistentVolumeClaims(set: StatefulSet, ordinal: number): Map<string, PersistentVolumeClaim> {
  const out = new Map<string, PersistentVolumeClaim>();
  const selectorLabels = set.spec?.selector?.matchLabels ?? {};
  for (const t of set.spec?.volumeClaimTemplates ?? []) {
    const tname = t.metadata?.name ?? '';
    const meta: ObjectMeta = { name: getPersistentVolumeClaimName(set, tname, ordinal), namespace: set.metadata?.namespace };
    meta.labels = { ...(t.metadata?.labels ?? {}), ...selectorLabels };
    if (t.metadata?.annotations) meta.annotations = { ...t.metadata.annotations };
    if (t.metadata?.finalizers) meta.finalizers = [...t.metadata.finalizers];
    out.set(tname, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta, spec: structuredClone(t.spec ?? {}) });
  }
  return out;
}

/** The pod's volumes with one persistentVolumeClaim volume per template first, then its other volumes (upstream updateStorage). */
export function updateStorage(set: StatefulSet, pod: Pod): Pod {
  const claims = getPersistentVolumeClaims(set, getOrdinal(pod));
  const volumes = [...claims].map(([name, c]) => ({ name, persistentVolumeClaim: { claimName: c.metadata!.name! } }));
  for (const v of pod.spec?.volumes ?? []) if (!claims.has(v.name)) volumes.push(structuredClone(v) as (typeof volumes)[number]);
  return { ...pod, spec: { ...pod.spec!, volumes } };
}

/** Name, namespace, and the pod-name and pod-index labels for the pod's ordinal (upstream updateIdentity). */
export function updateIdentity(set: StatefulSet, pod: Pod): Pod {
  const ordinal = getOrdinal(pod);
  const name = getPodName(set, ordinal);
  const labels = { ...(pod.metadata?.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) };
  return { ...pod, metadata: { ...pod.metadata, name, namespace: set.metadata?.namespace, labels } };
}

/** Pod phase Running and condition Ready True. */
export function isRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

/** Upstream isRunningAndAvailable: IsPodAvailable (which implies Ready). */
export function isRunningAndAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  return isPodAvailable(pod, minReadySeconds, now);
}

/** The API has the pod (phase is set on create); a pod built for creation has no phase. */
export const isCreated = (pod: Pod): boolean => !!pod.status?.phase;
/** Phase Pending. */
export const isPending = (pod: Pod): boolean => pod.status?.phase === 'Pending';
/** Phase Failed. */
export const isFailed = (pod: Pod): boolean => pod.status?.phase === 'Failed';
/** Phase Succeeded. */
export const isSucceeded = (pod: Pod): boolean => pod.status?.phase === 'Succeeded';
/** Running and Ready and not terminating. */
export const isHealthy = (pod: Pod): boolean => isRunningAndReady(pod) && !isTerminating(pod);
/** podManagementPolicy Parallel. */
export const allowsBurst = (set: StatefulSet): boolean => set.spec?.podManagementPolicy === 'Parallel';

/** The pod's controller-revision-hash label ('' when absent). */
export function getPodRevision(pod: Pod): string {
  return pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';
}

/**
 * A new pod for `ordinal` from `template` (upstream newStatefulSetPod over GetPodFromTemplate): template labels,
 * annotations and finalizers, `generateName: <set>-` and the explicit name, the controller reference, the pod's
 * identity with hostname and subdomain (set only here, at creation), and the claim volumes.
 */
export function newStatefulSetPod(set: StatefulSet, template: PodTemplateSpec | undefined, ordinal: number): Pod {
  const tm = template?.metadata;
  const metadata: ObjectMeta = { name: getPodName(set, ordinal), generateName: `${set.metadata?.name ?? ''}-`, labels: { ...(tm?.labels ?? {}) } };
  if (tm?.annotations && Object.keys(tm.annotations).length) metadata.annotations = { ...tm.annotations };
  if (tm?.finalizers?.length) metadata.finalizers = [...tm.finalizers];
  metadata.ownerReferences = [controllerRef(set, 'StatefulSet')];
  let pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata, spec: structuredClone(template?.spec ?? { containers: [] }) };
  pod = updateIdentity(set, pod);
  pod = { ...pod, spec: { ...pod.spec!, hostname: pod.metadata!.name, ...(set.spec?.serviceName ? { subdomain: set.spec.serviceName } : {}) } };
  return updateStorage(set, pod);
}

/** The pod with its controller-revision-hash label set. */
export function setPodRevision(pod: Pod, revision: string): Pod {
  return { ...pod, metadata: { ...pod.metadata, labels: { ...(pod.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: revision } } };
}

/** A set at one revision: the live set's strategy, replicas and status, the revision's template (upstream ApplyRevision). */
export interface VersionedSet {
  set: StatefulSet;
  template: PodTemplateSpec | undefined;
  revision: string;
}

/**
 * The pod to create for `ordinal` (upstream newVersionedStatefulSetPod): at the current revision when it is below the
 * partition, or — RollingUpdate without a rollingUpdate block — below start + status.currentReplicas; otherwise at
 * the update revision. Go's precedence is kept: `(RollingUpdate && noBlock && below current) || (block && below partition)`.
 */
export function newVersionedStatefulSetPod(current: VersionedSet, update: VersionedSet, ordinal: number): Pod {
  const set = current.set;
  const strategy = set.spec?.updateStrategy;
  const start = getStartOrdinal(set);
  const belowCurrent = strategy?.type === 'RollingUpdate' && !strategy.rollingUpdate && ordinal < start + (set.status?.currentReplicas ?? 0);
  const belowPartition = !!strategy?.rollingUpdate && ordinal < start + (strategy.rollingUpdate.partition ?? 0);
  const v = belowCurrent || belowPartition ? current : update;
  return setPodRevision(newStatefulSetPod(v.set, v.template, ordinal), v.revision);
}
