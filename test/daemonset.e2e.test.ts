// The DaemonSet walkthrough through the real kubectl: one pod per node, labels, taints, cordons, nodes joining and
// leaving, rolling updates with rollout status, history, undo, restart, OnDelete, drain, adoption and deletion.

import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, waitFor, type Started } from './support/cluster.js';
import { kubectlOrSkip } from './support/kubectl.js';
import { kubectlCalls, startKubectlSession, type KubectlSession } from './support/kubectl-session.js';

const available = kubectlOrSkip();
const EXAMPLES = new URL('./fixtures/examples/', import.meta.url);
const WORKERS = ['kubeling-worker', 'kubeling-worker2'];
const CP = 'kubeling-control-plane';
const KS = ['-n', 'kube-system'];
const AUTO_TOLERATIONS = [
  'node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/disk-pressure:NoSchedule',
  'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule',
];

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const plainDs = (name: string, extra = ''): string => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ${name}}
spec:
  selector: {matchLabels: {app: ${name}}}
${extra}  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: c, image: registry.k8s.io/pause:3.10}]
`;

/** kubectl helpers shared by the suites of this file. */
function helpers(session: () => KubectlSession) {
  const { k, ok } = kubectlCalls(() => session().kubectl);
  const json = async (...args: string[]): Promise<Json> => JSON.parse(await ok(...args, '-o', 'json')) as Json;
  const apply = async (text: string, ...more: string[]): Promise<void> => {
    const r = await session().kubectl(['apply', ...more, '-f', '-'], { input: text });
    expect(r.code, r.stderr).toBe(0);
  };
  const example = (name: string): Promise<string> => readFile(new URL(name, EXAMPLES), 'utf8');
  /** Live (not terminating) pods matching a selector: name → node (the pinned node while unscheduled). */
  const pods = async (selector: string, ...more: string[]): Promise<Json[]> =>
    ((await json('get', 'pods', '-l', selector, ...more)).items as Json[]).filter((p) => !p.metadata.deletionTimestamp);
  const target = (p: Json): string => p.spec.nodeName ?? p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0];
  const nodesOf = async (selector: string, ...more: string[]): Promise<string[]> => (await pods(selector, ...more)).map(target).sort();
  /** Waits until the running, ready daemon pods of `selector` sit exactly on `nodes`. */
  const runningOn = async (selector: string, nodes: string[], more: string[] = [], ms = 15_000): Promise<Json[]> =>
    (await waitFor(async () => {
      const ps = await pods(selector, ...more);
      const ready = ps.filter((p) => p.spec.nodeName && p.status.phase === 'Running' && (p.status.conditions ?? []).some((c: Json) => c.type === 'Ready' && c.status === 'True'));
      return ready.length === ps.length && JSON.stringify(ps.map(target).sort()) === JSON.stringify([...nodes].sort()) ? ps : undefined;
    }, ms, `${selector} running on ${nodes.join(', ') || 'no node'}`))!;
  const status = async (name: string, ...more: string[]): Promise<Json> => (await json('get', 'ds', name, ...more)).status as Json;
  return { k, ok, json, apply, example, pods, nodesOf, runningOn, status };
}

describe.skipIf(!available)('the DaemonSet walkthrough through kubectl', () => {
  let s: KubectlSession;
  let joined: Started | undefined;
  const { k, ok, json, apply, example, pods, nodesOf, runningOn, status } = helpers(() => s);

  beforeAll(async () => {
    // Pods of a deleted Node go once pod GC's quarantine has passed (40 s by default, as upstream): 1 s here.
    s = await startKubectlSession(['--pod-gc-quarantine', '1s', '--pod-gc-period', '500ms']);
  });
  afterAll(async () => {
    await joined?.stop();
    await s?.cluster.stop();
  });

  it('fluentd-elasticsearch: one pod per node its tolerations allow, pinned by node affinity, the template untouched', async () => {
    await apply(await example('fluentd-elasticsearch-daemonset.yaml'));
    const out = await ok('rollout', 'status', 'ds/fluentd-elasticsearch', ...KS, '--timeout=30s');
    expect(out).toMatch(/daemon set "fluentd-elasticsearch" successfully rolled out\n$/);
    // its toleration is for the old master taint: the control plane (tainted control-plane) gets none
    const ps = await runningOn('name=fluentd-elasticsearch', WORKERS, KS);
    const ds = await json('get', 'ds', 'fluentd-elasticsearch', ...KS);
    for (const p of ps) {
      expect(p.metadata.generateName).toBe('fluentd-elasticsearch-');
      expect(p.metadata.labels).toMatchObject({ name: 'fluentd-elasticsearch', 'pod-template-generation': '1' });
      expect(p.metadata.labels['controller-revision-hash']).toMatch(/^[4-9bcdf]+$/);
      expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'fluentd-elasticsearch', uid: ds.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      expect(p.spec.tolerations.map((t: Json) => `${t.key}:${t.effect}`)).toEqual(['node-role.kubernetes.io/master:NoSchedule', ...AUTO_TOLERATIONS]);
      expect(p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual({ nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [p.spec.nodeName] }] }] });
    }
    expect(ds.spec.template.spec.affinity).toBeUndefined();
    expect(ds.spec.template.spec.tolerations).toEqual([{ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }]);
    expect(ds.status).toEqual({ currentNumberScheduled: 2, desiredNumberScheduled: 2, numberAvailable: 2, numberMisscheduled: 0, numberReady: 2, observedGeneration: 1, updatedNumberScheduled: 2 });
    expect(await ok('get', 'ds', ...KS)).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE\nfluentd-elasticsearch\s+2\s+2\s+2\s+2\s+2\s+<none>\s+\S+\n$/);
    const described = await ok('describe', 'ds', 'fluentd-elasticsearch', ...KS);
    expect(described).toContain('Desired Number of Nodes Scheduled: 2\nCurrent Number of Nodes Scheduled: 2\nNumber of Nodes Scheduled with Up-to-date Pods: 2\nNumber of Nodes Scheduled with Available Pods: 2\nNumber of Nodes Misscheduled: 0\nPods Status:  2 Running / 0 Waiting / 0 Succeeded / 0 Failed\n');
    expect(described).toMatch(/Normal\s+SuccessfulCreate\s+\S+\s+daemonset-controller\s+Created pod: fluentd-elasticsearch-\w{5}/);
  });

  it('a control-plane toleration brings a pod to the control plane too', async () => {
    await ok('patch', 'ds', 'fluentd-elasticsearch', ...KS, '--type=json', '-p', '[{"op":"add","path":"/spec/template/spec/tolerations/-","value":{"key":"node-role.kubernetes.io/control-plane","operator":"Exists","effect":"NoSchedule"}}]');
    await ok('rollout', 'status', 'ds/fluentd-elasticsearch', ...KS, '--timeout=30s');
    await runningOn('name=fluentd-elasticsearch', [CP, ...WORKERS], KS);
  });

  it('a JSON-patch image change rolls through the nodes, followed by rollout status', async () => {
    // each new pod turns Ready a second after it starts, so the rollout is slow enough to watch
    await ok('patch', 'ds', 'fluentd-elasticsearch', ...KS, '--type=json', '-p', JSON.stringify([
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'k8s.gcr.io/fluentd-elasticsearch:1.21' },
      { op: 'add', path: '/spec/template/metadata/annotations', value: { 'kubeling.io/ready-delay': '1s' } },
    ]));
    const out = await ok('rollout', 'status', 'ds/fluentd-elasticsearch', ...KS, '--timeout=60s');
    expect(out).toMatch(/^(Waiting for daemon set spec update to be observed\.\.\.\n)?Waiting for daemon set "fluentd-elasticsearch" rollout to finish: \d out of 3 new pods have been updated\.\.\.\n/);
    expect(out).toContain('Waiting for daemon set "fluentd-elasticsearch" rollout to finish: 2 out of 3 new pods have been updated...\n');
    expect(out).toMatch(/daemon set "fluentd-elasticsearch" successfully rolled out\n$/);
    const ps = await runningOn('name=fluentd-elasticsearch', [CP, ...WORKERS], KS);
    expect(new Set(ps.map((p) => p.spec.containers[0].image))).toEqual(new Set(['k8s.gcr.io/fluentd-elasticsearch:1.21']));
    expect(new Set(ps.map((p) => p.metadata.labels['pod-template-generation']))).toEqual(new Set(['3']));
  });

  it('rollout history, --revision, undo (renumbering the revision it reuses), skipped rollback, restart', async () => {
    const history = await ok('rollout', 'history', 'ds/fluentd-elasticsearch', ...KS);
    expect(history).toBe('daemonset.apps/fluentd-elasticsearch \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n3         <none>\n\n');
    const rev1 = await ok('rollout', 'history', 'ds/fluentd-elasticsearch', ...KS, '--revision=1');
    expect(rev1).toMatch(/^daemonset\.apps\/fluentd-elasticsearch with revision #1\nPod Template:\n  Labels:\tname=fluentd-elasticsearch\n  Containers:\n   fluentd-elasticsearch:\n    Image:\tk8s\.gcr\.io\/fluentd-elasticsearch:1\.20\n/);
    expect(rev1).toContain('Tolerations:\tnode-role.kubernetes.io/master:NoSchedule\n');
    expect(await k('rollout', 'history', 'ds/fluentd-elasticsearch', ...KS, '--revision=9')).toMatchObject({ code: 1, stderr: 'error: unable to find the specified revision\n' });

    expect(await ok('rollout', 'undo', 'ds/fluentd-elasticsearch', ...KS, '--to-revision=1')).toBe('daemonset.apps/fluentd-elasticsearch rolled back\n');
    await ok('rollout', 'status', 'ds/fluentd-elasticsearch', ...KS, '--timeout=60s');
    const ps = await runningOn('name=fluentd-elasticsearch', WORKERS, KS);
    expect(new Set(ps.map((p) => p.spec.containers[0].image))).toEqual(new Set(['k8s.gcr.io/fluentd-elasticsearch:1.20']));
    expect(await ok('rollout', 'history', 'ds/fluentd-elasticsearch', ...KS)).toBe('daemonset.apps/fluentd-elasticsearch \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n4         <none>\n\n');
    expect(await ok('rollout', 'undo', 'ds/fluentd-elasticsearch', ...KS, '--to-revision=4')).toBe('daemonset.apps/fluentd-elasticsearch skipped rollback (current template already matches revision 4)\n');

    const before = new Set((await pods('name=fluentd-elasticsearch', ...KS)).map((p) => p.metadata.uid));
    expect(await ok('rollout', 'restart', 'ds/fluentd-elasticsearch', ...KS)).toBe('daemonset.apps/fluentd-elasticsearch restarted\n');
    await ok('rollout', 'status', 'ds/fluentd-elasticsearch', ...KS, '--timeout=60s');
    const after = await runningOn('name=fluentd-elasticsearch', WORKERS, KS);
    expect(after.filter((p) => before.has(p.metadata.uid))).toEqual([]);
    expect(after[0]!.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBeTruthy();
    expect((await ok('rollout', 'history', 'ds/fluentd-elasticsearch', ...KS)).trim().split('\n').pop()).toMatch(/^5\s+<none>$/);
  });

  it('a template with <, > and & in it still matches kubectl\'s bytes: undo to the current revision is skipped', async () => {
    await apply(`apiVersion: apps/v1
kind: DaemonSet
metadata: {name: shell}
spec:
  selector: {matchLabels: {app: shell}}
  template:
    metadata: {labels: {app: shell}}
    spec:
      containers: [{name: c, image: busybox:1.36, command: [sh, -c, 'test 1 < 2 && echo ok > /tmp/out']}]
`);
    await ok('rollout', 'status', 'ds/shell', '--timeout=30s');
    expect(await ok('rollout', 'undo', 'ds/shell', '--to-revision=1')).toBe('daemonset.apps/shell skipped rollback (current template already matches revision 1)\n');
    await ok('delete', 'ds', 'shell');
  });

  it('a daemon pod deleted by hand or found Failed is replaced on its node (FailedDaemonPod)', async () => {
    const [victim] = await pods('name=fluentd-elasticsearch', ...KS);
    const node = victim!.spec.nodeName as string;
    await ok('delete', 'pod', victim!.metadata.name, ...KS);
    const replaced = await runningOn('name=fluentd-elasticsearch', WORKERS, KS);
    expect(replaced.map((p) => p.metadata.name)).not.toContain(victim!.metadata.name);
    const failing = replaced.find((p) => p.spec.nodeName === node)!;
    await ok('patch', 'pod', failing.metadata.name, ...KS, '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Failed"}}');
    await waitFor(async () => (await k('get', 'pod', failing.metadata.name, ...KS)).code !== 0, 10_000, 'the failed pod to be deleted');
    await runningOn('name=fluentd-elasticsearch', WORKERS, KS);
    const event = new RegExp(`Warning\\s+FailedDaemonPod\\s+\\S+\\s+daemonset-controller\\s+Found failed daemon pod kube-system/${failing.metadata.name} on node ${node}, will try to kill it`);
    await waitFor(async () => event.test(await ok('describe', 'ds', 'fluentd-elasticsearch', ...KS)), 10_000, 'the FailedDaemonPod event');
  });

  it('ssd-monitor follows kubectl label nodes … disktype=ssd on and off', async () => {
    await apply(await example('ssd-daemonset.yaml'));
    await waitFor(async () => (await status('ssd-monitor')).observedGeneration === 1, 10_000, 'ssd-monitor to be observed');
    expect(await nodesOf('app=ssd-monitor')).toEqual([]);
    expect(await ok('get', 'ds', 'ssd-monitor')).toMatch(/\nssd-monitor\s+0\s+0\s+0\s+0\s+0\s+disktype=ssd\s+\S+\n$/);
    await ok('label', 'nodes', 'kubeling-worker', 'disktype=ssd');
    await runningOn('app=ssd-monitor', ['kubeling-worker']);
    await ok('label', 'nodes', 'kubeling-worker2', 'disktype=ssd');
    await runningOn('app=ssd-monitor', WORKERS);
    await ok('label', 'nodes', 'kubeling-worker', 'disktype-');
    await runningOn('app=ssd-monitor', ['kubeling-worker2']);
    expect(await status('ssd-monitor')).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1, numberMisscheduled: 0 });
  });

  it('a cordoned node keeps its daemon pod and gets a new one', async () => {
    await ok('cordon', 'kubeling-worker2');
    try {
      const [p] = await runningOn('app=ssd-monitor', ['kubeling-worker2']);
      await ok('delete', 'pod', p!.metadata.name);
      const [again] = await runningOn('app=ssd-monitor', ['kubeling-worker2']);
      expect(again!.metadata.name).not.toBe(p!.metadata.name);
    } finally {
      await ok('uncordon', 'kubeling-worker2');
    }
  });

  it('network-plugin-agent runs on a node whose network is down (network-unavailable taint); other daemons wait', async () => {
    const down = (v: 'True' | 'False') => ok('patch', 'node', 'kubeling-worker2', '--subresource=status', '--type=strategic', '-p', JSON.stringify({
      status: { conditions: [{ type: 'NetworkUnavailable', status: v, reason: v === 'True' ? 'NoRouteCreated' : 'RouteCreated', message: v === 'True' ? 'Node created without a route' : 'RouteController created a route' }] },
    }));
    const tainted = async () => ((await json('get', 'node', 'kubeling-worker2')).spec.taints ?? []).some((t: Json) => t.key === 'node.kubernetes.io/network-unavailable' && t.effect === 'NoSchedule');
    await down('True');
    await waitFor(tainted, 10_000, 'the network-unavailable taint');
    try {
      await apply(await example('network-plugin-agent-daemonset.yaml'));
      await runningOn('name=network-plugin-agent', WORKERS, KS);
      await apply(plainDs('late'));
      await runningOn('app=late', ['kubeling-worker']);
      // a pod already there stays (NoSchedule), counted as misscheduled
      await waitFor(async () => (await status('fluentd-elasticsearch', ...KS)).numberMisscheduled === 1, 10_000, 'fluentd misscheduled on the tainted node');
      expect(await nodesOf('name=fluentd-elasticsearch', ...KS)).toEqual(WORKERS);
    } finally {
      await down('False');
    }
    await waitFor(async () => !(await tainted()), 10_000, 'the taint to go');
    await runningOn('app=late', WORKERS);
  });

  it('a node that joins gets its daemon pods; a node deleted loses them', async () => {
    joined = await startCli(['kubelet-sim', '--kubeconfig', s.cluster.kubeconfig, '--nodes', '1', '--name-prefix', 'join', '--id', 'join-sim'], /"ready":true/);
    await runningOn('name=fluentd-elasticsearch', [...WORKERS, 'join-worker'], KS, 20_000);
    await runningOn('app=late', [...WORKERS, 'join-worker']);
    expect(await status('fluentd-elasticsearch', ...KS)).toMatchObject({ desiredNumberScheduled: 3 });
    expect(await ok('delete', 'node', 'join-worker')).toBe('node "join-worker" deleted\n');
    await runningOn('name=fluentd-elasticsearch', WORKERS, KS, 20_000);
    await runningOn('app=late', WORKERS);
    await waitFor(async () => (await status('fluentd-elasticsearch', ...KS)).desiredNumberScheduled === 2, 10_000, 'desired back to 2');
    await joined.stop();
    joined = undefined;
  });

  it('drain --ignore-daemonsets leaves the daemon pods; without it drain refuses', async () => {
    const refused = await k('drain', 'kubeling-worker');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ');
    const before = (await pods('name=fluentd-elasticsearch', ...KS)).filter((p) => p.spec.nodeName === 'kubeling-worker').map((p) => p.metadata.uid);
    try {
      const r = await k('drain', 'kubeling-worker', '--ignore-daemonsets');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/node\/kubeling-worker drained\n$/);
      expect(r.stderr).toMatch(/^Warning: ignoring DaemonSet-managed Pods: .*kube-system\/fluentd-elasticsearch-\w{5}/m);
      const after = (await pods('name=fluentd-elasticsearch', ...KS)).filter((p) => p.spec.nodeName === 'kubeling-worker').map((p) => p.metadata.uid);
      expect(after).toEqual(before);
    } finally {
      await ok('uncordon', 'kubeling-worker');
    }
  });

  it('OnDelete: a template change replaces only the pods deleted by hand', async () => {
    await apply(plainDs('ondelete', '  updateStrategy: {type: OnDelete}\n'));
    await runningOn('app=ondelete', WORKERS);
    expect(await k('rollout', 'status', 'ds/ondelete')).toMatchObject({ code: 1, stderr: 'error: rollout status is only available for RollingUpdate strategy type\n' });
    await ok('set', 'image', 'ds/ondelete', 'c=registry.k8s.io/pause:3.9');
    await waitFor(async () => (await status('ondelete')).observedGeneration === 2, 10_000, 'the change to be observed');
    const st = await status('ondelete');
    expect(st.numberAvailable).toBe(2);
    expect(st.updatedNumberScheduled ?? 0).toBe(0);
    expect((await json('get', 'controllerrevisions', '-l', 'app=ondelete')).items).toHaveLength(2);
    const [first] = await pods('app=ondelete');
    await ok('delete', 'pod', first!.metadata.name);
    const ps = await runningOn('app=ondelete', WORKERS);
    expect(ps.map((p) => p.spec.containers[0].image).sort()).toEqual(['registry.k8s.io/pause:3.10', 'registry.k8s.io/pause:3.9']);
    await waitFor(async () => (await status('ondelete')).updatedNumberScheduled === 1, 10_000, 'one updated pod');
  });

  it('delete --cascade=orphan keeps the pods; a new DaemonSet with the same selector adopts them without a restart', async () => {
    const before = await runningOn('app=ssd-monitor', ['kubeling-worker2']);
    expect(await ok('delete', 'ds', 'ssd-monitor', '--cascade=orphan')).toBe('daemonset.apps "ssd-monitor" deleted\n');
    await waitFor(async () => (await pods('app=ssd-monitor')).every((p) => !p.metadata.ownerReferences?.length), 10_000, 'the pods to be orphaned');
    await apply(await example('ssd-daemonset.yaml'));
    const uid = (await json('get', 'ds', 'ssd-monitor')).metadata.uid;
    const after = await waitFor(async () => {
      const ps = await pods('app=ssd-monitor');
      return ps.every((p) => p.metadata.ownerReferences?.[0]?.uid === uid) ? ps : undefined;
    }, 10_000, 'the pods to be adopted');
    expect(after!.map((p) => p.metadata.uid)).toEqual(before.map((p) => p.metadata.uid));
    await waitFor(async () => (await status('ssd-monitor')).observedGeneration === 1, 10_000, 'the new DaemonSet to be observed');
    expect(await status('ssd-monitor')).toMatchObject({ desiredNumberScheduled: 1, updatedNumberScheduled: 1, numberAvailable: 1 });
    expect(await ok('rollout', 'history', 'ds/ssd-monitor')).toBe('daemonset.apps/ssd-monitor \nREVISION  CHANGE-CAUSE\n1         <none>\n\n');
  });

  it('foreground and background deletion remove the pods through the garbage collector', async () => {
    expect(await ok('delete', 'ds', 'network-plugin-agent', ...KS, '--cascade=foreground')).toBe('daemonset.apps "network-plugin-agent" deleted\n');
    expect(await pods('name=network-plugin-agent', ...KS)).toEqual([]);
    expect(await ok('delete', 'ds', 'late')).toBe('daemonset.apps "late" deleted\n');
    await waitFor(async () => (await pods('app=late')).length === 0, 15_000, 'the pods of late to go');
  });
});

describe.skipIf(!available)('daemon pods of a kubelet killed with SIGKILL', () => {
  let s: KubectlSession;
  let sim: Started | undefined;
  const { k, json, apply, pods, runningOn } = helpers(() => s);
  const SIM = ['--nodes', '1', '--name-prefix', 'kill', '--heartbeat-interval', '500ms', '--id', 'kill-sim'];
  const startSim = (): Promise<Started> => startCli(['kubelet-sim', '--kubeconfig', s.cluster.kubeconfig, ...SIM], /"ready":true/);
  const readyStatus = async (node: string): Promise<string | undefined> => (await json('get', 'node', node)).status.conditions?.find((c: Json) => c.type === 'Ready')?.status;

  beforeAll(async () => {
    s = await startKubectlSession(['--node-monitor-grace-period', '3s', '--node-monitor-period', '500ms', '--heartbeat-interval', '500ms']);
    sim = await startSim();
  });
  afterAll(async () => {
    await sim?.stop('SIGKILL');
    await s?.cluster.stop();
  });

  it('stay (they tolerate unreachable) while a plain pod is evicted, and are Running and Ready again when the node returns', async () => {
    await apply(plainDs('agent'));
    const [daemon] = (await runningOn('app=agent', [...WORKERS, 'kill-worker'], [], 20_000)).filter((p) => p.spec.nodeName === 'kill-worker');
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: plain}
spec:
  nodeName: kill-worker
  terminationGracePeriodSeconds: 1
  tolerations: [{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 0}]
  containers: [{name: c, image: registry.k8s.io/pause:3.10}]
`);
    await waitFor(async () => (await json('get', 'pod', 'plain')).status.phase === 'Running', 10_000, 'the plain pod to run');
    await sim!.stop('SIGKILL');
    sim = undefined;
    await waitFor(async () => (await readyStatus('kill-worker')) === 'Unknown', 15_000, 'the node to go Unknown');
    await waitFor(async () => !!(await json('get', 'pod', 'plain')).metadata.deletionTimestamp, 15_000, 'the plain pod to be evicted');
    const kept = await json('get', 'pod', daemon!.metadata.name);
    expect(kept.metadata.deletionTimestamp).toBeUndefined();
    expect(kept.spec.tolerations).toContainEqual({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' });
    const st = (await json('get', 'ds', 'agent')).status;
    expect(st).toMatchObject({ desiredNumberScheduled: 2, numberMisscheduled: 1 });

    sim = await startSim();
    await waitFor(async () => (await readyStatus('kill-worker')) === 'True', 15_000, 'the node to be Ready again');
    const back = await runningOn('app=agent', [...WORKERS, 'kill-worker'], [], 20_000);
    expect(back.find((p) => p.spec.nodeName === 'kill-worker')!.metadata.uid).toBe(daemon!.metadata.uid);
    await waitFor(async () => (await json('get', 'ds', 'agent')).status.numberAvailable === 3, 15_000, 'all three available');
    expect((await pods('app=agent')).length).toBe(3);
    // the returning kubelet finishes the eviction of the plain pod
    await waitFor(async () => (await k('get', 'pod', 'plain')).code !== 0, 15_000, 'the evicted pod to be gone');
  });
});
