// Per-resource strategies: what the API server does to an object on create and update, as upstream's registry strategies.

import type { FieldError } from '../api/status.js';
import type { ResourceInfo } from '../api/resources.js';
import { isPlainObject, type KObject } from '../api/types.js';
import { daemonSetUpdateErrors, statefulSetUpdateErrors } from './immutable.js';
import { defaultDaemonSet, defaultPod, defaultPodSpec, defaultSecret, defaultStatefulSet } from './defaults.js';

/** Hooks a resource may define; every hook is optional and pure apart from mutating `obj`. */
export interface Strategy {
  /** metadata.generation starts at 1 and is bumped when `spec` changes (upstream: DaemonSet and StatefulSet only). */
  tracksGeneration: boolean;
  /** A PUT without resourceVersion is allowed (upstream AllowUnconditionalUpdate; false only for leases here). */
  allowUnconditionalUpdate?: boolean;
  /** A PUT to a missing object creates it (upstream AllowCreateOnUpdate: services, events, leases). */
  allowCreateOnUpdate?: boolean;
  /** An immediate DELETE answers with the object rather than a Status (upstream ReturnDeletedObject). */
  returnDeletedObject?: boolean;
  /** Defaults applied to every written object, on create and on update (upstream defaulting on decode). */
  defaults?(obj: KObject): void;
  /** Fill defaults and reset server-owned fields on create. */
  prepareForCreate?(obj: KObject): void;
  /** Carry server-owned fields over on update of the main resource. */
  prepareForUpdate?(obj: KObject, old: KObject): void;
  /** Kind-specific validation on create (ObjectMeta is validated generically). */
  validate?(obj: KObject): FieldError[];
  /** Kind-specific validation on update. */
  validateUpdate?(obj: KObject, old: KObject): FieldError[];
}

const containerPaths = ['containers', 'initContainers'] as const;

function validatePodSpec(spec: unknown, path: string): FieldError[] {
  if (!isPlainObject(spec)) return [{ type: 'Required', field: path }];
  const errs: FieldError[] = [];
  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) errs.push({ type: 'Required', field: `${path}.containers` });
  for (const list of containerPaths) {
    const cs = spec[list];
    if (!Array.isArray(cs)) continue;
    cs.forEach((c: unknown, i: number) => {
      const at = `${path}.${list}[${i}]`;
      if (!isPlainObject(c) || typeof c.name !== 'string' || c.name === '') errs.push({ type: 'Required', field: `${at}.name` });
      if (!isPlainObject(c) || typeof c.image !== 'string' || c.image === '') errs.push({ type: 'Required', field: `${at}.image` });
    });
  }
  return errs;
}

function validateWorkload(obj: KObject): FieldError[] {
  const spec = obj.spec;
  if (!isPlainObject(spec)) return [{ type: 'Required', field: 'spec' }];
  const errs: FieldError[] = [];
  if (!isPlainObject(spec.selector)) errs.push({ type: 'Required', field: 'spec.selector' });
  const template = spec.template;
  if (!isPlainObject(template)) errs.push({ type: 'Required', field: 'spec.template' });
  else errs.push(...validatePodSpec(template.spec, 'spec.template.spec'));
  return errs;
}

/** A random address in the default service range 10.96.0.0/12 (collisions are not checked). */
function allocateClusterIP(): string {
  const n = 2 + Math.floor(Math.random() * (1 << 20) - 2);
  return `10.${96 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

/**
 * Service defaults and allocation (upstream SetDefaults_Service + the ClusterIP/NodePort allocators, simplified):
 * type ClusterIP, sessionAffinity None, port protocol TCP and targetPort = port, a cluster IP unless headless or
 * ExternalName, node ports for NodePort and LoadBalancer.
 */
function defaultService(obj: KObject): void {
  const spec = isPlainObject(obj.spec) ? obj.spec : (obj.spec = {});
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  for (const p of ports) {
    if (!isPlainObject(p)) continue;
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
    if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && p.nodePort === undefined) p.nodePort = 30000 + Math.floor(Math.random() * 2768);
  }
  if (spec.type === 'ExternalName') return;
  if (spec.clusterIP === undefined || spec.clusterIP === '') spec.clusterIP = allocateClusterIP();
  spec.clusterIPs ??= [spec.clusterIP];
  if (spec.clusterIP !== 'None' || spec.selector) {
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  }
  spec.internalTrafficPolicy ??= 'Cluster';
}

const TEMPLATE_GENERATION = 'deprecated.daemonset.template.generation';

/**
 * DaemonSet templateGeneration (upstream daemonSetStrategy.PrepareForUpdate, stored in apps/v1 as an annotation):
 * carried over from the old object, and bumped when spec.template changes.
 */
function bumpTemplateGeneration(obj: KObject, old: KObject): void {
  const prev = Number(old.metadata.annotations?.[TEMPLATE_GENERATION] ?? '0') || 0;
  const oldSpec = isPlainObject(old.spec) ? old.spec : {};
  const newSpec = isPlainObject(obj.spec) ? obj.spec : {};
  const changed = JSON.stringify(oldSpec.template) !== JSON.stringify(newSpec.template);
  const next = changed ? prev + 1 : prev;
  if (next > 0) obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [TEMPLATE_GENERATION]: String(next) };
}

/** Keeps whatever the old object had in `status` (the main resource never writes status). */
function keepStatus(obj: KObject, old: KObject): void {
  if (old.status === undefined) delete obj.status;
  else obj.status = old.status;
}

const plain: Strategy = { tracksGeneration: false, allowUnconditionalUpdate: true };

const STRATEGIES: Record<string, Strategy> = {
  namespaces: {
    tracksGeneration: false,
    allowUnconditionalUpdate: true,
    returnDeletedObject: true,
    defaults(obj) {
      // Upstream sets this label on every namespace, on create and update.
      obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name ?? '' };
    },
    prepareForCreate(obj) {
      obj.status = { phase: 'Active' };
      const spec = isPlainObject(obj.spec) ? obj.spec : {};
      spec.finalizers = ['kubernetes'];
      obj.spec = spec;
    },
    prepareForUpdate(obj, old) {
      keepStatus(obj, old);
      obj.spec = old.spec;
    },
  },
  nodes: { tracksGeneration: false, allowUnconditionalUpdate: true },
  events: { tracksGeneration: false, allowUnconditionalUpdate: true, allowCreateOnUpdate: true },
  leases: { tracksGeneration: false, allowUnconditionalUpdate: false, allowCreateOnUpdate: true },
  serviceaccounts: { tracksGeneration: false, allowUnconditionalUpdate: true, returnDeletedObject: true },
  secrets: { tracksGeneration: false, allowUnconditionalUpdate: true, defaults: defaultSecret },
  pods: {
    tracksGeneration: false,
    allowUnconditionalUpdate: true,
    returnDeletedObject: true,
    prepareForCreate: defaultPod,
    prepareForUpdate(obj, old) {
      keepStatus(obj, old);
      if (isPlainObject(obj.spec)) defaultPodSpec(obj.spec);
    },
    validate: (obj) => validatePodSpec(obj.spec, 'spec'),
    validateUpdate: (obj) => validatePodSpec(obj.spec, 'spec'),
  },
  persistentvolumeclaims: {
    tracksGeneration: false,
    allowUnconditionalUpdate: true,
    returnDeletedObject: true,
    prepareForCreate(obj) {
      obj.status = { phase: 'Pending' };
    },
    prepareForUpdate: keepStatus,
  },
  services: {
    tracksGeneration: false,
    allowUnconditionalUpdate: true,
    allowCreateOnUpdate: true,
    returnDeletedObject: true,
    prepareForCreate(obj) {
      defaultService(obj);
      obj.status = { loadBalancer: {} };
    },
    prepareForUpdate: keepStatus,
  },
  daemonsets: {
    tracksGeneration: true,
    allowUnconditionalUpdate: true,
    defaults: defaultDaemonSet,
    prepareForCreate(obj) {
      obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [TEMPLATE_GENERATION]: '1' };
      obj.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
    },
    prepareForUpdate(obj, old) {
      keepStatus(obj, old);
      bumpTemplateGeneration(obj, old);
    },
    validate: validateWorkload,
    validateUpdate: (obj, old) => [...daemonSetUpdateErrors(obj, old), ...validateWorkload(obj)],
  },
  statefulsets: {
    tracksGeneration: true,
    allowUnconditionalUpdate: true,
    defaults: defaultStatefulSet,
    prepareForCreate(obj) {
      obj.status = { replicas: 0, availableReplicas: 0 };
    },
    prepareForUpdate: keepStatus,
    validate: validateWorkload,
    validateUpdate: (obj, old) => [...statefulSetUpdateErrors(obj, old), ...validateWorkload(obj)],
  },
  poddisruptionbudgets: {
    // Upstream podDisruptionBudgetStrategy: generation tracks spec; status belongs to the disruption controller.
    tracksGeneration: true,
    allowUnconditionalUpdate: true,
    prepareForCreate(obj) {
      obj.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
    },
    prepareForUpdate: keepStatus,
  },
};

/** The strategy of a resource (a plain one for config-like kinds). */
export function strategyFor(r: ResourceInfo): Strategy {
  return STRATEGIES[r.plural] ?? plain;
}
