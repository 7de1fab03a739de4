// End-to-end durability: `kubeling apiserver` on a LevelDB data dir is SIGKILLed and restarted on the same dir and
// port; everything kubectl wrote, and every create the server acknowledged with a 201, must come back unchanged
// (same uid, same resourceVersion, same content), and resourceVersions keep growing after the restart.

import { fileURLToPath } from 'node:url';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startCli, tempDir, writeKubeconfig, type Started } from './support/cluster.js';
import { kubectlFor, kubectlOrSkip, type KubectlResult } from './support/kubectl.js';

const available = kubectlOrSkip();

const EXAMPLES = fileURLToPath(new URL('./fixtures/examples/', import.meta.url));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const NS = 'durable';
const BURST = 200;
const CONCURRENCY = 50;
const MAX_CREATES = 5000;

/** One object kubectl created: how to get it again. */
interface Tracked {
  resource: string;
  name: string;
  namespace?: string;
}

describe.skipIf(!available)('durability across SIGKILL (kubeling apiserver, level storage)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let port: number;
  let url: string;
  let server: Started | undefined;
  let kubectl: ReturnType<typeof kubectlFor>;

  const start = async (): Promise<Started> => {
    const s = await startCli(['apiserver', '--port', String(port), '--data-dir', join(dir, 'data'), '--storage', 'level'], /"ready":true/);
    url = String((JSON.parse(s.line) as Json).url);
    return s;
  };

  const ok = async (...args: string[]): Promise<string> => {
    const r: KubectlResult = await kubectl(args);
    expect(r.code, `kubectl ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
    return r.stdout;
  };

  const getJson = async (t: Tracked): Promise<Json> =>
    JSON.parse(await ok('get', t.resource, t.name, ...(t.namespace ? ['-n', t.namespace] : []), '-o', 'json')) as Json;

  const manifest = async (name: string, text: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  // state carried from one step to the next
  const tracked: Tracked[] = [
    { resource: 'namespace', name: NS },
    { resource: 'namespace', name: 'default' },
    { resource: 'service', name: 'kubernetes', namespace: 'default' },
    { resource: 'configmap', name: 'settings', namespace: NS },
    { resource: 'configmap', name: 'held', namespace: NS },
    { resource: 'secret', name: 'token', namespace: NS },
    { resource: 'pod', name: 'static-web', namespace: NS },
    { resource: 'service', name: 'mysql', namespace: NS },
    { resource: 'statefulset', name: 'mysql', namespace: NS },
    { resource: 'daemonset', name: 'ssd-monitor', namespace: NS },
    { resource: 'daemonset', name: 'fluentd-elasticsearch', namespace: 'kube-system' },
  ];
  const before = new Map<string, Json>();
  const acked = new Map<string, { uid: string; resourceVersion: string }>();
  const key = (t: Tracked): string => `${t.resource}/${t.namespace ?? ''}/${t.name}`;
  let maxRV = 0n;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('kubeling-durability-'));
    port = await freePort();
    server = await start();
    const kubeconfig = join(dir, 'kubeconfig');
    await writeKubeconfig(kubeconfig, url);
    kubectl = kubectlFor(kubeconfig, join(dir, 'kube-cache'));
  });

  afterAll(async () => {
    await server?.stop();
    await cleanup?.();
  });

  it('kubectl creates objects of several kinds', async () => {
    const setup = await manifest(
      'setup.yaml',
      `apiVersion: v1
kind: Namespace
metadata:
  name: ${NS}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${NS}
  labels:
    app: settings
data:
  mode: fast
  retries: "3"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: held
  namespace: ${NS}
  finalizers:
  - example.com/hold
data:
  a: "1"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: gone
  namespace: ${NS}
---
apiVersion: v1
kind: Secret
metadata:
  name: token
  namespace: ${NS}
type: Opaque
stringData:
  password: hunter2
`,
    );
    await ok('create', '-f', setup);
    await ok('create', '-n', NS, '-f', join(EXAMPLES, 'static-pod-web.yaml'));
    await ok('create', '-n', NS, '-f', join(EXAMPLES, 'mysql-statefulset.yaml'));
    await ok('create', '-n', NS, '-f', join(EXAMPLES, 'ssd-daemonset.yaml'));
    await ok('create', '-f', join(EXAMPLES, 'fluentd-elasticsearch-daemonset.yaml'));
    // later writes on top of the creates: a label, an annotation, a patch, a deletion held by a finalizer, a deletion
    await ok('label', 'cm', 'settings', '-n', NS, 'tier=backend');
    await ok('annotate', 'pod', 'static-web', '-n', NS, 'note=durable');
    await ok('patch', 'sts', 'mysql', '-n', NS, '--type=merge', '-p', '{"spec":{"replicas":5}}');
    await ok('label', 'ds', 'ssd-monitor', '-n', NS, 'app=ssd');
    await ok('delete', 'cm', 'held', '-n', NS, '--wait=false');
    await ok('delete', 'cm', 'gone', '-n', NS);

    for (const t of tracked) {
      const obj = await getJson(t);
      expect(obj.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(obj.metadata.resourceVersion).toMatch(/^\d+$/);
      before.set(key(t), obj);
      if (BigInt(obj.metadata.resourceVersion) > maxRV) maxRV = BigInt(obj.metadata.resourceVersion);
    }
    expect(before.get(key({ resource: 'configmap', name: 'held', namespace: NS }))?.metadata.deletionTimestamp).toBeTruthy();
    expect(before.get(key({ resource: 'statefulset', name: 'mysql', namespace: NS }))?.spec.replicas).toBe(5);
  });

  it(`concurrent creates are cut short by SIGKILL after ${BURST} acknowledgements`, async () => {
    const proc = server!.proc;
    const exited = new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) resolve();
      else proc.once('exit', () => resolve());
    });
    let killed = false;
    let sent = 0;
    const kill = (): void => {
      if (killed) return;
      killed = true;
      proc.kill('SIGKILL');
    };
    const create = async (i: number): Promise<void> => {
      const name = `burst-${String(i).padStart(4, '0')}`;
      try {
        const res = await fetch(`${url}/api/v1/namespaces/${NS}/configmaps`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { burst: 'yes' } }, data: { i: String(i) } }),
        });
        const body = (await res.json()) as Json;
        if (res.status === 201) {
          acked.set(name, { uid: String(body.metadata.uid), resourceVersion: String(body.metadata.resourceVersion) });
          if (acked.size >= BURST) kill();
        }
      } catch {
        // the connection died with the server: not acknowledged
      }
    };
    // CONCURRENCY clients keep creating until the server is killed, so writes are in flight at the kill
    const worker = async (): Promise<void> => {
      while (!killed && sent < MAX_CREATES) await create(sent++);
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    kill();
    await exited;
    server = undefined;
    expect(acked.size).toBeGreaterThanOrEqual(BURST);
    for (const a of acked.values()) if (BigInt(a.resourceVersion) > maxRV) maxRV = BigInt(a.resourceVersion);
  });

  it('after a restart on the same data dir and port, every object is identical', async () => {
    server = await start();
    expect(url).toBe(`http://127.0.0.1:${port}`);
    for (const t of tracked) {
      const obj = await getJson(t);
      const old = before.get(key(t));
      expect(obj.metadata.uid, key(t)).toBe(old?.metadata.uid);
      expect(obj.metadata.resourceVersion, key(t)).toBe(old?.metadata.resourceVersion);
      expect(obj, key(t)).toEqual(old);
    }
    const gone = await kubectl(['get', 'cm', 'gone', '-n', NS]);
    expect(gone).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): configmaps "gone" not found\n' });
  });

  it('every acknowledged burst create survived, with its uid and resourceVersion', async () => {
    const res = await fetch(`${url}/api/v1/namespaces/${NS}/configmaps?labelSelector=burst%3Dyes`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    const list = (await res.json()) as Json;
    const found = new Map<string, Json>((list.items as Json[]).map((i) => [String(i.metadata.name), i]));
    const missing = [...acked.keys()].filter((n) => !found.has(n));
    expect(missing, `acknowledged but lost after SIGKILL: ${missing.join(', ')}`).toEqual([]);
    for (const [name, a] of acked) {
      expect(found.get(name)?.metadata.uid, name).toBe(a.uid);
      expect(found.get(name)?.metadata.resourceVersion, name).toBe(a.resourceVersion);
    }
    // the unacknowledged ones may or may not exist, but whatever exists is whole
    for (const [name, obj] of found) expect(obj.data?.i, name).toBe(String(Number(name.slice('burst-'.length))));
    // the list's resourceVersion is at least the newest acknowledged write
    expect(BigInt(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(maxRV);
  });

  it('a new write after the restart gets a higher resourceVersion', async () => {
    await ok('label', 'cm', 'settings', '-n', NS, 'after=restart');
    const cm = await getJson({ resource: 'configmap', name: 'settings', namespace: NS });
    expect(cm.metadata.labels).toEqual({ app: 'settings', tier: 'backend', after: 'restart' });
    expect(BigInt(cm.metadata.resourceVersion)).toBeGreaterThan(maxRV);

    const created = await manifest('after.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: after\n  namespace: ${NS}\n`);
    await ok('create', '-f', created);
    const after = await getJson({ resource: 'configmap', name: 'after', namespace: NS });
    expect(BigInt(after.metadata.resourceVersion)).toBeGreaterThan(BigInt(cm.metadata.resourceVersion));

    // the held object is still held, and goes away once its finalizer is removed
    await ok('patch', 'cm', 'held', '-n', NS, '--type=merge', '-p', '{"metadata":{"finalizers":null}}');
    const held = await kubectl(['get', 'cm', 'held', '-n', NS]);
    expect(held).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): configmaps "held" not found\n' });
  });
});
