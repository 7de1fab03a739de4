// Tests of PersistentVolume, StorageClass and claim defaults and validation: upstream's field errors, byte for byte.

import { describe, expect, it } from 'vitest';
import { fieldErrorString, type FieldError } from '../api/status.js';
import type { KObject } from '../api/types.js';
import {
  defaultPersistentVolume, defaultStorageClass, persistentVolumeStatusOnCreate, persistentVolumeStatusUpdate, validatePersistentVolume,
  validatePersistentVolumeClaim, validatePersistentVolumeUpdate, validateStorageClass, validateStorageClassUpdate,
} from './validate-storage.js';

const errors = (errs: FieldError[]): string[] => errs.map(fieldErrorString);
const sc = (more: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'example.com/fast', ...more,
});
const pv = (spec: Record<string, unknown>): KObject => ({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1' }, spec });
const GOOD_PV = { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, hostPath: { path: '/data/pv1' } };
const pvc = (spec: Record<string, unknown>): KObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c', namespace: 'default' }, spec });
const GOOD_PVC = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };

describe('StorageClass defaults and validation', () => {
  it('defaults reclaimPolicy to Delete and volumeBindingMode to Immediate, keeping given values', () => {
    const a = sc();
    defaultStorageClass(a);
    expect([a.reclaimPolicy, a.volumeBindingMode]).toEqual(['Delete', 'Immediate']);
    const b = sc({ reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' });
    defaultStorageClass(b);
    expect([b.reclaimPolicy, b.volumeBindingMode]).toEqual(['Retain', 'WaitForFirstConsumer']);
  });

  it.each<[string, KObject, string[]]>([
    ['a valid class', sc({ reclaimPolicy: 'Retain', volumeBindingMode: 'Immediate', parameters: { type: 'ssd' } }), []],
    ['no provisioner', sc({ provisioner: undefined, volumeBindingMode: 'Immediate' }), ['provisioner: Required value']],
    ['a provisioner that is not a qualified name', sc({ provisioner: 'a/b/c', volumeBindingMode: 'Immediate' }), [
      "provisioner: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]],
    ['an unknown reclaim policy', sc({ reclaimPolicy: 'Recycle', volumeBindingMode: 'Immediate' }), ['reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"']],
    ['no binding mode (undefaulted)', sc(), ['volumeBindingMode: Required value']],
    ['an unknown binding mode', sc({ volumeBindingMode: 'Later' }), ['volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"']],
  ])('%s', (_name, obj, want) => {
    expect(errors(validateStorageClass(obj))).toEqual(want);
  });

  it('forbids updates to parameters, provisioner, reclaimPolicy and volumeBindingMode', () => {
    const old = sc({ reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate', parameters: { a: '1' } });
    expect(errors(validateStorageClassUpdate({ ...old, metadata: { name: 'fast', labels: { x: 'y' } } }, old))).toEqual([]);
    const next = sc({ provisioner: 'example.com/slow', reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer', parameters: { a: '2' } });
    expect(errors(validateStorageClassUpdate(next, old))).toEqual([
      'parameters: Forbidden: updates to parameters are forbidden.',
      'provisioner: Forbidden: updates to provisioner are forbidden.',
      'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
      'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
    ]);
  });
});

describe('PersistentVolume defaults and validation', () => {
  it('defaults the reclaim policy to Retain, volumeMode to Filesystem and a hostPath type to ""', () => {
    const a = pv({ ...GOOD_PV });
    defaultPersistentVolume(a);
    expect(a.spec).toMatchObject({ persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem', hostPath: { path: '/data/pv1', type: '' } });
    const b = pv({ ...GOOD_PV, persistentVolumeReclaimPolicy: 'Delete', volumeMode: 'Block', storageClassName: '' });
    defaultPersistentVolume(b);
    expect(b.spec).toMatchObject({ persistentVolumeReclaimPolicy: 'Delete', volumeMode: 'Block' });
    expect(b.spec).not.toHaveProperty('storageClassName');
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['a valid hostPath volume', GOOD_PV, []],
    ['a valid csi volume', { ...GOOD_PV, hostPath: undefined, csi: { driver: 'x.example.com', volumeHandle: 'h' }, storageClassName: 'fast' }, []],
    ['nothing at all', {}, [
      'spec.accessModes: Required value', 'spec.capacity: Required value',
      'spec.capacity: Unsupported value: core.ResourceList(nil): supported values: "storage"', 'spec: Required value: must specify a volume type',
    ]],
    ['an unknown access mode', { ...GOOD_PV, accessModes: ['ReadWriteSometimes'] }, [
      'spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
    ]],
    ['ReadWriteOncePod with another mode', { ...GOOD_PV, accessModes: ['ReadWriteOncePod', 'ReadOnlyMany'] }, [
      'spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes',
    ]],
    ['a zero capacity', { ...GOOD_PV, capacity: { storage: '0' } }, ['spec.capacity[storage]: Invalid value: "0": must be greater than zero']],
    ['two volume types', { ...GOOD_PV, nfs: { server: 'nfs.example.com', path: '/exports' } }, ['spec.nfs: Forbidden: may not specify more than 1 volume type']],
    ['a hostPath without a path', { ...GOOD_PV, hostPath: { type: 'Directory' } }, ['spec.hostPath.path: Required value']],
    ['a hostPath with ..', { ...GOOD_PV, hostPath: { path: '/data/../etc' } }, ['spec.hostPath.path: Invalid value: "/data/../etc": must not contain \'..\'']],
    ['an unknown hostPath type', { ...GOOD_PV, hostPath: { path: '/d', type: 'Dir' } }, [
      'spec.hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
    ]],
    ['a local volume without node affinity', { ...GOOD_PV, hostPath: undefined, local: { path: '/mnt/disks/a' } }, ['spec.nodeAffinity: Required value: Local volume requires node affinity']],
    ['node affinity without required terms', { ...GOOD_PV, nodeAffinity: {} }, ['spec.nodeAffinity.required: Required value: must specify required node constraints']],
    ['a relative nfs path', { ...GOOD_PV, hostPath: undefined, nfs: { server: 's', path: 'exports' } }, ['spec.nfs.path: Invalid value: "exports": must be an absolute path']],
    ['an unknown reclaim policy', { ...GOOD_PV, persistentVolumeReclaimPolicy: 'Keep' }, [
      'spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"',
    ]],
    ['an invalid class name', { ...GOOD_PV, storageClassName: 'Fast' }, [
      "spec.storageClassName: Invalid value: \"Fast\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]],
    ['an unknown volume mode', { ...GOOD_PV, volumeMode: 'Raw' }, ['spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"']],
  ])('%s', (_name, spec, want) => {
    expect(errors(validatePersistentVolume(pv(spec)))).toEqual(want);
  });

  it('keeps volumeMode immutable on update', () => {
    const old = pv({ ...GOOD_PV, volumeMode: 'Filesystem' });
    expect(errors(validatePersistentVolumeUpdate(pv({ ...GOOD_PV, volumeMode: 'Filesystem', storageClassName: 'x' }), old))).toEqual([]);
    expect(errors(validatePersistentVolumeUpdate(pv({ ...GOOD_PV, volumeMode: 'Block' }), old))).toEqual(['volumeMode: Invalid value: "Block": field is immutable']);
  });

  it('starts Pending at its creation time and stamps lastPhaseTransitionTime when the phase changes', () => {
    const created = pv(GOOD_PV);
    created.metadata.creationTimestamp = '2026-11-22T10:00:00Z';
    persistentVolumeStatusOnCreate(created);
    expect(created.status).toEqual({ phase: 'Pending', lastPhaseTransitionTime: '2026-11-22T10:00:00Z' });
    const bound = { ...created, status: { phase: 'Bound' } };
    persistentVolumeStatusUpdate(bound, created, '2026-11-22T10:05:00Z');
    expect(bound.status).toEqual({ phase: 'Bound', lastPhaseTransitionTime: '2026-11-22T10:05:00Z' });
    const same = { ...created, status: { phase: 'Pending', message: 'x' } };
    persistentVolumeStatusUpdate(same, created, '2026-11-22T10:05:00Z');
    expect(same.status).toEqual({ phase: 'Pending', message: 'x', lastPhaseTransitionTime: '2026-11-22T10:00:00Z' });
    const chosen = { ...created, status: { phase: 'Released', lastPhaseTransitionTime: '2026-11-22T09:00:00Z' } };
    persistentVolumeStatusUpdate(chosen, created, '2026-11-22T10:05:00Z');
    expect(chosen.status).toEqual({ phase: 'Released', lastPhaseTransitionTime: '2026-11-22T09:00:00Z' });
  });
});

describe('PersistentVolumeClaim validation', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['a valid claim', GOOD_PVC, []],
    ['a claim naming no class at all', { ...GOOD_PVC, storageClassName: '' }, []],
    ['no access modes and no request', {}, ['spec.accessModes: Required value: at least 1 access mode is required', 'spec.resources[storage]: Required value']],
    ['a zero request', { ...GOOD_PVC, resources: { requests: { storage: '0Gi' } } }, ['spec.resources[storage]: Invalid value: "0Gi": must be greater than zero']],
    ['an unknown volume mode', { ...GOOD_PVC, volumeMode: 'Raw' }, ['spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"']],
  ])('%s', (_name, spec, want) => {
    expect(errors(validatePersistentVolumeClaim(pvc(spec)))).toEqual(want);
  });
});
