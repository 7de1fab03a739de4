// PersistentVolumes, StorageClasses and claims: defaults and validation as upstream pkg/apis/core and pkg/apis/storage (1.32).

import { parseQuantity } from '../api/quantity.js';
import type { FieldError } from '../api/status.js';
import { isPlainObject, type KObject } from '../api/types.js';
import { isDNS1123Subdomain, isQualifiedName } from '../api/validation.js';
import { type Obj, forbidden, invalid, isSet, list, notSupported, obj, required, str } from './field-errors.js';

const specOf = (o: KObject): Obj => obj(o.spec);

/** Upstream supportedAccessModes, as sets.List sorts them. */
const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
/** Upstream supportedVolumeModes. */
const VOLUME_MODES = ['Block', 'Filesystem'];
/** Upstream supportedHostPathTypes. */
const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

// ---- StorageClass (storage.k8s.io/v1) ----

/** Upstream SetDefaults_StorageClass: reclaimPolicy Delete, volumeBindingMode Immediate. */
export function defaultStorageClass(sc: KObject): void {
  if (!isSet(sc.reclaimPolicy)) sc.reclaimPolicy = 'Delete';
  if (!isSet(sc.volumeBindingMode)) sc.volumeBindingMode = 'Immediate';
}

/**
 * Upstream ValidateStorageClass (ObjectMeta is validated generically): a provisioner that is a qualified name,
 * parameters with non-empty keys, reclaimPolicy Delete or Retain, a supported volumeBindingMode.
 */
export function validateStorageClass(sc: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const provisioner = str(sc.provisioner);
  if (!provisioner) errs.push(required('provisioner'));
  else for (const m of isQualifiedName(provisioner.toLowerCase())) errs.push(invalid('provisioner', provisioner, m));
  for (const k of Object.keys(obj(sc.parameters))) if (k === '') errs.push(invalid('parameters', k, 'field can not be empty.'));
  const reclaim = str(sc.reclaimPolicy);
  if (reclaim && reclaim !== 'Delete' && reclaim !== 'Retain') errs.push(notSupported('reclaimPolicy', reclaim, ['Delete', 'Retain']));
  if (!isSet(sc.volumeBindingMode)) errs.push(required('volumeBindingMode'));
  else {
    const mode = str(sc.volumeBindingMode);
    if (mode !== 'Immediate' && mode !== 'WaitForFirstConsumer') errs.push(notSupported('volumeBindingMode', mode, ['Immediate', 'WaitForFirstConsumer']));
  }
  return errs;
}

/** Upstream ValidateStorageClass plus ValidateStorageClassUpdate: parameters, provisioner, reclaimPolicy and volumeBindingMode never change. */
export function validateStorageClassUpdate(sc: KObject, old: KObject): FieldError[] {
  const errs = validateStorageClass(sc);
  if (JSON.stringify(sortedMap(sc.parameters)) !== JSON.stringify(sortedMap(old.parameters))) {
    errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  }
  if (str(sc.provisioner) !== str(old.provisioner)) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (str(sc.reclaimPolicy) !== str(old.reclaimPolicy)) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  if (str(sc.volumeBindingMode) !== str(old.volumeBindingMode)) {
    errs.push(invalid('volumeBindingMode', str(sc.volumeBindingMode), 'field is immutable'));
  }
  return errs;
}

/** A map with sorted keys, empty maps as absent (reflect.DeepEqual of nil and empty differs, but decoding drops `{}`). */
function sortedMap(v: unknown): Obj | undefined {
  const o = obj(v);
  const keys = Object.keys(o).sort();
  return keys.length ? Object.fromEntries(keys.map((k) => [k, o[k]])) : undefined;
}

// ---- shared by volumes and claims ----

/** Access modes: each supported, ReadWriteOncePod alone (upstream's loop in ValidatePersistentVolume(Claim)Spec). */
function validateAccessModes(modes: unknown[], field: string, errs: FieldError[]): void {
  let rwop = false;
  let other = false;
  for (const m of modes) {
    const mode = str(m);
    if (!ACCESS_MODES.includes(mode)) errs.push(notSupported(field, mode, ACCESS_MODES));
    if (mode === 'ReadWriteOncePod') rwop = true;
    else if (ACCESS_MODES.includes(mode)) other = true;
  }
  if (rwop && other) errs.push(forbidden(field, 'may not use ReadWriteOncePod with other access modes'));
}

/** Upstream ValidatePositiveQuantityValue, for the quantities that parse (the others fail decoding). */
function validatePositiveQuantity(q: unknown, field: string, errs: FieldError[]): void {
  const v = parseQuantity(q);
  if (v !== undefined && v <= 0) errs.push(invalid(field, typeof q === 'string' ? q : String(q), 'must be greater than zero'));
}

/** Upstream ValidateClassName (a DNS subdomain) of a non-empty class name. */
function validateClassName(name: string, field: string, errs: FieldError[]): void {
  if (name) for (const m of isDNS1123Subdomain(name)) errs.push(invalid(field, name, m));
}

/** Upstream validatePathNoBacksteps. */
function validateNoBacksteps(path: string, field: string, errs: FieldError[]): void {
  if (path.split('/').includes('..')) errs.push(invalid(field, path, "must not contain '..'"));
}

// ---- PersistentVolume (core/v1) ----

/**
 * Upstream SetDefaults_PersistentVolume (status is reset on create): reclaim policy Retain, volumeMode Filesystem;
 * hostPath type "". An empty storageClassName is dropped, as Go's omitempty drops it (the volume has no class).
 */
export function defaultPersistentVolume(pv: KObject): void {
  const spec = specOf(pv);
  pv.spec = spec;
  if (spec.storageClassName === '') delete spec.storageClassName;
  if (!str(spec.persistentVolumeReclaimPolicy)) spec.persistentVolumeReclaimPolicy = 'Retain';
  if (!isSet(spec.volumeMode)) spec.volumeMode = 'Filesystem';
  if (isPlainObject(spec.hostPath) && !isSet(spec.hostPath.type)) spec.hostPath.type = '';
}

/** The volume sources a PersistentVolumeSpec may hold, in the order upstream counts them. */
const PV_SOURCES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'glusterfs', 'flocker', 'nfs', 'rbd', 'quobyte', 'cephfs', 'iscsi',
  'cinder', 'fc', 'flexVolume', 'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'scaleIO',
  'local', 'storageos', 'csi',
];

/** The checks of the sources users write by hand (hostPath, local, nfs, csi); the others are only counted. */
function validateSource(name: string, src: Obj, at: string, errs: FieldError[]): void {
  const path = str(src.path);
  switch (name) {
    case 'hostPath':
      if (!path) return void errs.push(required(`${at}.path`));
      validateNoBacksteps(path, `${at}.path`, errs);
      if (isSet(src.type) && !HOST_PATH_TYPES.includes(str(src.type))) errs.push(notSupported(`${at}.type`, str(src.type), HOST_PATH_TYPES));
      return;
    case 'local':
      if (!path) return void errs.push(required(`${at}.path`));
      return validateNoBacksteps(path, `${at}.path`, errs);
    case 'nfs':
      if (!str(src.server)) errs.push(required(`${at}.server`));
      if (!path) errs.push(required(`${at}.path`));
      if (!path.startsWith('/')) errs.push(invalid(`${at}.path`, path, 'must be an absolute path'));
      return;
    case 'csi':
      if (!str(src.driver)) errs.push(required(`${at}.driver`));
      if (!str(src.volumeHandle)) errs.push(required(`${at}.volumeHandle`));
      return;
    default:
  }
}

/** Upstream validateVolumeNodeAffinity (the first level): `required` with at least one term. */
function validateNodeAffinity(na: Obj, errs: FieldError[]): void {
  if (!isPlainObject(na.required)) return void errs.push(required('spec.nodeAffinity.required', 'must specify required node constraints'));
  if (list(na.required.nodeSelectorTerms).length === 0) {
    errs.push(required('spec.nodeAffinity.required.nodeSelectorTerms', 'must have at least one node selector term'));
  }
}

/** `%#v` of a core.ResourceList as Go prints the value of NotSupported (exact for the nil list kubectl sends without capacity). */
function goResourceList(capacity: unknown): string {
  const keys = Object.keys(obj(capacity));
  return isPlainObject(capacity) && keys.length ? `core.ResourceList{${keys.map((k) => JSON.stringify(k)).join(', ')}}` : 'core.ResourceList(nil)';
}

/**
 * Upstream ValidatePersistentVolumeSpec for a PersistentVolume (ObjectMeta is validated generically), in its order:
 * access modes, capacity (exactly `storage`, positive), reclaim policy, node affinity, exactly one volume source,
 * the class name, the volume mode.
 */
export function validatePersistentVolume(pv: KObject): FieldError[] {
  const spec = specOf(pv);
  const errs: FieldError[] = [];
  const modes = list(spec.accessModes);
  if (modes.length === 0) errs.push(required('spec.accessModes'));
  validateAccessModes(modes, 'spec.accessModes', errs);
  const capacity = obj(spec.capacity);
  const resources = Object.keys(capacity);
  if (resources.length === 0) errs.push(required('spec.capacity'));
  if (!resources.includes('storage') || resources.length > 1) {
    errs.push({ type: 'NotSupported', field: 'spec.capacity', valueText: goResourceList(spec.capacity), supported: ['storage'] });
  }
  for (const r of resources) validatePositiveQuantity(capacity[r], `spec.capacity[${r}]`, errs);
  const reclaim = str(spec.persistentVolumeReclaimPolicy);
  if (reclaim && !['Delete', 'Recycle', 'Retain'].includes(reclaim)) {
    errs.push(notSupported('spec.persistentVolumeReclaimPolicy', reclaim, ['Delete', 'Recycle', 'Retain']));
  }
  const affinity = isPlainObject(spec.nodeAffinity);
  if (affinity) validateNodeAffinity(obj(spec.nodeAffinity), errs);
  let sources = 0;
  for (const name of PV_SOURCES) {
    if (!isSet(spec[name])) continue;
    const at = `spec.${name}`;
    if (sources > 0 && name !== 'flexVolume') {
      errs.push(forbidden(at, 'may not specify more than 1 volume type'));
      continue;
    }
    sources++;
    validateSource(name, obj(spec[name]), at, errs);
    if (name === 'local' && !affinity) errs.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
  }
  if (sources === 0) errs.push(required('spec', 'must specify a volume type'));
  const hostPath = obj(spec.hostPath);
  if (isSet(spec.hostPath) && str(hostPath.path).replace(/\/+$/, '') === '' && str(hostPath.path).startsWith('/') && reclaim === 'Recycle') {
    errs.push(forbidden('spec.persistentVolumeReclaimPolicy', "may not be 'recycle' for a hostPath mount of '/'"));
  }
  validateClassName(str(spec.storageClassName), 'spec.storageClassName', errs);
  if (isSet(spec.volumeMode) && !VOLUME_MODES.includes(str(spec.volumeMode))) errs.push(notSupported('spec.volumeMode', str(spec.volumeMode), VOLUME_MODES));
  return errs;
}

/**
 * Upstream ValidatePersistentVolume plus the immutable volumeMode of ValidatePersistentVolumeUpdate. (The volume
 * source's immutability, reported with a go-cmp diff upstream, is not checked.)
 */
export function validatePersistentVolumeUpdate(pv: KObject, old: KObject): FieldError[] {
  const errs = validatePersistentVolume(pv);
  const mode = specOf(pv).volumeMode;
  if ((mode ?? null) !== (specOf(old).volumeMode ?? null)) {
    errs.push(isSet(mode) ? invalid('volumeMode', str(mode), 'field is immutable') : { type: 'Invalid', field: 'volumeMode', valueText: 'null', detail: 'field is immutable' });
  }
  return errs;
}

/**
 * The status a PersistentVolume starts with (upstream PrepareForCreate with PersistentVolumeLastPhaseTransitionTime,
 * GA in 1.31): phase Pending, the transition at creation.
 */
export function persistentVolumeStatusOnCreate(pv: KObject): void {
  pv.status = { phase: 'Pending', lastPhaseTransitionTime: pv.metadata.creationTimestamp };
}

/**
 * Upstream persistentvolumeStatusStrategy.PrepareForUpdate: a status write keeps the old transition time while the
 * phase stays, and stamps `now` when the phase changes and the writer did not set a new time itself.
 */
export function persistentVolumeStatusUpdate(pv: KObject, old: KObject, now: string): void {
  const status = obj(pv.status);
  const oldStatus = obj(old.status);
  const time = status.lastPhaseTransitionTime;
  if (str(status.phase) === str(oldStatus.phase)) {
    if (!isSet(time) && isSet(oldStatus.lastPhaseTransitionTime)) status.lastPhaseTransitionTime = oldStatus.lastPhaseTransitionTime;
  } else if (!isSet(time) || time === oldStatus.lastPhaseTransitionTime) {
    status.lastPhaseTransitionTime = now;
  }
  pv.status = status;
}

// ---- PersistentVolumeClaim (core/v1) ----

/**
 * Upstream ValidatePersistentVolumeClaimSpec on create, for the fields a claim needs: access modes (at least one,
 * supported, ReadWriteOncePod alone), a positive storage request, the class name, the volume mode.
 */
export function validatePersistentVolumeClaim(pvc: KObject): FieldError[] {
  const spec = specOf(pvc);
  const errs: FieldError[] = [];
  const modes = list(spec.accessModes);
  if (modes.length === 0) errs.push(required('spec.accessModes', 'at least 1 access mode is required'));
  validateAccessModes(modes, 'spec.accessModes', errs);
  const requests = obj(obj(spec.resources).requests);
  if (!isSet(requests.storage)) errs.push(required('spec.resources[storage]'));
  else validatePositiveQuantity(requests.storage, 'spec.resources[storage]', errs);
  validateClassName(str(spec.storageClassName), 'spec.storageClassName', errs);
  if (isSet(spec.volumeMode) && !VOLUME_MODES.includes(str(spec.volumeMode))) errs.push(notSupported('spec.volumeMode', str(spec.volumeMode), VOLUME_MODES));
  return errs;
}
