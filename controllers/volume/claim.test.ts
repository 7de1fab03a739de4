// Tests of the claim planner (upstream syncClaim): binding, provisioning requests, default classes, delayed binding, Lost claims.

import { describe, expect, it } from 'vitest';
import { syncClaim } from './claim.js';
import { claim, podUsing, snapshot, storageClass, summary, volume, written } from './fixtures.test.support.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from './util.js';
import type { Pod } from '../../apiserver/api/types.js';

const EXTERNAL = "Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.";
const STANDARD = storageClass('standard', {}, true);
const BOUND_ANN = { annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' } };

describe('syncClaim: unbound claims without a volume name', () => {
  it.each<[string, PersistentVolumeClaim, PersistentVolume[], StorageClass[], Pod[], string[]]>([
    ['a class-less claim and no volume', claim('a', { storageClassName: '' }), [], [], [],
      ['event Normal FailedBinding: no persistent volumes available for this claim and no storage class is set']],
    ['a claim of an external provisioner\'s class: annotated, then told to wait', claim('a', { storageClassName: 'standard' }), [], [STANDARD], [],
      ['updateClaim default/a', `event Normal ExternalProvisioning: ${EXTERNAL}`]],
    ['an already annotated claim: only the event again', claim('a', { storageClassName: 'standard' }, {
      annotations: { 'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path', 'volume.beta.kubernetes.io/storage-provisioner': 'rancher.io/local-path' },
    }), [], [STANDARD], [], [`event Normal ExternalProvisioning: ${EXTERNAL}`]],
    ['a missing class', claim('a', { storageClassName: 'gold' }), [], [STANDARD], [],
      ['event Warning ProvisioningFailed: storageclass.storage.k8s.io "gold" not found']],
    ['a class for static volumes only', claim('a', { storageClassName: 'local' }), [], [storageClass('local', { provisioner: 'kubernetes.io/no-provisioner' })], [],
      ['event Warning ProvisioningFailed: no volume plugin matched name: kubernetes.io/no-provisioner']],
    ['a claim naming no class while a default exists (retroactive default)', claim('a'), [], [STANDARD], [], ['updateClaim default/a']],
    ['a WaitForFirstConsumer claim nobody uses', claim('a', { storageClassName: 'wait' }), [], [storageClass('wait', { volumeBindingMode: 'WaitForFirstConsumer' })], [],
      ['event Normal WaitForFirstConsumer: waiting for first consumer to be created before binding']],
    ['a WaitForFirstConsumer claim of unscheduled pods', claim('a', { storageClassName: 'wait' }), [], [storageClass('wait', { volumeBindingMode: 'WaitForFirstConsumer' })],
      [podUsing('p2', 'a'), podUsing('p1', 'a')], ['event Normal WaitForPodScheduled: waiting for pods p2,p1 to be scheduled']],
    ['a Pending claim that had modes and capacity gets them cleared', claim('a', { storageClassName: '' }, {}, { phase: 'Pending', accessModes: ['ReadWriteOnce'] }), [], [], [],
      ['event Normal FailedBinding: no persistent volumes available for this claim and no storage class is set', 'updateClaimStatus default/a']],
  ])('%s', (_name, c, volumes, classes, pods, want) => {
    expect(summary(syncClaim(snapshot(c, volumes, classes, pods)))).toEqual(want);
  });

  it('the retroactive default names the default class', () => {
    const next = written(syncClaim(snapshot(claim('a'), [], [storageClass('other'), STANDARD])), 'updateClaim').claim;
    expect(next.spec?.storageClassName).toBe('standard');
  });

  it('annotates the claim with both provisioner annotations', () => {
    const next = written(syncClaim(snapshot(claim('a', { storageClassName: 'standard' }), [], [STANDARD])), 'updateClaim').claim;
    expect(next.metadata?.annotations).toEqual({
      'volume.beta.kubernetes.io/storage-provisioner': 'rancher.io/local-path', 'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path',
    });
  });

  it('stands in for the scheduler: a WaitForFirstConsumer claim gets the node of its first scheduled pod', () => {
    const plan = syncClaim(snapshot(claim('a', { storageClassName: 'wait' }), [], [storageClass('wait', { volumeBindingMode: 'WaitForFirstConsumer' })],
      [podUsing('web-1', 'a', 'kubeling-worker2'), podUsing('web-0', 'a', 'kubeling-worker')]));
    expect(summary(plan)).toEqual(['updateClaim default/a']);
    expect(written(plan, 'updateClaim').claim.metadata?.annotations).toEqual({ 'volume.kubernetes.io/selected-node': 'kubeling-worker' });
  });
});

describe('syncClaim: binding (upstream bind)', () => {
  it('binds a class-less claim to the smallest Available volume that fits, with every annotation and status', () => {
    const big = volume('big', { capacity: { storage: '10Gi' } });
    const small = volume('small', { capacity: { storage: '2Gi' } });
    const tiny = volume('tiny', { capacity: { storage: '500Mi' } });
    const plan = syncClaim(snapshot(claim('a', { storageClassName: '' }), [big, small, tiny]));
    expect(summary(plan)).toEqual(['updateVolume small', 'updateVolumeStatus small', 'updateClaim default/a', 'updateClaimStatus default/a']);
    const pv = written(plan, 'updateVolume').volume;
    expect(pv.spec?.claimRef).toEqual({ kind: 'PersistentVolumeClaim', namespace: 'default', name: 'a', uid: 'uid-a', apiVersion: 'v1', resourceVersion: '10' });
    expect(pv.metadata?.annotations).toEqual({ 'pv.kubernetes.io/bound-by-controller': 'yes' });
    expect(written(plan, 'updateVolumeStatus').volume.status).toEqual({ phase: 'Bound' });
    const c = written(plan, 'updateClaim').claim;
    expect(c.spec?.volumeName).toBe('small');
    expect(c.metadata?.annotations).toEqual({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' });
    expect(written(plan, 'updateClaimStatus').claim.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' } });
  });

  it.each<[string, PersistentVolume, boolean]>([
    ['another class', volume('v', { storageClassName: 'fast' }), false],
    ['too small', volume('v', { capacity: { storage: '1Mi' } }), false],
    ['missing a mode', volume('v', { accessModes: ['ReadOnlyMany'] }), false],
    ['Block for a Filesystem claim', volume('v', { volumeMode: 'Block' }), false],
    ['not Available yet', volume('v', {}, {}, { phase: 'Pending' }), false],
    ['claimed by another claim', volume('v', { claimRef: { namespace: 'default', name: 'other', uid: 'u' } }), false],
    ['being deleted', volume('v', {}, { deletionTimestamp: '2026-11-22T10:00:00Z' }), false],
    ['offering more modes', volume('v', { accessModes: ['ReadWriteOnce', 'ReadOnlyMany'] }), true],
  ])('a volume %s: bound %s', (_name, pv, binds) => {
    const plan = syncClaim(snapshot(claim('a', { storageClassName: '' }), [pv]));
    expect(plan.some((a) => a.type === 'updateClaim')).toBe(binds);
  });

  it('prefers the volume with the fewest access modes, then the smallest', () => {
    const wide = volume('wide', { accessModes: ['ReadWriteOnce', 'ReadWriteMany'], capacity: { storage: '1Gi' } });
    const exact = volume('exact', { capacity: { storage: '5Gi' } });
    expect(written(syncClaim(snapshot(claim('a', { storageClassName: '' }), [wide, exact])), 'updateClaim').claim.spec?.volumeName).toBe('exact');
  });

  it('binds a provisioned volume pre-bound to the claim, whatever its phase, without bound-by-controller on the volume', () => {
    const pv = volume('pvc-uid-a', { storageClassName: 'standard', persistentVolumeReclaimPolicy: 'Delete', claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'a', uid: 'uid-a', apiVersion: 'v1', resourceVersion: '9' } },
      { annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' } }, { phase: 'Pending' });
    const plan = syncClaim(snapshot(claim('a', { storageClassName: 'standard' }), [pv], [STANDARD]));
    expect(summary(plan)).toEqual(['updateVolumeStatus pvc-uid-a', 'updateClaim default/a', 'updateClaimStatus default/a']);
  });

  it('finishes a user\'s pre-binding: the claimRef gets the uid, without bound-by-controller', () => {
    const pv = volume('v', { claimRef: { namespace: 'default', name: 'a' } });
    const plan = syncClaim(snapshot(claim('a', { storageClassName: '' }), [pv]));
    expect(summary(plan)).toEqual(['updateVolume v', 'updateVolumeStatus v', 'updateClaim default/a', 'updateClaimStatus default/a']);
    expect(written(plan, 'updateVolume').volume.metadata?.annotations).toBeUndefined();
  });

  it('does nothing for a claim bound and reported as such', () => {
    const pv = volume('v', { claimRef: { namespace: 'default', name: 'a', uid: 'uid-a' } }, {}, { phase: 'Bound' });
    const c = claim('a', { storageClassName: '', volumeName: 'v' }, BOUND_ANN, { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
    expect(syncClaim(snapshot(c, [pv]))).toEqual([]);
  });
});

describe('syncClaim: claims naming a volume', () => {
  it.each<[string, PersistentVolumeClaim, PersistentVolume[], string[]]>([
    ['the volume does not exist', claim('a', { volumeName: 'nope' }), [], []],
    ['the volume is free and fits', claim('a', { volumeName: 'v', storageClassName: '' }), [volume('v')],
      ['updateVolume v', 'updateVolumeStatus v', 'updateClaim default/a', 'updateClaimStatus default/a']],
    ['the volume is free but too small', claim('a', { volumeName: 'v', storageClassName: '' }), [volume('v', { capacity: { storage: '1Mi' } })],
      ['event Warning VolumeMismatch: Cannot bind to requested volume "v": requested PV is too small']],
    ['the volume is taken', claim('a', { volumeName: 'v' }), [volume('v', { claimRef: { namespace: 'default', name: 'b', uid: 'u' } })],
      ['event Warning FailedBinding: volume "v" already bound to a different claim.']],
  ])('%s', (_name, c, volumes, want) => {
    expect(summary(syncClaim(snapshot(c, volumes)))).toEqual(want);
  });
});

describe('syncClaim: bound claims (upstream syncBoundClaim)', () => {
  const bound = (volumeName: string): PersistentVolumeClaim => claim('a', { volumeName }, BOUND_ANN, { phase: 'Bound' });
  it.each<[string, PersistentVolumeClaim, PersistentVolume[], string[]]>([
    ['lost its volume', bound('gone'), [], ['updateClaimStatus default/a', 'event Warning ClaimLost: Bound claim has lost its PersistentVolume. Data on the volume is lost!']],
    ['lost its volume name', bound(''), [], ['updateClaimStatus default/a', 'event Warning ClaimLost: Bound claim has lost reference to PersistentVolume. Data on the volume is lost!']],
    ['its volume points elsewhere', bound('v'), [volume('v', { claimRef: { namespace: 'default', name: 'b', uid: 'u' } }, {}, { phase: 'Bound' })],
      ['updateClaimStatus default/a', 'event Warning ClaimMisbound: Two claims are bound to the same volume, this one is bound incorrectly']],
    ['its volume came unbound: bound again', bound('v'), [volume('v')], ['updateVolume v', 'updateVolumeStatus v', 'updateClaimStatus default/a']],
  ])('%s', (_name, c, volumes, want) => {
    expect(summary(syncClaim(snapshot(c, volumes)))).toEqual(want);
  });

  it('a Lost claim stays Lost without a second event', () => {
    expect(syncClaim(snapshot(claim('a', { volumeName: 'gone' }, BOUND_ANN, { phase: 'Lost' })))).toEqual([]);
  });
});
