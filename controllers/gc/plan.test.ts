// Table tests of the garbage collector's planner: seeded graphs and items → expected keys and actions.

import { describe, expect, it } from 'vitest';
import { R, type ResourceInfo } from '../../apiserver/api/resources.js';
import type { KObject, OwnerReference } from '../../apiserver/api/types.js';
import { gcResources, type Node } from './graph.js';
import {
  attemptToDeleteKeys, attemptToOrphanKeys, classifyReference, invalidNamespaceRefs, planAttemptToDelete, planOrphan,
  type ClassifiedRef, type GraphView, type RefClass,
} from './plan.js';

const DELETING = '2024-01-01T00:00:00Z';

function obj(name: string, uid: string, o: { ns?: string | null; owners?: OwnerReference[]; finalizers?: string[]; deleting?: boolean } = {}): KObject {
  const ns = o.ns === null ? undefined : (o.ns ?? 'default');
  return {
    metadata: {
      name, uid, ...(ns ? { namespace: ns } : {}),
      ...(o.owners ? { ownerReferences: o.owners } : {}),
      ...(o.finalizers ? { finalizers: o.finalizers } : {}),
      ...(o.deleting ? { deletionTimestamp: DELETING } : {}),
    },
  };
}
const ref = (name: string, uid: string, more: Partial<OwnerReference> = {}): OwnerReference => ({ apiVersion: 'v1', kind: 'ConfigMap', name, uid, ...more });
const n = (resource: ResourceInfo, o: KObject): Node => ({ resource, obj: o });

/** A graph view over a fixed list of nodes. */
function view(nodes: Node[]): GraphView {
  return {
    resourceOf: (apiVersion, kind) => gcResources().find((r) => (r.group ? `${r.group}/${r.version}` : r.version) === apiVersion && r.kind === kind),
    ownerByName: (res, r, ns) => nodes.find((x) => x.resource === res && x.obj.metadata.name === r.name && (x.resource.namespaced ? x.obj.metadata.namespace === ns : true)),
    byUid: (uid) => nodes.filter((x) => x.obj.metadata.uid === uid),
    dependents: (uid) => nodes.filter((x) => (x.obj.metadata.ownerReferences ?? []).some((r) => r.uid === uid)),
  };
}

const owner = n(R.configmaps, obj('owner', 'u-owner'));
const fgOwner = n(R.configmaps, obj('owner', 'u-owner', { deleting: true, finalizers: ['foregroundDeletion'] }));
const orphanOwner = n(R.configmaps, obj('owner', 'u-owner', { deleting: true, finalizers: ['orphan'] }));
const dep = n(R.pods, obj('dep', 'u-dep', { owners: [ref('owner', 'u-owner', { blockOwnerDeletion: true })] }));
const loose = n(R.secrets, obj('loose', 'u-loose', { owners: [ref('owner', 'u-owner')] }));

describe('gcResources', () => {
  it('watches every listable, watchable, deletable kind except events', () => {
    const names = gcResources().map((r) => r.plural);
    expect(names).toContain('namespaces');
    expect(names).toContain('nodes');
    expect(names).toContain('daemonsets');
    expect(names).not.toContain('events');
  });
});

describe('classifyReference', () => {
  const cmDep = n(R.configmaps, obj('d', 'u-d'));
  const nodeDep = n(R.nodes, obj('nd', 'u-nd', { ns: null }));
  it.each<[string, Node, ResourceInfo | undefined, KObject | undefined, RefClass]>([
    ['owner present with the uid', cmDep, R.configmaps, owner.obj, 'solid'],
    ['owner absent', cmDep, R.configmaps, undefined, 'dangling'],
    ['another object under that name', cmDep, R.configmaps, obj('owner', 'u-other'), 'dangling'],
    ['owner deleting in the foreground', cmDep, R.configmaps, fgOwner.obj, 'waiting'],
    ['owner deleting with orphan counts as solid', cmDep, R.configmaps, orphanOwner.obj, 'solid'],
    ['kind not served', cmDep, undefined, undefined, 'unknown'],
    ['cluster-scoped dependent, namespaced owner kind', nodeDep, R.configmaps, undefined, 'invalid'],
    ['cluster-scoped dependent, cluster-scoped owner', nodeDep, R.nodes, obj('owner', 'u-owner', { ns: null }), 'solid'],
  ])('%s', (_name, item, resource, found, want) => {
    expect(classifyReference(item, ref('owner', 'u-owner'), resource, found)).toBe(want);
  });
});

describe('attemptToDeleteKeys', () => {
  it.each<[string, Node, Node[], string[]]>([
    ['a dependent of a cached, solid owner needs nothing', dep, [owner, dep], []],
    ['a dependent whose owner is not cached is checked', dep, [dep], ['pods|default/dep']],
    ['a dependent whose owner name has another uid is checked', dep, [n(R.configmaps, obj('owner', 'u-new')), dep], ['pods|default/dep']],
    ['a dependent of a foreground-deleting owner: itself and the owner', dep, [fgOwner, dep], ['pods|default/dep', 'configmaps|default/owner']],
    ['a foreground-deleting owner: itself and all its dependents', fgOwner, [fgOwner, dep, loose], ['configmaps|default/owner', 'pods|default/dep', 'secrets|default/loose']],
    ['an object without owners needs nothing', owner, [owner], []],
    ['a reference to an unserved kind is ignored', n(R.configmaps, obj('x', 'u-x', { owners: [ref('o', 'u-o', { apiVersion: 'example.com/v1', kind: 'Widget' })] })), [], []],
    ['a namespaced owner in another namespace is not the owner', n(R.configmaps, obj('x', 'u-x', { ns: 'b', owners: [ref('owner', 'u-owner')] })), [owner], ['configmaps|b/x']],
    ['a cluster-scoped owner is found from any namespace', n(R.configmaps, obj('x', 'u-x', { ns: 'b', owners: [ref('n1', 'u-n1', { kind: 'Node' })] })), [n(R.nodes, obj('n1', 'u-n1', { ns: null }))], []],
  ])('%s', (_name, node, nodes, want) => {
    expect(attemptToDeleteKeys(node, view(nodes)).sort()).toEqual(want.sort());
  });

  it('attemptToOrphan takes an owner deleting with the orphan finalizer only', () => {
    expect(attemptToOrphanKeys(orphanOwner)).toEqual(['configmaps|default/owner']);
    expect(attemptToOrphanKeys(fgOwner)).toEqual([]);
    expect(attemptToOrphanKeys(n(R.configmaps, obj('x', 'u', { finalizers: ['orphan'] })))).toEqual([]);
  });
});

describe('planAttemptToDelete', () => {
  const c = (cls: RefClass, uid = 'u-owner', more: Partial<OwnerReference> = {}): ClassifiedRef => ({ ref: ref('o', uid, more), cls });
  const withRefs = (refs: OwnerReference[], extra: { finalizers?: string[]; deleting?: boolean } = {}): Node => n(R.configmaps, obj('item', 'u-item', { owners: refs, ...extra }));
  const item = withRefs([ref('o', 'u-owner')]);
  const child = n(R.pods, obj('child', 'u-child', { owners: [ref('item', 'u-item', { blockOwnerDeletion: true })] }));
  const fgChild = n(R.pods, obj('child', 'u-child', { owners: [ref('item', 'u-item', { blockOwnerDeletion: true })], deleting: true, finalizers: ['foregroundDeletion'] }));
  const KEY = 'configmaps|default/item';
  it.each<[string, Node, ClassifiedRef[], Node[], unknown[]]>([
    ['no owners: nothing', n(R.configmaps, obj('item', 'u-item')), [], [], []],
    ['all owners absent: delete in the background', item, [c('dangling')], [], [{ type: 'delete', key: KEY, uid: 'u-item', policy: 'Background' }]],
    ['a solid owner: nothing', item, [c('solid')], [], []],
    ['a solid and a dangling owner: drop the dangling reference', item, [c('solid', 'a'), c('dangling', 'b')], [], [{ type: 'removeOwnerRefs', key: KEY, uid: 'u-item', ownerUids: ['b'] }]],
    ['a solid and a waiting owner: drop the waiting reference', item, [c('solid', 'a'), c('waiting', 'b')], [], [{ type: 'removeOwnerRefs', key: KEY, uid: 'u-item', ownerUids: ['b'] }]],
    ['a waiting owner, no dependents: delete (background)', item, [c('waiting')], [], [{ type: 'delete', key: KEY, uid: 'u-item', policy: 'Background' }]],
    ['a waiting owner and dependents: delete in the foreground', item, [c('waiting')], [child], [{ type: 'delete', key: KEY, uid: 'u-item', policy: 'Foreground' }]],
    ['a waiting owner and a foreground-deleting dependent: unblock, then foreground', withRefs([ref('o', 'u-owner', { blockOwnerDeletion: true })]), [c('waiting')], [fgChild], [
      { type: 'unblockOwnerRefs', key: KEY, uid: 'u-item', ownerUids: ['u-owner'] },
      { type: 'delete', key: KEY, uid: 'u-item', policy: 'Foreground' },
    ]],
    ['owners absent, item carries orphan: delete with Orphan', withRefs([ref('o', 'u-owner')], { finalizers: ['orphan'] }), [c('dangling')], [], [{ type: 'delete', key: KEY, uid: 'u-item', policy: 'Orphan' }]],
    ['an item being deleted (not foreground) is left alone', withRefs([ref('o', 'u-owner')], { deleting: true, finalizers: ['x/y'] }), [c('dangling')], [], []],
    ['an unknown kind stops the decision', item, [c('dangling', 'a'), c('unknown', 'b')], [], []],
    ['an invalid reference stops the decision', item, [c('invalid')], [], []],
  ])('%s', (_name, it_, refs, deps, want) => {
    expect(planAttemptToDelete(it_, refs, deps)).toEqual(want);
  });

  it.each<[string, Node[], unknown[]]>([
    ['no dependents: the finalizer goes', [], [{ type: 'removeFinalizer', key: 'configmaps|default/owner', uid: 'u-owner', finalizer: 'foregroundDeletion' }]],
    ['only non-blocking dependents: the finalizer goes', [loose], [{ type: 'removeFinalizer', key: 'configmaps|default/owner', uid: 'u-owner', finalizer: 'foregroundDeletion' }]],
    ['a blocking dependent: it is looked at again', [dep, loose], [{ type: 'enqueue', keys: ['pods|default/dep'] }]],
    ['a blocking dependent deleting in the foreground: wait for it', [n(R.pods, { ...dep.obj, metadata: { ...dep.obj.metadata, deletionTimestamp: DELETING, finalizers: ['foregroundDeletion'] } })], []],
  ])('foreground owner: %s', (_name, deps, want) => {
    expect(planAttemptToDelete(fgOwner, [], deps)).toEqual(want);
  });
});

describe('planOrphan', () => {
  it('removes the owner from every dependent, then its orphan finalizer', () => {
    expect(planOrphan(orphanOwner, [dep, loose])).toEqual([
      { type: 'removeOwnerRefs', key: 'pods|default/dep', uid: 'u-dep', ownerUids: ['u-owner'] },
      { type: 'removeOwnerRefs', key: 'secrets|default/loose', uid: 'u-loose', ownerUids: ['u-owner'] },
      { type: 'removeFinalizer', key: 'configmaps|default/owner', uid: 'u-owner', finalizer: 'orphan' },
    ]);
  });
  it('does nothing for an owner not deleting with orphan', () => {
    expect(planOrphan(owner, [dep])).toEqual([]);
    expect(planOrphan(fgOwner, [dep])).toEqual([]);
  });
});

describe('invalidNamespaceRefs', () => {
  it('reports a reference whose uid is a namespaced object of another namespace', () => {
    const x = n(R.configmaps, obj('x', 'u-x', { ns: 'b', owners: [ref('owner', 'u-owner'), ref('n1', 'u-n1', { kind: 'Node' })] }));
    const nodes = [owner, n(R.nodes, obj('n1', 'u-n1', { ns: null })), x];
    expect(invalidNamespaceRefs(x, view(nodes)).map((r) => r.uid)).toEqual(['u-owner']);
    expect(invalidNamespaceRefs(n(R.configmaps, obj('y', 'u-y', { owners: [ref('owner', 'u-owner')] })), view(nodes))).toEqual([]);
  });
});
