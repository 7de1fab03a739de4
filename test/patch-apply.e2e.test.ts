// End-to-end: the real kubectl's patch (strategic, merge, JSON), client-side apply and server-side apply against kubeling.
// Expectations are what kubectl prints against a real 1.32 cluster (contract §9.2–9.5, §10); kubectl runs with its
// default validation.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpCluster } from './support/cluster.js';
import { kubectlOrSkip } from './support/kubectl.js';
import { kubectlCalls, startKubectlSession, writeManifest, type Kubectl } from './support/kubectl-session.js';

const available = kubectlOrSkip();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- kubectl's JSON output, read deep
type Json = Record<string, any>;

const NS = 'e2e-patch';

/** A DaemonSet manifest with the given containers (name, image, env names) and finalizers. */
function daemonSet(name: string, containers: Array<{ name: string; image: string; env?: string[] }>, finalizers: string[] = []): string {
  const fin = finalizers.length ? `  finalizers:\n${finalizers.map((f) => `  - ${f}\n`).join('')}` : '';
  const cs = containers.map((c) => {
    const env = c.env?.length ? `        env:\n${c.env.map((e) => `        - name: ${e}\n          value: "v-${e}"\n`).join('')}` : '';
    return `      - name: ${c.name}\n        image: ${c.image}\n${env}`;
  }).join('');
  return `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${name}
  namespace: ${NS}
  labels:
    app: ${name}
${fin}spec:
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
${cs}`;
}

function configMap(name: string, data: Record<string, string>): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${NS}\ndata:\n${Object.entries(data).map(([k, v]) => `  ${k}: "${v}"\n`).join('')}`;
}

describe.skipIf(!available)('kubectl patch and apply against kubeling', () => {
  let cluster: UpCluster;
  let kubectl: Kubectl;
  let files: string;

  const { k, ok } = kubectlCalls(() => kubectl);
  const getJson = async (...args: string[]): Promise<Json> => JSON.parse(await ok('get', '-n', NS, ...args, '-o', 'json')) as Json;
  const manifest = (name: string, text: string): Promise<string> => writeManifest(files, name, text);
  const containers = async (ds: string): Promise<Json[]> => (await getJson('ds', ds)).spec.template.spec.containers as Json[];

  beforeAll(async () => {
    // No workload controllers: their status writes would move resourceVersions and add managedFields entries
    // under the exact checks below.
    ({ cluster, files, kubectl } = await startKubectlSession(['--components', 'scheduler,controller-manager,kubelet-sim']));
    const nsFile = await manifest('ns.yaml', `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${NS}\n`);
    await ok('create', '-f', nsFile);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  describe('kubectl patch', () => {
    it('strategic merge patch on a DaemonSet: a container image by name, then $patch: delete of a container', async () => {
      const f = await manifest('patch-ds.yaml', daemonSet('smp', [{ name: 'c', image: 'c:1' }, { name: 'side', image: 'side:1' }]));
      await ok('create', '-f', f);
      expect(await ok('patch', 'ds', 'smp', '-n', NS, '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"c:2"}]}}}}'))
        .toBe('daemonset.apps/smp patched\n');
      expect((await containers('smp')).map((c) => `${c.name}=${c.image}`)).toEqual(['c=c:2', 'side=side:1']);
      const del = '{"spec":{"template":{"spec":{"containers":[{"$patch":"delete","name":"side"}]}}}}';
      expect(await ok('patch', 'ds', 'smp', '-n', NS, '-p', del)).toBe('daemonset.apps/smp patched\n');
      expect((await containers('smp')).map((c) => c.name)).toEqual(['c']);
      const before = await getJson('ds', 'smp');
      expect(await ok('patch', 'ds', 'smp', '-n', NS, '-p', del)).toBe('daemonset.apps/smp patched (no change)\n');
      expect((await getJson('ds', 'smp')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    });

    it('merge and JSON patches on a StatefulSet and a pod', async () => {
      const sts = await manifest('patch-sts.yaml', `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
  namespace: ${NS}
spec:
  serviceName: web
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.25
`);
      await ok('create', '-f', sts);
      expect(await ok('patch', 'sts', 'web', '-n', NS, '--type', 'merge', '-p', '{"spec":{"replicas":3}}')).toBe('statefulset.apps/web patched\n');
      expect((await getJson('sts', 'web')).spec.replicas).toBe(3);
      expect(await ok('patch', 'sts', 'web', '-n', NS, '--type', 'json', '-p', '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"nginx:1.26"}]'))
        .toBe('statefulset.apps/web patched\n');
      const live = await getJson('sts', 'web');
      expect(live.spec.template.spec.containers[0].image).toBe('nginx:1.26');
      expect(live.metadata.generation).toBe(3);

      const pod = await manifest('patch-pod.yaml', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ${NS}\nspec:\n  containers:\n  - name: c\n    image: busybox:1\n`);
      await ok('create', '-f', pod);
      expect(await ok('patch', 'pod', 'p', '-n', NS, '--type', 'strategic', '-p', '{"spec":{"containers":[{"name":"c","image":"busybox:2"}]}}')).toBe('pod/p patched\n');
      expect(await ok('patch', 'pod', 'p', '-n', NS, '--type', 'json', '-p', '[{"op":"add","path":"/metadata/labels","value":{"tier":"x"}}]')).toBe('pod/p patched\n');
      expect(await ok('patch', 'pod', 'p', '-n', NS, '--type', 'merge', '-p', '{"metadata":{"labels":{"tier":null,"app":"p"}}}')).toBe('pod/p patched\n');
      const p = await getJson('pod', 'p');
      expect(p.spec.containers[0].image).toBe('busybox:2');
      expect(p.metadata.labels).toEqual({ app: 'p' });
    });

    it('answers a stale resourceVersion, a missing object, a renamed object and a bad directive as upstream', async () => {
      await ok('create', '-f', await manifest('patch-cm.yaml', configMap('pc', { a: '1' })));
      expect(await k('patch', 'cm', 'pc', '-n', NS, '--type', 'merge', '-p', '{"metadata":{"resourceVersion":"1"},"data":{"a":"2"}}')).toMatchObject({
        code: 1, stderr: 'Error from server (Conflict): Operation cannot be fulfilled on configmaps "pc": the object has been modified; please apply your changes to the latest version and try again\n',
      });
      expect(await k('patch', 'cm', 'nope', '-n', NS, '--type', 'merge', '-p', '{"data":{"a":"2"}}')).toMatchObject({
        code: 1, stderr: 'Error from server (NotFound): configmaps "nope" not found\n',
      });
      expect(await k('patch', 'cm', 'pc', '-n', NS, '-p', '{"metadata":{"name":"other"}}')).toMatchObject({
        code: 1, stderr: 'Error from server (BadRequest): the name of the object (other) does not match the name on the URL (pc)\n',
      });
      expect(await k('patch', 'ds', 'smp', '-n', NS, '-p', '{"spec":{"template":{"spec":{"containers":[{"$patch":"bogus","name":"c"}]}}}}')).toMatchObject({
        code: 1, stderr: 'Error from server (BadRequest): unknown patch type: bogus in map: map[$patch:bogus name:c]\n',
      });
      expect(await k('patch', 'cm', 'pc', '-n', NS, '--type', 'json', '-p', '[{"op":"remove","path":"/data/nope"}]')).toMatchObject({
        code: 1, stderr: "The request is invalid: : error in remove for path: '/data/nope': Unable to remove nonexistent key: nope: missing value\n",
      });
      expect((await getJson('cm', 'pc')).data).toEqual({ a: '1' });
      // Upstream's JSON patch library sets a missing key on replace.
      expect(await ok('patch', 'cm', 'pc', '-n', NS, '--type', 'json', '-p', '[{"op":"replace","path":"/metadata/labels","value":{"r":"1"}}]')).toBe('configmap/pc patched\n');
      expect((await getJson('cm', 'pc')).metadata.labels).toEqual({ r: '1' });
    });

    it('refuses changes to immutable fields of DaemonSets and StatefulSets (422)', async () => {
      const sel = '{"spec":{"selector":{"matchLabels":{"app":"smp","x":"y"}},"template":{"metadata":{"labels":{"app":"smp","x":"y"}}}}}';
      expect(await k('patch', 'ds', 'smp', '-n', NS, '--type', 'merge', '-p', sel)).toMatchObject({
        code: 1,
        stderr: 'The DaemonSet "smp" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"smp", "x":"y"}, '
          + 'MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable\n',
      });
      expect(await k('patch', 'sts', 'web', '-n', NS, '--type', 'merge', '-p', '{"spec":{"serviceName":"other"}}')).toMatchObject({
        code: 1,
        stderr: "The StatefulSet \"web\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
          + "'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden\n",
      });
    });

    it.each(['strategic', 'merge', 'json'])('--dry-run=server with --type %s changes nothing', async (type) => {
      const before = await getJson('cm', 'pc');
      const body = type === 'json' ? '[{"op":"replace","path":"/data/a","value":"dry"}]' : '{"data":{"a":"dry"}}';
      expect(await ok('patch', 'cm', 'pc', '-n', NS, '--type', type, '-p', body, '--dry-run=server', '-o', 'jsonpath={.data.a}')).toBe('dry');
      expect(await getJson('cm', 'pc')).toEqual(before);
    });
  });

  describe('kubectl apply (client-side, three-way)', () => {
    it('removes a container, an env var and a finalizer dropped from the manifest', async () => {
      const v1 = daemonSet('csa', [{ name: 'c', image: 'c:1', env: ['A', 'B'] }, { name: 'd', image: 'd:1' }], ['example.com/f1', 'example.com/f2']);
      const f = await manifest('csa.yaml', v1);
      expect(await ok('apply', '-f', f)).toBe('daemonset.apps/csa created\n');
      const v2 = daemonSet('csa', [{ name: 'c', image: 'c:2', env: ['A'] }], ['example.com/f1']);
      await writeFile(f, v2);
      expect(await ok('apply', '-f', f)).toBe('daemonset.apps/csa configured\n');
      const live = await getJson('ds', 'csa');
      expect(live.metadata.finalizers).toEqual(['example.com/f1']);
      const cs = live.spec.template.spec.containers as Json[];
      expect(cs.map((c) => c.name)).toEqual(['c']);
      expect(cs[0]!.image).toBe('c:2');
      expect(cs[0]!.env).toEqual([{ name: 'A', value: 'v-A' }]);
      expect(await ok('apply', '-f', f)).toBe('daemonset.apps/csa unchanged\n');
      await ok('patch', 'ds', 'csa', '-n', NS, '--type', 'json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]');
    });
  });

  describe('kubectl apply --server-side', () => {
    it('creates, updates, removes dropped fields, and leaves managedFields to --show-managed-fields', async () => {
      const f = await manifest('ssa.yaml', daemonSet('ssa', [{ name: 'c', image: 'c:1', env: ['A', 'B'] }, { name: 'd', image: 'd:1' }]));
      expect(await ok('apply', '--server-side', '-f', f)).toBe('daemonset.apps/ssa serverside-applied\n');
      const created = await getJson('ds', 'ssa');
      expect(created.metadata.managedFields).toBeUndefined();
      const shown = JSON.parse(await ok('get', 'ds', 'ssa', '-n', NS, '-o', 'json', '--show-managed-fields')) as Json;
      expect(shown.metadata.managedFields).toEqual([expect.objectContaining({ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' })]);

      expect(await ok('apply', '--server-side', '-f', f)).toBe('daemonset.apps/ssa serverside-applied\n');
      expect((await getJson('ds', 'ssa')).metadata.resourceVersion).toBe(created.metadata.resourceVersion);

      await writeFile(f, daemonSet('ssa', [{ name: 'c', image: 'c:2', env: ['A'] }]));
      expect(await ok('apply', '--server-side', '-f', f)).toBe('daemonset.apps/ssa serverside-applied\n');
      const live = await getJson('ds', 'ssa');
      expect((live.spec.template.spec.containers as Json[]).map((c) => [c.name, c.image, c.env])).toEqual([['c', 'c:2', [{ name: 'A', value: 'v-A' }]]]);
      expect(live.metadata.generation).toBe(2);
    });

    it('reports a conflict with another manager, and --force-conflicts takes the field', async () => {
      await ok('patch', 'ds', 'ssa', '-n', NS, '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"c:patched"}]}}}}');
      const f = join(files, 'ssa.yaml');
      await writeFile(f, daemonSet('ssa', [{ name: 'c', image: 'c:3', env: ['A'] }]));
      const r = await k('apply', '--server-side', '-f', f);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toBe('error: Apply failed with 1 conflict: conflict with "kubectl-patch" using apps/v1: .spec.template.spec.containers[name="c"].image');
      expect(r.stderr).toContain('--force-conflicts');
      expect((await containers('ssa'))[0]!.image).toBe('c:patched');
      expect(await ok('apply', '--server-side', '--force-conflicts', '-f', f)).toBe('daemonset.apps/ssa serverside-applied\n');
      expect((await containers('ssa'))[0]!.image).toBe('c:3');
    });

    it('--dry-run=server changes nothing, also for an object that does not exist', async () => {
      const before = await getJson('ds', 'ssa');
      const f = await manifest('ssa-dry.yaml', daemonSet('ssa', [{ name: 'c', image: 'c:dry', env: ['A'] }]));
      expect(await ok('apply', '--server-side', '--dry-run=server', '-f', f)).toBe('daemonset.apps/ssa serverside-applied (server dry run)\n');
      expect(await getJson('ds', 'ssa')).toEqual(before);
      const cm = await manifest('ssa-dry-cm.yaml', configMap('ghost', { a: '1' }));
      expect(await ok('apply', '--server-side', '--dry-run=server', '-f', cm)).toBe('configmap/ghost serverside-applied (server dry run)\n');
      expect(await k('get', 'cm', 'ghost', '-n', NS)).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): configmaps "ghost" not found\n' });
    });

    it('moves an object from client-side to server-side apply as against a real cluster', async () => {
      const f = await manifest('mig.yaml', configMap('mig', { a: '1', b: '2' }));
      expect(await ok('apply', '-f', f)).toBe('configmap/mig created\n');
      // A changed value conflicts with what client-side apply set.
      await writeFile(f, configMap('mig', { a: '1', b: '3' }));
      const r = await k('apply', '--server-side', '-f', f);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toBe('error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.b');
      // The same manifest applies; kubectl then migrates the client-side fields to its server-side manager.
      await writeFile(f, configMap('mig', { a: '1', b: '2' }));
      expect(await ok('apply', '--server-side', '-f', f)).toBe('configmap/mig serverside-applied\n');
      const live = JSON.parse(await ok('get', 'cm', 'mig', '-n', NS, '-o', 'json', '--show-managed-fields')) as Json;
      expect((live.metadata.managedFields as Json[]).map((m) => [m.manager, m.operation])).toEqual([['kubectl', 'Apply'], ['kubectl-last-applied', 'Apply']]);
      // From then on, a key dropped from the manifest is removed.
      await writeFile(f, configMap('mig', { a: '1' }));
      expect(await ok('apply', '--server-side', '-f', f)).toBe('configmap/mig serverside-applied\n');
      expect((await getJson('cm', 'mig')).data).toEqual({ a: '1' });
    });
  });

  describe('kubectl diff --server-side', () => {
    it('exits 1 with the changed lines, 0 when nothing would change', async () => {
      const f = await manifest('diff.yaml', configMap('diffed', { a: '1' }));
      await ok('apply', '--server-side', '-f', f);
      expect(await k('diff', '--server-side', '-f', f)).toMatchObject({ code: 0, stdout: '' });
      await writeFile(f, configMap('diffed', { a: '2' }));
      const r = await k('diff', '--server-side', '-f', f);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^-  a: "1"$/m);
      expect(r.stdout).toMatch(/^\+  a: "2"$/m);
      expect((await getJson('cm', 'diffed')).data).toEqual({ a: '1' });
    });
  });
});
