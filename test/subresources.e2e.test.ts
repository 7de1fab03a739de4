// End-to-end: everyday kubectl commands built on subresources (binding, eviction, log, scale) and node/metadata
// patches, run by the real kubectl against one `kubeling up` cluster. Expectations are what kubectl prints against a
// real 1.32 cluster; there are no controllers, scheduler or kubelets yet, so the tests bind pods and write pod
// status themselves, as those components will.

import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type UpCluster } from './support/cluster.js';
import { kubectlOrSkip, type KubectlResult } from './support/kubectl.js';
import { kubectlCalls, startKubectlSession, writeManifest, type Kubectl } from './support/kubectl-session.js';

const available = kubectlOrSkip();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const pod = (name: string, containers: string[] = ['c'], labels: Record<string, string> = {}): string =>
  `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: ${JSON.stringify(labels)}
spec:
  containers: ${JSON.stringify(containers.map((c) => ({ name: c, image: 'busybox' })))}
`;

const NODES = ['n1', 'n2', 'n3'].map((n) => `apiVersion: v1\nkind: Node\nmetadata:\n  name: ${n}\n`).join('---\n');

const STS = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  replicas: 1
  serviceName: web
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: nginx}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: a, image: agent}]
`;

const running = (...names: string[]): string =>
  JSON.stringify({ status: { phase: 'Running', containerStatuses: names.map((name) => ({ name, ready: true, restartCount: 0, image: 'busybox', imageID: '', state: { running: { startedAt: '2024-01-01T00:00:00Z' } } })) } });

describe.skipIf(!available)('kubectl commands on subresources', () => {
  let cluster: UpCluster;
  let kubectl: Kubectl;
  let files: string;
  let cacheDir: string;

  const { k, ok } = kubectlCalls(() => kubectl);
  const getJson = async (...args: string[]): Promise<Json> => JSON.parse(await ok('get', ...args, '-o', 'json')) as Json;
  const apply = async (name: string, text: string): Promise<string> => {
    const path = await writeManifest(files, name, text);
    await ok('create', '-f', path);
    return path;
  };

  /** Binds a pod as the scheduler does: POST pods/<name>/binding. */
  const bind = async (name: string, node: string): Promise<void> => {
    const res = await fetch(`${cluster.url}/api/v1/namespaces/default/pods/${name}/binding`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: node } }),
    });
    expect(res.status).toBe(201);
  };

  /** A kubectl run whose stderr can be watched while it runs (for commands that block). */
  const background = (args: string[]): { stderr: () => string; done: Promise<KubectlResult> } => {
    const child = spawn('kubectl', ['--kubeconfig', cluster.kubeconfig, '--cache-dir', cacheDir, ...args], { env: { ...process.env, HOME: cacheDir } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const done = new Promise<KubectlResult>((resolve) => child.on('close', (code) => resolve({ code: code ?? 1, stdout: out, stderr: err })));
    return { stderr: () => err, done };
  };

  beforeAll(async () => {
    ({ cluster, files, cacheDir, kubectl } = await startKubectlSession(['--components', 'controller-manager,kubelet-sim']));
    await apply('nodes.yaml', NODES);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  describe('taint, cordon, uncordon', () => {
    // Admission adds node.kubernetes.io/not-ready:NoSchedule to every new Node and the node lifecycle controller
    // manages the node.kubernetes.io/ taints from then on: only the user's taints are compared here.
    const userTaints = async (node: string): Promise<unknown[]> =>
      ((await getJson('node', node)).spec.taints ?? []).filter((t: { key: string }) => !t.key.startsWith('node.kubernetes.io/'));
    it('taint adds and removes a taint; a duplicate is refused by the client', async () => {
      expect(await ok('taint', 'nodes', 'n1', 'dedicated=db:NoSchedule')).toBe('node/n1 tainted\n');
      expect(await userTaints('n1')).toEqual([{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
      const dup = await k('taint', 'nodes', 'n1', 'dedicated=db:NoSchedule');
      expect(dup.code).toBe(1);
      expect(dup.stderr).toContain('error: node n1 already has dedicated taint(s) with same effect(s) and --overwrite is false');
      expect(await ok('taint', 'nodes', 'n1', 'other=x:NoExecute')).toBe('node/n1 tainted\n');
      expect(await ok('taint', 'nodes', 'n1', 'dedicated=db:NoSchedule-')).toBe('node/n1 untainted\n');
      expect(await userTaints('n1')).toEqual([{ key: 'other', value: 'x', effect: 'NoExecute' }]);
      expect(await ok('taint', 'nodes', 'n1', 'other-')).toBe('node/n1 untainted\n');
      expect(await userTaints('n1')).toEqual([]);
    });

    it('cordon and uncordon, each twice', async () => {
      expect(await ok('cordon', 'n1')).toBe('node/n1 cordoned\n');
      expect((await getJson('node', 'n1')).spec.unschedulable).toBe(true);
      expect(await ok('cordon', 'n1')).toBe('node/n1 already cordoned\n');
      expect(await ok('uncordon', 'n1')).toBe('node/n1 uncordoned\n');
      expect((await getJson('node', 'n1')).spec.unschedulable).toBeUndefined();
      expect(await ok('uncordon', 'n1')).toBe('node/n1 already uncordoned\n');
    });
  });

  describe('label and annotate on pods', () => {
    beforeAll(async () => {
      await apply('lab.yaml', [pod('la', ['c'], { app: 'x' }), pod('lb', ['c'], { app: 'z' })].join('---\n'));
    });

    const labels = async (name: string): Promise<Json> => (await getJson('pod', name)).metadata.labels as Json;

    it('adds, refuses without --overwrite, overwrites, removes', async () => {
      expect(await ok('label', 'pods', 'la', 'tier=web')).toBe('pod/la labeled\n');
      const refused = await k('label', 'pods', 'la', 'tier=db');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("error: 'tier' already has a value (web), and --overwrite is false");
      expect(await ok('label', 'pods', 'la', 'tier=db', '--overwrite')).toBe('pod/la labeled\n');
      expect((await labels('la')).tier).toBe('db');
      expect(await ok('label', 'pods', 'la', 'tier-')).toBe('pod/la unlabeled\n');
      expect(await labels('la')).toEqual({ app: 'x' });
    });

    it('--all and -l select the pods to label and annotate', async () => {
      expect(await ok('label', 'pods', '--all', 'env=prod')).toBe('pod/la labeled\npod/lb labeled\n');
      expect(await ok('label', 'pods', '-l', 'app=x', 'team=t1')).toBe('pod/la labeled\n');
      expect(await labels('la')).toEqual({ app: 'x', env: 'prod', team: 't1' });
      expect(await labels('lb')).toEqual({ app: 'z', env: 'prod' });
      expect(await ok('annotate', 'pods', '--all', 'note=all')).toBe('pod/la annotated\npod/lb annotated\n');
      expect(await ok('annotate', 'pods', '-l', 'app=z', 'note=z', '--overwrite')).toBe('pod/lb annotated\n');
      expect(await ok('annotate', 'pods', 'la', 'note-')).toBe('pod/la annotated\n');
      expect((await getJson('pod', 'la')).metadata.annotations).toBeUndefined();
      expect((await getJson('pod', 'lb')).metadata.annotations).toEqual({ note: 'z' });
    });
  });

  describe('scale', () => {
    beforeAll(async () => {
      await apply('sts.yaml', STS);
    });

    it('scale sts sets spec.replicas through the scale subresource and bumps the generation', async () => {
      expect(await ok('scale', 'sts', 'web', '--replicas=3')).toBe('statefulset.apps/web scaled\n');
      const sts = await getJson('sts', 'web');
      expect(sts.spec.replicas).toBe(3);
      expect(sts.metadata.generation).toBe(2);
      const scale = JSON.parse(await ok('get', '--raw', '/apis/apps/v1/namespaces/default/statefulsets/web/scale')) as Json;
      expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 3 }, status: { replicas: 0, selector: 'app=web' } });
      const table = (await ok('get', 'sts', 'web', '--subresource=scale')).split('\n');
      expect(table[0]).toMatch(/^NAME\s+DESIRED\s+AVAILABLE\s+AGE$/);
      expect(table[1]).toMatch(/^web\s+3\s+0\s+\d+s$/);
    });

    it('--current-replicas and --resource-version are preconditions', async () => {
      await ok('scale', 'sts', 'web', '--replicas=3');
      expect(await ok('scale', 'sts', 'web', '--current-replicas=3', '--replicas=4')).toBe('statefulset.apps/web scaled\n');
      const wrong = await k('scale', 'sts', 'web', '--current-replicas=1', '--replicas=5');
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('Expected replicas to be 1, was 4');
      const rv = String((await getJson('sts', 'web')).metadata.resourceVersion);
      expect(await ok('scale', 'sts', 'web', `--resource-version=${rv}`, '--replicas=2')).toBe('statefulset.apps/web scaled\n');
      const stale = await k('scale', 'sts', 'web', `--resource-version=${rv}`, '--replicas=6');
      expect(stale.code).toBe(1);
      expect(stale.stderr).toContain(`Expected resource version to be ${rv}, was`);
      expect((await getJson('sts', 'web')).spec.replicas).toBe(2);
    });

    it('patch --subresource=scale, and a DaemonSet has no scale', async () => {
      expect(await ok('patch', 'sts', 'web', '--subresource=scale', '-p', '{"spec":{"replicas":4}}')).toBe('scale.autoscaling/web patched\n');
      expect((await getJson('sts', 'web')).spec.replicas).toBe(4);
      const ds = await k('scale', 'ds', 'agent', '--replicas=2');
      expect(ds.code).toBe(1);
      expect(ds.stderr).toContain('Error from server (NotFound): the server could not find the requested resource');
    });
  });

  describe('diff, get --raw', () => {
    it('diff exits 0 without differences and 1 with a diff', async () => {
      const path = await apply('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  k: one\n');
      const same = await k('diff', '-f', path);
      expect(same.code, same.stderr).toBe(0);
      expect(same.stdout).toBe('');
      await writeFile(path, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  k: two\n');
      const changed = await k('diff', '-f', path);
      expect(changed.code, changed.stderr).toBe(1);
      expect(changed.stdout).toMatch(/^-  k: one$/m);
      expect(changed.stdout).toMatch(/^\+  k: two$/m);
      expect((await getJson('cm', 'cfg')).data).toEqual({ k: 'one' });
    });

    it('get --raw prints the body verbatim', async () => {
      const list = JSON.parse(await ok('get', '--raw', '/api/v1/namespaces')) as Json;
      expect(list.kind).toBe('NamespaceList');
      expect((list.items as Json[]).map((n) => n.metadata.name)).toEqual(expect.arrayContaining(['default', 'kube-system']));
    });

    it('get --raw /metrics prints the apiserver process figures as text', async () => {
      const text = await ok('get', '--raw', '/metrics');
      expect(text).toMatch(/^# HELP process_resident_memory_bytes /m);
      expect(Number(/^nodejs_heap_size_used_bytes (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
    });
  });

  describe('wait', () => {
    it('--for=condition=Ready is met once the status says so', async () => {
      await apply('w1.yaml', pod('w1'));
      const waiting = background(['wait', '--for=condition=Ready', 'pod/w1', '--timeout=60s']);
      await ok('patch', 'pod', 'w1', '--subresource=status', '--type=merge', '-p', '{"status":{"conditions":[{"type":"Ready","status":"True"}]}}');
      const r = await waiting.done;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('pod/w1 condition met\n');
    });

    it('--for=jsonpath on spec.nodeName is met after a binding; a timeout is an error', async () => {
      await apply('w2.yaml', pod('w2'));
      const early = await k('wait', "--for=jsonpath={.spec.nodeName}=n2", 'pod/w2', '--timeout=1s');
      expect(early.code).toBe(1);
      expect(early.stderr).toContain('error: timed out waiting for the condition on pods/w2');
      await bind('w2', 'n2');
      expect(await ok('wait', "--for=jsonpath={.spec.nodeName}=n2", 'pod/w2', '--timeout=30s')).toBe('pod/w2 condition met\n');
    });

    it('--for=delete returns when the pod is gone', async () => {
      await apply('w3.yaml', pod('w3'));
      const waiting = background(['wait', '--for=delete', 'pod/w3', '--timeout=60s']);
      await ok('delete', 'pod', 'w3', '--wait=false');
      const r = await waiting.done;
      expect(r.code, r.stderr).toBe(0);
      expect((await k('get', 'pod', 'w3')).code).toBe(1);
    });
  });

  describe('delete --cascade', () => {
    it.each(['background', 'foreground', 'orphan'])('--cascade=%s completes (the garbage collector of `kubeling up` releases the owner)', async (cascade) => {
      await apply(`c-${cascade}.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c-${cascade}\n`);
      expect(await ok('delete', 'cm', `c-${cascade}`, `--cascade=${cascade}`)).toBe(`configmap "c-${cascade}" deleted\n`);
      expect((await k('get', 'cm', `c-${cascade}`)).code).toBe(1);
    });

    it('--cascade=foreground on a StatefulSet does not hang', async () => {
      await apply('fg.yaml', STS.replace(/name: web/, 'name: fg').replace(/name: agent/, 'name: fg-agent'));
      expect(await ok('delete', 'sts', 'fg', '--cascade=foreground')).toBe('statefulset.apps "fg" deleted\n');
      expect(await ok('delete', 'ds', 'fg-agent', '--cascade=orphan')).toBe('daemonset.apps "fg-agent" deleted\n');
    });
  });

  describe('drain (eviction)', () => {
    beforeAll(async () => {
      await apply('drain.yaml', [pod('d1'), pod('d2')].join('---\n'));
      await bind('d1', 'n3');
      await bind('d2', 'n3');
      // A DaemonSet's pod, as its controller would create it: drain --ignore-daemonsets leaves it alone.
      await apply('drain-ds.yaml', STS.split('---\n')[1]!.replace(/agent/g, 'drain-agent'));
      const ds = await getJson('ds', 'drain-agent');
      const owner = { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'drain-agent', uid: ds.metadata.uid, controller: true, blockOwnerDeletion: true };
      await apply('ds-pod.yaml', pod('ds-pod').replace('  labels:', `  ownerReferences: ${JSON.stringify([owner])}\n  labels:`));
      await bind('ds-pod', 'n3');
    });

    it('refuses pods without a controller unless --force, after cordoning', async () => {
      const r = await k('drain', 'n3', '--ignore-daemonsets');
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('node/n3 cordoned');
      expect(r.stderr).toContain('cannot delete Pods that declare no controller (use --force to override): default/d1, default/d2');
      expect((await getJson('pod', 'd1')).metadata.deletionTimestamp).toBeUndefined();
    });

    it('evicts; with no kubelet to confirm, the pods stay Terminating and drain times out, as on a real cluster', async () => {
      const r = await k('drain', 'n3', '--ignore-daemonsets', '--force', '--timeout=8s');
      const all = `stdout: ${r.stdout}\nstderr: ${r.stderr}`;
      expect(r.code, all).toBe(1);
      expect(r.stdout, all).toContain('evicting pod default/d1');
      // kubectl joins its warnings from a Go map, so their order varies from run to run.
      const warning = r.stderr.split('\n').find((l) => l.startsWith('Warning: ')) ?? '';
      expect(new Set(warning.slice('Warning: '.length).split('; ')), all).toEqual(
        new Set(['deleting Pods that declare no controller: default/d1, default/d2', 'ignoring DaemonSet-managed Pods: default/ds-pod']),
      );
      expect(r.stderr, all).toMatch(/error when (waiting for pod "d1" in namespace "default" to terminate|evicting pods\/"d1")/);
      await waitFor(async () => !!(await getJson('pod', 'd1')).metadata.deletionTimestamp, 10_000, 'd1 to be terminating');
      const d1 = await getJson('pod', 'd1');
      expect(d1.metadata.deletionGracePeriodSeconds).toBe(30);
      expect(d1.status.conditions).toContainEqual(expect.objectContaining({ type: 'DisruptionTarget', reason: 'EvictionByEvictionAPI' }));
    });

    it('--dry-run=server evicts nothing', async () => {
      const out = await ok('drain', 'n3', '--ignore-daemonsets', '--force', '--grace-period=0', '--dry-run=server');
      expect(out).toContain('evicting pod default/d1 (server dry run)');
      expect(out).toContain('node/n3 drained (server dry run)');
      expect((await getJson('pod', 'd1')).metadata.deletionGracePeriodSeconds).toBe(30);
    });

    it('--grace-period=0 evicts at once and the node is drained', async () => {
      const out = await ok('drain', 'n3', '--ignore-daemonsets', '--force', '--grace-period=0');
      expect(out).toContain('pod/d1 evicted');
      expect(out).toContain('pod/d2 evicted');
      expect(out).toMatch(/node\/n3 drained\n$/);
      expect(out).not.toContain('ds-pod');
      expect((await k('get', 'pod', 'd1')).code).toBe(1);
      expect((await getJson('pod', 'ds-pod')).metadata.deletionTimestamp).toBeUndefined();
      expect((await getJson('node', 'n3')).spec.unschedulable).toBe(true);
    });

    it('a PodDisruptionBudget with no disruptions allowed makes drain retry; once one is allowed it drains', async () => {
      await ok('uncordon', 'n3');
      await apply('guarded.yaml', pod('guarded', ['c'], { app: 'guarded' }));
      await bind('guarded', 'n3');
      await ok('patch', 'pod', 'guarded', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { ...JSON.parse(running('c')).status, conditions: [{ type: 'Ready', status: 'True' }] } }));
      await apply('pdb.yaml', 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: guard\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: guarded\n');
      // What the disruption controller would write: it has seen the budget, and the one healthy pod is needed.
      const budget = (allowed: number): string => JSON.stringify({ status: { observedGeneration: 1, disruptionsAllowed: allowed, currentHealthy: 1 + allowed, desiredHealthy: 1, expectedPods: 1 + allowed } });
      await ok('patch', 'pdb', 'guard', '--subresource=status', '--type=merge', '-p', budget(0));
      const blocked = await k('drain', 'n3', '--ignore-daemonsets', '--force', '--grace-period=0', '--timeout=4s');
      expect(blocked.code).toBe(1);
      expect(blocked.stderr).toContain('error when evicting pods/"guarded" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod\'s disruption budget.');
      expect((await getJson('pod', 'guarded')).metadata.deletionTimestamp).toBeUndefined();
      await ok('patch', 'pdb', 'guard', '--subresource=status', '--type=merge', '-p', budget(1));
      expect(await ok('drain', 'n3', '--ignore-daemonsets', '--force', '--grace-period=0')).toContain('pod/guarded evicted');
      expect((await getJson('pdb', 'guard')).status.disruptionsAllowed).toBe(0);
    });
  });

  describe('logs', () => {
    beforeAll(async () => {
      await apply('logs.yaml', [pod('solo'), pod('duo', ['c1', 'c2'])].join('---\n'));
    });

    it('a pod not yet scheduled has an empty log', async () => {
      const r = await k('logs', 'pod/solo');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('');
    });

    it('a scheduled pod follows the kubelet: waiting containers are an error, started ones have an (empty) log', async () => {
      await bind('duo', 'n1');
      const notYet = await k('logs', 'duo', '-c', 'c2');
      expect(notYet.code).toBe(1);
      expect(notYet.stderr).toContain('Error from server (BadRequest): container "c2" in pod "duo" is not available');
      await ok('patch', 'pod', 'duo', '--subresource=status', '--type=merge', '-p', running('c1'));
      const defaulted = await k('logs', 'duo');
      expect(defaulted.code, defaulted.stderr).toBe(0);
      expect(defaulted.stdout).toBe('');
      expect(defaulted.stderr).toContain('Defaulted container "c1" out of: c1, c2');
      expect(await ok('logs', 'duo', '-c', 'c1', '--timestamps', '--tail=5', '--since=1h', '--limit-bytes=100')).toBe('');
      const previous = await k('logs', 'duo', '-c', 'c1', '--previous');
      expect(previous.code).toBe(1);
      expect(previous.stderr).toContain('Error from server (BadRequest): previous terminated container "c1" in pod "duo" not found');
      const bad = await k('logs', 'duo', '-c', 'zz');
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('container zz is not valid for pod duo');
    });

    it('-f streams until the pod is deleted', async () => {
      const follow = background(['logs', '-f', 'duo', '-c', 'c1', '-v=6']);
      await waitFor(() => /pods\/duo\/log\?container=c1&follow=true 200 OK/.test(follow.stderr()), 30_000, 'the follow request to be answered');
      await ok('delete', 'pod', 'duo', '--grace-period=0', '--force');
      const r = await follow.done;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('');
    });
  });
});
