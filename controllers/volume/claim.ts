// The claim half of the PersistentVolume controller as a pure planner: upstream syncClaim, syncUnboundClaim,
// syncBoundClaim, bind and provisionClaim (external provisioning), over a snapshot of the caches.

import type { Pod } from '../../apiserver/api/types.js';
import { NO_PROVISIONER, claimHasClass, storageClassOf } from '../../apiserver/api/volumes.js';
import { claimPhase, clone, event, volumePhase, withAnnotation, type VolumeAction } from './actions.js';
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, claimRefOf,
  findBestMatchForClaim, hasAnnotation, isVolumeBoundToClaim, volumeSatisfiesClaimError,
  type PersistentVolume, type PersistentVolumeClaim, type StorageClass,
} from './util.js';

/** What syncClaim reads: the claim and the caches around it. */
export interface ClaimSnapshot {
  claim: PersistentVolumeClaim;
  volumes: readonly PersistentVolume[];
  volume(name: string): PersistentVolume | undefined;
  storageClass(name: string): StorageClass | undefined;
  /** The default StorageClass's name (upstream GetDefaultClass), if any. */
  defaultClass: string | undefined;
  /** The pods of the claim's namespace that use it. */
  pods: readonly Pod[];
}

/** Upstream syncClaim: claims whose binding completed are checked, the others bound or provisioned. */
export function syncClaim(s: ClaimSnapshot): VolumeAction[] {
  return hasAnnotation(s.claim, ANN_BIND_COMPLETED) ? syncBoundClaim(s) : syncUnboundClaim(s);
}

/** The claim with status `phase` (and the volume's modes and size), as actions: none when it already is. */
function claimStatus(claim: PersistentVolumeClaim, phase: string, pv?: PersistentVolume): VolumeAction[] {
  const next = claimPhase(claim, phase, pv);
  return next ? [{ type: 'updateClaimStatus', claim: next }] : [];
}

/** Upstream updateClaimStatusWithEvent: the event only when the phase really changes. */
function claimStatusWithEvent(claim: PersistentVolumeClaim, phase: string, reason: string, message: string): VolumeAction[] {
  if (claim.status?.phase === phase) return [];
  return [...claimStatus(claim, phase), event(claim, 'Warning', reason, message)];
}

/** Upstream IsDelayBindingMode: the claim's class exists and waits for the first consumer. */
function delayBinding(s: ClaimSnapshot): boolean {
  const name = storageClassOf(s.claim);
  return name !== '' && s.storageClass(name)?.volumeBindingMode === 'WaitForFirstConsumer';
}

/**
 * Upstream syncUnboundClaim. With no volumeName: bind the best matching volume; else give a class-less claim the
 * default class (RetroactiveDefaultStorageClass), wait for the first consumer, provision through the class, or say
 * that nothing can be done; the claim stays Pending. With a volumeName: bind to that volume when it is free or
 * already points back, else stay Pending with upstream's events.
 */
function syncUnboundClaim(s: ClaimSnapshot): VolumeAction[] {
  const { claim } = s;
  const volumeName = claim.spec?.volumeName ?? '';
  if (volumeName === '') {
    const delay = delayBinding(s);
    const volume = findBestMatchForClaim(claim, s.volumes, delay);
    if (volume) return bind(volume, claim);
    if (!claimHasClass(claim) && s.defaultClass !== undefined) {
      const next = clone(claim);
      next.spec = { ...next.spec, storageClassName: s.defaultClass };
      return [{ type: 'updateClaim', claim: next }];
    }
    const className = storageClassOf(claim);
    if (delay && !hasAnnotation(claim, ANN_SELECTED_NODE)) {
      const chosen = selectNode(s);
      if (chosen) return chosen;
      return [waitForConsumerEvent(s), ...claimStatus(claim, 'Pending')];
    }
    if (className !== '') return [...provisionClaim(s, className), ...claimStatus(claim, 'Pending')];
    return [event(claim, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set'), ...claimStatus(claim, 'Pending')];
  }
  const volume = s.volume(volumeName);
  if (!volume) return claimStatus(claim, 'Pending');
  if (!volume.spec?.claimRef) {
    const err = volumeSatisfiesClaimError(volume, claim);
    if (err) return [event(claim, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume ${JSON.stringify(volumeName)}: ${err}`), ...claimStatus(claim, 'Pending')];
    return bind(volume, claim);
  }
  if (isVolumeBoundToClaim(volume, claim)) return bind(volume, claim);
  const failed = event(claim, 'Warning', 'FailedBinding', `volume ${JSON.stringify(volumeName)} already bound to a different claim.`);
  return hasAnnotation(claim, ANN_BOUND_BY_CONTROLLER) ? [failed] : [failed, ...claimStatus(claim, 'Pending')];
}

/** Upstream syncBoundClaim: a bound claim whose volume is gone or taken is Lost; otherwise the binding is re-asserted. */
function syncBoundClaim(s: ClaimSnapshot): VolumeAction[] {
  const { claim } = s;
  const volumeName = claim.spec?.volumeName ?? '';
  if (volumeName === '') return claimStatusWithEvent(claim, 'Lost', 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
  const volume = s.volume(volumeName);
  if (!volume) return claimStatusWithEvent(claim, 'Lost', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
  const ref = volume.spec?.claimRef;
  if (!ref || ref.uid === claim.metadata?.uid) return bind(volume, claim);
  return claimStatusWithEvent(claim, 'Lost', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
}

/**
 * Upstream bind: the volume points at the claim (annotated bound-by-controller when the controller made that link),
 * the volume is Bound, the claim names the volume (bound-by-controller when the controller chose it) with
 * bind-completed, and the claim is Bound with the volume's access modes and capacity. Each write only when needed.
 */
export function bind(volume: PersistentVolume, claim: PersistentVolumeClaim): VolumeAction[] {
  const out: VolumeAction[] = [];
  let pv = volume;
  const ref = pv.spec?.claimRef;
  const linked = ref && ref.name === claim.metadata?.name && ref.namespace === claim.metadata?.namespace && ref.uid === claim.metadata?.uid;
  if (!linked || (!isVolumeBoundToClaim(volume, claim) && !hasAnnotation(pv, ANN_BOUND_BY_CONTROLLER))) {
    pv = clone(pv);
    if (!linked) pv.spec = { ...pv.spec, claimRef: claimRefOf(claim) };
    if (!isVolumeBoundToClaim(volume, claim) && !hasAnnotation(pv, ANN_BOUND_BY_CONTROLLER)) pv = withAnnotation(pv, ANN_BOUND_BY_CONTROLLER, 'yes');
    out.push({ type: 'updateVolume', volume: pv });
  }
  const bound = volumePhase(pv, 'Bound');
  if (bound) out.push({ type: 'updateVolumeStatus', volume: (pv = bound) });
  let c = claim;
  const name = pv.metadata?.name ?? '';
  if (c.spec?.volumeName !== name || !hasAnnotation(c, ANN_BIND_COMPLETED)) {
    c = clone(c);
    if (c.spec?.volumeName !== name) {
      c.spec = { ...c.spec, volumeName: name };
      if (!hasAnnotation(c, ANN_BOUND_BY_CONTROLLER)) c = withAnnotation(c, ANN_BOUND_BY_CONTROLLER, 'yes');
    }
    if (!hasAnnotation(c, ANN_BIND_COMPLETED)) c = withAnnotation(c, ANN_BIND_COMPLETED, 'yes');
    out.push({ type: 'updateClaim', claim: c });
  }
  out.push(...claimStatus(c, 'Bound', pv));
  return out;
}

/**
 * Upstream provisionClaim for an existing class: a class that does not exist, or an in-tree `kubernetes.io/`
 * provisioner (none is served; `kubernetes.io/no-provisioner` is the usual one), fails with a Warning; any other
 * provisioner is external: the claim is annotated with its name (both annotations) and ExternalProvisioning is told.
 */
function provisionClaim(s: ClaimSnapshot, className: string): VolumeAction[] {
  const { claim } = s;
  const sc = s.storageClass(className);
  if (!sc) return [event(claim, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io ${JSON.stringify(className)} not found`)];
  const provisioner = sc.provisioner ?? '';
  if (provisioner === NO_PROVISIONER || provisioner.startsWith('kubernetes.io/')) {
    return [event(claim, 'Warning', 'ProvisioningFailed', `no volume plugin matched name: ${provisioner}`)];
  }
  const out: VolumeAction[] = [];
  let c = claim;
  const a = claim.metadata?.annotations ?? {};
  if (a[ANN_STORAGE_PROVISIONER] !== provisioner || a[ANN_BETA_STORAGE_PROVISIONER] !== provisioner) {
    c = withAnnotation(withAnnotation(claim, ANN_BETA_STORAGE_PROVISIONER, provisioner), ANN_STORAGE_PROVISIONER, provisioner);
    out.push({ type: 'updateClaim', claim: c });
  }
  const message = `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`;
  out.push(event(c, 'Normal', 'ExternalProvisioning', message));
  return out;
}

/** The claim's pods, by whether the scheduler has placed them. */
function consumers(s: ClaimSnapshot): { scheduled: Pod[]; pending: Pod[] } {
  const scheduled: Pod[] = [];
  const pending: Pod[] = [];
  for (const p of s.pods) {
    if (p.metadata?.deletionTimestamp) continue;
    (p.spec?.nodeName ? scheduled : pending).push(p);
  }
  return { scheduled, pending };
}

/**
 * Stand-in for the scheduler's VolumeBinding plugin, which kubeling's scheduler does not have: once a pod using a
 * WaitForFirstConsumer claim is on a node, the claim gets `volume.kubernetes.io/selected-node` (what that plugin
 * writes before binding the pod), and provisioning can go on for that node.
 */
function selectNode(s: ClaimSnapshot): VolumeAction[] | undefined {
  const pod = consumers(s).scheduled.sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))[0];
  const node = pod?.spec?.nodeName;
  return node ? [{ type: 'updateClaim', claim: withAnnotation(s.claim, ANN_SELECTED_NODE, node) }] : undefined;
}

/** Upstream emitEventForUnboundDelayBindingClaim: WaitForPodScheduled when unscheduled pods use it, else WaitForFirstConsumer. */
function waitForConsumerEvent(s: ClaimSnapshot): VolumeAction {
  const names = consumers(s).pending.map((p) => p.metadata?.name ?? '');
  if (names.length === 0) return event(s.claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
  const message = names.length > 1 ? `waiting for pods ${names.join(',')} to be scheduled` : `waiting for pod ${names[0]} to be scheduled`;
  return event(s.claim, 'Normal', 'WaitForPodScheduled', message);
}
