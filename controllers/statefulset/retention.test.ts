// Table tests of PVC retention: which ownerReferences each policy wants, for in-range and condemned pods.

import { describe, expect, it } from 'vitest';
import type { OwnerReference } from '../../apiserver/api/types.js';
import { claim, pod, sts } from './fixtures.test.support.js';
import { claimOwnerRefsForPolicy, isClaimOwnerUpToDate, podClaimIsStale } from './retention.js';

type P = 'Retain' | 'Delete';
const setRef: OwnerReference = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u-web', controller: true, blockOwnerDeletion: true };
const podRef = (o: number, uid = `u-web-${o}`): OwnerReference => ({ apiVersion: 'v1', kind: 'Pod', name: `web-${o}`, uid, controller: true, blockOwnerDeletion: true });
const other: OwnerReference = { apiVersion: 'example.com/v1', kind: 'Owner', name: 'o', uid: 'u-o', controller: true };

describe('retention policy → claim ownerReferences (controllers.md 3.6)', () => {
  // replicas 2: web-1 is in range, web-2 is condemned
  it.each<[P, P, number, string[]]>([
    ['Retain', 'Retain', 1, []],
    ['Retain', 'Retain', 2, []],
    ['Retain', 'Delete', 1, ['StatefulSet']],
    ['Retain', 'Delete', 2, ['StatefulSet']],
    ['Delete', 'Retain', 1, []],
    ['Delete', 'Retain', 2, ['Pod']],
    ['Delete', 'Delete', 1, ['StatefulSet']],
    ['Delete', 'Delete', 2, ['Pod']],
  ])('whenScaled %s, whenDeleted %s, web-%i → %j', (whenScaled, whenDeleted, ordinal, kinds) => {
    const set = sts({ replicas: 2, whenScaled, whenDeleted });
    const refs = claimOwnerRefsForPolicy(claim(ordinal), set, pod(ordinal));
    expect(refs.map((r) => r.kind)).toEqual(kinds);
    expect(refs.every((r) => r.controller)).toBe(true);
    const fixed = { ...claim(ordinal), metadata: { ...claim(ordinal).metadata, ownerReferences: refs } };
    expect(isClaimOwnerUpToDate(fixed, set, pod(ordinal))).toBe(true);
    expect(isClaimOwnerUpToDate(claim(ordinal), set, pod(ordinal))).toBe(kinds.length === 0);
  });

  it('scaling back up moves a claim from its pod back to the set', () => {
    const set = sts({ replicas: 3, whenScaled: 'Delete', whenDeleted: 'Delete' });
    const c = claim(2, [podRef(2)]);
    expect(isClaimOwnerUpToDate(c, set, pod(2))).toBe(false);
    expect(claimOwnerRefsForPolicy(c, set, pod(2)).map((r) => r.kind)).toEqual(['StatefulSet']);
  });

  it('stale references (an older pod or set of the name) and foreign controllers are left alone', () => {
    const set = sts({ replicas: 2, whenScaled: 'Delete', whenDeleted: 'Delete' });
    expect(isClaimOwnerUpToDate(claim(2, [podRef(2, 'u-earlier')]), set, pod(2))).toBe(true);
    expect(isClaimOwnerUpToDate(claim(1, [{ ...setRef, uid: 'u-old-set' }]), set, pod(1))).toBe(true);
    expect(isClaimOwnerUpToDate(claim(1, [other]), set, pod(1))).toBe(true);
    expect(claimOwnerRefsForPolicy(claim(1, [other, setRef]), set, pod(1))).toEqual([other]);
  });

  it('keeps unrelated owners', () => {
    const loose = { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', uid: 'u-c' };
    const set = sts({ whenDeleted: 'Delete' });
    expect(claimOwnerRefsForPolicy(claim(1, [loose]), set, pod(1))).toEqual([loose, setRef]);
  });
});

describe('podClaimIsStale', () => {
  it.each<[string, P, OwnerReference[], boolean]>([
    ['Retain never blocks', 'Retain', [podRef(0, 'u-gone')], false],
    ['a ref to the previous web-0 blocks', 'Delete', [podRef(0, 'u-gone')], true],
    ['no refs', 'Delete', [], false],
    ['a set ref', 'Delete', [setRef], false],
  ])('%s', (_n, whenScaled, refs, want) => {
    const set = sts({ whenScaled });
    const newPod = { metadata: { name: 'web-0', namespace: 'default' } };
    expect(podClaimIsStale(set, newPod, (n) => (n === 'www-web-0' ? claim(0, refs) : undefined))).toBe(want);
  });
});
