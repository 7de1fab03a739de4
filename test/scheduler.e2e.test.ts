// The scheduler as a user sees it through kubectl: selectors, affinity, taints, cordons, and pods that do not fit.

import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, waitFor, type Started } from './support/cluster.js';
import { kubectlOrSkip } from './support/kubectl.js';
import { kubectlCalls, startKubectlSession, type KubectlSession } from './support/kubectl-session.js';

const available = kubectlOrSkip();
const EXAMPLES = new URL('./fixtures/examples/', import.meta.url);
const CP_TAINT = '1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';

describe.skipIf(!available)('scheduling through kubectl', () => {
  let s: KubectlSession;
  const { k, ok } = kubectlCalls(() => s.kubectl);
  const apply = (text: string) => s.kubectl(['apply', '-f', '-'], { input: text });
  const example = async (name: string) => readFile(new URL(name, EXAMPLES), 'utf8');
  const nodeOf = async (pod: string) => ok('get', 'pod', pod, '-o', 'jsonpath={.spec.nodeName}');
  const scheduledCondition = async (pod: string) => JSON.parse(await ok('get', 'pod', pod, '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")]}') || '{}') as { status?: string; reason?: string; message?: string };
  const boundTo = (pod: string) => waitFor(async () => (await nodeOf(pod)) || undefined, 15_000, `${pod} to be scheduled`);
  const pendingWith = (pod: string) => waitFor(async () => {
    const c = await scheduledCondition(pod);
    return c.reason === 'Unschedulable' ? c.message : undefined;
  }, 15_000, `${pod} to be unschedulable`);
  const plainPod = (name: string, extra = '') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: ${name}}}
spec:
${extra}  containers: [{name: c, image: registry.k8s.io/pause:3.10}]
`;

  beforeAll(async () => {
    s = await startKubectlSession();
  });
  afterAll(async () => {
    await s?.cluster.stop();
  });

  it('a nodeSelector no node satisfies keeps the pod Pending with upstream\'s message, until kubectl label nodes', async () => {
    await apply(plainPod('ssd', '  nodeSelector: {disktype: ssd}\n'));
    expect(await pendingWith('ssd')).toBe(`0/3 nodes are available: ${CP_TAINT}, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.`);
    await ok('label', 'nodes', 'kubeling-worker2', 'disktype=ssd');
    expect(await boundTo('ssd')).toBe('kubeling-worker2');
    await ok('wait', '--for=condition=Ready', 'pod/ssd', '--timeout=20s');
    expect(await ok('describe', 'pod', 'ssd')).toMatch(/Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/ssd to kubeling-worker2/);
  });

  it('required node affinity (the example) waits for the label; preferred affinity steers', async () => {
    expect((await apply(await example('pod-node-affinity.yaml'))).code).toBe(0);
    await pendingWith('with-node-affinity');
    await ok('label', 'nodes', 'kubeling-worker', 'kubernetes.io/e2e-az-name=e2e-az1');
    expect(await boundTo('with-node-affinity')).toBe('kubeling-worker');
    await ok('label', 'nodes', 'kubeling-worker2', 'another-node-label-key=another-node-label-value');
    await apply(plainPod('pref', `  affinity:
    nodeAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        preference: {matchExpressions: [{key: another-node-label-key, operator: In, values: [another-node-label-value]}]}
`));
    expect(await boundTo('pref')).toBe('kubeling-worker2');
  });

  it('pod affinity by zone (the example) lands in the zone of the security=S1 pod', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: s1, labels: {security: S1}}
spec:
  nodeSelector: {kubernetes.io/hostname: kubeling-worker2}
  containers: [{name: c, image: registry.k8s.io/pause:3.10}]
`);
    await boundTo('s1');
    await apply(await example('pod-pod-affinity.yaml'));
    const node = (await boundTo('with-pod-affinity'))!;
    const zone = async (n: string) => ok('get', 'node', n, '-o', 'jsonpath={.metadata.labels.topology\\.kubernetes\\.io/zone}');
    expect(await zone(node)).toBe(await zone('kubeling-worker2'));
  });

  it('required anti-affinity on the hostname spreads replicas and leaves the third Pending', async () => {
    const spread = (n: number) => `apiVersion: v1
kind: Pod
metadata: {name: spread-${n}, labels: {app: spread}}
spec:
  affinity:
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
      - labelSelector: {matchLabels: {app: spread}}
        topologyKey: kubernetes.io/hostname
  containers: [{name: c, image: registry.k8s.io/pause:3.10}]
`;
    await apply(spread(1));
    const a = await boundTo('spread-1');
    await apply(spread(2));
    const b = await boundTo('spread-2');
    expect(new Set([a, b])).toEqual(new Set(['kubeling-worker', 'kubeling-worker2']));
    await apply(spread(3));
    expect(await pendingWith('spread-3')).toBe(`0/3 nodes are available: ${CP_TAINT}, 2 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.`);
  });

  it('cordoned nodes take only pods that tolerate it (the example); uncordon lets the others in', async () => {
    await ok('cordon', 'kubeling-worker', 'kubeling-worker2');
    await apply(plainPod('waiting'));
    expect(await pendingWith('waiting')).toBe(`0/3 nodes are available: ${CP_TAINT}, 2 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.`);
    expect((await apply(await example('pod-with-toleration.yaml'))).code).toBe(0);
    expect(['kubeling-worker', 'kubeling-worker2']).toContain(await boundTo('with-toleration'));
    await ok('uncordon', 'kubeling-worker', 'kubeling-worker2');
    expect(['kubeling-worker', 'kubeling-worker2']).toContain(await boundTo('waiting'));
  });

  it('a pod too big for every node stays Pending with FailedScheduling, then goes to a bigger node that joins', async () => {
    await apply(plainPod('big', '').replace('image: registry.k8s.io/pause:3.10}', 'image: registry.k8s.io/pause:3.10, resources: {requests: {cpu: "64"}}}'));
    expect(await pendingWith('big')).toBe(`0/3 nodes are available: ${CP_TAINT}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.`);
    const described = await ok('describe', 'pod', 'big');
    expect(described).toMatch(/Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/3 nodes are available: .*2 Insufficient cpu\./);
    let sim: Started | undefined;
    try {
      sim = await startCli(['kubelet-sim', '--kubeconfig', s.cluster.kubeconfig, '--nodes', '1', '--name-prefix', 'big', '--cpu', '128'], /"ready":true/);
      expect(await boundTo('big')).toBe('big-worker');
      await ok('wait', '--for=condition=Ready', 'pod/big', '--timeout=20s');
    } finally {
      await sim?.stop();
    }
    expect((await k('get', 'pod', 'big')).code).toBe(0);
  });
});
