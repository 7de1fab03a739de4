// The mutating admission a default kube-apiserver 1.32 applies: pods (ServiceAccount, Priority, DefaultTolerationSeconds), nodes (TaintNodesByCondition), and Priority's validation of PriorityClasses.

import * as S from '../api/status.js';
import { isPlainObject, type KObject } from '../api/types.js';
import { generateSuffix } from './names.js';
import { DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS, SYSTEM_PRIORITY_CLASSES } from './validate-scheduling.js';

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | undefined => (isPlainObject(v) ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const PODS = { group: '', resource: 'pods' };

/** The annotation that marks a kubelet's mirror of a static pod. */
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** What Priority admission knows of a stored PriorityClass (plain data, so it can cross to a worker thread). */
export interface PriorityClassRef {
  name: string;
  value: number;
  /** Absent only for a class stored without one (defaulting sets it on every write). */
  preemptionPolicy?: string | undefined;
  globalDefault: boolean;
}

/** What pod admission on create needs from storage, looked up before the create is prepared. */
export interface PodAdmissionInputs {
  /** The pod's ServiceAccount as stored, or null when it does not exist. Undefined: not looked up (mirror pods). */
  serviceAccount?: KObject | null;
  /**
   * Every stored PriorityClass (upstream's lister). Undefined: not looked up, and only the two system classes are
   * known (unit tests of other plugins).
   */
  priorityClasses?: readonly PriorityClassRef[] | undefined;
  /** The volume name suffix generator (injected for tests). */
  suffix?: () => string;
}

/** The ServiceAccount name ServiceAccount admission will use: the pod's, else `default`; none for a mirror pod. */
export function serviceAccountNameFor(pod: KObject): string | undefined {
  if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return undefined;
  const spec = obj(pod.spec) ?? {};
  return str(spec.serviceAccountName) || str(spec.serviceAccount) || 'default';
}

const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The projected volume upstream's TokenVolumeSource describes (bound token, cluster CA, namespace). */
function tokenVolume(name: string): Obj {
  return {
    name,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
      defaultMode: 420,
    },
  };
}

/** Upstream mountServiceAccountToken: a `kube-api-access-xxxxx` volume mounted read-only into every (init) container. */
function mountServiceAccountToken(spec: Obj, suffix: () => string): void {
  const volumes = list(spec.volumes);
  const existing = volumes.map((v) => str(obj(v)?.name)).find((n) => n.startsWith('kube-api-access-'));
  const name = existing ?? `kube-api-access-${suffix()}`;
  let needed = false;
  for (const kind of ['initContainers', 'containers'] as const) {
    for (const c of list(spec[kind])) {
      const container = obj(c);
      if (!container) continue;
      const mounts = list(container.volumeMounts);
      if (mounts.some((m) => obj(m)?.mountPath === TOKEN_MOUNT_PATH)) continue;
      container.volumeMounts = [...mounts, { name, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
      needed = true;
    }
  }
  if (needed && existing === undefined) spec.volumes = [...volumes, tokenVolume(name)];
}

/** Whether a pod references any secret (upstream VisitPodSecretNames, the parts users write). */
function referencesSecrets(spec: Obj): boolean {
  if (list(spec.imagePullSecrets).length > 0) return true;
  for (const v of list(spec.volumes)) {
    const vol = obj(v) ?? {};
    if (obj(vol.secret)) return true;
    if (list(obj(vol.projected)?.sources).some((s) => obj(obj(s)?.secret))) return true;
  }
  for (const kind of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    for (const c of list(spec[kind])) {
      const container = obj(c) ?? {};
      if (list(container.env).some((e) => obj(obj(obj(e)?.valueFrom)?.secretKeyRef))) return true;
      if (list(container.envFrom).some((e) => obj(obj(e)?.secretRef))) return true;
    }
  }
  return false;
}

/**
 * Upstream ServiceAccount admission on create. Mirror pods are checked, not changed. Otherwise the pod runs as its
 * service account (`default` when unset), gets the projected token volume unless automountServiceAccountToken (the
 * pod's, then the account's) is false, and the account's imagePullSecrets when it names none.
 * Deviation: kubeling has no service account controller yet, so a missing `default` account is taken as an empty one
 * (a real cluster creates it with every namespace); any other missing account is upstream's 403.
 */
function admitServiceAccount(pod: KObject, namespace: string, name: string, inputs: PodAdmissionInputs): S.ApiError | undefined {
  const spec = (obj(pod.spec) ?? (pod.spec = {})) as Obj;
  if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) {
    if (str(spec.serviceAccountName)) return S.forbidden(PODS, name, 'a mirror pod may not reference service accounts');
    if (referencesSecrets(spec)) return S.forbidden(PODS, name, 'a mirror pod may not reference secrets');
    const token = list(spec.volumes).some((v) => list(obj(obj(v)?.projected)?.sources).some((s) => obj(obj(s)?.serviceAccountToken)));
    if (token) return S.forbidden(PODS, name, 'a mirror pod may not use ServiceAccountToken volume projections');
    return undefined;
  }
  const account = serviceAccountNameFor(pod)!;
  spec.serviceAccountName = account;
  spec.serviceAccount = account;
  let sa = inputs.serviceAccount;
  if (!sa) {
    if (account !== 'default') return S.forbidden(PODS, name, `error looking up service account ${namespace}/${account}: serviceaccount "${account}" not found`);
    sa = { metadata: {} };
  }
  const automount = typeof spec.automountServiceAccountToken === 'boolean' ? spec.automountServiceAccountToken
    : typeof sa.automountServiceAccountToken === 'boolean' ? sa.automountServiceAccountToken : true;
  if (automount) mountServiceAccountToken(spec, inputs.suffix ?? generateSuffix);
  if (list(spec.imagePullSecrets).length === 0) {
    const names = list(sa.imagePullSecrets).map((s) => ({ name: str(obj(s)?.name) }));
    if (names.length) spec.imagePullSecrets = names;
  }
  return undefined;
}

/** The system classes, as Priority admission sees them when no stored classes were looked up. */
const SYSTEM_REFS: readonly PriorityClassRef[] = SYSTEM_PRIORITY_CLASSES.map((c) => ({
  name: c.name, value: c.value, preemptionPolicy: 'PreemptLowerPriority', globalDefault: false,
}));

/**
 * Upstream getDefaultPriorityClass: the class marked globalDefault, the one with the lowest value should a race have
 * left several; undefined when there is none.
 */
export function globalDefaultClass(classes: readonly PriorityClassRef[]): PriorityClassRef | undefined {
  let found: PriorityClassRef | undefined;
  for (const c of classes) if (c.globalDefault && (!found || found.value > c.value)) found = c;
  return found;
}

/**
 * Upstream Priority admission on create: a pod naming a class gets its value and preemption policy (a 403 when the
 * class does not exist); a pod naming none gets the global default class (its name too), else priority 0 and
 * PreemptLowerPriority. A priority or preemptionPolicy the pod sets itself that disagrees is a 403.
 */
function admitPriority(pod: KObject, name: string, inputs: PodAdmissionInputs): S.ApiError | undefined {
  const spec = (obj(pod.spec) ?? (pod.spec = {})) as Obj;
  const classes = inputs.priorityClasses ?? SYSTEM_REFS;
  const className = str(spec.priorityClassName);
  let priority = DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS;
  let policy: string | undefined = 'PreemptLowerPriority';
  if (!className) {
    const dpc = globalDefaultClass(classes);
    if (dpc) {
      priority = dpc.value;
      policy = dpc.preemptionPolicy;
      spec.priorityClassName = dpc.name;
    }
  } else {
    const pc = classes.find((c) => c.name === className);
    if (!pc) return S.forbidden(PODS, name, `no PriorityClass with name ${className} was found`);
    priority = pc.value;
    policy = pc.preemptionPolicy;
  }
  if (spec.priority !== undefined && spec.priority !== null && spec.priority !== priority) {
    return S.forbidden(PODS, name, `the integer value of priority (${String(spec.priority)}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
  }
  spec.priority = priority;
  if (policy !== undefined) {
    if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== null && spec.preemptionPolicy !== policy) {
      return S.forbidden(PODS, name, `the string value of PreemptionPolicy (${String(spec.preemptionPolicy)}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
    }
    spec.preemptionPolicy = policy;
  }
  return undefined;
}

const PRIORITY_CLASSES = { group: 'scheduling.k8s.io', resource: 'priorityclasses' };

/**
 * Upstream Priority admission's validation of a PriorityClass create or update: a class marked globalDefault is
 * refused (403) while another class is the default. On update the class itself may stay the default.
 */
export function admitPriorityClass(pc: KObject, name: string, operation: 'create' | 'update', classes: readonly PriorityClassRef[]): S.ApiError | undefined {
  if (pc.globalDefault !== true) return undefined;
  const dpc = globalDefaultClass(classes);
  if (dpc && (operation === 'create' || dpc.name !== pc.metadata.name)) {
    return S.forbidden(PRIORITY_CLASSES, name, `PriorityClass ${dpc.name} is already marked as default. Only one default can exist`);
  }
  return undefined;
}

const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';

/**
 * Upstream DefaultTolerationSeconds (create and update): unless a toleration already covers the key (or has no key)
 * with effect NoExecute (or no effect), add `{key, operator: Exists, effect: NoExecute, tolerationSeconds: 300}` for
 * not-ready, then unreachable.
 */
export function addDefaultTolerations(pod: KObject): void {
  const spec = (obj(pod.spec) ?? (pod.spec = {})) as Obj;
  const tolerations = list(spec.tolerations);
  const tolerates = (key: string): boolean => tolerations.some((t) => {
    const tol = obj(t) ?? {};
    return (tol.key === key || !str(tol.key)) && (tol.effect === 'NoExecute' || !str(tol.effect));
  });
  const added: Obj[] = [];
  for (const key of [NOT_READY, UNREACHABLE]) {
    if (!tolerates(key)) added.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  if (added.length) spec.tolerations = [...tolerations, ...added];
}

/**
 * Pod admission on create, after defaulting and before validation, in the default plugin order (ServiceAccount,
 * Priority, DefaultTolerationSeconds). `name` is the name the request gave (empty with generateName). Returns the 403
 * to answer, or nothing.
 */
export function admitPodCreate(pod: KObject, namespace: string, name: string, inputs: PodAdmissionInputs): S.ApiError | undefined {
  const denied = admitServiceAccount(pod, namespace, name, inputs) ?? admitPriority(pod, name, inputs);
  if (denied) return denied;
  addDefaultTolerations(pod);
  return undefined;
}

/** Pod admission on update: Priority keeps the stored priority and preemption policy, DefaultTolerationSeconds re-adds. */
export function admitPodUpdate(pod: KObject, old: KObject): void {
  const spec = (obj(pod.spec) ?? (pod.spec = {})) as Obj;
  const before = obj(old.spec) ?? {};
  for (const k of ['priority', 'preemptionPolicy'] as const) {
    if ((spec[k] === undefined || spec[k] === null) && before[k] !== undefined) spec[k] = before[k];
  }
  addDefaultTolerations(pod);
}

/**
 * Upstream TaintNodesByCondition admission on Node create (plugin/pkg/admission/nodetaint): unless the node already
 * has a taint with key `node.kubernetes.io/not-ready` and effect NoSchedule, append `{key, effect: NoSchedule}` (no
 * value, no timeAdded). The node lifecycle controller removes it once the node reports Ready. Never denies.
 */
export function admitNodeCreate(node: KObject): undefined {
  const spec = (obj(node.spec) ?? (node.spec = {})) as Obj;
  const taints = list(spec.taints);
  const present = taints.some((t) => obj(t)?.key === NOT_READY && obj(t)?.effect === 'NoSchedule');
  if (!present) spec.taints = [...taints, { key: NOT_READY, effect: 'NoSchedule' }];
  return undefined;
}
