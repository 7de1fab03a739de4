// Which DaemonSets an informer change concerns: owners, orphans, node add and update, minReadySeconds resyncs.

import { describe, expect, it } from 'vitest';
import type { DaemonSet, Node, Pod } from '../../apiserver/api/types.js';
import { daemonSet, node } from './fake.test.support.js';
import { nodeAddKeys, nodeUpdateKeys, ownerKeys, readyResync, type DaemonSetLister } from './handlers.js';

const withUid = (ds: DaemonSet, uid: string): DaemonSet => ({ ...ds, metadata: { ...ds.metadata, uid } });
const ssd = withUid(daemonSet('ssd', { spec: { template: { metadata: { labels: { app: 'ssd' } }, spec: { containers: [], nodeSelector: { disktype: 'ssd' } } } } }), 'u-ssd');
const all = withUid(daemonSet('all', { spec: { minReadySeconds: 5 } }), 'u-all');
/** A lister over `dsets` (its namespace index a filter). */
const listerOf = (dsets: DaemonSet[]): DaemonSetLister => ({
  get: (ns, name) => dsets.find((d) => d.metadata?.namespace === ns && d.metadata?.name === name),
  inNamespace: (ns) => dsets.filter((d) => d.metadata?.namespace === ns),
  list: () => dsets,
});
const lister = listerOf([ssd, all]);

const pod = (labels: Record<string, string>, ref?: { kind: string; name: string; uid: string }, ready = false): Pod => ({
  metadata: { name: 'p', namespace: 'default', labels, ...(ref ? { ownerReferences: [{ apiVersion: 'apps/v1', controller: true, ...ref }] } : {}) },
  status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
}) as Pod;

describe('event handlers', () => {
  it.each<[string, Pod, string[]]>([
    ['a pod of a live DaemonSet', pod({ app: 'all' }, { kind: 'DaemonSet', name: 'all', uid: 'u-all' }), ['default/all']],
    ['a pod whose owner uid is stale', pod({ app: 'all' }, { kind: 'DaemonSet', name: 'all', uid: 'old' }), []],
    ['a pod of another kind of controller', pod({ app: 'all' }, { kind: 'ReplicaSet', name: 'all', uid: 'u-all' }), []],
    ['an orphan matching one selector', pod({ app: 'ssd' }), ['default/ssd']],
    ['an orphan matching none', pod({ app: 'x' }), []],
  ])('ownerKeys: %s', (_n, p, want) => {
    expect(ownerKeys(lister, p)).toEqual(want);
  });

  it('an orphan concerns no DaemonSet whose selector does not convert (safeSelector matches nothing)', () => {
    const bad = withUid(daemonSet('bad', { spec: { selector: { matchExpressions: [{ key: 'app', operator: 'Foo', values: ['bad'] }] } } }), 'u-bad');
    const badLister = listerOf([bad, ssd]);
    expect(ownerKeys(badLister, pod({ app: 'bad' }))).toEqual([]);
    expect(ownerKeys(badLister, pod({ app: 'ssd' }))).toEqual(['default/ssd']);
  });

  it('an orphan only looks at the DaemonSets of its namespace (the index), never at the whole cache', () => {
    const elsewhere = withUid({ ...ssd, metadata: { ...ssd.metadata, namespace: 'other' } }, 'u-other');
    const base = listerOf([ssd, elsewhere]);
    const asked: string[] = [];
    const indexed: DaemonSetLister = { ...base, inNamespace: (ns) => (asked.push(ns), base.inNamespace(ns)), list: () => expect.fail('list() on a pod event') };
    expect(ownerKeys(indexed, pod({ app: 'ssd' }))).toEqual(['default/ssd']);
    expect(ownerKeys(indexed, { ...pod({ app: 'ssd' }), metadata: { name: 'p', namespace: 'other', labels: { app: 'ssd' } } })).toEqual(['other/ssd']);
    expect(asked).toEqual(['default', 'other']);
  });

  it('a new node concerns the DaemonSets that should run there; an update only those whose answer changed', () => {
    const plain: Node = node('n1');
    const labelled: Node = node('n1', { labels: { disktype: 'ssd' } });
    expect(nodeAddKeys(lister, plain)).toEqual(['default/all']);
    expect(nodeAddKeys(lister, labelled)).toEqual(['default/ssd', 'default/all']);
    expect(nodeUpdateKeys(lister, plain, labelled)).toEqual(['default/ssd']);
    expect(nodeUpdateKeys(lister, plain, { ...plain, status: { conditions: [{ type: 'Ready', status: 'False' }] } })).toEqual([]);
    expect(nodeUpdateKeys(lister, plain, node('n1', { taints: [{ key: 'k', effect: 'NoSchedule' }] }))).toEqual(['default/all']);
  });

  it('a pod turning Ready resyncs a DaemonSet with minReadySeconds after minReadySeconds + 1 s', () => {
    const ref = { kind: 'DaemonSet', name: 'all', uid: 'u-all' };
    expect(readyResync(lister, pod({ app: 'all' }, ref), pod({ app: 'all' }, ref, true))).toEqual({ key: 'default/all', afterMs: 6000 });
    expect(readyResync(lister, pod({ app: 'all' }, ref, true), pod({ app: 'all' }, ref, true))).toBeUndefined();
    const ssdRef = { kind: 'DaemonSet', name: 'ssd', uid: 'u-ssd' };
    expect(readyResync(lister, pod({ app: 'ssd' }, ssdRef), pod({ app: 'ssd' }, ssdRef, true))).toBeUndefined();
  });
});
