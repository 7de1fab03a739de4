// The scheduling, static pods and API versions walkthroughs, top to bottom, with the real kubectl against
// `kubeling up`, asserting kubectl's exact lines where the walkthrough names them.

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/cluster.js';
import { kubectlOrSkip } from './support/kubectl.js';
import { startKubectlSession, type KubectlSession } from './support/kubectl-session.js';
import { CP, example, helpers, WORKERS, type Json } from './support/walkthrough.js';

const available = kubectlOrSkip();

const CP_TAINT = '1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';

describe.skipIf(!available)('walkthrough: scheduling (the pod-*.yaml examples)', () => {
  let s: KubectlSession;
  const { ok, json, apply } = helpers(() => s);
  const nodeOf = async (pod: string): Promise<string> => ok('get', 'pod', pod, '-o', 'jsonpath={.spec.nodeName}');
  const boundTo = async (pod: string): Promise<string> => (await waitFor(async () => (await nodeOf(pod)) || undefined, 15_000, `${pod} to be scheduled`))!;
  const pendingWith = async (pod: string): Promise<string> => (await waitFor(async () => {
    const c = ((await json('get', 'pod', pod)).status.conditions ?? []).find((x: Json) => x.type === 'PodScheduled');
    return c?.reason === 'Unschedulable' ? (c.message as string) : undefined;
  }, 15_000, `${pod} to be unschedulable`))!;
  const plainPod = (name: string, labels: string, extra = ''): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {${labels}}}
spec:
  terminationGracePeriodSeconds: 0
${extra}  containers: [{name: c, image: registry.k8s.io/pause:3.10}]
`;

  beforeAll(async () => {
    s = await startKubectlSession();
  });
  afterAll(async () => {
    await s?.cluster.stop();
  });

  it('nodeSelector: Pending with upstream\'s message until kubectl label nodes', async () => {
    await apply(plainPod('ssd', 'app: ssd', '  nodeSelector: {disktype: ssd}\n'));
    expect(await pendingWith('ssd')).toBe(`0/3 nodes are available: ${CP_TAINT}, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.`);
    await ok('label', 'nodes', 'kubeling-worker2', 'disktype=ssd');
    expect(await boundTo('ssd')).toBe('kubeling-worker2');
  });

  it('pod-node-affinity.yaml: the required terms pick the zone-labelled nodes, the preferred term picks among them', async () => {
    expect(await ok('apply', '-f', example('pod-node-affinity.yaml'))).toBe('pod/with-node-affinity created\n');
    await pendingWith('with-node-affinity');
    await ok('label', 'nodes', 'kubeling-worker2', 'another-node-label-key=another-node-label-value');
    await ok('label', 'nodes', 'kubeling-worker', 'kubernetes.io/e2e-az-name=e2e-az1');
    await ok('label', 'nodes', 'kubeling-worker2', 'kubernetes.io/e2e-az-name=e2e-az2');
    expect(await boundTo('with-node-affinity')).toBe('kubeling-worker2');
  });

  it('pod-pod-affinity.yaml: must land in the zone (topology.kubernetes.io/zone) of the security=S1 pod', async () => {
    await apply(plainPod('s1', 'security: S1', '  nodeSelector: {kubernetes.io/hostname: kubeling-worker2}\n'));
    expect(await boundTo('s1')).toBe('kubeling-worker2');
    expect(await ok('apply', '-f', example('pod-pod-affinity.yaml'))).toBe('pod/with-pod-affinity created\n');
    const zone = (n: string): Promise<string> => ok('get', 'node', n, '-o', 'jsonpath={.metadata.labels.topology\\.kubernetes\\.io/zone}');
    expect(await zone(await boundTo('with-pod-affinity'))).toBe(await zone('kubeling-worker2'));
  });

  it('podAntiAffinity on kubernetes.io/hostname spreads the replicas and leaves the third Pending', async () => {
    const anti = '  affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - labelSelector: {matchLabels: {app: spread}}\n        topologyKey: kubernetes.io/hostname\n';
    await apply(plainPod('spread-1', 'app: spread', anti));
    const a = await boundTo('spread-1');
    await apply(plainPod('spread-2', 'app: spread', anti));
    expect(new Set([a, await boundTo('spread-2')])).toEqual(new Set(WORKERS));
    await apply(plainPod('spread-3', 'app: spread', anti));
    expect(await pendingWith('spread-3')).toBe(`0/3 nodes are available: ${CP_TAINT}, 2 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.`);
    await ok('delete', 'pod', 'spread-1', 'spread-2', 'spread-3');
  });

  it('taints and tolerations: kubectl taint keeps other pods off; a matching toleration lets one in', async () => {
    expect(await ok('taint', 'nodes', 'kubeling-worker', 'dedicated=gpu:NoSchedule')).toBe('node/kubeling-worker tainted\n');
    try {
      await apply(plainPod('no-tol', 'app: tol', '  nodeSelector: {kubernetes.io/hostname: kubeling-worker}\n'));
      // each node is reported by the first filter that rejects it, the reasons sorted as strings (FitError.Error)
      expect(await pendingWith('no-tol')).toBe(`0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: gpu}, ${CP_TAINT}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.`);
      await apply(plainPod('tol', 'app: tol', '  nodeSelector: {kubernetes.io/hostname: kubeling-worker}\n  tolerations: [{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]\n'));
      expect(await boundTo('tol')).toBe('kubeling-worker');
    } finally {
      expect(await ok('taint', 'nodes', 'kubeling-worker', 'dedicated=gpu:NoSchedule-')).toBe('node/kubeling-worker untainted\n');
    }
    expect(await boundTo('no-tol')).toBe('kubeling-worker');
  });

  it('resource requests are checked against node allocatable', async () => {
    await apply(plainPod('big', 'app: big').replace('image: registry.k8s.io/pause:3.10}', 'image: registry.k8s.io/pause:3.10, resources: {requests: {cpu: "64"}}}'));
    expect(await pendingWith('big')).toBe(`0/3 nodes are available: ${CP_TAINT}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.`);
    await ok('delete', 'pod', 'big');
  });

  it('cordoned nodes take only pods that tolerate it (pod-with-toleration.yaml); uncordon lets the others in', async () => {
    expect(await ok('cordon', ...WORKERS)).toBe('node/kubeling-worker cordoned\nnode/kubeling-worker2 cordoned\n');
    await apply(plainPod('waiting', 'app: waiting'));
    expect(await pendingWith('waiting')).toBe(`0/3 nodes are available: ${CP_TAINT}, 2 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.`);
    expect(await ok('apply', '-f', example('pod-with-toleration.yaml'))).toBe('pod/with-toleration created\n');
    expect(WORKERS).toContain(await boundTo('with-toleration'));
    await ok('uncordon', ...WORKERS);
    expect(WORKERS).toContain(await boundTo('waiting'));
  });
});

describe.skipIf(!available)('walkthrough: static pods and API versions', () => {
  let s: KubectlSession;
  const { k, ok, json, gone } = helpers(() => s);
  const MIRROR = 'static-web-kubeling-worker';
  const mirror = async (): Promise<Json | undefined> => {
    const r = await k('get', 'pod', MIRROR, '-o', 'json');
    return r.code === 0 ? (JSON.parse(r.stdout) as Json) : undefined;
  };
  const runningMirror = async (accept: (p: Json) => boolean, what: string): Promise<Json> => (await waitFor(async () => {
    const p = await mirror();
    return p && p.status?.phase === 'Running' && accept(p) ? p : undefined;
  }, 20_000, what))!;

  beforeAll(async () => {
    // `startUp` passes --manifests-dir <dir>/static-pods, like kubelet --pod-manifest-path
    s = await startKubectlSession(['--file-check-frequency', '2s']);
  });
  afterAll(async () => {
    await s?.cluster.stop();
  });

  it('a manifest in the node\'s folder runs as a mirror pod <name>-<node>; delete → it comes back; edit → replaced; remove → gone', { timeout: 90_000 }, async () => {
    const dir = join(s.cluster.dir, 'static-pods', 'kubeling-worker');
    await mkdir(dir, { recursive: true });
    const text = await readFile(example('static-pod-web.yaml'), 'utf8');
    await writeFile(join(dir, 'web.yaml'), text);
    const first = await runningMirror(() => true, 'the mirror pod');
    expect(first.spec.nodeName).toBe('kubeling-worker');
    expect(first.metadata.annotations['kubernetes.io/config.mirror']).toBe(first.metadata.annotations['kubernetes.io/config.hash']);
    expect(first.metadata.ownerReferences).toEqual([expect.objectContaining({ apiVersion: 'v1', kind: 'Node', name: 'kubeling-worker', controller: true })]);
    expect(await ok('get', 'pods', '-l', 'role=myrole', '-o', 'name')).toBe(`pod/${MIRROR}\n`);

    expect(await ok('delete', 'pod', MIRROR)).toBe(`pod "${MIRROR}" deleted\n`);
    const back = await runningMirror((p) => p.metadata.uid !== first.metadata.uid, 'the mirror pod to come back');
    expect(back.spec.containers[0].image).toBe('nginx:1.25');

    await writeFile(join(dir, 'web.yaml'), text.replace('image: nginx:1.25', 'image: nginx:1.27'));
    const edited = await runningMirror((p) => p.spec.containers[0].image === 'nginx:1.27', 'the edited static pod');
    expect(edited.metadata.uid).not.toBe(back.metadata.uid);

    await rm(join(dir, 'web.yaml'));
    await gone(MIRROR, [], 20_000);
    expect(await json('get', 'pods', '-l', 'role=myrole')).toMatchObject({ items: [] });

    // a manifest directly in the folder runs on every node
    await writeFile(join(s.cluster.dir, 'static-pods', 'web.yaml'), text);
    const all = [CP, ...WORKERS].map((n) => `pod/static-web-${n}`).join('\n') + '\n';
    await waitFor(async () => (await ok('get', 'pods', '-l', 'role=myrole', '-o', 'name')) === all, 20_000, 'a mirror pod on every node');
    await rm(join(s.cluster.dir, 'static-pods', 'web.yaml'));
    await waitFor(async () => (await ok('get', 'pods', '-l', 'role=myrole', '-o', 'name')) === '', 20_000, 'the mirror pods to go');
  });

  it('DaemonSet and StatefulSet are served as apps/v1 (the beta versions are gone, as in current Kubernetes)', async () => {
    const versions = (await ok('api-versions')).trim().split('\n');
    expect(versions).toContain('apps/v1');
    for (const gone of ['apps/v1beta1', 'apps/v1beta2', 'extensions/v1beta1']) expect(versions).not.toContain(gone);
    const resources = (await ok('api-resources', '--api-group=apps')).trim().split('\n').map((l) => l.split(/\s+/).join(' '));
    expect(resources[0]).toBe('NAME SHORTNAMES APIVERSION NAMESPACED KIND');
    expect(resources).toContain('daemonsets ds apps/v1 true DaemonSet');
    expect(resources).toContain('statefulsets sts apps/v1 true StatefulSet');
    expect(resources).toContain('controllerrevisions apps/v1 true ControllerRevision');
    expect(await ok('get', 'daemonsets.v1.apps,statefulsets.v1.apps', '-A', '-o', 'name')).toBe('');
  });
});
