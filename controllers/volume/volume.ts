// The volume half of the PersistentVolume controller as a pure planner: upstream syncVolume, reclaimVolume and
// unbindVolume, over the volume and the claim its claimRef names.

import { clone, event, volumePhase, type VolumeAction } from './actions.js';
import {
  ANN_BOUND_BY_CONTROLLER, ANN_DYNAMICALLY_PROVISIONED, claimKey, hasAnnotation, volumeModeMismatch,
  type PersistentVolume, type PersistentVolumeClaim,
} from './util.js';

/** What syncVolume reads: the volume and its claim (from the cache, or read live when the cache has none). */
export interface VolumeSnapshot {
  volume: PersistentVolume;
  /** The claim named by claimRef, undefined when it does not exist or is another claim (other uid). */
  claim: PersistentVolumeClaim | undefined;
}

/** The volume with a new phase (and message), as actions: none when it already has them. */
function phase(pv: PersistentVolume, p: string, message = ''): VolumeAction[] {
  const next = volumePhase(pv, p, message);
  return next ? [{ type: 'updateVolumeStatus', volume: next }] : [];
}

/**
 * Upstream syncVolume. Unclaimed or pre-bound volumes are Available. A volume whose claim is gone is Released and
 * reclaimed by its policy. A volume whose claim is not bound yet waits for the claim's sync (which is asked for).
 * A volume whose claim names it is Bound. A volume whose claim is bound elsewhere is reclaimed when it was
 * provisioned for it with Delete, else unbound.
 */
export function syncVolume(s: VolumeSnapshot): VolumeAction[] {
  const { volume, claim } = s;
  const ref = volume.spec?.claimRef;
  if (!ref || !ref.uid) return phase(volume, 'Available');
  if (!claim) return releaseAndReclaim(volume);
  const name = volume.metadata?.name ?? '';
  const volumeName = claim.spec?.volumeName ?? '';
  if (volumeName === '') {
    if (volumeModeMismatch(claim, volume)) {
      return [
        event(volume, 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume to requested PersistentVolumeClaim ${JSON.stringify(claim.metadata?.name ?? '')} due to incompatible volumeMode.`),
        event(claim, 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume ${JSON.stringify(name)} to requested PersistentVolumeClaim due to incompatible volumeMode.`),
      ];
    }
    return [{ type: 'enqueueClaim', key: claimKey(claim) }];
  }
  if (volumeName === name) return phase(volume, 'Bound');
  if (hasAnnotation(volume, ANN_DYNAMICALLY_PROVISIONED) && volume.spec?.persistentVolumeReclaimPolicy === 'Delete') return releaseAndReclaim(volume);
  return unbindVolume(volume);
}

/** Released (unless already Released or Failed, which stays for the user to see), then the reclaim policy. */
function releaseAndReclaim(volume: PersistentVolume): VolumeAction[] {
  const p = volume.status?.phase;
  const released = p === 'Released' || p === 'Failed' ? undefined : volumePhase(volume, 'Released');
  const out: VolumeAction[] = released ? [{ type: 'updateVolumeStatus', volume: released }] : [];
  return [...out, ...reclaimVolume(released ?? volume)];
}

/** Whether a volume's deletion belongs to an external provisioner (upstream findDeletablePlugin: a non `kubernetes.io/` name). */
export function externallyProvisioned(volume: PersistentVolume): boolean {
  const by = volume.metadata?.annotations?.[ANN_DYNAMICALLY_PROVISIONED];
  return by !== undefined && by !== '' && !by.startsWith('kubernetes.io/');
}

/**
 * Upstream reclaimVolume. Retain: nothing. Delete: an externally provisioned volume waits for its provisioner; a
 * hostPath under /tmp is deleted (the host_path deleter); any other fails with upstream's VolumeFailedDelete.
 * Recycle: simulated as an instant scrub (VolumeRecycled, then unbound and Available). Anything else fails.
 */
export function reclaimVolume(volume: PersistentVolume): VolumeAction[] {
  const name = volume.metadata?.name ?? '';
  switch (volume.spec?.persistentVolumeReclaimPolicy) {
    case 'Retain':
      return [];
    case 'Delete': {
      if (externallyProvisioned(volume)) return [];
      const path = volume.spec?.hostPath?.path;
      if (path !== undefined && /^\/tmp\/.+/.test(path)) return [{ type: 'deleteVolume', name, uid: volume.metadata?.uid ?? '' }];
      const why = path !== undefined
        ? `failed to create deleter for volume ${JSON.stringify(name)}: host_path deleter only supports /tmp/.+ but received provided ${path}`
        : `error getting deleter volume plugin for volume ${JSON.stringify(name)}: no deletable volume plugin matched`;
      return failed(volume, 'VolumeFailedDelete', why);
    }
    case 'Recycle':
      return [event(volume, 'Normal', 'VolumeRecycled', 'Volume recycled'), ...unbindVolume(volume)];
    default:
      return failed(volume, 'VolumeUnknownReclaimPolicy', 'Volume has unrecognized PersistentVolumeReclaimPolicy');
  }
}

/** Upstream updateVolumePhaseWithEvent(Failed): the phase and message, and the Warning only when they change. */
function failed(volume: PersistentVolume, reason: string, message: string): VolumeAction[] {
  const next = volumePhase(volume, 'Failed', message);
  return next ? [{ type: 'updateVolumeStatus', volume: next }, event(volume, 'Warning', reason, message)] : [];
}

/**
 * Upstream unbindVolume: a binding the controller made is undone (claimRef and bound-by-controller removed); a
 * user's pre-binding keeps its claimRef without the uid. Then the volume is Available.
 */
export function unbindVolume(volume: PersistentVolume): VolumeAction[] {
  const next = clone(volume);
  if (hasAnnotation(volume, ANN_BOUND_BY_CONTROLLER)) {
    const spec = { ...next.spec };
    delete spec.claimRef;
    next.spec = spec;
    const annotations = { ...(next.metadata?.annotations ?? {}) };
    delete annotations[ANN_BOUND_BY_CONTROLLER];
    next.metadata = { ...next.metadata, annotations };
    if (Object.keys(annotations).length === 0) delete next.metadata.annotations;
  } else if (next.spec?.claimRef) {
    const ref = { ...next.spec.claimRef };
    delete ref.uid;
    next.spec = { ...next.spec, claimRef: ref };
  }
  const available = volumePhase(next, 'Available');
  return [{ type: 'updateVolume', volume: next }, ...(available ? [{ type: 'updateVolumeStatus' as const, volume: available }] : [])];
}
