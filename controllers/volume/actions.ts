// What the volume controllers' planners ask for: writes, events and requeues, run in order by the executor; and the
// small object edits several planners share (phase changes, annotations, finalizers).

import { compareQuantities } from '../../apiserver/api/quantity.js';
import type { PersistentVolume, PersistentVolumeClaim } from './util.js';

/** Who records an event: the PV controller, or the simulated external provisioner. */
export type EventSource = 'controller' | 'provisioner';

/**
 * One step of a plan. Updates carry the whole desired object; a later update of the same object in the same plan is
 * built on the earlier one, and the executor sends it with the resourceVersion the earlier write returned.
 */
export type VolumeAction =
  | { type: 'updateClaim'; claim: PersistentVolumeClaim }
  | { type: 'updateClaimStatus'; claim: PersistentVolumeClaim }
  | { type: 'updateVolume'; volume: PersistentVolume }
  | { type: 'updateVolumeStatus'; volume: PersistentVolume }
  | { type: 'createVolume'; volume: PersistentVolume }
  | { type: 'deleteVolume'; name: string; uid: string }
  | { type: 'event'; on: PersistentVolumeClaim | PersistentVolume; eventType: 'Normal' | 'Warning'; reason: string; message: string; source?: EventSource }
  | { type: 'enqueueClaim'; key: string };

/** An event about `on`, from the PV controller unless `source` says otherwise. */
export function event(on: PersistentVolumeClaim | PersistentVolume, eventType: 'Normal' | 'Warning', reason: string, message: string, source?: EventSource): VolumeAction {
  return source ? { type: 'event', on, eventType, reason, message, source } : { type: 'event', on, eventType, reason, message };
}

/** A deep copy (cached objects are read-only). */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** `obj` (a copy already) with its status replaced (kubernetes-types marks status read-only). */
function withStatus<T extends PersistentVolume | PersistentVolumeClaim>(obj: T, status: unknown): T {
  (obj as { status?: unknown }).status = status;
  return obj;
}

/** A copy of `obj` with one annotation set. */
export function withAnnotation<T extends PersistentVolume | PersistentVolumeClaim>(obj: T, key: string, value: string): T {
  const next = clone(obj);
  next.metadata = { ...next.metadata, annotations: { ...(next.metadata?.annotations ?? {}), [key]: value } };
  return next;
}

/**
 * Upstream updateVolumePhase: the volume with `phase` and `message` (empty: none), or undefined when it has them
 * already (no write). Other status fields are kept; the API server stamps lastPhaseTransitionTime.
 */
export function volumePhase(pv: PersistentVolume, phase: string, message = ''): PersistentVolume | undefined {
  if (pv.status?.phase === phase && (pv.status?.message ?? '') === message) return undefined;
  const next = clone(pv);
  const status = { ...(next.status ?? {}), phase } as NonNullable<PersistentVolume['status']> & { message?: string; lastPhaseTransitionTime?: string };
  if (message) status.message = message;
  else delete status.message;
  delete status.lastPhaseTransitionTime;
  return withStatus(next, status);
}

/**
 * Upstream updateClaimStatus: the claim in `phase`; without a volume its accessModes and capacity are cleared, with one
 * they follow the volume (capacity only when the claim becomes Bound and the volume is larger or the claim has none).
 * Undefined when nothing changes.
 */
export function claimPhase(claim: PersistentVolumeClaim, phase: string, pv: PersistentVolume | undefined): PersistentVolumeClaim | undefined {
  const status = { ...(claim.status ?? {}) } as Record<string, unknown>;
  let dirty = false;
  if (status.phase !== phase) {
    status.phase = phase;
    dirty = true;
  }
  if (!pv) {
    for (const k of ['accessModes', 'capacity']) {
      if (status[k] !== undefined) {
        delete status[k];
        dirty = true;
      }
    }
  } else {
    const modes = pv.spec?.accessModes;
    if (JSON.stringify(status.accessModes) !== JSON.stringify(modes)) {
      if (modes) status.accessModes = [...modes];
      else delete status.accessModes;
      dirty = true;
    }
    const claimCap = (status.capacity as Record<string, string> | undefined)?.['storage'];
    const volumeCap = pv.spec?.capacity?.['storage'];
    if (claim.status?.phase !== phase && volumeCap !== undefined && (claimCap === undefined || compareQuantities(volumeCap, claimCap) > 0)) {
      status.capacity = { ...pv.spec!.capacity };
      dirty = true;
    }
  }
  if (!dirty) return undefined;
  return withStatus(clone(claim), status);
}
