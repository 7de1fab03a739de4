// canAdoptOnce: one live read of the owner per sync, refusing an owner that was replaced or is being deleted;
// applyClaim: the release and adopt patches of a claim, and the errors they may ignore; controllerRef; ownerKeys.

import { describe, expect, it } from 'vitest';
import { R } from '../../apiserver/api/resources.js';
import { conflict, invalid, notFound } from '../../apiserver/api/status.js';
import type { DaemonSet, OwnerReference, Pod, StatefulSet } from '../../apiserver/api/types.js';
import type { Client } from '../runtime/index.js';
import { applyClaim, canAdoptOnce, controllerRef, ownerKeys, resolveControllerRef, type Claim, type OwnerLister } from './controller-ref.js';

const cached: DaemonSet = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { namespace: 'ns', name: 'ds', uid: 'u1' } } as DaemonSet;

function client(answer: () => DaemonSet): { client: Client; reads: () => number } {
  let reads = 0;
  const get = async (): Promise<DaemonSet> => {
    reads++;
    return answer();
  };
  return { client: { get } as unknown as Client, reads: () => reads };
}

describe('canAdoptOnce', () => {
  it('reads the owner once, however often it is asked', async () => {
    const c = client(() => cached);
    const check = canAdoptOnce(c.client, R.daemonsets, cached, 'DaemonSet');
    await Promise.all([check(), check(), check()]);
    expect(c.reads()).toBe(1);
  });

  it.each([
    ['replaced by another object of the name', { ...cached, metadata: { ...cached.metadata, uid: 'u2' } }, 'original DaemonSet ns/ds is gone: got uid u2, wanted u1'],
    ['being deleted', { ...cached, metadata: { ...cached.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } }, 'ns/ds has just been deleted at 2026-01-01T00:00:00Z'],
  ])('refuses an owner %s', async (_what, fresh, message) => {
    await expect(canAdoptOnce(client(() => fresh as DaemonSet).client, R.daemonsets, cached, 'DaemonSet')()).rejects.toThrow(message);
  });

  it('says when the owner cannot be read', async () => {
    const c = client(() => {
      throw new Error('connection refused');
    });
    await expect(canAdoptOnce(c.client, R.daemonsets, cached, 'DaemonSet')()).rejects.toThrow("can't recheck DeletionTimestamp: connection refused");
  });
});

describe('applyClaim', () => {
  const pod = (name: string, refs: OwnerReference[] = []): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'ns', name, uid: `p-${name}`, ownerReferences: refs } });
  const qr = { group: '', resource: 'pods' };

  /** A client whose patch answers with `answer(name)` (an error is thrown), recording the patched names in order. */
  function patcher(answer: (name: string) => Error | undefined): { client: Client; patched: string[] } {
    const patched: string[] = [];
    const patch = async (_r: unknown, _ns: string, name: string, _type: string, body: { metadata: object }): Promise<Pod> => {
      patched.push(name);
      const err = answer(name);
      if (err) throw err;
      return { ...pod(name), metadata: { ...pod(name).metadata, ...body.metadata, uid: `p-${name}` } } as Pod;
    };
    return { client: { patch } as unknown as Client, patched };
  }

  const c: Claim<Pod> = { owned: [pod('kept')], adopt: [pod('orphan'), pod('gone')], release: [pod('stray'), pod('changed'), pod('vanished')] };
  const errors: Record<string, Error> = {
    gone: notFound(qr, 'gone'),
    changed: invalid('Pod', '', 'changed', []),
    vanished: notFound(qr, 'vanished'),
  };

  it('releases first (NotFound and Invalid ignored), then adopts after canAdopt (NotFound ignored): owned + adopted', async () => {
    const p = patcher((n) => errors[n]);
    let checks = 0;
    const out = await applyClaim(p.client, R.pods, cached, 'DaemonSet', c, async () => void checks++);
    expect(p.patched).toEqual(['stray', 'changed', 'vanished', 'orphan', 'gone']);
    expect(out.map((o) => o.metadata?.name)).toEqual(['kept', 'orphan']);
    expect(out[1]?.metadata?.ownerReferences).toEqual([controllerRef(cached, 'DaemonSet')]);
    expect(checks).toBe(2);
  });

  it('throws other errors, and adopts nothing when canAdopt refuses', async () => {
    await expect(applyClaim(patcher((n) => (n === 'orphan' ? notFound(qr, n) : undefined)).client, R.pods, cached, 'DaemonSet', { ...c, release: [] }, async () => undefined)).resolves.toHaveLength(2);
    await expect(applyClaim(patcher(() => conflict(qr, 'x')).client, R.pods, cached, 'DaemonSet', c, async () => undefined)).rejects.toThrow('the object has been modified');
    await expect(applyClaim(patcher(() => invalid('Pod', '', 'x', [])).client, R.pods, cached, 'DaemonSet', { ...c, release: [] }, async () => undefined)).rejects.toThrow();
    const p = patcher(() => undefined);
    await expect(applyClaim(p.client, R.pods, cached, 'DaemonSet', c, async () => Promise.reject(new Error('has just been deleted')))).rejects.toThrow('has just been deleted');
    expect(p.patched).toEqual(['stray', 'changed', 'vanished']);
  });
});

describe('controllerRef', () => {
  it('points at an apps/v1 owner, or a v1 Pod', () => {
    expect(controllerRef(cached, 'DaemonSet')).toEqual({ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ds', uid: 'u1', controller: true, blockOwnerDeletion: true });
    expect(controllerRef({ metadata: { name: 'web-0', uid: 'p1' } }, 'Pod')).toEqual({ apiVersion: 'v1', kind: 'Pod', name: 'web-0', uid: 'p1', controller: true, blockOwnerDeletion: true });
  });
});

describe('ownerKeys', () => {
  const set = (ns: string, name: string, uid: string, selector?: StatefulSet['spec'] extends infer S ? S extends { selector?: infer L } ? L : never : never): StatefulSet =>
    ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { namespace: ns, name, uid }, spec: { selector } }) as StatefulSet;
  const web = set('a', 'web', 'u-web', { matchLabels: { app: 'web' } });
  const db = set('a', 'db', 'u-db', { matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'web'] }] });
  const empty = set('a', 'empty', 'u-empty', {});
  const invalidSel = set('a', 'bad', 'u-bad', { matchExpressions: [{ key: 'app', operator: 'Foo', values: ['web'] }] });
  const other = set('b', 'web', 'u-web-b', { matchLabels: { app: 'web' } });
  const all = [web, db, empty, invalidSel, other];
  const namespaces: string[] = [];
  const owners: OwnerLister<StatefulSet> = {
    get: (ns, name) => all.find((s) => s.metadata?.namespace === ns && s.metadata?.name === name),
    inNamespace: (ns) => {
      namespaces.push(ns);
      return all.filter((s) => s.metadata?.namespace === ns);
    },
  };
  const ref = (kind: string, name: string, uid: string): OwnerReference => ({ apiVersion: 'apps/v1', kind, name, uid, controller: true });
  const pod = (labels: Record<string, string>, refs: OwnerReference[] = [], ns = 'a'): Pod => ({ metadata: { namespace: ns, name: 'p', labels, ownerReferences: refs } });

  it.each<[string, Pod, string[]]>([
    ['a pod of a cached owner with the same uid', pod({ app: 'x' }, [ref('StatefulSet', 'web', 'u-web')]), ['a/web']],
    ['a pod whose owner is not cached (upstream: ignored)', pod({ app: 'web' }, [ref('StatefulSet', 'gone', 'u-gone')]), []],
    ['a pod whose owner uid is stale', pod({ app: 'web' }, [ref('StatefulSet', 'web', 'old')]), []],
    ['a pod controlled by another kind', pod({ app: 'web' }, [ref('ReplicaSet', 'web', 'u-web')]), []],
    ['a pod with only a non-controller reference is an orphan', pod({ app: 'web' }, [{ ...ref('StatefulSet', 'db', 'u-db'), controller: false }]), ['a/web', 'a/db']],
    ['an orphan: the matching owners of its namespace (empty and invalid selectors match nothing)', pod({ app: 'web' }), ['a/web', 'a/db']],
    ['an orphan matching none', pod({ app: 'x' }), []],
    ['an orphan in another namespace', pod({ app: 'web' }, [], 'b'), ['b/web']],
  ])('%s', (_n, p, want) => {
    expect(ownerKeys(owners, 'StatefulSet', p)).toEqual(want);
  });

  it('looks only at the orphan\'s namespace', () => {
    namespaces.length = 0;
    ownerKeys(owners, 'StatefulSet', pod({ app: 'web' }, [], 'b'));
    ownerKeys(owners, 'StatefulSet', pod({ app: 'web' }, [ref('StatefulSet', 'web', 'u-web')]));
    expect(namespaces).toEqual(['b']);
  });

  it('resolveControllerRef checks kind, name and uid', () => {
    expect(resolveControllerRef(owners, 'StatefulSet', 'a', ref('StatefulSet', 'web', 'u-web'))).toBe(web);
    expect(resolveControllerRef(owners, 'DaemonSet', 'a', ref('StatefulSet', 'web', 'u-web'))).toBeUndefined();
    expect(resolveControllerRef(owners, 'StatefulSet', 'b', ref('StatefulSet', 'web', 'u-web'))).toBeUndefined();
  });
});
