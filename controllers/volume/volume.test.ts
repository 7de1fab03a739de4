// Tests of the volume planner (upstream syncVolume, reclaimVolume, unbindVolume).

import { describe, expect, it } from 'vitest';
import { claim, summary, volume, written } from './fixtures.test.support.js';
import type { PersistentVolume, PersistentVolumeClaim } from './util.js';
import { syncVolume } from './volume.js';

const REF = { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'a', uid: 'uid-a', apiVersion: 'v1' };
const PROVISIONED = { annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' } };
const boundClaim = claim('a', { volumeName: 'v' }, {}, { phase: 'Bound' });

describe('syncVolume', () => {
  it.each<[string, PersistentVolume, PersistentVolumeClaim | undefined, string[]]>([
    ['a new unclaimed volume becomes Available', volume('v', {}, {}, { phase: 'Pending' }), undefined, ['updateVolumeStatus v']],
    ['an Available volume stays', volume('v'), undefined, []],
    ['a volume pre-bound by name only is Available', volume('v', { claimRef: { namespace: 'default', name: 'a' } }, {}, { phase: 'Pending' }), undefined, ['updateVolumeStatus v']],
    ['a volume whose claim is not bound yet asks for the claim sync', volume('v', { claimRef: REF }, {}, { phase: 'Pending' }), claim('a'), ['enqueueClaim default/a']],
    ['a volume whose claim names it is Bound', volume('v', { claimRef: REF }, {}, { phase: 'Available' }), boundClaim, ['updateVolumeStatus v']],
    ['a Bound volume of a bound claim stays', volume('v', { claimRef: REF }, {}, { phase: 'Bound' }), boundClaim, []],
    ['Retain: a volume whose claim is gone is Released and kept', volume('v', { claimRef: REF }, {}, { phase: 'Bound' }), undefined, ['updateVolumeStatus v']],
    ['Retain: a Released volume stays Released', volume('v', { claimRef: REF }, {}, { phase: 'Released' }), undefined, []],
    ['Delete, provisioned: Released, the provisioner deletes it', volume('v', { claimRef: REF, persistentVolumeReclaimPolicy: 'Delete' }, PROVISIONED, { phase: 'Bound' }), undefined,
      ['updateVolumeStatus v']],
    ['Delete, static hostPath outside /tmp: Failed', volume('v', { claimRef: REF, persistentVolumeReclaimPolicy: 'Delete' }, {}, { phase: 'Bound' }), undefined, [
      'updateVolumeStatus v', 'updateVolumeStatus v',
      'event Warning VolumeFailedDelete: failed to create deleter for volume "v": host_path deleter only supports /tmp/.+ but received provided /data/v',
    ]],
    ['Delete, static hostPath under /tmp: deleted', volume('v', { claimRef: REF, persistentVolumeReclaimPolicy: 'Delete', hostPath: { path: '/tmp/v' } }, {}, { phase: 'Released' }), undefined,
      ['deleteVolume v']],
    ['Delete, an nfs volume: Failed', volume('v', { claimRef: REF, persistentVolumeReclaimPolicy: 'Delete', hostPath: undefined, nfs: { server: 's', path: '/x' } }, {}, { phase: 'Released' }), undefined, [
      'updateVolumeStatus v', 'event Warning VolumeFailedDelete: error getting deleter volume plugin for volume "v": no deletable volume plugin matched',
    ]],
    ['Recycle: scrubbed and Available again', volume('v', { claimRef: REF, persistentVolumeReclaimPolicy: 'Recycle' }, { annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } }, { phase: 'Released' }),
      undefined, ['event Normal VolumeRecycled: Volume recycled', 'updateVolume v', 'updateVolumeStatus v']],
    ['a volume bound by the controller to a claim bound elsewhere is unbound', volume('v', { claimRef: REF }, { annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } }, { phase: 'Bound' }),
      claim('a', { volumeName: 'other' }), ['updateVolume v', 'updateVolumeStatus v']],
    ['a provisioned Delete volume whose claim is bound elsewhere is released', volume('v', { claimRef: REF, persistentVolumeReclaimPolicy: 'Delete' }, PROVISIONED, { phase: 'Bound' }),
      claim('a', { volumeName: 'other' }), ['updateVolumeStatus v']],
    ['a volume mode mismatch is reported on both sides', volume('v', { claimRef: REF, volumeMode: 'Block' }), claim('a'), [
      'event Warning VolumeMismatch: Cannot bind PersistentVolume to requested PersistentVolumeClaim "a" due to incompatible volumeMode.',
      'event Warning VolumeMismatch: Cannot bind PersistentVolume "v" to requested PersistentVolumeClaim due to incompatible volumeMode.',
    ]],
  ])('%s', (_name, pv, c, want) => {
    expect(summary(syncVolume({ volume: pv, claim: c }))).toEqual(want);
  });

  it('releasing keeps the claimRef and asks for phase Released only', () => {
    const plan = syncVolume({ volume: volume('v', { claimRef: REF }, {}, { phase: 'Bound', lastPhaseTransitionTime: '2026-11-22T10:00:00Z' }), claim: undefined });
    const next = written(plan, 'updateVolumeStatus').volume;
    expect(next.status).toEqual({ phase: 'Released' });
    expect(next.spec?.claimRef).toEqual(REF);
  });

  it('unbinding a controller\'s binding drops the claimRef and the annotation; a user\'s pre-binding keeps the ref without uid', () => {
    const byController = written(syncVolume({
      volume: volume('v', { claimRef: REF }, { annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } }, { phase: 'Bound' }), claim: claim('a', { volumeName: 'x' }),
    }), 'updateVolume').volume;
    expect(byController.spec?.claimRef).toBeUndefined();
    expect(byController.metadata?.annotations).toBeUndefined();
    const byUser = written(syncVolume({ volume: volume('v', { claimRef: REF }, {}, { phase: 'Bound' }), claim: claim('a', { volumeName: 'x' }) }), 'updateVolume').volume;
    expect(byUser.spec?.claimRef).toEqual({ kind: 'PersistentVolumeClaim', namespace: 'default', name: 'a', apiVersion: 'v1' });
  });

  it('a Failed volume is not failed again', () => {
    const msg = 'error getting deleter volume plugin for volume "v": no deletable volume plugin matched';
    const pv = volume('v', { claimRef: REF, persistentVolumeReclaimPolicy: 'Delete', hostPath: undefined, csi: { driver: 'd', volumeHandle: 'h' } }, {}, { phase: 'Failed', message: msg });
    expect(syncVolume({ volume: pv, claim: undefined })).toEqual([]);
  });
});
