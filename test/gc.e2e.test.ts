// The garbage collector as a user sees it through the real kubectl: background, foreground and orphan cascades,
// several owners, dangling and cross-namespace references, cluster-scoped owners.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/cluster.js';
import { kubectlOrSkip } from './support/kubectl.js';
import { kubectlCalls, startKubectlSession, type KubectlSession } from './support/kubectl-session.js';

const available = kubectlOrSkip();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

interface Ref { apiVersion?: string; kind?: string; name: string; uid: string; block?: boolean }

const refs = (owners: Ref[]): string => JSON.stringify(owners.map((o) => ({
  apiVersion: o.apiVersion ?? 'v1', kind: o.kind ?? 'ConfigMap', name: o.name, uid: o.uid, ...(o.block ? { blockOwnerDeletion: true } : {}),
})));

const cm = (name: string, owners: Ref[] = [], ns = 'default'): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  ownerReferences: ${refs(owners)}\n`;
const secret = (name: string, owners: Ref[]): string =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  ownerReferences: ${refs(owners)}\n`;
const pod = (name: string, owners: Ref[], grace = 1): string => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  ownerReferences: ${refs(owners)}
spec:
  nodeName: kubeling-worker
  terminationGracePeriodSeconds: ${grace}
  containers: [{name: c, image: busybox:1.36}]
`;

describe.skipIf(!available)('garbage collection through kubectl', () => {
  let s: KubectlSession;
  const { k, ok } = kubectlCalls(() => s.kubectl);
  const apply = async (text: string): Promise<void> => {
    const r = await s.kubectl(['apply', '-f', '-'], { input: text });
    expect(r.code, r.stderr).toBe(0);
  };
  const uid = async (kind: string, name: string, ...more: string[]): Promise<string> => ok('get', kind, name, ...more, '-o', 'jsonpath={.metadata.uid}');
  const gone = async (kind: string, name: string, ...more: string[]): Promise<boolean> => {
    const r = await k('get', kind, name, ...more, '-o', 'name');
    return r.code !== 0 && /NotFound|not found/.test(r.stderr);
  };
  const getJson = async (kind: string, name: string, ...more: string[]): Promise<Json> => JSON.parse(await ok('get', kind, name, ...more, '-o', 'json')) as Json;
  const owner = async (name: string, ns = 'default'): Promise<Ref> => {
    await apply(cm(name, [], ns));
    return { name, uid: await uid('cm', name, '-n', ns) };
  };

  // `kubeling up` runs the collector in its controller-manager process
  beforeAll(async () => {
    s = await startKubectlSession();
  });
  afterAll(async () => {
    await s?.cluster.stop();
  });

  it('background (the default): the owner goes at once, then its dependents of every kind, pods gracefully', async () => {
    const o = await owner('bg-owner');
    await apply([cm('bg-cm', [o]), secret('bg-secret', [o]), pod('bg-pod', [o])].join('---\n'));
    await waitFor(async () => (await getJson('pod', 'bg-pod')).status?.phase === 'Running', 20_000, 'bg-pod to run');
    expect(await ok('delete', 'cm', 'bg-owner')).toBe('configmap "bg-owner" deleted\n');
    await waitFor(async () => (await gone('cm', 'bg-cm')) && (await gone('secret', 'bg-secret')), 15_000, 'the dependents to be collected');
    await waitFor(() => gone('pod', 'bg-pod'), 30_000, 'the dependent pod to be collected');
  });

  it('--cascade=foreground: the owner waits with its finalizer until its blocking dependents are gone, and so does kubectl', async () => {
    const o = await owner('fg-owner');
    const held = cm('fg-held', [{ ...o, block: true }]).replace('  ownerReferences:', '  finalizers: [example.com/hold]\n  ownerReferences:');
    await apply([held, cm('fg-cm', [{ ...o, block: true }]), cm('fg-loose', [o]), pod('fg-pod', [{ ...o, block: true }], 2)].join('---\n'));
    await waitFor(async () => (await getJson('pod', 'fg-pod')).status?.phase === 'Running', 20_000, 'fg-pod to run');
    let returned = false;
    const deleting = s.kubectl(['delete', 'cm', 'fg-owner', '--cascade=foreground']).then((r) => {
      returned = true;
      return r;
    });
    // fg-held is deleted but kept by its own finalizer, so it blocks the owner until that finalizer goes
    await waitFor(async () => !!(await getJson('cm', 'fg-held')).metadata.deletionTimestamp, 10_000, 'the blocking dependent to be deleting');
    await waitFor(async () => (await gone('cm', 'fg-cm')) && (await gone('cm', 'fg-loose')) && (await gone('pod', 'fg-pod')), 30_000, 'the other dependents to go');
    const owner_ = await getJson('cm', 'fg-owner');
    expect(owner_.metadata.deletionTimestamp).toBeTruthy();
    expect(owner_.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(returned).toBe(false);
    await ok('patch', 'cm', 'fg-held', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]');
    const done = await deleting;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toBe('configmap "fg-owner" deleted\n');
    expect(await gone('cm', 'fg-held')).toBe(true);
    expect(await gone('cm', 'fg-owner')).toBe(true);
  });

  it('a foreground cascade goes down the tree: a dependent with dependents is deleted in the foreground too', async () => {
    const o = await owner('tree-root');
    await apply(cm('tree-mid', [{ ...o, block: true }]));
    const mid: Ref = { name: 'tree-mid', uid: await uid('cm', 'tree-mid'), block: true };
    const leaf = cm('tree-leaf', [mid]).replace('  ownerReferences:', '  finalizers: [example.com/hold]\n  ownerReferences:');
    await apply(leaf);
    const deleting = s.kubectl(['delete', 'cm', 'tree-root', '--cascade=foreground']);
    await waitFor(async () => (await getJson('cm', 'tree-mid')).metadata.finalizers?.includes('foregroundDeletion'), 10_000, 'tree-mid to delete in the foreground');
    expect((await getJson('cm', 'tree-root')).metadata.finalizers).toEqual(['foregroundDeletion']);
    await waitFor(async () => !!(await getJson('cm', 'tree-leaf')).metadata.deletionTimestamp, 10_000, 'the leaf to be deleting');
    await ok('patch', 'cm', 'tree-leaf', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]');
    const done = await deleting;
    expect(done.code, done.stderr).toBe(0);
    for (const name of ['tree-root', 'tree-mid', 'tree-leaf']) expect(await gone('cm', name)).toBe(true);
  });

  it('--cascade=orphan: dependents stay, without the reference to the deleted owner', async () => {
    const o = await owner('or-owner');
    const other = await owner('or-other');
    await apply([cm('or-cm', [o]), cm('or-both', [o, other]), pod('or-pod', [{ ...o, block: true }])].join('---\n'));
    expect(await ok('delete', 'cm', 'or-owner', '--cascade=orphan')).toBe('configmap "or-owner" deleted\n');
    expect(await gone('cm', 'or-owner')).toBe(true);
    expect((await getJson('cm', 'or-cm')).metadata.ownerReferences).toBeUndefined();
    expect((await getJson('pod', 'or-pod')).metadata.ownerReferences).toBeUndefined();
    expect((await getJson('cm', 'or-both')).metadata.ownerReferences.map((r: Ref) => r.name)).toEqual(['or-other']);
  });

  it('a dependent of two owners loses only the deleted one\'s reference', async () => {
    const a = await owner('two-a');
    const b = await owner('two-b');
    await apply(cm('two-dep', [a, b]));
    await ok('delete', 'cm', 'two-a');
    await waitFor(async () => (await getJson('cm', 'two-dep')).metadata.ownerReferences?.length === 1, 10_000, 'the dangling reference to be removed');
    expect((await getJson('cm', 'two-dep')).metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', name: 'two-b', uid: b.uid }]);
    await ok('delete', 'cm', 'two-b');
    await waitFor(() => gone('cm', 'two-dep'), 10_000, 'the dependent of no owner left to be collected');
  });

  it('a dangling reference (an owner uid that never existed, or a same-named owner with another uid) is collected', async () => {
    await owner('same-name');
    await apply([cm('dangle', [{ name: 'ghost', uid: '00000000-0000-0000-0000-000000000001' }]), cm('stale', [{ name: 'same-name', uid: '00000000-0000-0000-0000-000000000002' }])].join('---\n'));
    await waitFor(async () => (await gone('cm', 'dangle')) && (await gone('cm', 'stale')), 10_000, 'dangling dependents to be collected');
    expect(await gone('cm', 'same-name')).toBe(false);
  });

  it('an owner in another namespace counts as absent, with a warning event OwnerRefInvalidNamespace', async () => {
    await ok('create', 'namespace', 'gc-other');
    const o = await owner('xns-owner');
    await apply(cm('xns-dep', [o], 'gc-other'));
    await waitFor(() => gone('cm', 'xns-dep', '-n', 'gc-other'), 10_000, 'the cross-namespace dependent to be collected');
    expect(await gone('cm', 'xns-owner')).toBe(false);
    const events = await waitFor(async () => {
      const out = await ok('get', 'events', '-n', 'gc-other', '--field-selector', 'reason=OwnerRefInvalidNamespace', '-o', 'json');
      return (JSON.parse(out) as Json).items[0] as Json | undefined;
    }, 10_000, 'the OwnerRefInvalidNamespace event');
    expect(events?.type).toBe('Warning');
    expect(events?.involvedObject).toMatchObject({ kind: 'ConfigMap', name: 'xns-dep', namespace: 'gc-other' });
    expect(events?.message).toBe(`ownerRef [v1/ConfigMap, namespace: gc-other, name: xns-owner, uid: ${o.uid}] does not exist in namespace "gc-other"`);
  });

  it('cluster-scoped owners (a Node made with kubectl, a Namespace) own namespaced dependents', async () => {
    await apply('apiVersion: v1\nkind: Node\nmetadata:\n  name: gc-owner-node\n');
    await ok('create', 'namespace', 'gc-owner-ns');
    const node: Ref = { apiVersion: 'v1', kind: 'Node', name: 'gc-owner-node', uid: await uid('node', 'gc-owner-node') };
    const ns: Ref = { apiVersion: 'v1', kind: 'Namespace', name: 'gc-owner-ns', uid: await uid('namespace', 'gc-owner-ns') };
    await apply([cm('node-dep', [node]), cm('ns-dep', [ns]), cm('both-dep', [node, ns])].join('---\n'));
    // a probe with a dangling reference, created after them: once it is collected, the others were looked at too
    await apply(cm('probe', [{ name: 'ghost', uid: '00000000-0000-0000-0000-000000000003' }]));
    await waitFor(() => gone('cm', 'probe'), 10_000, 'the probe to be collected');
    for (const name of ['node-dep', 'ns-dep', 'both-dep']) expect(await gone('cm', name)).toBe(false);
    await ok('delete', 'node', 'gc-owner-node');
    await waitFor(() => gone('cm', 'node-dep'), 10_000, 'the node\'s dependent to be collected');
    await waitFor(async () => (await getJson('cm', 'both-dep')).metadata.ownerReferences?.length === 1, 10_000, 'both-dep to lose the node');
    await ok('delete', 'namespace', 'gc-owner-ns');
    await waitFor(async () => (await gone('cm', 'ns-dep')) && (await gone('cm', 'both-dep')), 15_000, 'the namespace\'s dependents to be collected');
  });
});
