// Create preparation without I/O: server-set metadata, defaults and validation, ending in the text to store.

import * as S from '../api/status.js';
import type { ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import { encodeText } from './codec.js';
import { generateSuffix } from './names.js';
import { normalizeMeta } from './defaults.js';
import { strategyFor } from './strategy.js';
import type { PodAdmissionInputs, PriorityClassRef } from './admission.js';
import { validateCreate } from './validate.js';

export { generateSuffix } from './names.js';

let lastSecond = -1;
let lastStamp = '';

/** RFC 3339 with seconds, as Kubernetes timestamps (formatted once per second). */
export function timestamp(d: Date): string {
  const second = Math.floor(d.getTime() / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastStamp = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
  }
  return lastStamp;
}

/** An object ready to be created: its name, the text to store, and the validation failure to report (if any). */
export interface PreparedCreate {
  obj: KObject;
  name: string;
  /** Whether the name came from generateName (a clash is then retried with a new suffix). */
  generated: boolean;
  /** The stored JSON text (without resourceVersion). */
  text: string;
  /** The 403 (admission) or 422 (validation) to answer, reported only after the namespace check, as upstream orders them. */
  invalid?: S.ApiError;
}

/** A prepared create as the registry commits it: `obj` may be absent when it was prepared on another thread. */
export type CreateToCommit = Omit<PreparedCreate, 'obj'> & { obj?: KObject };

/** What create admission needs from storage, looked up by the caller (prepareCreate itself does no I/O). */
export interface AdmissionInputs {
  pod?: PodAdmissionInputs;
  /** Every stored PriorityClass, for a PriorityClass create (Priority admission's global default check). */
  priorityClasses?: readonly PriorityClassRef[] | undefined;
  /** For a PersistentVolumeClaim create: the default StorageClass's name (DefaultStorageClass admission), if any. */
  defaultStorageClass?: string | undefined;
}

/**
 * Does everything a create does before it touches storage (upstream rest.BeforeCreate): namespace from the URL,
 * generateName, uid, creationTimestamp, generation, the strategy's defaults, mutating admission (with the inputs the caller
 * looked up), then validation and serialization. Pure apart from the clock, uid and inputs it is given, so it can run
 * anywhere (in the registry, or in a worker thread).
 */
export function prepareCreate(
  r: ResourceInfo, namespace: string | undefined, obj: KObject, now: Date, uid: string, admission: AdmissionInputs = {},
): PreparedCreate {
  const meta = obj.metadata;
  if (r.namespaced) meta.namespace = namespace;
  else delete meta.namespace;
  const requestedName = meta.name ?? '';
  const generated = !meta.name && !!meta.generateName;
  if (generated) meta.name = `${meta.generateName}${generateSuffix()}`;
  meta.uid = uid;
  meta.creationTimestamp = timestamp(now);
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.managedFields;
  delete meta.selfLink;
  const strategy = strategyFor(r);
  if (strategy.tracksGeneration) meta.generation = 1;
  else delete meta.generation;
  strategy.defaults?.(obj);
  // Mutating admission runs on the defaulted object before the strategy (upstream: admission, then BeforeCreate).
  const inputs = {
    namespace: namespace ?? '', name: requestedName, pod: admission.pod ?? {}, priorityClasses: admission.priorityClasses,
    defaultStorageClass: admission.defaultStorageClass,
  };
  let invalid = strategy.admitCreate?.(obj, inputs);
  strategy.prepareForCreate?.(obj);
  normalizeMeta(obj);
  if (!invalid) {
    try {
      validateCreate(r, obj);
    } catch (e) {
      if (!(e instanceof S.ApiError)) throw e;
      invalid = e;
    }
    // Validating admission runs on an object that passed validation (upstream: BeforeCreate, then validating admission).
    if (!invalid) invalid = strategy.validateAdmissionCreate?.(obj, inputs);
  }
  const prepared: PreparedCreate = { obj, name: meta.name ?? '', generated, text: invalid ? '' : encodeText(obj) };
  if (invalid) prepared.invalid = invalid;
  return prepared;
}
