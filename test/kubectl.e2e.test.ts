// End-to-end: the real kubectl (1.32, through the version dispatcher) against one `kubeling up` cluster.
// Every expectation is what kubectl prints against a real 1.32 cluster (the project's kubectl contract).
// Known limits at this stage: no controllers/nodes/scheduler. kubectl runs with its defaults (--validate=strict).
// Protobuf request bodies (`kubectl create namespace|configmap|…`) are in kubectl-protobuf.e2e.test.ts; server-side
// apply in patch-apply.e2e.test.ts.

import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { chmod, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { waitFor, type UpCluster } from './support/cluster.js';
import { kubectlOrSkip } from './support/kubectl.js';
import { kubectlCalls, startKubectlSession, writeManifest, type Kubectl } from './support/kubectl-session.js';
import { AGE, blocks, names, parseTable, row } from './support/table.js';

const available = kubectlOrSkip();

/** The tutorial manifests users replay (copied from the project's shared examples). */
const EXAMPLES = fileURLToPath(new URL('./fixtures/examples/', import.meta.url));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const DEFAULT_PODS = ['static-web', 'with-node-affinity', 'with-pod-affinity', 'with-toleration'];

describe.skipIf(!available)('kubectl against kubeling up', () => {
  let cluster: UpCluster;
  let kubectl: Kubectl;
  let files: string;

  const { k, ok } = kubectlCalls(() => kubectl);

  /** `kubectl get … -o json`, parsed. */
  const getJson = async (...args: string[]): Promise<Json> => JSON.parse(await ok('get', ...args, '-o', 'json')) as Json;

  /** Writes a manifest into the test's folder and returns its path. */
  const manifest = (name: string, text: string): Promise<string> => writeManifest(files, name, text);

  /** A raw API request against the cluster (JSON). */
  const api = async (path: string): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${cluster.url}${path}`, { headers: { accept: 'application/json' } });
    return { status: res.status, body: (await res.json()) as Json };
  };

  beforeAll(async () => {
    ({ cluster, files, kubectl } = await startKubectlSession(['--components', 'controller-manager,kubelet-sim']));
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  describe('discovery and bootstrap objects', () => {
    it('version reports a 1.32 server', async () => {
      const out = await ok('version');
      expect(out).toMatch(/^Client Version: v1\.\d+\.\d+/m);
      expect(out).toMatch(/^Server Version: v1\.32\.\d+$/m);
      const json = JSON.parse(await ok('version', '-o', 'json')) as Json;
      expect(json.serverVersion).toMatchObject({ major: '1', minor: '32', gitVersion: expect.stringMatching(/^v1\.32\.\d+$/) });
    });

    it('api-resources lists names, short names, api versions, scope and kinds', async () => {
      const t = parseTable(await ok('api-resources'));
      expect(t.headers).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
      expect(row(t, 'pods')).toEqual(['pods', 'po', 'v1', 'true', 'Pod']);
      expect(row(t, 'namespaces')).toEqual(['namespaces', 'ns', 'v1', 'false', 'Namespace']);
      expect(row(t, 'nodes')).toEqual(['nodes', 'no', 'v1', 'false', 'Node']);
      expect(row(t, 'events')).toEqual(['events', 'ev', 'v1', 'true', 'Event']);
      expect(row(t, 'configmaps')).toEqual(['configmaps', 'cm', 'v1', 'true', 'ConfigMap']);
      expect(row(t, 'services')).toEqual(['services', 'svc', 'v1', 'true', 'Service']);
      expect(row(t, 'daemonsets')).toEqual(['daemonsets', 'ds', 'apps/v1', 'true', 'DaemonSet']);
      expect(row(t, 'statefulsets')).toEqual(['statefulsets', 'sts', 'apps/v1', 'true', 'StatefulSet']);
      expect(row(t, 'controllerrevisions')).toEqual(['controllerrevisions', '', 'apps/v1', 'true', 'ControllerRevision']);
      expect(row(t, 'priorityclasses')).toEqual(['priorityclasses', 'pc', 'scheduling.k8s.io/v1', 'false', 'PriorityClass']);
      // subresources are never listed
      expect(names(t).filter((n) => n.includes('/'))).toEqual([]);

      const apps = parseTable(await ok('api-resources', '--api-group=apps'));
      expect([...names(apps)].sort()).toEqual(['controllerrevisions', 'daemonsets', 'statefulsets']);
      const clusterScoped = parseTable(await ok('api-resources', '--namespaced=false'));
      expect(names(clusterScoped)).toEqual(expect.arrayContaining(['namespaces', 'nodes']));
      expect(names(clusterScoped)).not.toContain('pods');
    });

    it('api-resources -o wide shows verbs and categories', async () => {
      const t = parseTable(await ok('api-resources', '-o', 'wide'));
      expect(t.headers).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', 'VERBS', 'CATEGORIES']);
      const all = 'create,delete,deletecollection,get,list,patch,update,watch';
      expect(row(t, 'pods')).toEqual(['pods', 'po', 'v1', 'true', 'Pod', all, 'all']);
      expect(row(t, 'services')).toEqual(['services', 'svc', 'v1', 'true', 'Service', all, 'all']);
      expect(row(t, 'daemonsets')).toEqual(['daemonsets', 'ds', 'apps/v1', 'true', 'DaemonSet', all, 'all']);
      expect(row(t, 'statefulsets')).toEqual(['statefulsets', 'sts', 'apps/v1', 'true', 'StatefulSet', all, 'all']);
      expect(row(t, 'namespaces')).toEqual(['namespaces', 'ns', 'v1', 'false', 'Namespace', 'create,delete,get,list,patch,update,watch', '']);
      expect(row(t, 'configmaps')).toEqual(['configmaps', 'cm', 'v1', 'true', 'ConfigMap', all, '']);
    });

    it('api-versions lists the served group-versions, sorted', async () => {
      const lines = (await ok('api-versions')).trim().split('\n');
      expect(lines).toEqual(expect.arrayContaining(['v1', 'apps/v1']));
      expect(lines).toEqual([...lines].sort());
    });

    it('api-versions lists policy/v1 (contract §0 #2: /apis/policy/v1 is served by a real cluster)', async () => {
      const lines = (await ok('api-versions')).trim().split('\n');
      expect(lines).toContain('policy/v1');
    });

    it('get ns shows the four system namespaces, Active', async () => {
      const out = await ok('get', 'ns');
      const t = parseTable(out);
      expect(t.headerLine).toMatch(/^NAME {3,}STATUS {3}AGE$/);
      expect(t.rows.map((r) => r.slice(0, 2))).toEqual([
        ['default', 'Active'],
        ['kube-node-lease', 'Active'],
        ['kube-public', 'Active'],
        ['kube-system', 'Active'],
      ]);
      for (const r of t.rows) expect(r[2]).toMatch(AGE);
    });

    it('get svc shows the kubernetes service', async () => {
      const t = parseTable(await ok('get', 'svc'));
      expect(t.headers).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
      const r = row(t, 'kubernetes');
      expect(r?.slice(0, 5)).toEqual(['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP']);
      expect(r?.[5]).toMatch(AGE);
    });
  });

  describe('create -f the example manifests', () => {
    it('creates every object of every example', async () => {
      const entries = (await readdir(EXAMPLES)).filter((f) => f.endsWith('.yaml')).sort();
      expect(entries.length).toBeGreaterThanOrEqual(8);
      for (const f of entries) {
        const path = join(EXAMPLES, f);
        const docs = parseAllDocuments(await readFile(path, 'utf8')).map((d) => d.toJSON() as Json).filter((d) => d);
        const expected = docs.map((d) => {
          const group = String(d.apiVersion).includes('/') ? `.${String(d.apiVersion).split('/')[0]}` : '';
          return `${String(d.kind).toLowerCase()}${group}/${d.metadata.name} created`;
        });
        const r = await k('create', '-f', path);
        expect(r.code, `${f}: ${r.stderr}`).toBe(0);
        expect(r.stdout.trim().split('\n')).toEqual(expected);
      }
    });

    it('a second create -f fails with AlreadyExists', async () => {
      const pod = join(EXAMPLES, 'static-pod-web.yaml');
      let r = await k('create', '-f', pod);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`Error from server (AlreadyExists): error when creating "${pod}": pods "static-web" already exists\n`);

      const ds = join(EXAMPLES, 'ssd-daemonset.yaml');
      r = await k('create', '-f', ds);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`Error from server (AlreadyExists): error when creating "${ds}": daemonsets.apps "ssd-monitor" already exists\n`);
    });

    it('create -f into a namespace that does not exist fails with NotFound', async () => {
      const path = await manifest('cm-nons.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: orphan\n  namespace: no-such-ns\ndata:\n  a: "1"\n');
      const r = await k('create', '-f', path);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`Error from server (NotFound): error when creating "${path}": namespaces "no-such-ns" not found\n`);
    });
  });

  describe('get', () => {
    it('prints the pod table: NAME READY STATUS RESTARTS AGE, all Pending', async () => {
      const t = parseTable(await ok('get', 'pods'));
      expect(t.headerLine).toMatch(/^NAME {3,}READY {3}STATUS {4}RESTARTS {3}AGE$/);
      expect(names(t)).toEqual(DEFAULT_PODS);
      for (const r of t.rows) {
        expect(r.slice(1, 4)).toEqual(['0/1', 'Pending', '0']);
        expect(r[4]).toMatch(AGE);
      }
      const one = parseTable(await ok('get', 'pod', 'static-web'));
      expect(one.rows).toHaveLength(1);
      expect(one.rows[0]?.slice(0, 4)).toEqual(['static-web', '0/1', 'Pending', '0']);
    });

    it('-o wide adds IP, NODE, NOMINATED NODE, READINESS GATES', async () => {
      const t = parseTable(await ok('get', 'pods', '-o', 'wide'));
      expect(t.headers).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
      expect(names(t)).toEqual(DEFAULT_PODS);
      for (const r of t.rows) expect(r.slice(5)).toEqual(['<none>', '<none>', '<none>', '<none>']);
    });

    it('-o yaml prints a v1 List of full Pods', async () => {
      const list = parseYaml(await ok('get', 'pods', '-o', 'yaml')) as Json;
      expect(list.apiVersion).toBe('v1');
      expect(list.kind).toBe('List');
      expect(list.items.map((p: Json) => p.metadata.name)).toEqual(DEFAULT_PODS);
      for (const p of list.items as Json[]) {
        expect(p.kind).toBe('Pod');
        expect(p.apiVersion).toBe('v1');
        expect(p.metadata.namespace).toBe('default');
        expect(p.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
        expect(p.metadata.resourceVersion).toMatch(/^\d+$/);
        expect(p.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        expect(p.status.phase).toBe('Pending');
      }
      const one = parseYaml(await ok('get', 'pod', 'static-web', '-o', 'yaml')) as Json;
      expect(one).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'static-web', labels: { role: 'myrole' } } });
      expect(one.spec.containers[0]).toMatchObject({ name: 'web', image: 'nginx:1.25' });
    });

    it('-o json parses as a List', async () => {
      const list = await getJson('pods');
      expect(list.kind).toBe('List');
      expect(list.items.map((p: Json) => p.metadata.name)).toEqual(DEFAULT_PODS);
      const ds = await getJson('ds', 'fluentd-elasticsearch', '-n', 'kube-system');
      expect(ds).toMatchObject({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'fluentd-elasticsearch', namespace: 'kube-system', labels: { 'k8s-app': 'fluentd-logging' }, generation: 1 } });
      expect(ds.spec.template.spec.containers[0].image).toBe('k8s.gcr.io/fluentd-elasticsearch:1.20');
    });

    it('-o jsonpath, -o custom-columns and -o name', async () => {
      expect(await ok('get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}')).toBe(DEFAULT_PODS.join(' '));
      const cc = parseTable(await ok('get', 'pods', '-o', 'custom-columns=NAME:.metadata.name,PHASE:.status.phase'));
      expect(cc.headers).toEqual(['NAME', 'PHASE']);
      expect(cc.rows).toEqual(DEFAULT_PODS.map((n) => [n, 'Pending']));
      expect(await ok('get', 'pods', '-o', 'name')).toBe(DEFAULT_PODS.map((n) => `pod/${n}\n`).join(''));
      expect(await ok('get', 'ds', '-A', '-o', 'name')).toBe(
        'daemonset.apps/ssd-monitor\ndaemonset.apps/fluentd-elasticsearch\ndaemonset.apps/network-plugin-agent\n',
      );
    });

    it('-A adds a NAMESPACE column', async () => {
      const t = parseTable(await ok('get', 'pods', '-A'));
      expect(t.headers).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
      expect(t.rows.map((r) => [r[0], r[1]])).toEqual(DEFAULT_PODS.map((n) => ['default', n]));
      const ds = parseTable(await ok('get', 'ds', '-A'));
      expect(ds.rows.map((r) => [r[0], r[1]])).toEqual([
        ['default', 'ssd-monitor'],
        ['kube-system', 'fluentd-elasticsearch'],
        ['kube-system', 'network-plugin-agent'],
      ]);
    });

    it('-l supports equality, inequality, set and existence selectors', async () => {
      const sel = async (s: string): Promise<string[]> => {
        const r = await k('get', 'pods', '-l', s, '-o', 'name');
        expect(r.code, r.stderr).toBe(0);
        return r.stdout.split('\n').filter(Boolean).map((l) => l.replace(/^pod\//, ''));
      };
      const others = DEFAULT_PODS.filter((n) => n !== 'static-web');
      expect(await sel('role=myrole')).toEqual(['static-web']);
      expect(await sel('role==myrole')).toEqual(['static-web']);
      expect(await sel('role!=myrole')).toEqual(others);
      expect(await sel('role in (myrole,other)')).toEqual(['static-web']);
      expect(await sel('role notin (myrole)')).toEqual(others);
      expect(await sel('!role')).toEqual(others);
      expect(await sel('role')).toEqual(['static-web']);
      expect(await sel('role,!nosuch')).toEqual(['static-web']);
      expect(await sel('role=other')).toEqual([]);
      // the table form, and "No resources found" on stderr for an empty result
      const t = parseTable(await ok('get', 'pods', '-l', 'role=myrole'));
      expect(names(t)).toEqual(['static-web']);
      const none = await k('get', 'pods', '-l', 'role=other');
      expect(none).toMatchObject({ code: 0, stdout: '', stderr: 'No resources found in default namespace.\n' });
      const ds = await ok('get', 'ds', '-A', '-l', 'k8s-app=fluentd-logging', '-o', 'name');
      expect(ds).toBe('daemonset.apps/fluentd-elasticsearch\n');
    });

    it('--field-selector metadata.name and status.phase; an unsupported field is a BadRequest', async () => {
      expect(names(parseTable(await ok('get', 'pods', '--field-selector', 'metadata.name=static-web')))).toEqual(['static-web']);
      expect(names(parseTable(await ok('get', 'pods', '--field-selector', 'status.phase=Pending')))).toEqual(DEFAULT_PODS);
      const none = await k('get', 'pods', '--field-selector', 'status.phase!=Pending');
      expect(none).toMatchObject({ code: 0, stdout: '', stderr: 'No resources found in default namespace.\n' });
      expect(await ok('get', 'ds', '-A', '--field-selector', 'metadata.namespace=kube-system', '-o', 'name')).toBe(
        'daemonset.apps/fluentd-elasticsearch\ndaemonset.apps/network-plugin-agent\n',
      );
      const bad = await k('get', 'pods', '--field-selector', 'spec.bogus=x');
      expect(bad.code).toBe(1);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toBe(
        'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field selector "spec.bogus=x": field label not supported: spec.bogus\n',
      );
    });

    it('--show-labels adds LABELS', async () => {
      const t = parseTable(await ok('get', 'pods', '--show-labels'));
      expect(t.headers).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'LABELS']);
      expect(t.rows.map((r) => [r[0], r[5]])).toEqual([
        ['static-web', 'role=myrole'],
        ['with-node-affinity', '<none>'],
        ['with-pod-affinity', '<none>'],
        ['with-toleration', '<none>'],
      ]);
      const all = parseTable(await ok('get', 'ds', '-A', '--show-labels'));
      expect(all.rows.map((r) => [r[1], r.at(-1)])).toEqual([
        ['ssd-monitor', '<none>'],
        ['fluentd-elasticsearch', 'k8s-app=fluentd-logging'],
        ['network-plugin-agent', '<none>'],
      ]);
    });

    it('--sort-by=.metadata.name', async () => {
      expect(names(parseTable(await ok('get', 'pods', '--sort-by=.metadata.name')))).toEqual(DEFAULT_PODS);
      // across namespaces the server order (namespace/name) differs from name order
      const t = parseTable(await ok('get', 'ds', '-A', '--sort-by=.metadata.name'));
      expect(t.rows.map((r) => r[1])).toEqual(['fluentd-elasticsearch', 'network-plugin-agent', 'ssd-monitor']);
      const cols = await ok('get', 'ds', '-A', '--sort-by=.metadata.name', '-o', 'custom-columns=NAME:.metadata.name');
      expect(cols).toMatch(/^NAME\s*\nfluentd-elasticsearch\s*\nnetwork-plugin-agent\s*\nssd-monitor\s*\n$/);
    });

    it('--chunk-size=1 pages through every item', async () => {
      const t = parseTable(await ok('get', 'pods', '--chunk-size=1'));
      expect(t.headers).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
      expect(names(t)).toEqual(DEFAULT_PODS);
      expect(await ok('get', 'ds', '-A', '--chunk-size=1', '-o', 'name')).toBe(
        'daemonset.apps/ssd-monitor\ndaemonset.apps/fluentd-elasticsearch\ndaemonset.apps/network-plugin-agent\n',
      );
      expect(await ok('get', 'ns', '--chunk-size=2', '-o', 'name')).toBe(
        'namespace/default\nnamespace/kube-node-lease\nnamespace/kube-public\nnamespace/kube-system\n',
      );
    });

    it('get pods,ds,sts prints one block per type with kind prefixes', async () => {
      const [pods, ds, sts, ...rest] = blocks(await ok('get', 'pods,ds,sts'));
      expect(rest).toEqual([]);
      expect(pods?.headers).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
      expect(names(pods!)).toEqual(DEFAULT_PODS.map((n) => `pod/${n}`));
      expect(ds?.headers).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE']);
      expect(names(ds!)).toEqual(['daemonset.apps/ssd-monitor']);
      expect(sts?.headers).toEqual(['NAME', 'READY', 'AGE']);
      expect(sts?.rows.map((r) => r.slice(0, 2))).toEqual([['statefulset.apps/mysql', '0/3']]);
    });

    it('get all lists pods, services, daemonsets and statefulsets', async () => {
      const [pods, svc, ds, sts, ...rest] = blocks(await ok('get', 'all'));
      expect(rest).toEqual([]);
      expect(names(pods!)).toEqual(DEFAULT_PODS.map((n) => `pod/${n}`));
      expect(svc?.headers).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
      expect(svc?.rows.map((r) => r.slice(0, 5))).toEqual([
        ['service/kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP'],
        ['service/mysql', 'ClusterIP', 'None', '<none>', '3306/TCP'],
      ]);
      expect(names(ds!)).toEqual(['daemonset.apps/ssd-monitor']);
      expect(names(sts!)).toEqual(['statefulset.apps/mysql']);
    });

    it('get ds and get sts tables (no nodes: 0 desired)', async () => {
      const ds = parseTable(await ok('get', 'ds'));
      expect(ds.headerLine).toMatch(/^NAME {3,}DESIRED {3}CURRENT {3}READY {3}UP-TO-DATE {3}AVAILABLE {3}NODE SELECTOR {3}AGE$/);
      expect(ds.rows.map((r) => r.slice(0, 7))).toEqual([['ssd-monitor', '0', '0', '0', '0', '0', 'disktype=ssd']]);
      expect(ds.rows[0]?.[7]).toMatch(AGE);

      const wide = parseTable(await ok('get', 'ds', '-n', 'kube-system', '-o', 'wide'));
      expect(wide.headers).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
      const f = row(wide, 'fluentd-elasticsearch');
      expect(f?.slice(0, 7)).toEqual(['fluentd-elasticsearch', '0', '0', '0', '0', '0', '<none>']);
      expect(f?.slice(8)).toEqual(['fluentd-elasticsearch', 'k8s.gcr.io/fluentd-elasticsearch:1.20', 'name=fluentd-elasticsearch']);
      expect(row(wide, 'network-plugin-agent')?.slice(8)).toEqual(['agent', 'weaveworks/weave-kube:2.8.1', 'name=network-plugin-agent']);

      const sts = parseTable(await ok('get', 'sts'));
      expect(sts.headerLine).toMatch(/^NAME {3,}READY {3}AGE$/);
      expect(sts.rows.map((r) => r.slice(0, 2))).toEqual([['mysql', '0/3']]);
      expect(sts.rows[0]?.[2]).toMatch(AGE);
      const stsWide = parseTable(await ok('get', 'sts', '-o', 'wide'));
      expect(stsWide.headers).toEqual(['NAME', 'READY', 'AGE', 'CONTAINERS', 'IMAGES']);
      expect(row(stsWide, 'mysql')?.slice(3)).toEqual(['mysql', 'mysql:5.7.2']);
    });

    it('get pod nope is NotFound, exit 1', async () => {
      expect(await k('get', 'pod', 'nope')).toEqual({ code: 1, stdout: '', stderr: 'Error from server (NotFound): pods "nope" not found\n' });
      expect(await k('get', 'ds', 'nope')).toEqual({ code: 1, stdout: '', stderr: 'Error from server (NotFound): daemonsets.apps "nope" not found\n' });
    });

    it('an unknown resource type is reported by the client', async () => {
      const r = await k('get', 'foos');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error: the server doesn\'t have a resource type "foos"');
    });
  });

  describe('describe', () => {
    it('describe pod', async () => {
      const out = await ok('describe', 'pod', 'static-web');
      expect(out).toMatch(/^Name:\s+static-web$/m);
      expect(out).toMatch(/^Namespace:\s+default$/m);
      expect(out).toMatch(/^Node:\s+<none>$/m);
      expect(out).toMatch(/^Labels:\s+role=myrole$/m);
      expect(out).toMatch(/^Annotations:\s+<none>$/m);
      expect(out).toMatch(/^Status:\s+Pending$/m);
      expect(out).toMatch(/^Containers:\n {2}web:\n {4}Image:\s+nginx:1\.25$/m);
      expect(out).toMatch(/^QoS Class:\s+BestEffort$/m);
      expect(out).toMatch(/^Events:\s+<none>$/m);
      const tol = await ok('describe', 'pod', 'with-toleration');
      // DefaultTolerationSeconds admission adds not-ready and unreachable (kubectl sorts the lines).
      expect(tol).toMatch(/^Tolerations: {17}node\.kubernetes\.io\/not-ready:NoExecute op=Exists for 300s\n {29}node\.kubernetes\.io\/unreachable:NoExecute op=Exists for 300s\n {29}node\.kubernetes\.io\/unschedulable:NoSchedule op=Exists$/m);
    });

    it('describe pod shows the defaulted container port protocol (80/TCP)', async () => {
      const out = await ok('describe', 'pod', 'static-web');
      expect(out).toMatch(/^ {4}Port:\s+80\/TCP$/m);
      expect(out).toMatch(/^ {4}Host Port:\s+0\/TCP$/m);
    });

    it('describe ds', async () => {
      const out = await ok('describe', 'ds', 'ssd-monitor');
      expect(out).toMatch(/^Name:\s+ssd-monitor$/m);
      expect(out).toMatch(/^Selector:\s+app=ssd-monitor$/m);
      expect(out).toMatch(/^Node-Selector:\s+disktype=ssd$/m);
      expect(out).toMatch(/^Labels:\s+<none>$/m);
      expect(out).toMatch(/^Desired Number of Nodes Scheduled: 0$/m);
      expect(out).toMatch(/^Current Number of Nodes Scheduled: 0$/m);
      expect(out).toMatch(/^Number of Nodes Misscheduled: 0$/m);
      expect(out).toMatch(/^Pods Status:\s+0 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed$/m);
      expect(out).toMatch(/^Pod Template:\n {2}Labels:\s+app=ssd-monitor$/m);
      expect(out).toMatch(/^ {4}Image:\s+busybox:1\.36$/m);
      const f = await ok('describe', 'ds', 'fluentd-elasticsearch', '-n', 'kube-system');
      expect(f).toMatch(/^Name:\s+fluentd-elasticsearch$/m);
      expect(f).toMatch(/^Labels:\s+k8s-app=fluentd-logging$/m);
      expect(f).toMatch(/^Selector:\s+name=fluentd-elasticsearch$/m);
      expect(f).toMatch(/^ {4}Limits:\n {6}memory:\s+200Mi$/m);
      expect(f).toMatch(/^ {4}Image:\s+k8s\.gcr\.io\/fluentd-elasticsearch:1\.20$/m);
    });

    it('describe sts', async () => {
      const out = await ok('describe', 'sts', 'mysql');
      expect(out).toMatch(/^Name:\s+mysql$/m);
      expect(out).toMatch(/^Namespace:\s+default$/m);
      expect(out).toMatch(/^CreationTimestamp:\s+\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000$/m);
      expect(out).toMatch(/^Selector:\s+app=mysql$/m);
      expect(out).toMatch(/^Labels:\s+<none>$/m);
      expect(out).toMatch(/^Replicas:\s+3 desired \| 0 total$/m);
      expect(out).toMatch(/^Pods Status:\s+0 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed$/m);
      expect(out).toMatch(/^ {4}Image:\s+mysql:5\.7\.2$/m);
      expect(out).toMatch(/^ {6}\/var\/lib\/mysql from data \(rw\)$/m);
      expect(out).toMatch(/^Volume Claims:\n {2}Name:\s+data$/m);
      expect(out).toMatch(/^ {2}Capacity:\s+10Gi$/m);
      expect(out).toMatch(/^ {2}Access Modes:\s+\[ReadWriteOnce\]$/m);
    });

    it('describe sts shows the defaulted update strategy; the pod management policy is defaulted', async () => {
      const out = await ok('describe', 'sts', 'mysql');
      expect(out).toMatch(/^Update Strategy:\s+RollingUpdate$/m);
      expect(await ok('get', 'sts', 'mysql', '-o', 'jsonpath={.spec.podManagementPolicy}')).toBe('OrderedReady');
      expect(out).toMatch(/^ {2}Partition:\s+0$/m);
    });

    it('describe ns default', async () => {
      const out = await ok('describe', 'ns', 'default');
      expect(out).toMatch(/^Name:\s+default$/m);
      expect(out).toMatch(/^Labels:\s+kubernetes\.io\/metadata\.name=default$/m);
      expect(out).toMatch(/^Annotations:\s+<none>$/m);
      expect(out).toMatch(/^Status:\s+Active$/m);
    });
  });

  describe('API defaults a real server applies on create (contract §11.1)', () => {
    it('pods get the PodSpec and Container defaults', async () => {
      const pod = await getJson('pod', 'static-web');
      expect(pod.spec).toMatchObject({
        restartPolicy: 'Always',
        dnsPolicy: 'ClusterFirst',
        terminationGracePeriodSeconds: 30,
        schedulerName: 'default-scheduler',
        securityContext: {},
      });
      expect(pod.spec.containers[0]).toMatchObject({
        imagePullPolicy: 'IfNotPresent',
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        ports: [{ containerPort: 80, name: 'web', protocol: 'TCP' }],
      });
    });

    it('DaemonSets and StatefulSets get their update strategies', async () => {
      const ds = await getJson('ds', 'ssd-monitor');
      expect(ds.spec).toMatchObject({
        revisionHistoryLimit: 10,
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      });
      const sts = await getJson('sts', 'mysql');
      expect(sts.spec).toMatchObject({
        replicas: 3,
        podManagementPolicy: 'OrderedReady',
        revisionHistoryLimit: 10,
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      });
    });
  });

  describe('Secrets as the real server stores them', () => {
    it('stringData is merged into base64 data and type defaults to Opaque', async () => {
      const f = await manifest('secret.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: token\nstringData:\n  password: hunter2\n');
      expect(await ok('create', '-f', f)).toBe('secret/token created\n');
      const s = await getJson('secret', 'token');
      expect(s.type).toBe('Opaque');
      expect(s.data).toEqual({ password: Buffer.from('hunter2').toString('base64') });
      expect(s).not.toHaveProperty('stringData');
      const t = parseTable(await ok('get', 'secret', 'token'));
      expect(t.headers).toEqual(['NAME', 'TYPE', 'DATA', 'AGE']);
      expect(t.rows[0]?.slice(0, 3)).toEqual(['token', 'Opaque', '1']);
      await ok('delete', 'secret', 'token');
    });
  });

  describe('apply, replace, dry-run', () => {
    const ns = 'e2e-apply';
    const dsYaml = (image: string, extraLabel = ''): string => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: ${ns}
  labels:
    app: agent${extraLabel ? `\n    ${extraLabel}` : ''}
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: agent
        image: ${image}
`;
    const podYaml = (tier: string): string =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: ${ns}\n  labels:\n    app: web\n    tier: ${tier}\nspec:\n  containers:\n  - name: web\n    image: nginx:1.25\n`;

    it('apply creates a namespace and a DaemonSet, then reports unchanged', async () => {
      const nsFile = await manifest('apply-ns.yaml', `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`);
      expect(await ok('apply', '-f', nsFile)).toBe(`namespace/${ns} created\n`);
      const f = await manifest('apply-ds.yaml', dsYaml('agent:v1'));
      expect(await ok('apply', '-f', f)).toBe('daemonset.apps/agent created\n');
      const live = await getJson('ds', 'agent', '-n', ns);
      const last = JSON.parse(live.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'] as string) as Json;
      expect(last).toMatchObject({ kind: 'DaemonSet', metadata: { name: 'agent', namespace: ns } });
      expect(await ok('apply', '-f', f)).toBe('daemonset.apps/agent unchanged\n');
      expect(await ok('apply', '-f', nsFile)).toBe(`namespace/${ns} unchanged\n`);
      const again = await getJson('ds', 'agent', '-n', ns);
      expect(again.metadata.resourceVersion).toBe(live.metadata.resourceVersion);
    });

    it('apply of a modified manifest reports configured and the change is visible', async () => {
      const before = await getJson('ds', 'agent', '-n', ns);
      const f = await manifest('apply-ds.yaml', dsYaml('agent:v2', 'tier: backend'));
      expect(await ok('apply', '-f', f)).toBe('daemonset.apps/agent configured\n');
      const after = await getJson('ds', 'agent', '-n', ns);
      expect(after.spec.template.spec.containers[0].image).toBe('agent:v2');
      expect(after.metadata.labels).toEqual({ app: 'agent', tier: 'backend' });
      expect(after.metadata.uid).toBe(before.metadata.uid);
      expect(BigInt(after.metadata.resourceVersion)).toBeGreaterThan(BigInt(before.metadata.resourceVersion));
      expect(after.metadata.generation).toBe(2);
      expect(await ok('get', 'ds', 'agent', '-n', ns, '-o', 'jsonpath={.spec.template.spec.containers[0].image}')).toBe('agent:v2');

      // a label removed from the manifest is removed from the object (three-way merge)
      const f2 = await manifest('apply-ds.yaml', dsYaml('agent:v2'));
      expect(await ok('apply', '-f', f2)).toBe('daemonset.apps/agent configured\n');
      expect((await getJson('ds', 'agent', '-n', ns)).metadata.labels).toEqual({ app: 'agent' });
      expect((await getJson('ds', 'agent', '-n', ns)).metadata.generation).toBe(2);

      // the same on a pod: a label change
      const p1 = await manifest('apply-pod.yaml', podYaml('a'));
      expect(await ok('apply', '-f', p1)).toBe('pod/web created\n');
      const p2 = await manifest('apply-pod.yaml', podYaml('b'));
      expect(await ok('apply', '-f', p2)).toBe('pod/web configured\n');
      expect(await ok('get', 'pod', 'web', '-n', ns, '-o', 'jsonpath={.metadata.labels.tier}')).toBe('b');
      expect(await ok('apply', '-f', p2)).toBe('pod/web unchanged\n');
    });

    it('apply --dry-run=server changes nothing', async () => {
      const before = await getJson('ds', 'agent', '-n', ns);
      const f = await manifest('apply-ds-dry.yaml', dsYaml('agent:v3'));
      expect(await ok('apply', '--dry-run=server', '-f', f)).toBe('daemonset.apps/agent configured (server dry run)\n');
      const after = await getJson('ds', 'agent', '-n', ns);
      expect(after).toEqual(before);

      const cm = await manifest('apply-cm-dry.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dry\n  namespace: ${ns}\ndata:\n  a: "1"\n`);
      expect(await ok('apply', '--dry-run=server', '-f', cm)).toBe('configmap/dry created (server dry run)\n');
      expect(await k('get', 'cm', 'dry', '-n', ns)).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): configmaps "dry" not found\n' });
    });

    it('replace -f reports replaced and stores the new object', async () => {
      const before = await getJson('ds', 'agent', '-n', ns);
      const f = await manifest('replace-ds.yaml', dsYaml('agent:v4', 'tier: replaced'));
      expect(await ok('replace', '-f', f)).toBe('daemonset.apps/agent replaced\n');
      const after = await getJson('ds', 'agent', '-n', ns);
      expect(after.spec.template.spec.containers[0].image).toBe('agent:v4');
      expect(after.metadata.labels).toEqual({ app: 'agent', tier: 'replaced' });
      expect(after.metadata.uid).toBe(before.metadata.uid);
      expect(after.metadata.generation).toBe(3);
      expect(after.metadata.creationTimestamp).toBe(before.metadata.creationTimestamp);

      const missing = await manifest('replace-missing.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ghost\n  namespace: ${ns}\n`);
      const r = await k('replace', '-f', missing);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`Error from server (NotFound): error when replacing "${missing}": configmaps "ghost" not found\n`);
    });

    it('edit runs $EDITOR on the live object and patches what changed', async () => {
      const before = await getJson('ds', 'agent', '-n', ns);
      const editor = await manifest('editor.sh', '#!/bin/sh\nsed -i -e "s/image: agent:v4/image: agent:v5/" -e "s/tier: replaced/tier: edited/" "$1"\n');
      await chmod(editor, 0o755);
      const r = await kubectl(['edit', 'ds', 'agent', '-n', ns], { env: { EDITOR: editor, KUBE_EDITOR: editor } });
      expect(r).toEqual({ code: 0, stdout: 'daemonset.apps/agent edited\n', stderr: '' });
      const after = await getJson('ds', 'agent', '-n', ns);
      expect(after.spec.template.spec.containers[0].image).toBe('agent:v5');
      expect(after.metadata.labels).toEqual({ app: 'agent', tier: 'edited' });
      expect(after.metadata.uid).toBe(before.metadata.uid);
      expect(after.metadata.generation).toBe(before.metadata.generation + 1);

      // An editor that changes nothing: no request, and kubectl says so.
      const noop = await manifest('noop-editor.sh', '#!/bin/sh\ntrue\n');
      await chmod(noop, 0o755);
      expect(await kubectl(['edit', 'ds', 'agent', '-n', ns], { env: { EDITOR: noop, KUBE_EDITOR: noop } })).toMatchObject({ code: 0, stderr: 'Edit cancelled, no changes made.\n' });
    });
  });

  describe('label and annotate', () => {
    const ns = 'e2e-labels';

    it('on a namespace: add, refuse without --overwrite, overwrite, remove', async () => {
      const f = await manifest('labels-ns.yaml', `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`);
      expect(await ok('create', '-f', f)).toBe(`namespace/${ns} created\n`);
      const labels = async (): Promise<Json> => (await getJson('ns', ns)).metadata.labels as Json;

      expect(await ok('label', 'ns', ns, 'team=a')).toBe(`namespace/${ns} labeled\n`);
      expect((await labels()).team).toBe('a');
      expect(await k('label', 'ns', ns, 'team=b')).toEqual({ code: 1, stdout: '', stderr: "error: 'team' already has a value (a), and --overwrite is false\n" });
      expect((await labels()).team).toBe('a');
      expect(await ok('label', 'ns', ns, 'team=b', '--overwrite')).toBe(`namespace/${ns} labeled\n`);
      expect((await labels()).team).toBe('b');
      const shown = parseTable(await ok('get', 'ns', ns, '--show-labels'));
      expect(shown.rows[0]?.at(-1)?.split(',')).toContain('team=b');
      expect(await ok('label', 'ns', ns, 'team-')).toBe(`namespace/${ns} unlabeled\n`);
      expect(await labels()).not.toHaveProperty('team');

      expect(await ok('annotate', 'ns', ns, 'owner=me')).toBe(`namespace/${ns} annotated\n`);
      expect(await k('annotate', 'ns', ns, 'owner=you')).toEqual({
        code: 1,
        stdout: '',
        stderr: "error: --overwrite is false but found the following declared annotation(s): 'owner' already has a value (me)\n",
      });
      expect(await ok('annotate', 'ns', ns, 'owner=you', '--overwrite')).toBe(`namespace/${ns} annotated\n`);
      expect(await ok('get', 'ns', ns, '-o', 'jsonpath={.metadata.annotations.owner}')).toBe('you');
      expect(await ok('describe', 'ns', ns)).toMatch(/^Annotations:\s+owner: you$/m);
      expect(await ok('annotate', 'ns', ns, 'owner-')).toBe(`namespace/${ns} annotated\n`);
      expect((await getJson('ns', ns)).metadata.annotations?.owner).toBeUndefined();
    });

    it('a namespace created from a manifest carries the kubernetes.io/metadata.name label', async () => {
      const meta = (await getJson('ns', ns)).metadata as Json;
      expect(meta.labels).toEqual({ 'kubernetes.io/metadata.name': ns });
      expect(await ok('describe', 'ns', ns)).toMatch(new RegExp(`^Labels:\\s+kubernetes\\.io/metadata\\.name=${ns}$`, 'm'));
    });

    it('on a configmap: add, refuse without --overwrite, overwrite, remove', async () => {
      const f = await manifest('labels-cm.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: ${ns}\n  labels:\n    app: cfg\ndata:\n  a: "1"\n`);
      expect(await ok('create', '-f', f)).toBe('configmap/cfg created\n');
      const meta = async (): Promise<Json> => (await getJson('cm', 'cfg', '-n', ns)).metadata as Json;

      expect(await ok('label', 'cm', 'cfg', '-n', ns, 'tier=web')).toBe('configmap/cfg labeled\n');
      expect((await meta()).labels).toEqual({ app: 'cfg', tier: 'web' });
      expect(await k('label', 'cm', 'cfg', '-n', ns, 'tier=db')).toEqual({ code: 1, stdout: '', stderr: "error: 'tier' already has a value (web), and --overwrite is false\n" });
      expect(await ok('label', 'cm', 'cfg', '-n', ns, 'tier=db', '--overwrite')).toBe('configmap/cfg labeled\n');
      const t = parseTable(await ok('get', 'cm', 'cfg', '-n', ns, '--show-labels'));
      expect(t.headers).toEqual(['NAME', 'DATA', 'AGE', 'LABELS']);
      expect(t.rows[0]?.[1]).toBe('1');
      expect(t.rows[0]?.[3]).toBe('app=cfg,tier=db');
      expect(await ok('label', 'cm', 'cfg', '-n', ns, 'tier-')).toBe('configmap/cfg unlabeled\n');
      expect((await meta()).labels).toEqual({ app: 'cfg' });

      expect(await ok('annotate', 'cm', 'cfg', '-n', ns, 'note=hi')).toBe('configmap/cfg annotated\n');
      expect((await meta()).annotations).toEqual({ note: 'hi' });
      const refused = await k('annotate', 'cm', 'cfg', '-n', ns, 'note=bye');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe("error: --overwrite is false but found the following declared annotation(s): 'note' already has a value (hi)\n");
      expect(await ok('annotate', 'cm', 'cfg', '-n', ns, 'note=bye', '--overwrite')).toBe('configmap/cfg annotated\n');
      expect((await meta()).annotations).toEqual({ note: 'bye' });
      expect(await ok('annotate', 'cm', 'cfg', '-n', ns, 'note-')).toBe('configmap/cfg annotated\n');
      expect((await meta()).annotations?.note).toBeUndefined();
      // labels on several objects at once, by selector
      expect(await ok('label', 'cm', '-n', ns, '-l', 'app=cfg', 'bulk=yes')).toBe('configmap/cfg labeled\n');
    });

    it('an emptied annotations map is omitted, as the real server (Go omitempty) does', async () => {
      // after the previous test, cfg's only annotation was removed and the namespace's too
      expect((await getJson('cm', 'cfg', '-n', ns)).metadata).not.toHaveProperty('annotations');
      expect((await getJson('ns', ns)).metadata).not.toHaveProperty('annotations');
      expect(await ok('get', 'cm', 'cfg', '-n', ns, '-o', 'yaml')).not.toContain('annotations: {}');
    });
  });

  describe('delete', () => {
    const ns = 'e2e-delete';

    beforeAll(async () => {
      const pods = ['p1:x', 'p2:x', 'p3:other']
        .map((s) => {
          const [name, app] = s.split(':');
          return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels:\n    app: ${app}\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n`;
        })
        .join('---\n');
      const f = await manifest('delete-setup.yaml', `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n---\n${pods}`);
      await ok('create', '-f', f);
    });

    it('delete pod waits and prints pod "x" deleted', async () => {
      expect(await k('delete', 'pod', 'p3', '-n', ns)).toEqual({ code: 0, stdout: 'pod "p3" deleted\n', stderr: '' });
      expect(await k('get', 'pod', 'p3', '-n', ns)).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): pods "p3" not found\n' });
    });

    it('delete -f deletes every object of a manifest', async () => {
      const f = await manifest('delete-f.yaml', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p4\n  namespace: ${ns}\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c4\n  namespace: ${ns}\n`);
      expect(await ok('create', '-f', f)).toBe('pod/p4 created\nconfigmap/c4 created\n');
      expect(await k('delete', '-f', f)).toEqual({ code: 0, stdout: 'pod "p4" deleted\nconfigmap "c4" deleted\n', stderr: '' });
      expect((await k('get', 'pod', 'p4', '-n', ns)).code).toBe(1);
      expect((await k('get', 'cm', 'c4', '-n', ns)).code).toBe(1);
      // deleting it again: NotFound for each object
      const again = await k('delete', '-f', f);
      expect(again.code).toBe(1);
      expect(again.stderr).toBe(
        `Error from server (NotFound): error when deleting "${f}": pods "p4" not found\nError from server (NotFound): error when deleting "${f}": configmaps "c4" not found\n`,
      );
    });

    it('delete pods -l app=x deletes the matching pods only', async () => {
      expect(await k('delete', 'pods', '-n', ns, '-l', 'app=x')).toEqual({ code: 0, stdout: 'pod "p1" deleted\npod "p2" deleted\n', stderr: '' });
      expect(await k('get', 'pods', '-n', ns)).toMatchObject({ code: 0, stdout: '', stderr: `No resources found in ${ns} namespace.\n` });
      expect(await k('delete', 'pods', '-n', ns, '-l', 'app=x')).toEqual({ code: 0, stdout: 'No resources found\n', stderr: '' });
    });

    it('delete of a missing pod: NotFound, or silence with --ignore-not-found', async () => {
      expect(await k('delete', 'pod', 'nope', '-n', ns, '--ignore-not-found')).toEqual({ code: 0, stdout: '', stderr: '' });
      expect(await k('delete', 'pod', 'nope', '-n', ns)).toEqual({ code: 1, stdout: '', stderr: 'Error from server (NotFound): pods "nope" not found\n' });
    });

    it('a finalizer holds a deleted configmap until it is removed', async () => {
      const f = await manifest('held.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  namespace: ${ns}\n  finalizers:\n  - example.com/hold\ndata:\n  a: "1"\n`);
      expect(await ok('create', '-f', f)).toBe('configmap/held created\n');
      const t0 = Date.now();
      expect(await k('delete', 'cm', 'held', '-n', ns, '--wait=false')).toEqual({ code: 0, stdout: 'configmap "held" deleted\n', stderr: '' });
      expect(Date.now() - t0).toBeLessThan(10_000);
      const held = await getJson('cm', 'held', '-n', ns);
      expect(held.metadata.deletionTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(held.metadata.finalizers).toEqual(['example.com/hold']);
      expect(held.data).toEqual({ a: '1' });
      // deleting again is accepted and changes nothing
      expect(await k('delete', 'cm', 'held', '-n', ns, '--wait=false')).toEqual({ code: 0, stdout: 'configmap "held" deleted\n', stderr: '' });
      expect((await getJson('cm', 'held', '-n', ns)).metadata.deletionTimestamp).toBe(held.metadata.deletionTimestamp);

      expect(await ok('patch', 'cm', 'held', '-n', ns, '--type=merge', '-p', '{"metadata":{"finalizers":null}}')).toBe('configmap/held patched\n');
      await waitFor(async () => (await k('get', 'cm', 'held', '-n', ns)).code === 1, 10_000, 'configmap held to disappear');
      expect(await k('get', 'cm', 'held', '-n', ns)).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): configmaps "held" not found\n' });
    });

    it('delete -f a multi-object example manifest', async () => {
      const f = join(EXAMPLES, 'mysql-statefulset.yaml');
      expect(await k('delete', '-f', f)).toEqual({ code: 0, stdout: 'service "mysql" deleted\nstatefulset.apps "mysql" deleted\n', stderr: '' });
      expect(await k('get', 'sts', 'mysql')).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): statefulsets.apps "mysql" not found\n' });
      expect(await k('get', 'svc', 'mysql')).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): services "mysql" not found\n' });
    });
  });

  describe('namespace lifecycle', () => {
    it('deleting a namespace removes its contents and then the namespace', async () => {
      const ns = 'e2e-life';
      const f = await manifest('life.yaml', `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: inner\n  namespace: ${ns}\ndata:\n  a: "1"\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: inner-pod\n  namespace: ${ns}\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n`);
      expect(await ok('create', '-f', f)).toBe(`namespace/${ns} created\nconfigmap/inner created\npod/inner-pod created\n`);
      expect(await ok('get', 'cm', 'inner', '-n', ns, '-o', 'name')).toBe('configmap/inner\n');

      const r = await kubectl(['delete', 'ns', ns], { timeoutMs: 25_000 });
      expect(r).toEqual({ code: 0, stdout: `namespace "${ns}" deleted\n`, stderr: '' });
      expect(await k('get', 'ns', ns)).toMatchObject({ code: 1, stderr: `Error from server (NotFound): namespaces "${ns}" not found\n` });
      expect((await api(`/api/v1/namespaces/${ns}/configmaps/inner`)).status).toBe(404);
      expect((await api(`/api/v1/namespaces/${ns}/pods/inner-pod`)).status).toBe(404);
      expect(await k('get', 'cm', '-n', ns)).toMatchObject({ code: 0, stdout: '', stderr: `No resources found in ${ns} namespace.\n` });
    });
  });

  describe('validation', () => {
    it('a pod without an image is Invalid', async () => {
      const f = await manifest('bad.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  containers:\n  - name: c\n');
      const expected = { code: 1, stdout: '', stderr: 'The Pod "bad" is invalid: spec.containers[0].image: Required value\n' };
      expect(await k('create', '-f', f)).toEqual(expected);
      expect(await k('apply', '-f', f)).toEqual(expected);
      expect((await k('get', 'pod', 'bad')).code).toBe(1);
    });
  });

  describe('OpenAPI: explain and server-side field validation', () => {
    it('explain pod.spec.containers prints the field, its type and its fields with their documentation', async () => {
      const out = await ok('explain', 'pod.spec.containers');
      expect(out).toMatch(/^KIND: {7}Pod\nVERSION: {4}v1\n\nFIELD: containers <\[\]Container>\n\n\nDESCRIPTION:\n {4}List of containers belonging to the pod\./);
      expect(out).toContain('\n    A single application container that you want to run within a pod.\n');
      expect(out).toContain('\nFIELDS:\n  args\t<[]string>\n    Arguments to the entrypoint.');
      expect(out).toContain('\n  image\t<string>\n');
      expect(out).toContain('\n  name\t<string> -required-\n    Name of the container specified as a DNS_LABEL.');
      expect(out).toContain('\n  ports\t<[]ContainerPort>\n');
      expect(out).toContain('\n  resources\t<ResourceRequirements>\n');
    });

    it('explain ds names the group, kind and version, and lists the top-level fields', async () => {
      const out = await ok('explain', 'ds');
      expect(out).toMatch(/^GROUP: {6}apps\nKIND: {7}DaemonSet\nVERSION: {4}v1\n\nDESCRIPTION:\n {4}DaemonSet represents the configuration of a daemon set\.\n/);
      const fields = [...out.matchAll(/^ {2}(\w+)\t<([^>]+)>/gm)].map((m) => `${m[1]} <${m[2]}>`);
      expect(fields).toEqual(['apiVersion <string>', 'kind <string>', 'metadata <ObjectMeta>', 'spec <DaemonSetSpec>', 'status <DaemonSetStatus>']);
      expect(out).toContain('  metadata\t<ObjectMeta>\n    Standard object\'s metadata. More info:\n');
    });

    it('explain sts.spec --recursive prints the whole tree of field names and types', async () => {
      const out = await ok('explain', 'sts.spec', '--recursive');
      expect(out).toMatch(/^GROUP: {6}apps\nKIND: {7}StatefulSet\nVERSION: {4}v1\n\nFIELD: spec <StatefulSetSpec>\n/);
      for (const line of [
        '  replicas\t<integer>',
        '  selector\t<LabelSelector> -required-',
        '    matchLabels\t<map[string]string>',
        '  serviceName\t<string>',
        '  template\t<PodTemplateSpec> -required-',
        '    spec\t<PodSpec>',
        '      containers\t<[]Container> -required-',
        '        image\t<string>',
        '        livenessProbe\t<Probe>',
        '          httpGet\t<HTTPGetAction>',
        '            port\t<IntOrString> -required-',
        '  updateStrategy\t<StatefulSetUpdateStrategy>',
        '  volumeClaimTemplates\t<[]PersistentVolumeClaim>',
      ]) expect(out.split('\n'), line).toContain(line);
      expect(await ok('explain', 'pod.spec.containers.resources.limits')).toMatch(/^FIELD: limits <map\[string\]Quantity>$/m);
      expect(await ok('explain', 'pod.metadata.creationTimestamp')).toMatch(/^FIELD: creationTimestamp <string>$/m);
      expect(await k('explain', 'pod.spec.nope')).toMatchObject({ code: 1, stderr: 'error: field "nope" does not exist\n' });
    });

    const bogus = (name: string): string =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  bogusField: 1\n  containers:\n  - name: c\n    image: busybox:1.36\n`;

    it('--validate=strict (the default) refuses an unknown field with the server\'s error', async () => {
      const f = await manifest('bad-field.yaml', bogus('bad-field'));
      for (const args of [['create', '-f', f], ['apply', '-f', f], ['create', '--validate=strict', '-f', f]]) {
        const r = await k(...args);
        expect(r, args.join(' ')).toEqual({
          code: 1,
          stdout: '',
          stderr: `Error from server (BadRequest): error when creating "${f}": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.bogusField"\n`,
        });
      }
      expect((await k('get', 'pod', 'bad-field')).code).toBe(1);
    });

    it('--validate=warn creates, prints the server\'s warning and drops the field', async () => {
      const f = await manifest('warn-field.yaml', bogus('warn-field'));
      const r = await k('create', '--validate=warn', '-f', f);
      expect(r).toEqual({ code: 0, stdout: 'pod/warn-field created\n', stderr: 'Warning: unknown field "spec.bogusField"\n' });
      expect((await getJson('pod', 'warn-field')).spec).not.toHaveProperty('bogusField');
      expect(await ok('delete', 'pod', 'warn-field', '--wait=false')).toBe('pod "warn-field" deleted\n');
    });

    it('--validate=false sends fieldValidation=Ignore: no error, no warning', async () => {
      const f = await manifest('ignore-field.yaml', bogus('ignore-field'));
      expect(await k('create', '--validate=false', '-f', f)).toEqual({ code: 0, stdout: 'pod/ignore-field created\n', stderr: '' });
      expect(await ok('delete', 'pod', 'ignore-field', '--wait=false')).toBe('pod "ignore-field" deleted\n');
    });
  });

  describe('cleanup with the default waiting delete', () => {
    it('delete pod of an example and delete -f of another', async () => {
      expect(await k('delete', 'pod', 'with-toleration')).toEqual({ code: 0, stdout: 'pod "with-toleration" deleted\n', stderr: '' });
      expect(await k('delete', '-f', join(EXAMPLES, 'pod-pod-affinity.yaml'))).toEqual({ code: 0, stdout: 'pod "with-pod-affinity" deleted\n', stderr: '' });
      expect(await ok('get', 'pods', '-o', 'name')).toBe('pod/static-web\npod/with-node-affinity\n');
    });
  });

  it('the examples folder exists', () => {
    expect(existsSync(EXAMPLES)).toBe(true);
  });
});
