// Node lifecycle and pod GC through the real kubectl: condition taints, a killed kubelet's nodes, taint eviction, orphans.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, waitFor, type Started } from './support/cluster.js';
import { kubectlOrSkip } from './support/kubectl.js';
import { kubectlCalls, startKubectlSession, type KubectlSession } from './support/kubectl-session.js';

const available = kubectlOrSkip();
const CP = 'kubeling-control-plane';
const FAULT_NODES = ['f-worker', 'f-worker2', 'f-worker3'];
const SIM_ARGS = ['--nodes', '3', '--name-prefix', 'f', '--heartbeat-interval', '500ms', '--id', 'fault-sim'];

// Short timings. When `kubeling up` runs the controller manager with pass-through flags it gets them; otherwise the
// controllers run in this process against the cluster, exactly as the controller manager would run them. A 3 s grace
// needs kubelets renewing faster than the default 10 s, so `up` starts no nodes and a base kubelet-sim plays its three
// (kubeling-control-plane, kubeling-worker, kubeling-worker2) with a 500 ms heartbeat.
const BASE_ARGS = ['--nodes', '3', '--control-planes', '1', '--heartbeat-interval', '500ms'];
const MONITOR = ['--node-monitor-grace-period', '3s', '--node-monitor-period', '500ms'];
const PODGC = ['--pod-gc-quarantine', '1s', '--pod-gc-period', '500ms'];

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Taint = { key: string; effect: string; timeAdded?: string };

describe.skipIf(!available)('node lifecycle and pod GC through kubectl', () => {
  let s: KubectlSession;
  let sim: Started | undefined;
  let base: Started | undefined;
  const { k, ok } = kubectlCalls(() => s.kubectl);
  const json = async (...args: string[]): Promise<Json> => JSON.parse(await ok(...args, '-o', 'json')) as Json;
  const apply = async (text: string): Promise<void> => {
    const r = await s.kubectl(['apply', '-f', '-'], { input: text });
    expect(r.code, r.stderr).toBe(0);
  };
  const taints = async (node: string): Promise<string[]> => ((await json('get', 'node', node)).spec.taints ?? []).map((t: Taint) => `${t.key}:${t.effect}`);
  const ready = async (node: string): Promise<string | undefined> => (await json('get', 'node', node)).status.conditions?.find((c: Json) => c.type === 'Ready')?.status;
  const startSim = (): Promise<Started> => startCli(['kubelet-sim', '--kubeconfig', s.cluster.kubeconfig, ...SIM_ARGS], /"ready":true/);

  beforeAll(async () => {
    s = await startKubectlSession(['--nodes', '0', ...MONITOR, ...PODGC]);
    base = await startCli(['kubelet-sim', '--kubeconfig', s.cluster.kubeconfig, ...BASE_ARGS], /"ready":true/);
  });
  afterAll(async () => {
    await sim?.stop('SIGKILL');
    await base?.stop();
    await s?.cluster.stop();
  });

  it('admission taints a new Node not-ready:NoSchedule (seen with a server dry run)', async () => {
    const out = await s.kubectl(['create', '--dry-run=server', '-o', 'json', '-f', '-'], { input: 'apiVersion: v1\nkind: Node\nmetadata: {name: dry}\nspec:\n  taints: [{key: dedicated, value: db, effect: NoSchedule}]\n' });
    expect(out.code, out.stderr).toBe(0);
    expect((JSON.parse(out.stdout) as Json).spec.taints).toEqual([{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]);
  });

  it('nodes lose the not-ready taint once Ready; cordon adds unschedulable:NoSchedule, uncordon removes it', async () => {
    await waitFor(async () => JSON.stringify(await taints(CP)) === JSON.stringify(['node-role.kubernetes.io/control-plane:NoSchedule']), 15_000, 'the control plane to lose not-ready');
    for (const n of ['kubeling-worker', 'kubeling-worker2']) await waitFor(async () => (await taints(n)).length === 0, 15_000, `${n} to lose not-ready`);
    expect(await ok('cordon', 'kubeling-worker2')).toBe('node/kubeling-worker2 cordoned\n');
    await waitFor(async () => (await taints('kubeling-worker2')).includes('node.kubernetes.io/unschedulable:NoSchedule'), 15_000, 'the unschedulable taint');
    const t = (await json('get', 'node', 'kubeling-worker2')).spec.taints as Taint[];
    expect(t).toEqual([{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: expect.stringMatching(/Z$/) }]);
    expect(await ok('uncordon', 'kubeling-worker2')).toBe('node/kubeling-worker2 uncordoned\n');
    await waitFor(async () => (await taints('kubeling-worker2')).length === 0, 15_000, 'the unschedulable taint to go');
  });

  it('FAULT: a killed kubelet-sim → its nodes Unknown and unreachable-tainted, pods evicted after tolerationSeconds; restarted → Ready, untainted', async () => {
    sim = await startSim();
    await ok('wait', '--for=condition=Ready', ...FAULT_NODES.map((n) => `node/${n}`), '--timeout=20s');
    for (const n of FAULT_NODES) await waitFor(async () => (await taints(n)).length === 0, 15_000, `${n} to lose not-ready`);
    const pod = (name: string, tolerationSeconds?: number): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  nodeName: f-worker2
  tolerations: [{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute${tolerationSeconds === undefined ? '' : `, tolerationSeconds: ${tolerationSeconds}`}}]
  containers: [{name: c, image: nginx:1.27}]
`;
    await apply(`${pod('evict-me', 2)}---\n${pod('stay')}`);
    await ok('wait', '--for=condition=Ready', 'pod/evict-me', 'pod/stay', '--timeout=20s');

    await sim.stop('SIGKILL');
    const killedAt = Date.now();
    for (const n of FAULT_NODES) await waitFor(async () => (await ready(n)) === 'Unknown', 20_000, `${n} Ready=Unknown`);
    const node = await json('get', 'node', 'f-worker2');
    expect(node.status.conditions.find((c: Json) => c.type === 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    for (const n of FAULT_NODES) {
      await waitFor(async () => {
        const t = await taints(n);
        return t.includes('node.kubernetes.io/unreachable:NoSchedule') && t.includes('node.kubernetes.io/unreachable:NoExecute');
      }, 20_000, `${n} unreachable taints`);
    }
    expect(Date.now() - killedAt).toBeGreaterThan(2500); // not before the 3 s grace
    for (const n of [CP, 'kubeling-worker', 'kubeling-worker2']) expect(await ready(n)).toBe('True');
    await waitFor(async () => (await json('get', 'pod', 'stay')).status.conditions.find((c: Json) => c.type === 'Ready')?.status === 'False', 10_000, 'pods not ready');

    const evicted: Json = (await waitFor(async () => {
      const p = await json('get', 'pod', 'evict-me');
      return p.metadata.deletionTimestamp ? p : undefined;
    }, 20_000, 'evict-me to be evicted'))!;
    expect(evicted.status.conditions.find((c: Json) => c.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' });
    const taintedAt = Date.parse(((await json('get', 'node', 'f-worker2')).spec.taints as Taint[]).find((t) => t.effect === 'NoExecute')!.timeAdded!);
    expect(Date.parse(evicted.metadata.deletionTimestamp) - evicted.metadata.deletionGracePeriodSeconds * 1000).toBeGreaterThanOrEqual(taintedAt + 1000);
    const events = await ok('get', 'events', '--field-selector', 'involvedObject.name=evict-me,reason=TaintManagerEviction', '-o', 'custom-columns=MSG:.message', '--no-headers');
    expect(events).toContain('Marking for deletion Pod default/evict-me');
    // the node is dead: the pod stays Terminating; the forever-tolerating one is not touched
    expect((await ok('get', 'pod', 'evict-me', '--no-headers'))).toMatch(/Terminating/);
    expect((await json('get', 'pod', 'stay')).metadata.deletionTimestamp).toBeUndefined();

    sim = await startSim();
    for (const n of FAULT_NODES) await waitFor(async () => (await ready(n)) === 'True', 20_000, `${n} Ready again`);
    for (const n of FAULT_NODES) await waitFor(async () => (await taints(n)).length === 0, 20_000, `${n} untainted`);
    // the kubelet is back: it finishes the evicted pod
    await waitFor(async () => (await k('get', 'pod', 'evict-me')).code !== 0, 30_000, 'evict-me to be gone');
    expect((await json('get', 'pod', 'stay')).metadata.deletionTimestamp).toBeUndefined();
  });

  it('pod GC: the pods of a deleted Node are force-deleted after the quarantine', async () => {
    await apply('apiVersion: v1\nkind: Node\nmetadata: {name: ghost}\n');
    await apply('apiVersion: v1\nkind: Pod\nmetadata: {name: haunted}\nspec:\n  nodeName: ghost\n  containers: [{name: c, image: nginx:1.27}]\n');
    expect((await json('get', 'pod', 'haunted')).status.phase).toBe('Pending');
    expect(await ok('delete', 'node', 'ghost')).toBe('node "ghost" deleted\n');
    const deletedAt = Date.now();
    await waitFor(async () => (await k('get', 'pod', 'haunted')).code !== 0, 20_000, 'the orphaned pod to be deleted');
    expect(Date.now() - deletedAt).toBeGreaterThan(500);
  });
});
