// Table tests of the pure StatefulSet helpers: ordinals, identity, claims, health, versioned pods.

import { describe, expect, it } from 'vitest';
import { isPodAvailable } from '../../apiserver/api/pod-state.js';
import type { Pod } from '../../apiserver/api/types.js';
import { NEW, NOW, OLD, pod, sts, versions } from './fixtures.test.support.js';
import {
  getParentNameAndOrdinal, getPersistentVolumeClaims, getPodRevision, identityMatches, isHealthy, isMemberOf,
  newVersionedStatefulSetPod, podInOrdinalRange, storageMatches,
} from './util.js';

describe('getParentNameAndOrdinal', () => {
  it.each<[string, string, number]>([
    ['web-0', 'web', 0],
    ['web-12', 'web', 12],
    ['my-web-3', 'my-web', 3],
    ['web-3-4', 'web-3', 4],
    ['web', '', -1],
    ['web-', '', -1],
    ['web-x', '', -1],
    ['web-99999999999', 'web', -1],
  ])('%s → %s, %i', (name, parent, ordinal) => {
    expect(getParentNameAndOrdinal(name)).toEqual({ parent, ordinal });
  });

  it('membership is by parsed parent name', () => {
    expect(isMemberOf(sts(), pod(1))).toBe(true);
    expect(isMemberOf(sts(), { metadata: { name: 'webby-1' } })).toBe(false);
  });
});

describe('ordinal range', () => {
  it.each<[number | undefined, number, number, boolean]>([
    [undefined, 3, 2, true],
    [undefined, 3, 3, false],
    [5, 3, 4, false],
    [5, 3, 5, true],
    [5, 3, 7, true],
    [5, 3, 8, false],
  ])('start %s, replicas %i: ordinal %i in range = %s', (start, replicas, ordinal, want) => {
    expect(podInOrdinalRange(pod(ordinal), sts({ start, replicas }))).toBe(want);
  });
});

describe('identity and storage', () => {
  const bare = pod(1, { bare: true });
  it.each<[string, Pod, boolean, boolean]>([
    ['a pod made by the controller', pod(1), true, true],
    ['without the pod-name label', bare, false, true],
    ['without the claim volume', { ...pod(1), spec: { containers: [] } }, true, false],
    ['with another claim', { ...pod(1), spec: { containers: [], volumes: [{ name: 'www', persistentVolumeClaim: { claimName: 'other' } }] } }, true, false],
    ['in another namespace', { ...pod(1), metadata: { ...pod(1).metadata, namespace: 'other' } }, false, true],
  ])('%s', (_n, p, identity, storage) => {
    expect(identityMatches(sts(), p)).toBe(identity);
    expect(storageMatches(sts(), p)).toBe(storage);
  });

  it('claims: name <template>-<set>-<ordinal>, template labels with the selector on top, the template spec', () => {
    const set = sts();
    const claims = getPersistentVolumeClaims({ ...set, spec: { ...set.spec!, selector: { matchLabels: { app: 'web', tier: 'front' } } } }, 4);
    expect([...claims.keys()]).toEqual(['www']);
    expect(claims.get('www')).toEqual({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim',
      metadata: { name: 'www-web-4', namespace: 'default', labels: { tier: 'front', app: 'web' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
  });
});

describe('health', () => {
  it.each<[string, Pod, boolean]>([
    ['Running and Ready', pod(0), true],
    ['Running, not Ready', pod(0, { ready: false }), false],
    ['Pending', pod(0, { phase: 'Pending' }), false],
    ['Ready but terminating', pod(0, { terminating: true }), false],
  ])('%s → healthy %s', (_n, p, want) => {
    expect(isHealthy(p)).toBe(want);
  });

  it.each<[number, number, boolean]>([
    [0, 0, true],
    [10, 5, false],
    [10, 10, false],
    [10, 11, true],
  ])('minReadySeconds %i, Ready for %i s → available %s (strictly after)', (minReady, readyFor, want) => {
    expect(isPodAvailable(pod(0, { readyFor }), minReady, NOW)).toBe(want);
  });
});

describe('newVersionedStatefulSetPod', () => {
  it.each<[string, Parameters<typeof sts>[0], number, string]>([
    ['partition 2: ordinal 1 at current', { partition: 2 }, 1, OLD],
    ['partition 2: ordinal 2 at update', { partition: 2 }, 2, NEW],
    ['start 5, partition 1: ordinal 5 at current', { start: 5, partition: 1 }, 5, OLD],
    ['start 5, partition 1: ordinal 6 at update', { start: 5, partition: 1 }, 6, NEW],
    ['no rollingUpdate block, currentReplicas 2: ordinal 1 at current', { partition: null, currentReplicas: 2 }, 1, OLD],
    ['no rollingUpdate block, currentReplicas 2: ordinal 2 at update', { partition: null, currentReplicas: 2 }, 2, NEW],
    ['OnDelete: always update', { onDelete: true, currentReplicas: 3 }, 0, NEW],
  ])('%s', (_n, o, ordinal, want) => {
    const set = sts(o);
    const { current, update } = versions(set);
    const p = newVersionedStatefulSetPod(current, update, ordinal);
    expect(getPodRevision(p)).toBe(want);
    expect(p.spec?.containers[0]?.image).toBe(want === OLD ? 'nginx:1' : 'nginx:2');
  });
});
