// Simulated kubelets as a user sees them through the real kubectl: nodes, pods, failures, logs, static pods, joins.

import { spawn } from 'node:child_process';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, waitFor, type Started } from './support/cluster.js';
import { kubectlOrSkip } from './support/kubectl.js';
import { kubectlCalls, startKubectlSession, type KubectlSession } from './support/kubectl-session.js';

const available = kubectlOrSkip();
const CP = 'kubeling-control-plane';

describe.skipIf(!available)('simulated kubelets through kubectl', () => {
  let s: KubectlSession;
  let static_: string;
  const { k, ok } = kubectlCalls(() => s.kubectl);
  const json = async <T = Record<string, any>>(...args: string[]): Promise<T> => JSON.parse(await ok(...args, '-o', 'json')) as T; // eslint-disable-line @typescript-eslint/no-explicit-any
  const apply = (text: string) => s.kubectl(['apply', '-f', '-'], { input: text });

  beforeAll(async () => {
    // a manifest change the file watch misses is still seen within the test's time, as the kubelet's rescan sees it
    s = await startKubectlSession(['--file-check-frequency', '2s']);
    static_ = join(s.cluster.dir, 'static-pods');
  });
  afterAll(async () => {
    await s?.cluster.stop();
  });

  it('registers one control-plane node and two workers, Ready, that look real in get -o wide and describe', async () => {
    const wide = await ok('get', 'nodes', '-o', 'wide');
    const rows = wide.trim().split('\n');
    expect(rows[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME$/);
    expect(rows.slice(1).map((r) => r.split(/\s+/).slice(0, 3).join(' '))).toEqual([`${CP} Ready control-plane`, 'kubeling-worker Ready <none>', 'kubeling-worker2 Ready <none>']);
    for (const r of rows.slice(1)) expect(r).toMatch(/v1\.32\.4\s+172\.18\.0\.\d+\s+<none>\s+Debian GNU\/Linux 12 \(bookworm\)\s+\S+\s+containerd:\/\/\S+$/);
    // admission taints every new Node not-ready:NoSchedule; the node lifecycle controller removes it once it sees Ready
    const cp = await waitFor(async () => {
      const n = await json('get', 'node', CP);
      return n.spec.taints?.length === 1 ? n : undefined;
    }, 15_000, 'the not-ready taint to go');
    expect(cp!.spec.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    expect(cp!.status.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`)).toEqual(['NetworkUnavailable=False', 'MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True']);
    for (const n of [CP, 'kubeling-worker', 'kubeling-worker2']) expect((await stat(join(static_, n))).isDirectory()).toBe(true);
    const zones = new Set<string>();
    for (const n of ['kubeling-worker', 'kubeling-worker2']) zones.add((await json('get', 'node', n)).metadata.labels['topology.kubernetes.io/zone']);
    expect(zones.size).toBe(2);
    const described = await ok('describe', 'node', 'kubeling-worker');
    for (const want of [/^Roles:\s+<none>$/m, /HolderIdentity:\s+kubeling-worker$/m, /^\s+Ready\s+True\s.*KubeletReady\s+kubelet is posting ready status$/m, /^Capacity:\n\s+cpu:\s+4$/m, /Kubelet Version:\s+v1\.32\.4/, /PodCIDR:\s+10\.\d+\.\d+\.0\/24/]) {
      expect(described).toMatch(want);
    }
    const leases = await ok('get', 'leases', '-n', 'kube-node-lease', '-o', 'custom-columns=NAME:.metadata.name,HOLDER:.spec.holderIdentity,OWNER:.metadata.ownerReferences[0].kind', '--no-headers');
    expect(leases.trim().split('\n').map((l) => l.split(/\s+/).join(' '))).toEqual([`${CP} ${CP} Node`, 'kubeling-worker kubeling-worker Node', 'kubeling-worker2 kubeling-worker2 Node']);
  });

  it('runs a pod bound to a node: Pending → Running and Ready, with real-looking statuses; delete returns', async () => {
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  nodeName: kubeling-worker
  initContainers: [{name: init, image: busybox:1.36}]
  containers:
  - {name: nginx, image: nginx:1.27}
  - {name: side, image: busybox:1.36}
`;
    expect((await apply(pod)).code).toBe(0);
    await ok('wait', '--for=condition=Ready', 'pod/web', '--timeout=20s');
    const p = await json('get', 'pod', 'web');
    expect(p.status.phase).toBe('Running');
    expect(p.status.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`)).toEqual(['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
    expect(p.status.hostIP).toMatch(/^172\.18\.0\.\d+$/);
    expect(p.status.podIP).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(p.status.startTime).toMatch(/Z$/);
    expect(p.status.initContainerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    for (const c of p.status.containerStatuses) {
      expect(c).toMatchObject({ ready: true, started: true, restartCount: 0 });
      expect(c.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
      expect(c.imageID).toMatch(/@sha256:[0-9a-f]{64}$/);
      expect(c.state.running.startedAt).toMatch(/Z$/);
    }
    const table = await ok('get', 'pod', 'web', '-o', 'wide', '--no-headers');
    expect(table).toMatch(/^web\s+2\/2\s+Running\s+0\s+\S+\s+10\.\d+\.\d+\.\d+\s+kubeling-worker\s/);
    const events = await ok('describe', 'pod', 'web');
    expect(events).toMatch(/Normal\s+Started\s+\S+\s+kubelet\s+Started container nginx/);
    const started = Date.now();
    await ok('delete', 'pod', 'web');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await k('get', 'pod', 'web')).stderr).toContain('pods "web" not found');
  });

  it('a readiness probe delays Ready by its initialDelaySeconds', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: slow}
spec:
  nodeName: kubeling-worker2
  containers: [{name: c, image: nginx:1.27, readinessProbe: {httpGet: {path: /, port: 80}, initialDelaySeconds: 2}}]
`);
    await waitFor(async () => (await json('get', 'pod', 'slow')).status.phase === 'Running', 10_000, 'slow to run');
    const running = await json('get', 'pod', 'slow');
    expect(running.status.containerStatuses[0].ready).toBe(false);
    await ok('wait', '--for=condition=Ready', 'pod/slow', '--timeout=20s');
    const ready = await json('get', 'pod', 'slow');
    const at = (t: string) => Date.parse(ready.status.conditions.find((c: { type: string }) => c.type === t).lastTransitionTime);
    expect(at('Ready') - Date.parse(ready.status.containerStatuses[0].state.running.startedAt)).toBeGreaterThanOrEqual(2000);
    await ok('delete', 'pod', 'slow', '--wait=false');
  });

  it('a bad image stays in ImagePullBackOff; a crashing one goes to CrashLoopBackOff with restarts', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: bad}
spec:
  nodeName: kubeling-worker
  containers: [{name: c, image: nginx:doesnotexist}]
---
apiVersion: v1
kind: Pod
metadata: {name: crash}
spec:
  nodeName: kubeling-worker2
  containers: [{name: c, image: busybox:crash}]
`);
    await waitFor(async () => /\s0\/1\s+ImagePullBackOff\s/.test(await ok('get', 'pod', 'bad', '--no-headers')), 15_000, 'ImagePullBackOff');
    expect(await ok('describe', 'pod', 'bad')).toMatch(/Warning\s+Failed\s+\S+\s+kubelet\s+Failed to pull image "nginx:doesnotexist"/);
    const logs = await k('logs', 'bad');
    expect(logs.stderr).toContain('container "c" in pod "bad" is waiting to start: trying and failing to pull image');
    await waitFor(async () => /\s0\/1\s+CrashLoopBackOff\s+1 \(/.test(await ok('get', 'pod', 'crash', '--no-headers')), 15_000, 'CrashLoopBackOff');
    const prev = await ok('logs', 'crash', '--previous');
    expect(prev).toContain('exiting with code 1');
  });

  it('kubectl logs: -c, --tail, --timestamps and -f (which ends when the pod goes)', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: talk}
spec:
  nodeName: ${CP}
  tolerations: [{operator: Exists}]
  containers: [{name: a, image: nginx:1.27}, {name: b, image: busybox:1.36}]
`);
    await ok('wait', '--for=condition=Ready', 'pod/talk', '--timeout=20s');
    const a = await ok('logs', 'talk', '-c', 'a');
    expect(a).toContain('Starting a (image nginx:1.27) in pod default/talk');
    expect((await ok('logs', 'talk', '-c', 'b')).split('\n')[0]).toContain('Starting b');
    const lines = (await ok('logs', 'talk', '-c', 'a', '--tail=2', '--timestamps')).trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \S/);
    const follow = spawn('kubectl', ['--kubeconfig', s.cluster.kubeconfig, '--cache-dir', s.cacheDir, 'logs', '-f', 'talk', '-c', 'a'], { env: { ...process.env, HOME: s.cacheDir } });
    let out = '';
    follow.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => follow.once('exit', (code) => resolve(code)));
    await waitFor(() => out.includes('Starting a'), 10_000, 'the followed log');
    await ok('delete', 'pod', 'talk');
    expect(await exited).toBe(0);
  });

  it('static pods: mirror pods appear, come back when deleted, follow edits, go with the file; bad files are reported', { timeout: 90_000 }, async () => {
    const dir = join(static_, CP);
    await mkdir(dir, { recursive: true });
    const etcd = (image: string) => `apiVersion: v1
kind: Pod
metadata: {name: etcd, namespace: kube-system, labels: {component: etcd}}
spec:
  containers: [{name: etcd, image: ${image}}]
`;
    await writeFile(join(dir, 'etcd.yaml'), etcd('registry.k8s.io/etcd:3.5.16-0'));
    const get = async () => {
      const r = await k('get', 'pod', '-n', 'kube-system', `etcd-${CP}`, '-o', 'json');
      return r.code === 0 ? (JSON.parse(r.stdout) as Record<string, any>) : undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const first = (await waitFor(async () => {
      const p = await get();
      return p?.status?.phase === 'Running' ? p : undefined;
    }, 20_000, 'the mirror pod'))!;
    const a = first.metadata.annotations;
    expect(a['kubernetes.io/config.mirror']).toBe(a['kubernetes.io/config.hash']);
    expect(a['kubernetes.io/config.source']).toBe('file');
    expect(a['kubernetes.io/config.seen']).toMatch(/Z$/);
    expect(first.metadata.ownerReferences).toEqual([expect.objectContaining({ apiVersion: 'v1', kind: 'Node', name: CP, controller: true })]);
    expect(first.spec.nodeName).toBe(CP);

    await ok('delete', 'pod', '-n', 'kube-system', `etcd-${CP}`);
    const back = (await waitFor(async () => {
      const p = await get();
      return p && p.metadata.uid !== first.metadata.uid && p.status?.phase === 'Running' ? p : undefined;
    }, 20_000, 'the mirror pod to come back'))!;
    expect(back.metadata.annotations['kubernetes.io/config.hash']).toBe(a['kubernetes.io/config.hash']);
    expect(back.status.containerStatuses[0].restartCount).toBe(first.status.containerStatuses[0].restartCount);
    expect(back.status.containerStatuses[0].state.running.startedAt).toBe(first.status.containerStatuses[0].state.running.startedAt);

    await writeFile(join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: Bad_Name}\nspec: {containers: [{name: c, image: x}]}\n');
    await writeFile(join(dir, 'etcd.yaml'), etcd('registry.k8s.io/etcd:3.5.17-0'));
    const edited = (await waitFor(async () => {
      const p = await get();
      return p && p.metadata.annotations['kubernetes.io/config.hash'] !== a['kubernetes.io/config.hash'] && p.status?.phase === 'Running' ? p : undefined;
    }, 20_000, 'the edited static pod'))!;
    expect(edited.spec.containers[0].image).toBe('registry.k8s.io/etcd:3.5.17-0');
    expect(edited.metadata.uid).not.toBe(back.metadata.uid);
    const warned = await waitFor(async () => {
      const ev = await ok('get', 'events', '-n', 'default', '--field-selector', `involvedObject.name=${CP},reason=FailedStaticPodManifest`, '-o', 'jsonpath={.items[*].message}');
      return ev.includes('broken.yaml') ? ev : undefined;
    }, 15_000, 'the warning event');
    expect(warned).toContain(join(dir, 'broken.yaml'));

    await writeFile(join(static_, 'agent.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: agent}\nspec: {containers: [{name: a, image: busybox:1.36}]}\n');
    await waitFor(async () => (await ok('get', 'pods', '-o', 'name')).split('\n').filter((l) => l.startsWith('pod/agent-')).length === 3, 20_000, 'a shared static pod on every node');

    await rm(join(dir, 'etcd.yaml'));
    await waitFor(async () => (await get()) === undefined, 20_000, 'the mirror pod to go with its file');
  });

  it('adopts a Node created with kubectl apply and the simulate annotation', async () => {
    expect((await apply(`apiVersion: v1
kind: Node
metadata:
  name: extra-node
  labels: {disktype: ssd}
  annotations: {kubeling.io/simulate: "true"}
`)).code).toBe(0);
    await ok('wait', '--for=condition=Ready', 'node/extra-node', '--timeout=20s');
    const n = await json('get', 'node', 'extra-node');
    expect(n.metadata.labels).toMatchObject({ disktype: 'ssd', 'kubernetes.io/hostname': 'extra-node', 'kubernetes.io/os': 'linux' });
    expect(n.status.nodeInfo.kubeletVersion).toBe('v1.32.4');
    await waitFor(async () => (await k('get', 'lease', '-n', 'kube-node-lease', 'extra-node')).code === 0, 10_000, 'its lease');
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: on-extra}
spec:
  nodeName: extra-node
  containers: [{name: c, image: nginx:1.27}]
`);
    await ok('wait', '--for=condition=Ready', 'pod/on-extra', '--timeout=20s');
  });

  it('a second kubelet-sim joins two more nodes; when it stops, they stop heartbeating', async () => {
    let sim: Started | undefined;
    try {
      sim = await startCli(['kubelet-sim', '--kubeconfig', s.cluster.kubeconfig, '--nodes', '2', '--heartbeat-interval', '300ms'], /"ready":true/);
      expect(JSON.parse(sim.line)).toMatchObject({ ready: true, nodes: 2, names: ['kubeling-worker3', 'kubeling-worker4'] });
      await ok('wait', '--for=condition=Ready', 'node/kubeling-worker3', 'node/kubeling-worker4', '--timeout=20s');
      const renew = async () => (await json('get', 'lease', '-n', 'kube-node-lease', 'kubeling-worker3')).spec.renewTime as string;
      const before = await renew();
      await waitFor(async () => (await renew()) !== before, 10_000, 'a lease renewal');
      await sim.stop();
      const last = await renew();
      const stoppedAt = Date.now();
      // four heartbeat periods without a renewal
      await waitFor(async () => (await renew()) === last && Date.now() - stoppedAt > 1200, 10_000, 'heartbeats to stop');
      expect(await renew()).toBe(last);
    } finally {
      await sim?.stop();
    }
  });
});
