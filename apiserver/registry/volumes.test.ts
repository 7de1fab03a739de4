// The registry with volumes: the `standard` class at first start, DefaultStorageClass and in-use protection admission,
// PersistentVolume status on create and on status writes.

import { describe, expect, it } from 'vitest';
import { R } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import { createMemoryStorage } from '../storage/memory.js';
import { defaultStorageClassName, type StorageClassRef } from './admission-storage.js';
import { bootstrap } from './bootstrap.js';
import { Registry } from './store.js';

/** A registry whose clock reads `clock.now`, with the `default` namespace (and nothing else: no bootstrap). */
async function registryAt(clock: { now: string }): Promise<Registry> {
  const reg = new Registry({ storage: createMemoryStorage(), now: () => new Date(clock.now) });
  await reg.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  return reg;
}
const claim = (name: string, spec: Record<string, unknown> = {}, annotations?: Record<string, string>): KObject => ({
  apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, ...(annotations && { annotations }) },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
});
const sc = (name: string, isDefault: boolean): KObject => ({
  apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name, ...(isDefault && { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }) },
  provisioner: 'example.com/p',
});

describe('defaultStorageClassName (upstream GetDefaultClass)', () => {
  const ref = (name: string, isDefault: boolean, created: number): StorageClassRef => ({ name, isDefault, created });
  it.each<[string, StorageClassRef[], string | undefined]>([
    ['no classes', [], undefined],
    ['no class marked default', [ref('a', false, 1)], undefined],
    ['one default', [ref('a', false, 5), ref('b', true, 1)], 'b'],
    ['the newest of several defaults', [ref('old', true, 1), ref('new', true, 9), ref('mid', true, 5)], 'new'],
    ['equal times: the first name', [ref('b', true, 3), ref('a', true, 3)], 'a'],
  ])('%s', (_name, classes, want) => {
    expect(defaultStorageClassName(classes)).toBe(want);
  });
});

describe('volumes in the registry', () => {
  it('the first start creates kind\'s default class `standard`; later starts do not bring back a deleted one', async () => {
    const reg = new Registry({ storage: createMemoryStorage() });
    await bootstrap(reg);
    const std = await reg.get(R.storageclasses, undefined, 'standard');
    expect(std).toMatchObject({
      metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate',
    });
    await reg.delete(R.storageclasses, undefined, 'standard');
    await bootstrap(reg);
    expect((await reg.list(R.storageclasses, undefined)).items).toEqual([]);
  });

  it('a claim naming no class gets the default one and the pvc-protection finalizer; "" and the beta annotation are kept', async () => {
    const reg = new Registry({ storage: createMemoryStorage() });
    await bootstrap(reg);
    const made = await reg.create(R.persistentvolumeclaims, 'default', claim('data'));
    expect(made.spec).toMatchObject({ storageClassName: 'standard', volumeMode: 'Filesystem' });
    expect(made.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    expect(made.status).toEqual({ phase: 'Pending' });
    const none = await reg.create(R.persistentvolumeclaims, 'default', claim('static', { storageClassName: '' }));
    expect((none.spec as Record<string, unknown>).storageClassName).toBe('');
    const beta = await reg.create(R.persistentvolumeclaims, 'default', claim('beta', {}, { 'volume.beta.kubernetes.io/storage-class': 'gold' }));
    expect((beta.spec as Record<string, unknown>).storageClassName).toBeUndefined();
  });

  it('with two default classes the newest wins; with none a claim keeps no class', async () => {
    const clock = { now: '2026-11-22T10:00:00Z' };
    const reg = await registryAt(clock);
    await reg.create(R.storageclasses, undefined, sc('older', true));
    expect((await reg.create(R.persistentvolumeclaims, 'default', claim('a'))).spec).toMatchObject({ storageClassName: 'older' });
    clock.now = '2026-11-22T10:05:00Z';
    await reg.create(R.storageclasses, undefined, sc('newer', true));
    expect((await reg.create(R.persistentvolumeclaims, 'default', claim('b'))).spec).toMatchObject({ storageClassName: 'newer' });
    const bare = await registryAt(clock);
    expect((await bare.create(R.persistentvolumeclaims, 'default', claim('c'))).spec).not.toHaveProperty('storageClassName');
  });

  it('a PersistentVolume is created Pending with the pv-protection finalizer; a status write stamps the phase change', async () => {
    const clock = { now: '2026-11-22T10:00:00Z' };
    const reg = await registryAt(clock);
    const pv = await reg.create(R.persistentvolumes, undefined, {
      apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1' },
      spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, hostPath: { path: '/data' } }, status: { phase: 'Bound' },
    });
    expect(pv.metadata.finalizers).toEqual(['kubernetes.io/pv-protection']);
    expect(pv.status).toEqual({ phase: 'Pending', lastPhaseTransitionTime: pv.metadata.creationTimestamp });
    expect(pv.spec).toMatchObject({ persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem', hostPath: { path: '/data', type: '' } });
    clock.now = '2026-11-22T10:07:00Z';
    const next = await reg.update(R.persistentvolumes, undefined, 'pv1', { ...pv, status: { phase: 'Available' } }, { subresource: 'status' });
    expect(next.status).toEqual({ phase: 'Available', lastPhaseTransitionTime: '2026-11-22T10:07:00Z' });
  });
});
