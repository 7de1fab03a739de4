// Per-resource strategies: what the API server does to an object on create and update, as upstream's registry strategies.

import type { ApiError, FieldError } from '../api/status.js';
import type { ResourceInfo } from '../api/resources.js';
import { isPlainObject, type KObject } from '../api/types.js';
import { admitNodeCreate, admitPodCreate, admitPodUpdate, admitPriorityClass, type PodAdmissionInputs, type PriorityClassRef } from './admission.js';
import {
  TEMPLATE_GENERATION, defaultDaemonSet, defaultPersistentVolumeClaim, defaultPod, defaultSecret, defaultStatefulSet,
  dropStatefulSetDisabledFields, podQOSClass, templateGenerationOf,
} from './defaults.js';
import { allocateService, defaultService, keepAllocatedValues } from './defaults-service.js';
import { daemonSetUpdateErrors, statefulSetUpdateErrors } from './immutable.js';
import { semanticEqual } from './semantic.js';
import { validateDaemonSetSpec, validateStatefulSetSpec } from './validate-apps.js';
import { validateNodeTaints } from './validate-node.js';
import { validatePodOnlyContainers, validatePodSpec } from './validate-pod.js';
import { validatePodUpdate } from './validate-pod-update.js';
import { defaultPriorityClass, validatePriorityClass, validatePriorityClassUpdate } from './validate-scheduling.js';
import { admitPersistentVolumeClaimCreate, admitPersistentVolumeCreate } from './admission-storage.js';
import {
  defaultPersistentVolume, defaultStorageClass, persistentVolumeStatusOnCreate, persistentVolumeStatusUpdate, validatePersistentVolume,
  validatePersistentVolumeClaim, validatePersistentVolumeUpdate, validateStorageClass, validateStorageClassUpdate,
} from './validate-storage.js';

/** What create admission is given: the request's namespace and name (empty with generateName) and looked-up inputs. */
export interface CreateAdmission {
  namespace: string;
  name: string;
  pod: PodAdmissionInputs;
  /** Every stored PriorityClass, for a PriorityClass create (undefined: not looked up, nothing to check against). */
  priorityClasses?: readonly PriorityClassRef[] | undefined;
  /** For a PersistentVolumeClaim create: the default StorageClass's name, if there is one. */
  defaultStorageClass?: string | undefined;
}

/** What update admission is given: the object's name and the inputs create admission of the resource reads. */
export interface UpdateAdmission {
  name: string;
  /** Every stored PriorityClass, for a PriorityClass update. */
  priorityClasses?: readonly PriorityClassRef[] | undefined;
}

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
  /** Mutating admission on create, after defaults (returns the 403 to answer, if any). */
  admitCreate?(obj: KObject, a: CreateAdmission): ApiError | undefined;
  /** Validating admission on create, after validation passed (returns the 403 to answer, if any). */
  validateAdmissionCreate?(obj: KObject, a: CreateAdmission): ApiError | undefined;
  /**
   * Validating admission on an update of the main resource, after validation passed (returns the 403 to answer, if
   * any). The registry reads its inputs from storage as for a create (Registry.admissionInputs).
   */
  validateAdmissionUpdate?(obj: KObject, a: UpdateAdmission): ApiError | undefined;
  /** Fill defaults and reset server-owned fields on create. */
  prepareForCreate?(obj: KObject): void;
  /** Carry server-owned fields over on update of the main resource (and run update admission). */
  prepareForUpdate?(obj: KObject, old: KObject): void;
  /** Adjust a `status` subresource write (`now`: the server's time, RFC 3339 seconds). */
  prepareForStatusUpdate?(obj: KObject, old: KObject, now: string): void;
  /** Kind-specific validation on create (ObjectMeta is validated generically). */
  validate?(obj: KObject): FieldError[];
  /** Kind-specific validation on update. */
  validateUpdate?(obj: KObject, old: KObject): FieldError[];
}

/** Keeps whatever the old object had in `status` (the main resource never writes status). */
function keepStatus(obj: KObject, old: KObject): void {
  if (old.status === undefined) delete obj.status;
  else obj.status = old.status;
}

const specOf = (o: KObject): Record<string, unknown> => (isPlainObject(o.spec) ? o.spec : {});

/**
 * Pod status on create (upstream podStrategy.PrepareForCreate): phase Pending, the QoS class, and the PodScheduled
 * condition a pod with scheduling gates starts with.
 */
function podStatusOnCreate(pod: KObject): void {
  const spec = specOf(pod);
  const status: Record<string, unknown> = { phase: 'Pending' };
  if (Array.isArray(spec.schedulingGates) && spec.schedulingGates.length > 0) {
    status.conditions = [{
      type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: null,
      reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates',
    }];
  }
  status.qosClass = podQOSClass(spec);
  pod.status = status;
}

/** Upstream ValidatePodCreate: the spec, pod-only container rules, no ephemeral containers, no node while gated. */
function validatePodCreate(pod: KObject): FieldError[] {
  const spec = specOf(pod);
  const errs = [...validatePodSpec(spec, 'spec', { isPod: true }), ...validatePodOnlyContainers(spec)];
  if (Array.isArray(spec.ephemeralContainers) && spec.ephemeralContainers.length > 0) {
    errs.push({ type: 'Forbidden', field: 'spec.ephemeralContainers', detail: 'cannot be set on create' });
  }
  if (typeof spec.nodeName === 'string' && spec.nodeName !== '' && Array.isArray(spec.schedulingGates) && spec.schedulingGates.length > 0) {
    errs.push({ type: 'Forbidden', field: 'spec.nodeName', detail: 'cannot be set until all schedulingGates have been cleared' });
  }
  return errs;
}

/**
 * DaemonSet templateGeneration (upstream daemonSetStrategy, kept in apps/v1 as an annotation): on create the
 * annotation's value, at least 1; on update the stored one, plus 1 when spec.template changed.
 */
function setTemplateGeneration(obj: KObject, generation: number): void {
  obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [TEMPLATE_GENERATION]: String(generation) };
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
  nodes: {
    tracksGeneration: false,
    allowUnconditionalUpdate: true,
    admitCreate: (obj) => admitNodeCreate(obj),
    validate: validateNodeTaints,
    validateUpdate: validateNodeTaints,
  },
  events: { tracksGeneration: false, allowUnconditionalUpdate: true, allowCreateOnUpdate: true },
  leases: { tracksGeneration: false, allowUnconditionalUpdate: false, allowCreateOnUpdate: true },
  serviceaccounts: { tracksGeneration: false, allowUnconditionalUpdate: true, returnDeletedObject: true },
  secrets: { tracksGeneration: false, allowUnconditionalUpdate: true, defaults: defaultSecret },
  pods: {
    tracksGeneration: false,
    allowUnconditionalUpdate: true,
    returnDeletedObject: true,
    defaults: defaultPod,
    admitCreate: (obj, a) => admitPodCreate(obj, a.namespace, a.name, a.pod),
    prepareForCreate: podStatusOnCreate,
    prepareForUpdate(obj, old) {
      keepStatus(obj, old);
      admitPodUpdate(obj, old);
    },
    validate: validatePodCreate,
    validateUpdate: validatePodUpdate,
  },
  persistentvolumeclaims: {
    tracksGeneration: false,
    allowUnconditionalUpdate: true,
    returnDeletedObject: true,
    defaults: defaultPersistentVolumeClaim,
    // DefaultStorageClass and StorageObjectInUseProtection admission.
    admitCreate(obj, a) {
      admitPersistentVolumeClaimCreate(obj, a.defaultStorageClass);
      return undefined;
    },
    prepareForCreate(obj) {
      obj.status = { phase: 'Pending' };
    },
    prepareForUpdate: keepStatus,
    validate: validatePersistentVolumeClaim,
  },
  persistentvolumes: {
    // Upstream persistentvolumeStrategy and its status strategy (lastPhaseTransitionTime).
    tracksGeneration: false,
    allowUnconditionalUpdate: true,
    returnDeletedObject: true,
    defaults: defaultPersistentVolume,
    admitCreate(obj) {
      admitPersistentVolumeCreate(obj);
      return undefined;
    },
    prepareForCreate: persistentVolumeStatusOnCreate,
    prepareForUpdate: keepStatus,
    prepareForStatusUpdate: persistentVolumeStatusUpdate,
    validate: validatePersistentVolume,
    validateUpdate: validatePersistentVolumeUpdate,
  },
  storageclasses: {
    // Upstream storageClassStrategy.
    tracksGeneration: false,
    allowUnconditionalUpdate: true,
    returnDeletedObject: true,
    defaults: defaultStorageClass,
    validate: validateStorageClass,
    validateUpdate: validateStorageClassUpdate,
  },
  services: {
    tracksGeneration: false,
    allowUnconditionalUpdate: true,
    allowCreateOnUpdate: true,
    returnDeletedObject: true,
    defaults: defaultService,
    prepareForCreate(obj) {
      allocateService(obj);
      obj.status = { loadBalancer: {} };
    },
    prepareForUpdate(obj, old) {
      keepStatus(obj, old);
      keepAllocatedValues(obj, old);
    },
  },
  daemonsets: {
    tracksGeneration: true,
    allowUnconditionalUpdate: true,
    defaults: defaultDaemonSet,
    prepareForCreate(obj) {
      setTemplateGeneration(obj, Math.max(1, templateGenerationOf(obj)));
      obj.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
    },
    prepareForUpdate(obj, old) {
      keepStatus(obj, old);
      const changed = !semanticEqual(specOf(obj).template, specOf(old).template);
      setTemplateGeneration(obj, templateGenerationOf(old) + (changed ? 1 : 0));
    },
    validate: validateDaemonSetSpec,
    // Upstream runs ValidateDaemonSet and ValidateDaemonSetUpdate, which both validate the spec: causes repeat.
    validateUpdate: (obj, old) => [...validateDaemonSetSpec(obj), ...validateDaemonSetSpec(obj), ...daemonSetUpdateErrors(obj, old)],
  },
  statefulsets: {
    tracksGeneration: true,
    allowUnconditionalUpdate: true,
    defaults: defaultStatefulSet,
    prepareForCreate(obj) {
      dropStatefulSetDisabledFields(obj);
      obj.status = { replicas: 0, availableReplicas: 0 };
    },
    prepareForUpdate(obj, old) {
      keepStatus(obj, old);
      dropStatefulSetDisabledFields(obj, old);
    },
    validate: validateStatefulSetSpec,
    // Upstream runs ValidateStatefulSet and ValidateStatefulSetUpdate, which both validate the spec: causes repeat.
    validateUpdate: (obj, old) => [...validateStatefulSetSpec(obj), ...validateStatefulSetSpec(obj), ...statefulSetUpdateErrors(obj, old)],
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
  priorityclasses: {
    // Upstream priorityClassStrategy; Priority admission refuses a second global default, on create and on update.
    tracksGeneration: false,
    allowUnconditionalUpdate: true,
    defaults: defaultPriorityClass,
    validateAdmissionCreate: (obj, a) => (a.priorityClasses ? admitPriorityClass(obj, a.name, 'create', a.priorityClasses) : undefined),
    validateAdmissionUpdate: (obj, a) => admitPriorityClass(obj, a.name, 'update', a.priorityClasses ?? []),
    validate: validatePriorityClass,
    validateUpdate: validatePriorityClassUpdate,
  },
};

/** The strategy of a resource (a plain one for config-like kinds). */
export function strategyFor(r: ResourceInfo): Strategy {
  return STRATEGIES[r.plural] ?? plain;
}
