// Defaulting as kube-apiserver 1.32 applies it on decode: pods and templates (defaults-pod.ts), apps/v1 workloads,
// Secrets, PersistentVolumeClaims; Services are in defaults-service.ts.

import * as S from '../api/status.js';
import { parseInt64 } from '../api/go-text.js';
import { isPlainObject, type KObject } from '../api/types.js';
import { defaultClaimTemplate, defaultTemplate } from './defaults-pod.js';

export { defaultPod, defaultPodSpec, defaultPullPolicy } from './defaults-pod.js';
export { podQOSClass } from './qos.js';

type Obj = Record<string, unknown>;

function objAt(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (isPlainObject(v)) return v;
  const fresh: Obj = {};
  parent[key] = fresh;
  return fresh;
}

const unset = (v: unknown): boolean => v === undefined || v === null || v === '';

/** The annotation apps/v1 keeps a DaemonSet's internal spec.templateGeneration in. */
export const TEMPLATE_GENERATION = 'deprecated.daemonset.template.generation';

/**
 * The templateGeneration the apps/v1 → internal conversion reads from the annotation (Convert_v1_DaemonSet_To_apps_
 * DaemonSet): 0 when absent; a value strconv.ParseInt refuses fails the decode with upstream's 400.
 */
export function templateGenerationOf(ds: KObject): number {
  const value = ds.metadata.annotations?.[TEMPLATE_GENERATION];
  if (value === undefined) return 0;
  const parsed = parseInt64(value);
  if ('error' in parsed) throw S.badRequest(`DaemonSet in version "v1" cannot be handled as a DaemonSet: ${parsed.error}`);
  return parsed.value;
}

/** DaemonSet defaults (upstream SetDefaults_DaemonSet) and the template's. */
export function defaultDaemonSet(ds: KObject): void {
  templateGenerationOf(ds);
  const spec = objAt(ds, 'spec');
  defaultTemplate(objAt(spec, 'template'));
  const strategy = objAt(spec, 'updateStrategy');
  if (unset(strategy.type)) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = objAt(strategy, 'rollingUpdate');
    if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = 1;
    if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = 0;
  }
  spec.revisionHistoryLimit ??= 10;
}

/**
 * StatefulSet defaults (upstream SetDefaults_StatefulSet, with StatefulSetAutoDeletePVC on and MaxUnavailableStatefulSet
 * off as in 1.32). Trap kept on purpose: an explicit `updateStrategy.type: RollingUpdate` without `rollingUpdate` gets
 * no partition. Each volumeClaimTemplate gets the PersistentVolumeClaim defaults.
 */
export function defaultStatefulSet(sts: KObject): void {
  const spec = objAt(sts, 'spec');
  defaultTemplate(objAt(spec, 'template'));
  if (unset(spec.podManagementPolicy)) spec.podManagementPolicy = 'OrderedReady';
  const strategy = objAt(spec, 'updateStrategy');
  if (unset(strategy.type)) {
    strategy.type = 'RollingUpdate';
    if (!isPlainObject(strategy.rollingUpdate)) strategy.rollingUpdate = {};
  }
  if (strategy.type === 'RollingUpdate' && isPlainObject(strategy.rollingUpdate)) strategy.rollingUpdate.partition ??= 0;
  const retention = objAt(spec, 'persistentVolumeClaimRetentionPolicy');
  if (unset(retention.whenDeleted)) retention.whenDeleted = 'Retain';
  if (unset(retention.whenScaled)) retention.whenScaled = 'Retain';
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  if (Array.isArray(spec.volumeClaimTemplates)) {
    for (const t of spec.volumeClaimTemplates) {
      if (!isPlainObject(t)) continue;
      t.apiVersion ??= 'v1';
      t.kind ??= 'PersistentVolumeClaim';
      defaultClaimTemplate(t);
      const status = objAt(t, 'status');
      if (unset(status.phase)) status.phase = 'Pending';
    }
  }
}

/**
 * The StatefulSet strategy's dropStatefulSetDisabledFields: with MaxUnavailableStatefulSet off (1.32), a
 * `rollingUpdate.maxUnavailable` is dropped unless the stored object already uses it.
 */
export function dropStatefulSetDisabledFields(sts: KObject, old?: KObject): void {
  const ru = (o: KObject | undefined): Obj | undefined => {
    const strategy = isPlainObject(o?.spec) && isPlainObject(o.spec.updateStrategy) ? o.spec.updateStrategy : undefined;
    return strategy && isPlainObject(strategy.rollingUpdate) ? strategy.rollingUpdate : undefined;
  };
  const oldRu = ru(old);
  if (oldRu && oldRu.maxUnavailable !== undefined && oldRu.maxUnavailable !== null) return;
  const rollingUpdate = ru(sts);
  if (rollingUpdate) delete rollingUpdate.maxUnavailable;
}

/** Secret defaults: type Opaque, and stringData folded into base64 data (upstream conversion). */
export function defaultSecret(secret: KObject): void {
  if (unset(secret.type)) secret.type = 'Opaque';
  if (isPlainObject(secret.stringData)) {
    const data = objAt(secret, 'data');
    for (const [k, v] of Object.entries(secret.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  }
  delete secret.stringData;
}

/** PersistentVolumeClaim defaults (SetDefaults_PersistentVolumeClaimSpec): volumeMode Filesystem. */
export function defaultPersistentVolumeClaim(pvc: KObject): void {
  const spec = objAt(pvc, 'spec');
  if (unset(spec.volumeMode)) spec.volumeMode = 'Filesystem';
}

/** ObjectMeta as Go serializes it: empty maps and lists are omitted. */
export function normalizeMeta(obj: KObject): void {
  const meta = obj.metadata as Obj;
  for (const k of ['labels', 'annotations']) {
    const v = meta[k];
    if (isPlainObject(v) && Object.keys(v).length === 0) delete meta[k];
    else if (v === null) delete meta[k];
  }
  for (const k of ['finalizers', 'ownerReferences', 'managedFields']) {
    const v = meta[k];
    if ((Array.isArray(v) && v.length === 0) || v === null) delete meta[k];
  }
}
