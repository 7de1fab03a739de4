// Tests of pvc-protection and pv-protection: finalizers kept while in use, removed after, added when missing.

import { describe, expect, it } from 'vitest';
import type { Pod } from '../../apiserver/api/types.js';
import { claim, podUsing, summary, volume, written } from './fixtures.test.support.js';
import { claimNamesOf, podUsesClaim, syncClaimProtection, syncVolumeProtection } from './protection.js';
import type { PersistentVolume, PersistentVolumeClaim } from './util.js';

const DELETED = '2026-11-22T10:00:00Z';
const protectedClaim = (more: Record<string, unknown> = {}): PersistentVolumeClaim => claim('a', {}, { finalizers: ['kubernetes.io/pvc-protection'], ...more });

describe('pvc-protection', () => {
  it.each<[string, PersistentVolumeClaim, Pod[], string[]]>([
    ['a live protected claim', protectedClaim(), [], []],
    ['a live claim without the finalizer gets it', claim('a'), [], ['updateClaim default/a']],
    ['a deleted claim nobody uses loses it', protectedClaim({ deletionTimestamp: DELETED }), [], ['updateClaim default/a']],
    ['a deleted claim a running pod uses keeps it', protectedClaim({ deletionTimestamp: DELETED }), [podUsing('p', 'a', 'node-1')], []],
    ['an unscheduled pod does not count', protectedClaim({ deletionTimestamp: DELETED }), [podUsing('p', 'a')], ['updateClaim default/a']],
    ['a shut-down pod does not count', protectedClaim({ deletionTimestamp: DELETED }),
      [podUsing('p', 'a', 'node-1', { deletionTimestamp: DELETED, deletionGracePeriodSeconds: 0 })], ['updateClaim default/a']],
    ['a pod being deleted gracefully still counts', protectedClaim({ deletionTimestamp: DELETED }),
      [podUsing('p', 'a', 'node-1', { deletionTimestamp: DELETED, deletionGracePeriodSeconds: 30 })], []],
    ['a deleted claim without the finalizer is left alone', claim('a', {}, { deletionTimestamp: DELETED }), [], []],
  ])('%s', (_name, c, pods, want) => {
    expect(summary(syncClaimProtection(c, pods))).toEqual(want);
  });

  it('removes only its own finalizer', () => {
    const c = protectedClaim({ deletionTimestamp: DELETED, finalizers: ['example.com/keep', 'kubernetes.io/pvc-protection'] });
    expect(written(syncClaimProtection(c, []), 'updateClaim').claim.metadata?.finalizers).toEqual(['example.com/keep']);
  });

  it('knows the claims of persistentVolumeClaim and ephemeral volumes', () => {
    const pod: Pod = {
      metadata: { name: 'web', namespace: 'default' },
      spec: { nodeName: 'n', containers: [], volumes: [{ name: 'a', persistentVolumeClaim: { claimName: 'data' } }, { name: 'scratch', ephemeral: {} }, { name: 'e', emptyDir: {} }] },
    };
    expect(claimNamesOf(pod)).toEqual(['data', 'web-scratch']);
    expect(podUsesClaim(pod, claim('data'))).toBe(true);
    expect(podUsesClaim(pod, claim('data', {}, { namespace: 'other' }))).toBe(false);
  });
});

describe('pv-protection', () => {
  const protectedVolume = (phase: string, more: Record<string, unknown> = {}): PersistentVolume => volume('v', {}, { finalizers: ['kubernetes.io/pv-protection'], ...more }, { phase });
  it.each<[string, PersistentVolume, string[]]>([
    ['a live protected volume', protectedVolume('Bound'), []],
    ['a live volume without the finalizer gets it', volume('v'), ['updateVolume v']],
    ['a deleted Bound volume keeps it', protectedVolume('Bound', { deletionTimestamp: DELETED }), []],
    ['a deleted Released volume loses it', protectedVolume('Released', { deletionTimestamp: DELETED }), ['updateVolume v']],
    ['a deleted Available volume loses it', protectedVolume('Available', { deletionTimestamp: DELETED }), ['updateVolume v']],
  ])('%s', (_name, pv, want) => {
    expect(summary(syncVolumeProtection(pv))).toEqual(want);
  });
});
