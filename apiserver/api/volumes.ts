// What the API server and the volume controller share about claims, volumes and classes: annotations, finalizers,
// the class of a claim or volume, and which StorageClass is the default (upstream storage/util and core/v1/helper).

/** The annotation that marks the default StorageClass, and its beta twin (still honoured). */
export const IS_DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const BETA_IS_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';
/** The beta annotation a claim or volume may still name its class with (it wins over spec.storageClassName). */
export const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
/** Finalizers StorageObjectInUseProtection adds on create, removed by the protection controllers. */
export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';
/** The provisioner of kind's default class. */
export const LOCAL_PATH_PROVISIONER = 'rancher.io/local-path';
/** The provisioner name of classes for statically created volumes only (upstream has no plugin by that name). */
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/** Anything with metadata annotations (StorageClass, claim, volume). */
interface Annotated {
  metadata?: { annotations?: Readonly<Record<string, string>> | undefined } | undefined;
}

/** Upstream storageutil.IsDefaultAnnotation: either annotation set to exactly "true". */
export function isDefaultStorageClass(sc: Annotated): boolean {
  const a = sc.metadata?.annotations ?? {};
  return a[IS_DEFAULT_CLASS_ANNOTATION] === 'true' || a[BETA_IS_DEFAULT_CLASS_ANNOTATION] === 'true';
}

/** What choosing the default StorageClass needs of each class. */
export interface StorageClassRef {
  name: string;
  isDefault: boolean;
  /** metadata.creationTimestamp in ms (0 when absent). */
  created: number;
}

/**
 * Upstream volumeutil.GetDefaultClass (1.26+): among the classes marked default, the newest one, ties broken by
 * name; undefined when none is marked. (Before 1.26 several defaults were an error; now the newest wins.)
 */
export function defaultStorageClassName(classes: readonly StorageClassRef[]): string | undefined {
  let best: StorageClassRef | undefined;
  for (const c of classes) {
    if (!c.isDefault) continue;
    if (!best || c.created > best.created || (c.created === best.created && c.name < best.name)) best = c;
  }
  return best?.name;
}

/** Upstream GetPersistentVolumeClaimClass / GetPersistentVolumeClass: the beta annotation, else spec.storageClassName, else "". */
export function storageClassOf(obj: Annotated & { spec?: { storageClassName?: string | null | undefined } | undefined }): string {
  const beta = obj.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (beta !== undefined) return beta;
  const name = obj.spec?.storageClassName;
  return typeof name === 'string' ? name : '';
}

/** Upstream PersistentVolumeClaimHasClass: the beta annotation, or spec.storageClassName set (even to ""). */
export function claimHasClass(pvc: Annotated & { spec?: { storageClassName?: string | null | undefined } | undefined }): boolean {
  if (pvc.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] !== undefined) return true;
  const name = pvc.spec?.storageClassName;
  return name !== undefined && name !== null;
}
