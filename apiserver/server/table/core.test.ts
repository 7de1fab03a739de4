// Table-driven tests of the namespace, configmap, secret, serviceaccount, PVC and lease printers.

import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types.js';
import {
  accessModesString,
  configMapConvertor,
  leaseConvertor,
  namespaceConvertor,
  pvcConvertor,
  secretConvertor,
  serviceAccountConvertor,
} from './core.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const obj = (kind: string, fields: Record<string, unknown>, metadata: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name: 'x', namespace: 'default', creationTimestamp: '2026-11-22T11:00:00Z', ...metadata },
  ...fields,
});

describe('simple printers', () => {
  it.each([
    ['namespace Active', namespaceConvertor, obj('Namespace', { status: { phase: 'Active' } }), ['x', 'Active', '60m']],
    ['namespace Terminating', namespaceConvertor, obj('Namespace', { status: { phase: 'Terminating' } }), ['x', 'Terminating', '60m']],
    ['namespace without status', namespaceConvertor, obj('Namespace', {}), ['x', '', '60m']],
    ['configmap data + binaryData', configMapConvertor, obj('ConfigMap', { data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }), ['x', 3, '60m']],
    ['empty configmap', configMapConvertor, obj('ConfigMap', {}), ['x', 0, '60m']],
    ['secret', secretConvertor, obj('Secret', { type: 'Opaque', data: { a: 'MQ==' } }), ['x', 'Opaque', 1, '60m']],
    ['secret stringData merged into data', secretConvertor, obj('Secret', { type: 'Opaque', data: { a: 'MQ==' }, stringData: { a: '1', b: '2' } }), ['x', 'Opaque', 2, '60m']],
    ['serviceaccount secrets', serviceAccountConvertor, obj('ServiceAccount', { secrets: [{ name: 's1' }] }), ['x', 1, '60m']],
    ['serviceaccount without secrets', serviceAccountConvertor, obj('ServiceAccount', {}), ['x', 0, '60m']],
    ['lease holder', leaseConvertor, obj('Lease', { spec: { holderIdentity: 'node-1' } }), ['x', 'node-1', '60m']],
    ['lease without holder', leaseConvertor, obj('Lease', { spec: {} }), ['x', '', '60m']],
  ])('%s', (_d, convertor, o, want) => {
    expect(convertor.cells(o, NOW)).toEqual(want);
  });
});

describe('accessModesString', () => {
  it.each([
    [['ReadWriteOnce'], 'RWO'],
    [['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce'], 'RWO,RWX'],
    [['ReadWriteOncePod', 'ReadOnlyMany'], 'ROX,RWOP'],
    [[], ''],
    [undefined, ''],
  ])('%j → %s', (modes, want) => {
    expect(accessModesString(modes)).toBe(want);
  });
});

describe('pvcConvertor', () => {
  const spec = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'standard' };
  it.each([
    ['pending claim: no capacity or modes yet', obj('PersistentVolumeClaim', { spec, status: { phase: 'Pending' } }), ['x', 'Pending', '', '', '', 'standard', '<unset>', '60m', '<unset>']],
    [
      'bound claim',
      obj('PersistentVolumeClaim', {
        spec: { ...spec, volumeName: 'pv-1', volumeMode: 'Filesystem', volumeAttributesClassName: 'gold' },
        status: { phase: 'Bound', capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce', 'ReadWriteMany'] },
      }),
      ['x', 'Bound', 'pv-1', '2Gi', 'RWO,RWX', 'standard', 'gold', '60m', 'Filesystem'],
    ],
    ['bound claim without status capacity', obj('PersistentVolumeClaim', { spec: { ...spec, volumeName: 'pv-1' }, status: { phase: 'Bound' } }), ['x', 'Bound', 'pv-1', '0', '', 'standard', '<unset>', '60m', '<unset>']],
    [
      'terminating, beta storage-class annotation wins',
      obj('PersistentVolumeClaim', { spec, status: { phase: 'Bound' } }, { deletionTimestamp: '2026-11-22T11:59:00Z', annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' } }),
      ['x', 'Terminating', '', '', '', 'legacy', '<unset>', '60m', '<unset>'],
    ],
    ['no class at all', obj('PersistentVolumeClaim', { spec: {} }), ['x', '', '', '', '', '', '<unset>', '60m', '<unset>']],
  ])('%s', (_d, o, want) => {
    expect(pvcConvertor.cells(o, NOW)).toEqual(want);
  });

  it('has the upstream columns', () => {
    expect(pvcConvertor.columns.map((c) => `${c.name}:${c.priority}`)).toEqual([
      'Name:0', 'Status:0', 'Volume:0', 'Capacity:0', 'Access Modes:0', 'StorageClass:0', 'VolumeAttributesClass:0', 'Age:0', 'VolumeMode:1',
    ]);
  });
});
