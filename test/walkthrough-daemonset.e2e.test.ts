// The DaemonSet walkthrough (one pod per node, tolerations, affinity, rolling updates, history), top to bottom, with
// the real kubectl against `kubeling up`, asserting kubectl's exact lines where the walkthrough names them.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, waitFor, type Started } from './support/cluster.js';
import { kubectlOrSkip } from './support/kubectl.js';
import { startKubectlSession, type KubectlSession } from './support/kubectl-session.js';
import { PodTimeline } from './support/pod-timeline.js';
import { AUTO_TOLERATIONS, CP, example, helpers, KS, plainDs, rollingOrder, WORKERS, type Json } from './support/walkthrough.js';

const available = kubectlOrSkip();

const FLUENTD = 'name=fluentd-elasticsearch';
const DS_DONE = 'daemon set "fluentd-elasticsearch" successfully rolled out';

describe.skipIf(!available)('walkthrough: DaemonSet, one pod per node', () => {
  let s: KubectlSession;
  let joined: Started | undefined;
  const { k, ok, json, apply, pods, runningOn, gone } = helpers(() => s);
  const dsStatus = async (name: string, ...more: string[]): Promise<Json> => (await json('get', 'ds', name, ...more)).status as Json;
  const fluentdStatus = async (): Promise<string[]> => (await ok('rollout', 'status', 'ds/fluentd-elasticsearch', ...KS, '--timeout=60s')).trim().split('\n');

  beforeAll(async () => {
    // Pods of a deleted Node go once pod GC's quarantine has passed (40 s by default, as upstream): 1 s here.
    s = await startKubectlSession(['--pod-gc-quarantine', '1s', '--pod-gc-period', '500ms']);
  });
  afterAll(async () => {
    await joined?.stop();
    await s?.cluster.stop();
  });

  it('1, 3, 4. apply fluentd-elasticsearch.yaml: one pod per node it tolerates, pinned by nodeAffinity, with the automatic tolerations; the template untouched', async () => {
    expect(await ok('apply', '-f', example('fluentd-elasticsearch-daemonset.yaml'))).toBe('daemonset.apps/fluentd-elasticsearch created\n');
    expect((await fluentdStatus()).at(-1)).toBe(DS_DONE);
    // Real 1.32: kubeadm taints the control plane with node-role.kubernetes.io/control-plane:NoSchedule only (the
    // master taint is gone since 1.25), and the example tolerates only the master one: the control plane gets no pod.
    expect(await ok('get', 'node', CP, '-o', 'jsonpath={.spec.taints}')).toBe('[{"effect":"NoSchedule","key":"node-role.kubernetes.io/control-plane"}]');
    const ps = await runningOn(FLUENTD, WORKERS, KS);
    for (const p of ps) {
      expect(p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual({ nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [p.spec.nodeName] }] }] });
      expect(p.spec.tolerations).toEqual([{ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }, ...AUTO_TOLERATIONS]);
    }
    const ds = await json('get', 'ds', 'fluentd-elasticsearch', ...KS);
    expect(ds.spec.template.spec.affinity).toBeUndefined();
    expect(ds.spec.template.spec.tolerations).toEqual([{ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }]);
    expect(await ok('get', 'ds', ...KS)).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE\nfluentd-elasticsearch\s+2\s+2\s+2\s+2\s+2\s+<none>\s+\S+\n$/);
  });

  it('1. tolerating the control-plane taint as well puts a pod on the control-plane node too', async () => {
    await ok('patch', 'ds', 'fluentd-elasticsearch', ...KS, '--type=json', '-p', '[{"op":"add","path":"/spec/template/spec/tolerations/-","value":{"key":"node-role.kubernetes.io/control-plane","operator":"Exists","effect":"NoSchedule"}}]');
    expect((await fluentdStatus()).at(-1)).toBe(DS_DONE);
    await runningOn(FLUENTD, [CP, ...WORKERS], KS);
  });

  it('2. per node: no daemon pod → one is created; more than one → the extras are deleted', async () => {
    const [victim] = (await pods(FLUENTD, ...KS)).filter((p) => p.spec.nodeName === 'kubeling-worker');
    expect(await ok('delete', 'pod', victim!.metadata.name, ...KS)).toBe(`pod "${victim!.metadata.name}" deleted\n`);
    const back = await runningOn(FLUENTD, [CP, ...WORKERS], KS);
    expect(back.map((p) => p.metadata.uid)).not.toContain(victim!.metadata.uid);

    // an orphan carrying the selector's labels on kubeling-worker is adopted: that node now has two, one goes
    const ds = await json('get', 'ds', 'fluentd-elasticsearch', ...KS);
    expect(await apply(`apiVersion: v1
kind: Pod
metadata: {name: fluentd-extra, namespace: kube-system, labels: {name: fluentd-elasticsearch}}
spec:
  nodeName: kubeling-worker
  terminationGracePeriodSeconds: 0
  containers: [{name: c, image: k8s.gcr.io/fluentd-elasticsearch:1.20}]
`)).toBe('pod/fluentd-extra created\n');
    const after = await runningOn(FLUENTD, [CP, ...WORKERS], KS);
    expect(after.every((p) => p.metadata.ownerReferences?.[0]?.uid === ds.metadata.uid)).toBe(true);
    await waitFor(async () => /Normal\s+SuccessfulDelete\s+\S+\s+daemonset-controller\s+Deleted pod: /.test(await ok('describe', 'ds', 'fluentd-elasticsearch', ...KS)), 10_000, 'the SuccessfulDelete event');
  });

  it('4. a cordoned node still gets its daemon pod (the unschedulable toleration)', async () => {
    expect(await ok('cordon', 'kubeling-worker2')).toBe('node/kubeling-worker2 cordoned\n');
    try {
      const [p] = (await pods(FLUENTD, ...KS)).filter((x) => x.spec.nodeName === 'kubeling-worker2');
      await ok('delete', 'pod', p!.metadata.name, ...KS);
      const again = (await runningOn(FLUENTD, [CP, ...WORKERS], KS)).find((x) => x.spec.nodeName === 'kubeling-worker2')!;
      expect(again.metadata.uid).not.toBe(p!.metadata.uid);
    } finally {
      expect(await ok('uncordon', 'kubeling-worker2')).toBe('node/kubeling-worker2 uncordoned\n');
    }
  });

  it('5. a node that joins gets a daemon pod; a node deleted has its pod garbage-collected', async () => {
    joined = await startCli(['kubelet-sim', '--kubeconfig', s.cluster.kubeconfig, '--nodes', '1', '--name-prefix', 'join', '--id', 'join-sim'], /"ready":true/);
    await runningOn(FLUENTD, [CP, ...WORKERS, 'join-worker'], KS, 20_000);
    expect(await dsStatus('fluentd-elasticsearch', ...KS)).toMatchObject({ desiredNumberScheduled: 4 });
    await joined.stop();
    joined = undefined;
    expect(await ok('delete', 'node', 'join-worker')).toBe('node "join-worker" deleted\n');
    await runningOn(FLUENTD, [CP, ...WORKERS], KS, 20_000);
    await waitFor(async () => (await dsStatus('fluentd-elasticsearch', ...KS)).desiredNumberScheduled === 3, 10_000, 'desired back to 3');
  });

  it('5. a pod that cannot start keeps being retried: the kubelet restarts it, and a Failed one is replaced', async () => {
    await apply(plainDs('crashy', '', '', 'busybox:crash'));
    const crashing = await waitFor(async () => {
      const ps = await pods('app=crashy');
      const looping = ps.filter((p) => p.status.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff');
      return ps.length === 2 && looping.length === 2 ? ps : undefined;
    }, 15_000, 'crashy in CrashLoopBackOff on both workers');
    expect(crashing!.map((p) => p.status.containerStatuses[0].lastState.terminated.exitCode)).toEqual([1, 1]);
    const victim = crashing![0]!;
    await ok('patch', 'pod', victim.metadata.name, '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Failed"}}');
    await gone(victim.metadata.name);
    const node = victim.spec.nodeName as string;
    await waitFor(async () => (await pods('app=crashy')).some((p) => p.spec.nodeName === node && p.metadata.uid !== victim.metadata.uid), 15_000, 'a new pod on the node');
    const event = new RegExp(`Warning\\s+FailedDaemonPod\\s+\\S+\\s+daemonset-controller\\s+Found failed daemon pod default/${victim.metadata.name} on node ${node}, will try to kill it`);
    await waitFor(async () => event.test(await ok('describe', 'ds', 'crashy')), 10_000, 'the FailedDaemonPod event');
    expect(await ok('delete', 'ds', 'crashy')).toBe('daemonset.apps "crashy" deleted\n');
  });

  it('6. the network plugin agent starts on a node with the network-unavailable taint; other daemons wait for the network', async () => {
    const network = (v: 'True' | 'False') => ok('patch', 'node', 'kubeling-worker2', '--subresource=status', '--type=strategic', '-p', JSON.stringify({
      status: { conditions: [{ type: 'NetworkUnavailable', status: v, reason: v === 'True' ? 'NoRouteCreated' : 'RouteCreated', message: v === 'True' ? 'Node created without a route' : 'RouteController created a route' }] },
    }));
    const tainted = async () => ((await json('get', 'node', 'kubeling-worker2')).spec.taints ?? []).some((t: Json) => t.key === 'node.kubernetes.io/network-unavailable' && t.effect === 'NoSchedule');
    await network('True');
    await waitFor(tainted, 10_000, 'the network-unavailable taint');
    try {
      expect(await ok('apply', '-f', example('network-plugin-agent-daemonset.yaml'))).toBe('daemonset.apps/network-plugin-agent created\n');
      await runningOn('name=network-plugin-agent', WORKERS, KS);
      await apply(plainDs('late'));
      await runningOn('app=late', ['kubeling-worker']);
    } finally {
      await network('False');
    }
    await waitFor(async () => !(await tainted()), 10_000, 'the taint to go');
    await runningOn('app=late', WORKERS);
  });

  it('7. nodeSelector: ssd-monitor follows kubectl label nodes … disktype=ssd', async () => {
    expect(await ok('apply', '-f', example('ssd-daemonset.yaml'))).toBe('daemonset.apps/ssd-monitor created\n');
    await waitFor(async () => (await dsStatus('ssd-monitor')).observedGeneration === 1, 10_000, 'ssd-monitor observed');
    expect(await pods('app=ssd-monitor')).toEqual([]);
    expect(await ok('label', 'nodes', 'kubeling-worker', 'disktype=ssd')).toBe('node/kubeling-worker labeled\n');
    await runningOn('app=ssd-monitor', ['kubeling-worker']);
    expect(await ok('get', 'ds', 'ssd-monitor')).toMatch(/\nssd-monitor\s+1\s+1\s+1\s+1\s+1\s+disktype=ssd\s+\S+\n$/);
    await ok('label', 'nodes', 'kubeling-worker2', 'disktype=ssd');
    await runningOn('app=ssd-monitor', WORKERS);
    expect(await ok('label', 'nodes', 'kubeling-worker2', 'disktype-')).toBe('node/kubeling-worker2 unlabeled\n');
    await runningOn('app=ssd-monitor', ['kubeling-worker']);
  });

  it('7. nodeAffinity: required In, NotIn, Exists, DoesNotExist, Gt, Lt restrict the nodes and follow label changes; preferred does not restrict', async () => {
    await ok('label', 'nodes', 'kubeling-worker', 'gpu=true', 'cores=8');
    await ok('label', 'nodes', 'kubeling-worker2', 'disktype=ssd', 'gpu=true', 'cores=2');
    await apply(plainDs('picky', '', `      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
            - matchExpressions:
              - {key: disktype, operator: In, values: [ssd]}
              - {key: tier, operator: NotIn, values: [frontend]}
              - {key: gpu, operator: Exists}
              - {key: legacy, operator: DoesNotExist}
              - {key: cores, operator: Gt, values: ["4"]}
              - {key: cores, operator: Lt, values: ["64"]}
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 1
            preference: {matchExpressions: [{key: zone-pref, operator: In, values: [a]}]}
`));
    const [first] = await runningOn('app=picky', ['kubeling-worker']);
    // the controller replaces the required terms with its matchFields pin and keeps the preferred ones
    expect(first!.spec.affinity.nodeAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['kubeling-worker'] }] }] },
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'zone-pref', operator: 'In', values: ['a'] }] } }],
    });
    const both = [...WORKERS];
    const one = ['kubeling-worker'];
    const steps: Array<[string, string[], string[]]> = [
      ['Gt', ['cores=16', '--overwrite'], both],
      ['Lt', ['cores=100', '--overwrite'], one],
      ['Lt', ['cores=16', '--overwrite'], both],
      ['NotIn', ['tier=frontend'], one],
      ['NotIn', ['tier-'], both],
      ['DoesNotExist', ['legacy=yes'], one],
      ['DoesNotExist', ['legacy-'], both],
      ['In', ['disktype=hdd', '--overwrite'], one],
      ['In', ['disktype=ssd', '--overwrite'], both],
      ['Exists', ['gpu-'], one],
    ];
    for (const [, labels, nodes] of steps) {
      await ok('label', 'nodes', 'kubeling-worker2', ...labels);
      await runningOn('app=picky', nodes);
    }
    expect(await ok('delete', 'ds', 'picky')).toBe('daemonset.apps "picky" deleted\n');
  });

  it('8. RollingUpdate is the default (maxUnavailable 1, maxSurge 0, minReadySeconds 0): old pod out, then new pod in, node by node', async () => {
    // minReadySeconds 0 is omitted from the object (omitempty), as on a real cluster
    expect(await ok('get', 'ds', 'late', '-o', 'jsonpath={.spec.updateStrategy}|{.spec.minReadySeconds}|{.spec.revisionHistoryLimit}')).toBe('{"rollingUpdate":{"maxSurge":0,"maxUnavailable":1},"type":"RollingUpdate"}||10');
    const timeline = await PodTimeline.start(s.cluster.kubeconfig, 'app=late');
    try {
      const mark = timeline.moments.length;
      await ok('set', 'image', 'ds/late', 'c=registry.k8s.io/pause:3.9');
      expect((await ok('rollout', 'status', 'ds/late', '--timeout=30s')).trim().split('\n').at(-1)).toBe('daemon set "late" successfully rolled out');
      await runningOn('app=late', WORKERS);
      const seen = rollingOrder(timeline, mark);
      expect(seen[0]).toMatch(/^out late-/);
      // never more than one node without a ready daemon pod: the second old pod goes after the first new one is ready
      expect(seen.filter((m) => m.startsWith('out'))).toHaveLength(2);
      expect(seen.lastIndexOf(seen.filter((m) => m.startsWith('out'))[1]!)).toBeGreaterThan(seen.findIndex((m) => m.startsWith('ready')));
    } finally {
      await timeline.stop();
    }
  });

  it('8. maxSurge 1 (maxUnavailable 0) starts the new pod before the old one goes', async () => {
    await apply(plainDs('surge', '  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}\n'));
    await runningOn('app=surge', WORKERS);
    const timeline = await PodTimeline.start(s.cluster.kubeconfig, 'app=surge');
    try {
      const mark = timeline.moments.length;
      await ok('set', 'image', 'ds/surge', 'c=registry.k8s.io/pause:3.9');
      expect((await ok('rollout', 'status', 'ds/surge', '--timeout=30s')).trim().split('\n').at(-1)).toBe('daemon set "surge" successfully rolled out');
      await runningOn('app=surge', WORKERS);
      const seen = rollingOrder(timeline, mark);
      // the first new pod is Ready before any old pod goes
      expect(seen.slice(0, 2).map((m) => m.split(' ')[0])).toEqual(['created', 'ready']);
      expect(seen.findIndex((m) => m.startsWith('out'))).toBeGreaterThan(1);
      expect(seen.filter((m) => m.startsWith('out'))).toHaveLength(2);
    } finally {
      await timeline.stop();
    }
  });

  it('8. minReadySeconds: a Ready daemon pod counts as available only after it', async () => {
    await apply(plainDs('slow', '  minReadySeconds: 3\n'));
    await waitFor(async () => {
      const st = await dsStatus('slow');
      return st.numberReady === 2 && (st.numberAvailable ?? 0) === 0 && st.numberUnavailable === 2;
    }, 10_000, 'two Ready pods not yet available');
    await waitFor(async () => (await dsStatus('slow')).numberAvailable === 2, 10_000, 'both available');
  });

  it('8. OnDelete: a template change reaches only the pods deleted by hand; rollout status refuses', async () => {
    await apply(plainDs('ondelete', '  updateStrategy: {type: OnDelete}\n'));
    const before = await runningOn('app=ondelete', WORKERS);
    expect(await k('rollout', 'status', 'ds/ondelete')).toMatchObject({ code: 1, stderr: 'error: rollout status is only available for RollingUpdate strategy type\n' });
    await ok('set', 'image', 'ds/ondelete', 'c=registry.k8s.io/pause:3.9');
    await waitFor(async () => (await dsStatus('ondelete')).observedGeneration === 2, 10_000, 'the change observed');
    expect((await pods('app=ondelete')).map((p) => p.metadata.uid).sort()).toEqual(before.map((p) => p.metadata.uid).sort());
    await ok('delete', 'pod', before[0]!.metadata.name);
    const after = await runningOn('app=ondelete', WORKERS);
    const image = (node: string) => after.find((p) => p.spec.nodeName === node)!.spec.containers[0].image;
    expect(image(before[0]!.spec.nodeName)).toBe('registry.k8s.io/pause:3.9');
    expect(image(before[1]!.spec.nodeName)).toBe('registry.k8s.io/pause:3.10');
  });

  it('9. rollout history, history --revision=1, undo --to-revision, rollout status', async () => {
    await ok('patch', 'ds', 'fluentd-elasticsearch', ...KS, '--type=json', '-p', '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"k8s.gcr.io/fluentd-elasticsearch:1.21"}]');
    const lines = await fluentdStatus();
    for (const l of lines.slice(0, -1)) expect(l).toMatch(/^(Waiting for daemon set spec update to be observed\.\.\.|Waiting for daemon set "fluentd-elasticsearch" rollout to finish: \d out of 3 new pods have been updated\.\.\.|Waiting for daemon set "fluentd-elasticsearch" rollout to finish: \d of 3 updated pods are available\.\.\.)$/);
    expect(lines.at(-1)).toBe(DS_DONE);
    expect(await ok('rollout', 'history', 'daemonset', 'fluentd-elasticsearch', ...KS)).toBe('daemonset.apps/fluentd-elasticsearch \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n3         <none>\n\n');
    const rev1 = await ok('rollout', 'history', 'daemonset', 'fluentd-elasticsearch', ...KS, '--revision=1');
    expect(rev1).toMatch(/^daemonset\.apps\/fluentd-elasticsearch with revision #1\nPod Template:\n  Labels:\tname=fluentd-elasticsearch\n  Containers:\n   fluentd-elasticsearch:\n    Image:\tk8s\.gcr\.io\/fluentd-elasticsearch:1\.20\n/);
    expect(rev1).toContain('Tolerations:\tnode-role.kubernetes.io/master:NoSchedule\n');

    expect(await ok('rollout', 'undo', 'daemonset', 'fluentd-elasticsearch', ...KS, '--to-revision=1')).toBe('daemonset.apps/fluentd-elasticsearch rolled back\n');
    expect((await ok('rollout', 'status', 'ds/fluentd-elasticsearch', ...KS, '--timeout=60s')).trim().split('\n').at(-1)).toBe(DS_DONE);
    const ps = await runningOn(FLUENTD, WORKERS, KS);
    expect(new Set(ps.map((p) => p.spec.containers[0].image))).toEqual(new Set(['k8s.gcr.io/fluentd-elasticsearch:1.20']));
    expect(await ok('rollout', 'history', 'daemonset', 'fluentd-elasticsearch', ...KS)).toBe('daemonset.apps/fluentd-elasticsearch \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n4         <none>\n\n');
    expect(await ok('rollout', 'undo', 'daemonset', 'fluentd-elasticsearch', ...KS, '--to-revision=4')).toBe('daemonset.apps/fluentd-elasticsearch skipped rollback (current template already matches revision 4)\n');
  });
});
