// Tests of the simulated provisioner: when it provisions, the volume it makes (kind's local-path shape), when it deletes.

import { describe, expect, it } from 'vitest';
import { claim, storageClass, summary, volume, written } from './fixtures.test.support.js';
import { planDelete, planProvision } from './provision.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from './util.js';

const ASKED = { annotations: { 'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path', 'volume.beta.kubernetes.io/storage-provisioner': 'rancher.io/local-path' } };
const STANDARD = storageClass('standard', {}, true);
const WAIT = storageClass('standard', { volumeBindingMode: 'WaitForFirstConsumer' });

describe('planProvision', () => {
  it.each<[string, PersistentVolumeClaim, StorageClass | undefined, PersistentVolume | undefined, string[]]>([
    ['a claim the PV controller annotated', claim('a', { storageClassName: 'standard' }, ASKED), STANDARD, undefined, [
      'event Normal Provisioning: External provisioner is provisioning volume for claim "default/a"', 'createVolume pvc-uid-a',
      'event Normal ProvisioningSucceeded: Successfully provisioned volume pvc-uid-a',
    ]],
    ['a claim not annotated yet', claim('a', { storageClassName: 'standard' }), STANDARD, undefined, []],
    ['a claim whose volume exists', claim('a', { storageClassName: 'standard' }, ASKED), STANDARD, volume('pvc-uid-a'), []],
    ['a claim already bound', claim('a', { storageClassName: 'standard', volumeName: 'x' }, ASKED), STANDARD, undefined, []],
    ['a claim being deleted', claim('a', { storageClassName: 'standard' }, { ...ASKED, deletionTimestamp: '2026-11-22T10:00:00Z' }), STANDARD, undefined, []],
    ['a class that is gone', claim('a', { storageClassName: 'standard' }, ASKED), undefined, undefined, []],
    ['another provisioner\'s class', claim('a', { storageClassName: 'standard' }, ASKED), storageClass('standard', { provisioner: 'example.com/x' }), undefined, []],
    ['WaitForFirstConsumer before a node is selected', claim('a', { storageClassName: 'standard' }, ASKED), WAIT, undefined, []],
    ['WaitForFirstConsumer once a node is selected', claim('a', { storageClassName: 'standard' }, { annotations: { ...ASKED.annotations, 'volume.kubernetes.io/selected-node': 'kubeling-worker' } }),
      WAIT, undefined, ['event Normal Provisioning: External provisioner is provisioning volume for claim "default/a"', 'createVolume pvc-uid-a',
        'event Normal ProvisioningSucceeded: Successfully provisioned volume pvc-uid-a']],
  ])('%s', (_name, c, sc, existing, want) => {
    expect(summary(planProvision({ claim: c, storageClass: sc, existing }))).toEqual(want);
  });

  it('makes kind\'s local-path volume: pre-bound, annotated, the claim\'s size, modes, mode and class, the class\'s policy', () => {
    const c = claim('www-web-0', { storageClassName: 'standard', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } }, ASKED);
    const pv = written(planProvision({ claim: c, storageClass: storageClass('standard', { reclaimPolicy: 'Retain', mountOptions: ['noatime'] }), existing: undefined }), 'createVolume').volume;
    expect(pv).toEqual({
      apiVersion: 'v1', kind: 'PersistentVolume',
      metadata: { name: 'pvc-uid-www-web-0', annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' } },
      spec: {
        accessModes: ['ReadWriteOnce'],
        capacity: { storage: '2Gi' },
        claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'www-web-0', uid: 'uid-www-web-0', apiVersion: 'v1', resourceVersion: '10' },
        hostPath: { path: '/var/local-path-provisioner/pvc-uid-www-web-0_default_www-web-0', type: 'DirectoryOrCreate' },
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: 'standard',
        volumeMode: 'Filesystem',
        mountOptions: ['noatime'],
      },
    });
  });

  it('pins a volume made for a selected node to that node', () => {
    const c = claim('a', { storageClassName: 'standard' }, { annotations: { ...ASKED.annotations, 'volume.kubernetes.io/selected-node': 'kubeling-worker' } });
    const pv = written(planProvision({ claim: c, storageClass: WAIT, existing: undefined }), 'createVolume').volume;
    expect(pv.metadata?.annotations?.['local.path.provisioner/selected-node']).toBe('kubeling-worker');
    expect(pv.spec?.nodeAffinity).toEqual({
      required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['kubeling-worker'] }] }] },
    });
  });
});

describe('planDelete', () => {
  const PROVISIONED = { annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' } };
  it.each<[string, PersistentVolume, string[]]>([
    ['a Released Delete volume it made', volume('v', { persistentVolumeReclaimPolicy: 'Delete' }, PROVISIONED, { phase: 'Released' }), ['deleteVolume v']],
    ['a Bound one', volume('v', { persistentVolumeReclaimPolicy: 'Delete' }, PROVISIONED, { phase: 'Bound' }), []],
    ['a Released Retain one', volume('v', { persistentVolumeReclaimPolicy: 'Retain' }, PROVISIONED, { phase: 'Released' }), []],
    ['a static one', volume('v', { persistentVolumeReclaimPolicy: 'Delete' }, {}, { phase: 'Released' }), []],
    ['one already being deleted', volume('v', { persistentVolumeReclaimPolicy: 'Delete' }, { ...PROVISIONED, deletionTimestamp: '2026-11-22T10:00:00Z' }, { phase: 'Released' }), []],
  ])('%s', (_name, pv, want) => {
    expect(summary(planDelete(pv))).toEqual(want);
  });

  it('deletes with the volume\'s uid as precondition', () => {
    expect(planDelete(volume('v', { persistentVolumeReclaimPolicy: 'Delete' }, { annotations: { 'pv.kubernetes.io/provisioned-by': 'x.example.com' } }, { phase: 'Released' })))
      .toEqual([{ type: 'deleteVolume', name: 'v', uid: 'uid-v' }]);
  });
});
