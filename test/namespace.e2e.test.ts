// Namespace deletion as a user sees it through kubectl: Terminating, emptied, finalized, and the protected ones.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/cluster.js';
import { kubectlOrSkip } from './support/kubectl.js';
import { kubectlCalls, startKubectlSession, type KubectlSession } from './support/kubectl-session.js';

const available = kubectlOrSkip();

describe.skipIf(!available)('kubectl delete namespace', () => {
  let s: KubectlSession;
  const { k, ok } = kubectlCalls(() => s.kubectl);
  const apply = (text: string) => s.kubectl(['apply', '-f', '-'], { input: text });

  beforeAll(async () => {
    s = await startKubectlSession();
  });
  afterAll(async () => {
    await s?.cluster.stop();
  });

  it('deletes everything in the namespace, a running pod included, and returns once the namespace is gone', async () => {
    await ok('create', 'namespace', 'team-a');
    expect((await apply(`apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: team-a}
data: {a: b}
---
apiVersion: v1
kind: Secret
metadata: {name: token, namespace: team-a}
stringData: {t: x}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: team-a}
spec:
  nodeName: kubeling-worker
  containers: [{name: c, image: nginx:1.27}]
`)).code).toBe(0);
    await ok('wait', '-n', 'team-a', '--for=condition=Ready', 'pod/web', '--timeout=20s');
    const started = Date.now();
    expect(await ok('delete', 'namespace', 'team-a')).toBe('namespace "team-a" deleted\n');
    expect(Date.now() - started).toBeLessThan(30_000);
    expect((await k('get', 'namespace', 'team-a')).stderr).toContain('namespaces "team-a" not found');
    for (const kind of ['configmaps', 'secrets', 'pods']) {
      expect(await ok('get', kind, '-n', 'team-a', '-o', 'name')).toBe('');
    }
  });

  it('a namespace held by a finalizer shows Terminating and refuses new content until it is released', async () => {
    await ok('create', 'namespace', 'team-b');
    await apply(`apiVersion: v1
kind: ConfigMap
metadata: {name: held, namespace: team-b, finalizers: [example.com/hold]}
`);
    expect(await ok('delete', 'namespace', 'team-b', '--wait=false')).toBe('namespace "team-b" deleted\n');
    await waitFor(async () => /^team-b\s+Terminating\s/m.test(await ok('get', 'namespace', 'team-b', '--no-headers')), 10_000, 'Terminating');
    const refused = await apply('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: late, namespace: team-b}\n');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('configmaps "late" is forbidden: unable to create new content in namespace team-b because it is being terminated');
    await waitFor(async () => (await ok('get', 'cm', 'held', '-n', 'team-b', '-o', 'jsonpath={.metadata.deletionTimestamp}')) !== '', 10_000, 'the held configmap to be deleting');
    await ok('patch', 'cm', 'held', '-n', 'team-b', '--type=merge', '-p', '{"metadata":{"finalizers":null}}');
    await waitFor(async () => (await k('get', 'namespace', 'team-b')).code !== 0, 20_000, 'the namespace to go');
  });

  it.each(['default', 'kube-system', 'kube-public'])('%s cannot be deleted', async (ns) => {
    const r = await k('delete', 'namespace', ns);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`Error from server (Forbidden): namespaces "${ns}" is forbidden: this namespace may not be deleted`);
  });
});
