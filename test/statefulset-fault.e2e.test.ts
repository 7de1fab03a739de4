// A StatefulSet pod on a lost node: its kubelet is killed, the node goes unreachable, the non-graceful shutdown taint
// lets the pod go, and mysql-1 comes back under the same name on another node with the same claim.

import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, waitFor, type Started } from './support/cluster.js';
import { kubectlOrSkip } from './support/kubectl.js';
import { kubectlCalls, startKubectlSession, type KubectlSession } from './support/kubectl-session.js';

const available = kubectlOrSkip();
const EXAMPLE = new URL('./fixtures/examples/mysql-statefulset.yaml', import.meta.url);
const LOST = 'lost-worker';
const WORKERS = ['kubeling-worker', 'kubeling-worker2'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

describe.skipIf(!available)('StatefulSet pod on a lost node', () => {
  let s: KubectlSession;
  let lost: Started | undefined;
  const { ok } = kubectlCalls(() => s.kubectl);
  const json = async (...args: string[]): Promise<Json> => JSON.parse(await ok(...args, '-o', 'json')) as Json;
  const readyOn = async (pod: string): Promise<{ uid: string; node: string } | undefined> => {
    const r = await s.kubectl(['get', 'pod', pod, '-o', 'json']);
    if (r.code !== 0) return undefined;
    const p = JSON.parse(r.stdout) as Json;
    const ready = p.status.conditions?.some((c: Json) => c.type === 'Ready' && c.status === 'True') && !p.metadata.deletionTimestamp;
    return ready ? { uid: p.metadata.uid as string, node: p.spec.nodeName as string } : undefined;
  };
  const nodeReady = async (node: string): Promise<string> => ok('get', 'node', node, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}');

  beforeAll(async () => {
    // node lifecycle notices a silent node after 4 s; the other nodes renew their leases every 500 ms
    s = await startKubectlSession(['--node-monitor-grace-period', '4s', '--node-monitor-period', '1s', '--heartbeat-interval', '500ms']);
    lost = await startCli(['kubelet-sim', '--kubeconfig', s.cluster.kubeconfig, '--nodes', '1', '--name-prefix', 'lost', '--heartbeat-interval', '500ms', '--id', 'lost-sim'], /"ready":true/);
  });
  afterAll(async () => {
    await lost?.stop('SIGKILL');
    await s?.cluster.stop();
  });

  it('mysql-1 is recreated under the same name on another node with the same claim', async () => {
    await waitFor(async () => (await nodeReady(LOST)) === 'True', 20_000, `${LOST} Ready`);
    // mysql-0 on a kubeling worker, mysql-1 on the node about to be lost (cordons steer the scheduler)
    await ok('cordon', LOST);
    const oneReplica = (await readFile(EXAMPLE, 'utf8')).replace('replicas: 3', 'replicas: 1');
    expect((await s.kubectl(['apply', '-f', '-'], { input: oneReplica })).code).toBe(0);
    expect(WORKERS).toContain((await waitFor(() => readyOn('mysql-0'), 20_000, 'mysql-0 Ready'))!.node);
    await ok('cordon', ...WORKERS);
    await ok('uncordon', LOST);
    await ok('scale', 'sts', 'mysql', '--replicas=2');
    const before = (await waitFor(() => readyOn('mysql-1'), 20_000, 'mysql-1 Ready'))!;
    expect(before.node).toBe(LOST);
    await ok('uncordon', ...WORKERS);
    const claimUid = await ok('get', 'pvc', 'data-mysql-1', '-o', 'jsonpath={.metadata.uid}');
    const volume = await waitFor(async () => ok('get', 'pvc', 'data-mysql-1', '-o', 'jsonpath={.spec.volumeName}'), 20_000, 'data-mysql-1 bound');

    // the node is lost: its kubelet dies without a word
    await lost!.stop('SIGKILL');
    await waitFor(async () => (await nodeReady(LOST)) === 'Unknown', 20_000, `${LOST} unreachable`);
    // as upstream, the StatefulSet does not replace a pod it cannot see gone (at-most-one semantics)
    expect((await json('get', 'pod', 'mysql-1')).metadata.uid).toBe(before.uid);

    // the non-graceful node shutdown procedure: the operator marks the node out of service
    await ok('taint', 'nodes', LOST, 'node.kubernetes.io/out-of-service=nodeshutdown:NoExecute');
    const after = (await waitFor(async () => {
      const r = await readyOn('mysql-1');
      return r && r.uid !== before.uid ? r : undefined;
    }, 45_000, 'mysql-1 back on another node'))!;
    expect(WORKERS).toContain(after.node);
    const pod = await json('get', 'pod', 'mysql-1');
    expect(pod.spec.volumes[0]).toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'data-mysql-1' } });
    expect(await ok('get', 'pvc', 'data-mysql-1', '-o', 'jsonpath={.metadata.uid}')).toBe(claimUid);
    expect(await ok('get', 'pvc', 'data-mysql-1', '-o', 'jsonpath={.status.phase} {.spec.volumeName}')).toBe(`Bound ${volume}`);
    expect((await ok('get', 'pvc', '-o', 'name')).trim().split('\n')).toEqual(['persistentvolumeclaim/data-mysql-0', 'persistentvolumeclaim/data-mysql-1']);
    const st = (await json('get', 'sts', 'mysql')).status as Json;
    expect(st).toMatchObject({ replicas: 2, readyReplicas: 2 });
  }, 90_000);
});
