// The shared revision machinery: Go-shaped data bytes, hashes, revision objects, their writes, clean-up and claims.

import { describe, expect, it } from 'vitest';
import type { ControllerRevision, DaemonSet, Pod } from '../../apiserver/api/types.js';
import { selectorFromLabelSelector } from '../../apiserver/api/labels.js';
import { alreadyExists, conflict, isAlreadyExists, notFound } from '../../apiserver/api/status.js';
import type { Client } from '../runtime/index.js';
import {
  adoptPatch, cachedDataOf, cachedRevisionData, canonicalTemplate, claim, CONTROLLER_REVISION_HASH_LABEL, createRevision, daemonSetHash, dataOf, deleteRevisions, fnv1, fnv1a, goJSON,
  maxRevision, newRevision, releasePatch, revisionData, revisionsToDelete, safeEncode, sortRevisions, statefulSetHash, templateOf,
} from './index.js';

const enc = new TextEncoder();

const ds = (template: unknown, extra: Partial<DaemonSet['metadata']> = {}): DaemonSet => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'x', namespace: 'default', uid: 'u-1', annotations: { 'deprecated.daemonset.template.generation': '2' }, ...extra },
  spec: { selector: { matchLabels: { app: 'x' } }, template: template as DaemonSet['spec'] extends infer S ? S extends { template: infer T } ? T : never : never },
});

const defaulted = {
  metadata: { labels: { app: 'x' } },
  spec: {
    containers: [{ name: 'nginx', image: 'nginx', imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    securityContext: {},
    schedulerName: 'default-scheduler',
  },
};

describe('revision data', () => {
  it('cachedRevisionData / cachedDataOf: the same bytes, encoded once per object (a replaced object is encoded anew)', () => {
    const owner = ds(structuredClone(defaulted));
    const data = revisionData(owner);
    expect(cachedRevisionData(owner)).toBe(data);
    const cr = { data: JSON.parse(data) as unknown };
    expect(cachedDataOf(cr)).toBe(data);
    // Changing an object in place is outside the contract: the remembered bytes show the encoding is not redone.
    (owner.spec!.template.metadata!.labels as Record<string, string>).app = 'y';
    cr.data = {};
    expect(cachedRevisionData(owner)).toBe(data);
    expect(cachedDataOf(cr)).toBe(data);
    expect(cachedRevisionData({ ...owner })).toBe(revisionData(owner));
    expect(cachedRevisionData({ ...owner })).not.toBe(data);
    expect(cachedDataOf({ ...cr })).toBe('{}');
  });

  it('is the sorted-key Go JSON of the defaulted template with $patch replace (controllers.md §2.7 example)', () => {
    expect(revisionData(ds(defaulted))).toBe(
      '{"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null,"labels":{"app":"x"}},"spec":{"containers":[{"image":"nginx","imagePullPolicy":"Always","name":"nginx","resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],"dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30}}}}',
    );
  });

  it.each([
    ['an explicit empty map Go omits', { nodeSelector: {} }, '"nodeSelector"', false],
    ['a false plain bool', { hostNetwork: false }, '"hostNetwork"', false],
    ['a pointer bool stays even when false', { automountServiceAccountToken: false }, '"automountServiceAccountToken":false', true],
    ['a zero pointer int stays', { terminationGracePeriodSeconds: 0 }, '"terminationGracePeriodSeconds":0', true],
    ['an emptyDir {} stays', { volumes: [{ name: 'v', emptyDir: {} }] }, '"emptyDir":{}', true],
    ['an empty list is omitted', { tolerations: [] }, '"tolerations"', false],
    ['an empty string is omitted', { serviceAccountName: '' }, '"serviceAccountName"', false],
    ['a hostPath type "" (a pointer the API server defaults) stays', { volumes: [{ name: 'v', hostPath: { path: '/x', type: '' } }] }, '"hostPath":{"path":"/x","type":""}', true],
  ])('follows omitempty: %s', (_name, specExtra, needle, present) => {
    const data = revisionData(ds({ ...defaulted, spec: { ...defaulted.spec, ...specExtra } }));
    expect(data.includes(needle)).toBe(present);
  });

  it('escapes <, > and & as Go does, and compares stored revisions byte for byte', () => {
    const t = { ...defaulted, spec: { ...defaulted.spec, containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'a && b > c'] }] } };
    const data = revisionData(ds(t));
    expect(data).toContain('a \\u0026\\u0026 b \\u003e c');
    const cr = newRevision({ owner: ds(t), kind: 'DaemonSet', data, hash: 'h', revision: 1, hashLabel: 'controller-revision-hash' });
    expect(dataOf(JSON.parse(JSON.stringify(cr)) as ControllerRevision)).toBe(data);
  });

  it('keeps a user-set creationTimestamp out and resources in every container kind', () => {
    const t = canonicalTemplate({ spec: { initContainers: [{ name: 'i', image: 'x' }], containers: [{ name: 'c', image: 'y', resources: { limits: { cpu: '1' } } }] } });
    expect(t).toEqual({
      metadata: { creationTimestamp: null },
      spec: { initContainers: [{ name: 'i', image: 'x', resources: {} }], containers: [{ name: 'c', image: 'y', resources: { limits: { cpu: '1' } } }] },
    });
    expect(goJSON({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
    expect(goJSON({ cmd: 'a && b > c < d\u2028' })).toBe('{"cmd":"a \\u0026\\u0026 b \\u003e c \\u003c d\\u2028"}');
  });

  it('templateOf returns the stored template without the directive', () => {
    const data = revisionData(ds(defaulted));
    const cr = newRevision({ owner: ds(defaulted), kind: 'DaemonSet', data, hash: 'h', revision: 1, hashLabel: 'controller-revision-hash' });
    const t = templateOf(cr);
    expect(t).not.toHaveProperty('$patch');
    expect(t.spec?.containers[0]?.image).toBe('nginx');
  });
});

describe('hashes', () => {
  it('FNV-1 and FNV-1a match their published test vectors', () => {
    expect(fnv1(enc.encode(''))).toBe(0x811c9dc5);
    expect(fnv1(enc.encode('a'))).toBe(0x050c5d7e);
    expect(fnv1a(enc.encode('a'))).toBe(0xe40c292c);
    expect(fnv1a(enc.encode('foobar'))).toBe(0xbf9cf968);
  });

  it('safe-encodes the decimal digits through the fixed alphabet map', () => {
    expect(safeEncode(1234567890)).toBe('56789bcdf4');
    expect(safeEncode(0)).toBe('4');
  });

  it('StatefulSet hashes are FNV-1 over the data and the decimal collision count (0 by default)', () => {
    const data = revisionData(ds(defaulted));
    expect(statefulSetHash(data)).toBe(safeEncode(fnv1(enc.encode('0'), fnv1(enc.encode(data)))));
    expect(statefulSetHash(data, 0)).toBe(statefulSetHash(data));
    expect(statefulSetHash(data, 1)).not.toBe(statefulSetHash(data));
    expect(statefulSetHash(data)).toMatch(/^[456789bcdf]{1,10}$/);
  });

  it('DaemonSet hashes change with the template and with a collision count, and use the safe alphabet', () => {
    const a = revisionData(ds(defaulted));
    const b = revisionData(ds({ ...defaulted, metadata: { labels: { app: 'x', v: '2' } } }));
    expect(daemonSetHash(a)).toBe(daemonSetHash(a));
    expect(daemonSetHash(a)).not.toBe(daemonSetHash(b));
    expect(daemonSetHash(a, 1)).not.toBe(daemonSetHash(a));
    expect(daemonSetHash(a)).toMatch(/^[456789bcdf]{1,10}$/);
  });
});

const cr = (name: string, revision: number, created = '2026-01-01T00:00:00Z'): ControllerRevision => ({ metadata: { name, creationTimestamp: created, labels: { h: name } }, revision });

describe('revisions', () => {
  it('a new revision carries the template labels plus the hash label, the owner annotations and a controller reference', () => {
    const owner = ds(defaulted, { annotations: { 'kubernetes.io/change-cause': 'v2' } });
    const r = newRevision({ owner, kind: 'DaemonSet', data: revisionData(owner), hash: 'abc', revision: 3, hashLabel: 'controller-revision-hash' });
    expect(r.metadata).toEqual({
      name: 'x-abc',
      namespace: 'default',
      labels: { app: 'x', 'controller-revision-hash': 'abc' },
      annotations: { 'kubernetes.io/change-cause': 'v2' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'x', uid: 'u-1', controller: true, blockOwnerDeletion: true }],
    });
    expect(r.revision).toBe(3);
    const long = ds(defaulted, { name: 'n'.repeat(250) });
    expect(newRevision({ owner: long, kind: 'DaemonSet', data: '{}', hash: 'h', revision: 1, hashLabel: 'l' }).metadata?.name).toBe(`${'n'.repeat(223)}-h`);
  });

  it('sorts by revision, then creation time, then name; the max of none is 0', () => {
    const list = [cr('c', 2), cr('b', 1, '2026-01-02T00:00:00Z'), cr('a', 1, '2026-01-02T00:00:00Z'), cr('z', 1)];
    expect(sortRevisions(list).map((r) => r.metadata?.name)).toEqual(['z', 'a', 'b', 'c']);
    expect(maxRevision(list)).toBe(2);
    expect(maxRevision([])).toBe(0);
  });

  it.each([
    ['nothing within the limit', 4, [], []],
    ['the oldest first', 2, [], ['r1', 'r2']],
    ['skipping live ones', 2, ['r1'], ['r2', 'r3']],
    ['a limit of 0 keeps only live ones', 0, ['r3'], ['r1', 'r2', 'r4']],
  ])('history clean-up: %s', (_n, limit, live, expected) => {
    const old = [cr('r4', 4), cr('r2', 2), cr('r1', 1), cr('r3', 3)];
    expect(revisionsToDelete(old, limit, (r) => live.includes(r.metadata!.name!)).map((r) => r.metadata?.name)).toEqual(expected);
  });
});

describe('revision writes', () => {
  const qr = { group: 'apps', resource: 'controllerrevisions' };
  const rev = (name: string, data: object): ControllerRevision => ({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { namespace: 'ns', name }, data, revision: 1 });

  /** A client over `stored` (by name) recording its calls; `failDelete` answers a delete with an error instead. */
  function fake(stored: Map<string, ControllerRevision>, failDelete?: (name: string) => Error | undefined): { client: Client; calls: string[] } {
    const calls: string[] = [];
    const client = {
      create: async (_r: unknown, cr: ControllerRevision) => {
        calls.push(`create ${cr.metadata?.name}`);
        if (stored.has(cr.metadata!.name!)) throw alreadyExists(qr, cr.metadata!.name!);
        stored.set(cr.metadata!.name!, cr);
        return cr;
      },
      get: async (_r: unknown, _ns: string, name: string) => {
        calls.push(`get ${name}`);
        return stored.get(name)!;
      },
      delete: async (_r: unknown, _ns: string, name: string) => {
        calls.push(`delete ${name}`);
        const err = failDelete?.(name);
        if (err) throw err;
      },
    };
    return { client: client as unknown as Client, calls };
  }

  it('creates a revision, reuses one of the name with equal data bytes, and reports a collision with its error', async () => {
    const data = goJSON({ spec: { template: { a: '<b>' } } });
    const f = fake(new Map([['same', rev('same', JSON.parse(data) as object)], ['taken', rev('taken', { other: 1 })]]));
    expect(await createRevision(f.client, rev('new', {}), data)).toMatchObject({ kind: 'created', revision: { metadata: { name: 'new' } } });
    expect(await createRevision(f.client, rev('same', {}), data)).toMatchObject({ kind: 'existing', revision: { metadata: { name: 'same' } } });
    const collision = await createRevision(f.client, rev('taken', {}), data);
    expect(collision).toMatchObject({ kind: 'collision', existing: { metadata: { name: 'taken' } } });
    expect(isAlreadyExists(collision.kind === 'collision' ? collision.error : undefined)).toBe(true);
    expect(f.calls).toEqual(['create new', 'create same', 'get same', 'create taken', 'get taken']);
  });

  it('deletes revisions in order, a NotFound being fine and any other error stopping', async () => {
    const f = fake(new Map(), (n) => (n === 'b' ? notFound(qr, n) : n === 'c' ? conflict(qr, n) : undefined));
    await deleteRevisions(f.client, [rev('a', {}), rev('b', {})]);
    await expect(deleteRevisions(f.client, [rev('c', {}), rev('d', {})])).rejects.toThrow('the object has been modified');
    expect(f.calls).toEqual(['delete a', 'delete b', 'delete c']);
  });

  it('names the pod label of a revision as upstream', () => {
    expect(CONTROLLER_REVISION_HASH_LABEL).toBe('controller-revision-hash');
  });
});

describe('claims', () => {
  const owner = ds(defaulted);
  const sel = selectorFromLabelSelector({ matchLabels: { app: 'x' } });
  const pod = (name: string, labels: Record<string, string>, ownerUid?: string, deleting = false): Pod => ({
    metadata: {
      name,
      uid: `p-${name}`,
      labels,
      ...(ownerUid ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'o', uid: ownerUid, controller: true }] } : {}),
      ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
  });

  it('keeps matching owned objects, adopts matching orphans, releases owned strays, ignores the rest', () => {
    const c = claim(owner, sel, [
      pod('mine', { app: 'x' }, 'u-1'),
      pod('stray', { app: 'y' }, 'u-1'),
      pod('orphan', { app: 'x' }),
      pod('dying-orphan', { app: 'x' }, undefined, true),
      pod('other', { app: 'x' }, 'u-2'),
      pod('unrelated', { app: 'y' }),
    ]);
    expect(c.owned.map((p) => p.metadata?.name)).toEqual(['mine']);
    expect(c.adopt.map((p) => p.metadata?.name)).toEqual(['orphan']);
    expect(c.release.map((p) => p.metadata?.name)).toEqual(['stray']);
  });

  it('an owner being deleted neither adopts nor releases; the extra match narrows the selector', () => {
    const dying = ds(defaulted, { deletionTimestamp: '2026-01-01T00:00:00Z' });
    const c = claim(dying, sel, [pod('stray', { app: 'y' }, 'u-1'), pod('orphan', { app: 'x' })]);
    expect(c).toEqual({ owned: [], adopt: [], release: [] });
    const narrowed = claim(owner, sel, [pod('x-0', { app: 'x' }), pod('other', { app: 'x' })], (p) => /^x-\d+$/.test(p.metadata!.name!));
    expect(narrowed.adopt.map((p) => p.metadata?.name)).toEqual(['x-0']);
  });

  it('the adopt and release patches are upstream\'s strategic merge patches with the uid precondition', () => {
    const p = pod('orphan', { app: 'x' });
    expect(adoptPatch(owner, 'DaemonSet', p)).toEqual({ metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'x', uid: 'u-1', controller: true, blockOwnerDeletion: true }], uid: 'p-orphan' } });
    expect(releasePatch(owner, p)).toEqual({ metadata: { ownerReferences: [{ $patch: 'delete', uid: 'u-1' }], uid: 'p-orphan' } });
  });
});
