// Tests of the PersistentVolume and StorageClass printers: upstream's columns and cells.

import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types.js';
import { tableConvertor } from './index.js';
import { persistentVolumeConvertor, storageClassConvertor } from './storage.js';

const NOW = Date.parse('2026-11-22T01:44:00Z');
const CREATED = '2026-11-22T01:40:00Z';

describe('persistentVolumeConvertor', () => {
  it('is the printer of core persistentvolumes', () => {
    expect(tableConvertor('persistentvolumes', '')).toBe(persistentVolumeConvertor);
  });

  it('has upstream 1.32\'s columns, VolumeMode only with -o wide', () => {
    expect(persistentVolumeConvertor.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0], ['Capacity', 0], ['Access Modes', 0], ['Reclaim Policy', 0], ['Status', 0], ['Claim', 0], ['StorageClass', 0],
      ['VolumeAttributesClass', 0], ['Reason', 0], ['Age', 0], ['VolumeMode', 1],
    ]);
  });

  const pv = (more: Record<string, unknown> = {}): KObject => ({
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pvc-1', creationTimestamp: CREATED },
    spec: {
      capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'standard',
      volumeMode: 'Filesystem', claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data' },
    },
    status: { phase: 'Bound' },
    ...more,
  });

  it.each<[string, KObject, unknown[]]>([
    ['a bound volume', pv(), ['pvc-1', '1Gi', 'RWO,RWX', 'Delete', 'Bound', 'default/data', 'standard', '<unset>', '', '4m', 'Filesystem']],
    ['an available volume without class or mode', pv({ spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadOnlyMany'], persistentVolumeReclaimPolicy: 'Retain' }, status: { phase: 'Available' } }),
      ['pvc-1', '5Gi', 'ROX', 'Retain', 'Available', '', '', '<unset>', '', '4m', '<unset>']],
    ['a failed volume with a reason', pv({ status: { phase: 'Failed', reason: 'VolumeFailedDelete' } }),
      ['pvc-1', '1Gi', 'RWO,RWX', 'Delete', 'Failed', 'default/data', 'standard', '<unset>', 'VolumeFailedDelete', '4m', 'Filesystem']],
    ['a volume being deleted', pv({ metadata: { name: 'pvc-1', creationTimestamp: CREATED, deletionTimestamp: '2026-11-22T01:43:00Z' } }),
      ['pvc-1', '1Gi', 'RWO,RWX', 'Delete', 'Terminating', 'default/data', 'standard', '<unset>', '', '4m', 'Filesystem']],
    ['the beta class annotation wins', pv({ metadata: { name: 'pvc-1', creationTimestamp: CREATED, annotations: { 'volume.beta.kubernetes.io/storage-class': 'gold' } } }),
      ['pvc-1', '1Gi', 'RWO,RWX', 'Delete', 'Bound', 'default/data', 'gold', '<unset>', '', '4m', 'Filesystem']],
  ])('%s', (_name, obj, cells) => {
    expect(persistentVolumeConvertor.cells(obj, NOW)).toEqual(cells);
  });
});

describe('storageClassConvertor', () => {
  it('is the printer of storage.k8s.io storageclasses', () => {
    expect(tableConvertor('storageclasses', 'storage.k8s.io')).toBe(storageClassConvertor);
  });

  it('has NAME, PROVISIONER, RECLAIMPOLICY, VOLUMEBINDINGMODE, ALLOWVOLUMEEXPANSION and AGE', () => {
    expect(storageClassConvertor.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0], ['Provisioner', 0], ['ReclaimPolicy', 0], ['VolumeBindingMode', 0], ['AllowVolumeExpansion', 0], ['Age', 0],
    ]);
  });

  const sc = (annotations?: Record<string, string>, more: Record<string, unknown> = {}): KObject => ({
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard', creationTimestamp: CREATED, ...(annotations && { annotations }) },
    provisioner: 'rancher.io/local-path', ...more,
  });

  it.each<[string, KObject, unknown[]]>([
    ['the default class', sc({ 'storageclass.kubernetes.io/is-default-class': 'true' }, { reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' }),
      ['standard (default)', 'rancher.io/local-path', 'Delete', 'Immediate', false, '4m']],
    ['the beta annotation marks a default too', sc({ 'storageclass.beta.kubernetes.io/is-default-class': 'true' }), ['standard (default)', 'rancher.io/local-path', 'Delete', 'Immediate', false, '4m']],
    ['"false" is not default; expansion and WaitForFirstConsumer shown', sc({ 'storageclass.kubernetes.io/is-default-class': 'false' }, { reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true }),
      ['standard', 'rancher.io/local-path', 'Retain', 'WaitForFirstConsumer', true, '4m']],
  ])('%s', (_name, obj, cells) => {
    expect(storageClassConvertor.cells(obj, NOW)).toEqual(cells);
  });
});
