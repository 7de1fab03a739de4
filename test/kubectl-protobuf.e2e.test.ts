// End-to-end: the kubectl commands whose typed clients send protobuf bodies (create namespace|configmap|secret|
// serviceaccount|service|pdb, drain's DELETE fallback), run for real against `kubeling up` through a proxy that
// records the bodies.

import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startUp, writeKubeconfig, type UpCluster } from './support/cluster.js';
import { kubectlFor, kubectlOrSkip, type KubectlResult } from './support/kubectl.js';
import { startRecordingProxy, type RecordingProxy } from './support/recording-proxy.js';

const available = kubectlOrSkip();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** An object without what the server assigns per object (so two creations of the same content compare equal). */
function content(o: Json, name: string): Json {
  const { uid: _u, resourceVersion: _r, creationTimestamp: _c, name: _n, ...meta } = o.metadata as Json;
  void _u; void _r; void _c; void _n;
  const text = JSON.stringify({ ...o, metadata: meta });
  return JSON.parse(text.replaceAll(`"${name}"`, '"NAME"')) as Json;
}

describe.skipIf(!available)('kubectl typed-client writes (protobuf bodies)', () => {
  let cluster: UpCluster;
  let proxy: RecordingProxy;
  let kubectl: ReturnType<typeof kubectlFor>;
  let files: string;

  const k = (...args: string[]): Promise<KubectlResult> => kubectl(args);
  const ok = async (...args: string[]): Promise<string> => {
    const r = await kubectl(args);
    expect(r.code, `kubectl ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  const okWith = async (input: string, ...args: string[]): Promise<string> => {
    const r = await kubectl(args, { input });
    expect(r.code, `kubectl ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  const getJson = async (...args: string[]): Promise<Json> => JSON.parse(await ok('get', ...args, '-o', 'json')) as Json;

  /** The requests kubectl sent while `run` ran. */
  const sent = async (run: () => Promise<unknown>): Promise<RecordingProxy['requests']> => {
    const from = proxy.requests.length;
    await run();
    return proxy.requests.slice(from);
  };
  /** Expects that the one write among `reqs` was a protobuf body (the path this suite is about). */
  const expectProtobufWrite = (reqs: RecordingProxy['requests'], method: string, path: string): void => {
    const writes = reqs.filter((r) => r.method === method && r.url.split('?')[0] === path);
    expect(writes, `${method} ${path} among ${reqs.map((r) => `${r.method} ${r.url}`).join(', ')}`).toHaveLength(1);
    expect(writes[0]!.contentType).toBe(PROTOBUF);
    expect(writes[0]!.body.subarray(0, 4)).toEqual(Buffer.from('k8s\0'));
  };

  /** Creates the same object from kubectl's own client-side YAML (a JSON body) under another name; returns it. */
  const sameFromYaml = async (createArgs: string[], name: string, other: string, resource: string): Promise<Json> => {
    const yaml = await ok('create', ...createArgs.map((a) => (a === name ? other : a)), '--dry-run=client', '-o', 'yaml');
    await okWith(yaml, 'create', '-f', '-');
    return getJson(resource, other);
  };

  beforeAll(async () => {
    cluster = await startUp();
    proxy = await startRecordingProxy(cluster.url, { hideEviction: true });
    files = cluster.dir;
    const kubeconfig = join(cluster.dir, 'proxy-kubeconfig');
    await writeKubeconfig(kubeconfig, proxy.url);
    kubectl = kubectlFor(kubeconfig, join(cluster.dir, 'kube-cache'));
  });

  afterAll(async () => {
    await proxy?.close();
    await cluster?.stop();
  });

  it('create namespace: prints, stores and lists it as a real cluster does', async () => {
    const reqs = await sent(async () => expect(await ok('create', 'namespace', 'pb-ns')).toBe('namespace/pb-ns created\n'));
    expectProtobufWrite(reqs, 'POST', '/api/v1/namespaces');
    const ns = await getJson('namespace', 'pb-ns');
    expect(ns).toMatchObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pb-ns', labels: { 'kubernetes.io/metadata.name': 'pb-ns' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    const fromYaml = await sameFromYaml(['namespace', 'pb-ns'], 'pb-ns', 'yaml-ns', 'namespace');
    expect(content(ns, 'pb-ns')).toEqual(content(fromYaml, 'yaml-ns'));
    expect(await ok('get', 'ns', 'pb-ns', '-o', 'name')).toBe('namespace/pb-ns\n');
  });

  it('create configmap from literals and files (text and binary): data and binaryData', async () => {
    await writeFile(join(files, 'note.txt'), 'hello\nworld\n');
    await writeFile(join(files, 'blob.bin'), Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x80]));
    const args = ['configmap', 'pb-cm', '--from-literal=a=b', '--from-literal=empty=', `--from-file=${join(files, 'note.txt')}`, `--from-file=${join(files, 'blob.bin')}`];
    const reqs = await sent(async () => expect(await ok('create', ...args)).toBe('configmap/pb-cm created\n'));
    expectProtobufWrite(reqs, 'POST', '/api/v1/namespaces/default/configmaps');
    const cm = await getJson('configmap', 'pb-cm');
    expect(cm.data).toEqual({ a: 'b', empty: '', 'note.txt': 'hello\nworld\n' });
    expect(cm.binaryData).toEqual({ 'blob.bin': Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x80]).toString('base64') });
    const fromYaml = await sameFromYaml(args, 'pb-cm', 'yaml-cm', 'configmap');
    expect(content(cm, 'pb-cm')).toEqual(content(fromYaml, 'yaml-cm'));
  });

  it.each([
    ['generic', ['secret', 'generic', 'pb-generic', '--from-literal=user=admin', '--from-literal=pass=s3cr3t'], 'Opaque'],
    ['generic with a type', ['secret', 'generic', 'pb-typed', '--from-literal=k=v', '--type=example.com/custom'], 'example.com/custom'],
    ['docker-registry', ['secret', 'docker-registry', 'pb-pull', '--docker-server=registry.example', '--docker-username=u', '--docker-password=p'], 'kubernetes.io/dockerconfigjson'],
  ])('create secret %s: base64 data and type', async (_what, args, type) => {
    const name = args[2]!;
    const reqs = await sent(async () => expect(await ok('create', ...args)).toBe(`secret/${name} created\n`));
    expectProtobufWrite(reqs, 'POST', '/api/v1/namespaces/default/secrets');
    const secret = await getJson('secret', name);
    expect(secret.type).toBe(type);
    const fromYaml = await sameFromYaml(args, name, `yaml-${name}`, 'secret');
    expect(content(secret, name)).toEqual(content(fromYaml, `yaml-${name}`));
    if (name === 'pb-generic') expect(secret.data).toEqual({ pass: Buffer.from('s3cr3t').toString('base64'), user: Buffer.from('admin').toString('base64') });
  });

  it('create secret tls: certificate and key as bytes', async (ctx) => {
    const cert = join(files, 'tls.crt');
    const key = join(files, 'tls.key');
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=kubeling-test'], { stdio: 'ignore' });
    } catch {
      ctx.skip();
    }
    const reqs = await sent(async () => expect(await ok('create', 'secret', 'tls', 'pb-tls', `--cert=${cert}`, `--key=${key}`)).toBe('secret/pb-tls created\n'));
    expectProtobufWrite(reqs, 'POST', '/api/v1/namespaces/default/secrets');
    const secret = await getJson('secret', 'pb-tls');
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(Buffer.from(secret.data['tls.crt'] as string, 'base64').toString()).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(Buffer.from(secret.data['tls.key'] as string, 'base64').toString()).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('create serviceaccount', async () => {
    const reqs = await sent(async () => expect(await ok('create', 'serviceaccount', 'pb-sa')).toBe('serviceaccount/pb-sa created\n'));
    expectProtobufWrite(reqs, 'POST', '/api/v1/namespaces/default/serviceaccounts');
    const sa = await getJson('serviceaccount', 'pb-sa');
    expect(sa).toMatchObject({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'pb-sa', namespace: 'default' } });
    const fromYaml = await sameFromYaml(['serviceaccount', 'pb-sa'], 'pb-sa', 'yaml-sa', 'serviceaccount');
    expect(content(sa, 'pb-sa')).toEqual(content(fromYaml, 'yaml-sa'));
    expect(await ok('get', 'sa', 'pb-sa', '-o', 'name')).toBe('serviceaccount/pb-sa\n');
  });

  /** A Service without what the server allocates (cluster IPs, node ports). */
  const unallocated = (svc: Json, name: string): Json => {
    const c = content(svc, name);
    delete c.spec.clusterIP;
    delete c.spec.clusterIPs;
    for (const p of (c.spec.ports ?? []) as Json[]) delete p.nodePort;
    return c;
  };

  it.each([
    ['clusterip', ['service', 'clusterip', 'pb-svc', '--tcp=80:8080', '--tcp=443:https'], 'ClusterIP', '80/TCP,443/TCP'],
    ['nodeport', ['service', 'nodeport', 'pb-np', '--tcp=80:8080'], 'NodePort', /^80:3\d{4}\/TCP$/],
    ['loadbalancer', ['service', 'loadbalancer', 'pb-lb', '--tcp=80'], 'LoadBalancer', /^80:3\d{4}\/TCP$/],
    ['externalname', ['service', 'externalname', 'pb-en', '--external-name=example.com'], 'ExternalName', '<none>'],
    ['headless', ['service', 'clusterip', 'pb-headless', '--clusterip=None'], 'ClusterIP', '<none>'],
  ])('create service %s', async (_what, args, type, ports) => {
    const name = args[2]!;
    const reqs = await sent(async () => expect(await ok('create', ...args)).toBe(`service/${name} created\n`));
    expectProtobufWrite(reqs, 'POST', '/api/v1/namespaces/default/services');
    const svc = await getJson('service', name);
    expect(svc.spec.type).toBe(type);
    expect(svc.metadata.labels).toEqual({ app: name });
    const line = (await ok('get', 'service', name, '--no-headers')).trim().split(/\s+/);
    expect(line[0]).toBe(name);
    expect(line[4]).toEqual(ports instanceof RegExp ? expect.stringMatching(ports) : ports);
    const fromYaml = await sameFromYaml(args, name, `yaml-${name}`, 'service');
    expect(unallocated(svc, name)).toEqual(unallocated(fromYaml, `yaml-${name}`));
  });

  it('create service nodeport with a fixed node port, and a target port by name', async () => {
    await ok('create', 'service', 'nodeport', 'pb-fixed', '--tcp=8080:http', '--node-port=30999');
    const svc = await getJson('service', 'pb-fixed');
    expect(svc.spec.ports).toEqual([{ name: '8080-http', nodePort: 30999, port: 8080, protocol: 'TCP', targetPort: 'http' }]);
  });

  it.each([
    ['min-available', ['poddisruptionbudget', 'pb-pdb', '--selector=app=web', '--min-available=50%'], { minAvailable: '50%', selector: { matchLabels: { app: 'web' } } }],
    ['max-unavailable', ['pdb', 'pb-pdb2', '--selector=app=web,tier notin (cache)', '--max-unavailable=1'], { maxUnavailable: 1, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['cache'] }] } }],
  ])('create poddisruptionbudget (%s)', async (_what, args, spec) => {
    const name = args[1]!;
    const reqs = await sent(async () => expect(await ok('create', ...args)).toBe(`poddisruptionbudget.policy/${name} created\n`));
    expectProtobufWrite(reqs, 'POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets');
    const pdb = await getJson('pdb', name);
    expect(pdb.spec).toEqual(spec);
    const fromYaml = await sameFromYaml(args, name, `yaml-${name}`, 'pdb');
    expect(content(pdb, name)).toEqual(content(fromYaml, `yaml-${name}`));
  });

  it.each([
    [['namespace', 'dry-ns'], 'namespace', 'Namespace'],
    [['configmap', 'dry-cm', '--from-literal=a=b'], 'configmap', 'ConfigMap'],
    [['secret', 'generic', 'dry-secret', '--from-literal=a=b'], 'secret', 'Secret'],
    [['serviceaccount', 'dry-sa'], 'serviceaccount', 'ServiceAccount'],
  ])('create %j --dry-run=server -o yaml prints the object the server would store, and stores nothing', async (args, resource, kind) => {
    const name = args[0] === 'secret' ? args[2]! : args[1]!;
    const out = parseYaml(await ok('create', ...args, '--dry-run=server', '-o', 'yaml')) as Json;
    expect(out).toMatchObject({ apiVersion: 'v1', kind, metadata: { name, uid: expect.any(String), creationTimestamp: expect.any(String) } });
    if (kind === 'Namespace') expect(out).toMatchObject({ spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    if (kind === 'ConfigMap') expect(out.data).toEqual({ a: 'b' });
    if (kind === 'Secret') expect(out).toMatchObject({ data: { a: 'Yg==' }, type: 'Opaque' });
    expect(await k('get', resource, name)).toMatchObject({ code: 1, stderr: expect.stringContaining('NotFound') });
    expect(await ok('create', ...args, '--dry-run=server')).toBe(`${resource}/${name} created (server dry run)\n`);
  });

  it('create -o yaml and -o json print the stored object', async () => {
    const yaml = parseYaml(await ok('create', 'configmap', 'pb-yaml', '--from-literal=x=y', '-o', 'yaml')) as Json;
    expect(yaml).toEqual(await getJson('configmap', 'pb-yaml'));
    const json = JSON.parse(await ok('create', 'namespace', 'pb-json', '-o', 'json')) as Json;
    expect(json).toEqual(await getJson('namespace', 'pb-json'));
  });

  it('errors come back as a real server words them', async () => {
    expect(await k('create', 'namespace', 'pb-ns')).toEqual({ code: 1, stdout: '', stderr: 'Error from server (AlreadyExists): namespaces "pb-ns" already exists\n' });
    expect(await k('create', 'configmap', 'pb-cm', '--from-literal=a=b')).toMatchObject({ code: 1, stderr: 'error: failed to create configmap: configmaps "pb-cm" already exists\n' });
    expect(await k('create', 'configmap', 'Bad_Name')).toMatchObject({ code: 1, stderr: expect.stringContaining('ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"') });
    expect(await k('create', 'configmap', 'elsewhere', '-n', 'no-such-ns')).toMatchObject({ code: 1, stderr: 'error: failed to create configmap: namespaces "no-such-ns" not found\n' });
  });

  it('drain without the Eviction API deletes pods with a protobuf DeleteOptions body, honouring its grace period', async () => {
    const manifest = 'apiVersion: v1\nkind: Node\nmetadata:\n  name: pb-node\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: bare\nspec:\n  nodeName: pb-node\n  containers:\n  - name: c\n    image: busybox\n';
    await okWith(manifest, 'create', '-f', '-');
    let result: KubectlResult | undefined;
    const reqs = await sent(async () => {
      result = await kubectl(['drain', 'pb-node', '--force', '--grace-period=0'], { timeoutMs: 30_000 });
    });
    expect(result).toMatchObject({ code: 0, stdout: 'node/pb-node cordoned\npod/bare deleted\nnode/pb-node drained\n' });
    expect(result!.stderr).toContain('Warning: deleting Pods that declare no controller: default/bare');
    expectProtobufWrite(reqs, 'DELETE', '/api/v1/namespaces/default/pods/bare');
    expect(reqs.some((r) => r.url.includes('/eviction'))).toBe(false);
    expect(await k('get', 'pod', 'bare')).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): pods "bare" not found\n' });
  });
});
