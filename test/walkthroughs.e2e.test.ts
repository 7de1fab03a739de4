// The walkthroughs users replay (StatefulSet, DaemonSet, scheduling, static pods, API versions), top to bottom, with
// the real kubectl against `kubeling up`, asserting kubectl's exact lines where the walkthrough names them.

import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, waitFor, type Started } from './support/cluster.js';
import { kubectlOrSkip } from './support/kubectl.js';
import { startKubectlSession, writeManifest, type KubectlSession } from './support/kubectl-session.js';
import { PodTimeline } from './support/pod-timeline.js';
import { AUTO_TOLERATIONS, CP, example, helpers, KS, plainDs, rollingOrder, WORKERS, type Json } from './support/walkthrough.js';

const available = kubectlOrSkip();

/** `rollout status` of a StatefulSet with a rollingUpdate block prints only these lines (kubectl's StatefulSetStatusViewer). */
const STS_STATUS_LINE = /^(Waiting for statefulset spec update to be observed\.\.\.|Waiting for \d+ pods to be ready\.\.\.|Waiting for partitioned roll out to finish: \d+ out of \d+ new pods have been updated\.\.\.|partitioned roll out complete: \d+ new pods have been updated\.\.\.)$/;
const replaced = (ordinals: number[]): string[] => ordinals.flatMap((o) => [`terminating mysql-${o}`, `gone mysql-${o}`, `created mysql-${o}`, `ready mysql-${o}`]);

describe.skipIf(!available)('walkthrough: StatefulSet rolling update, canary with partition', () => {
  let s: KubectlSession;
  let mysql: PodTimeline;
  const { ok, json } = helpers(() => s);
  const status = async (): Promise<Json> => (await json('get', 'sts', 'mysql')).status as Json;
  const images = (): Promise<string> => ok('get', 'pods', '-l', 'app=mysql', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.containers[0].image}@{.metadata.labels.controller-revision-hash} {end}');
  const jsonPatch = (image: string): string => `[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value":"${image}"}]`;
  /** `kubectl rollout status statefulset/mysql` to its end: every line is one kubectl prints; returns the last. */
  const rolloutStatus = async (): Promise<string> => {
    const lines = (await ok('rollout', 'status', 'statefulset/mysql', '--timeout=60s')).trim().split('\n');
    for (const l of lines) expect(l).toMatch(STS_STATUS_LINE);
    return lines.at(-1)!;
  };
  const settled = (): Promise<Json> => waitFor(async () => {
    const sts = await json('get', 'sts', 'mysql');
    const st = sts.status as Json;
    return st.observedGeneration === sts.metadata.generation && st.currentRevision === st.updateRevision && st.readyReplicas === 3 && st.updatedReplicas === 3 ? st : undefined;
  }, 30_000, 'mysql to settle') as Promise<Json>;

  beforeAll(async () => {
    s = await startKubectlSession();
    mysql = await PodTimeline.start(s.cluster.kubeconfig, 'app=mysql');
  });
  afterAll(async () => {
    await mysql?.stop();
    await s?.cluster.stop();
  });

  it('1. kubectl apply -f mysql-statefulset.yaml: mysql-0, -1, -2 one at a time, each after the previous is Ready; PVCs data-mysql-0..2', async () => {
    expect(await ok('apply', '-f', example('mysql-statefulset.yaml'))).toBe('service/mysql created\nstatefulset.apps/mysql created\n');
    expect(await rolloutStatus()).toBe('partitioned roll out complete: 3 new pods have been updated...');
    // OrderedReady: the next pod is created only once the previous one is Running and Ready
    expect(mysql.since(0, ['created', 'ready'])).toEqual(['created mysql-0', 'ready mysql-0', 'created mysql-1', 'ready mysql-1', 'created mysql-2', 'ready mysql-2']);
    expect(await ok('get', 'pvc', '-o', 'name')).toBe('persistentvolumeclaim/data-mysql-0\npersistentvolumeclaim/data-mysql-1\npersistentvolumeclaim/data-mysql-2\n');
    expect(await ok('get', 'sts', 'mysql', '-o', 'jsonpath={.spec.podManagementPolicy} {.spec.updateStrategy}')).toBe('OrderedReady {"rollingUpdate":{"partition":0},"type":"RollingUpdate"}');
  });

  it('2. the JSON patch of the image replaces mysql-2, then 1, then 0, each after its replacement is Ready; rollout status follows it to the end', async () => {
    const mark = mysql.moments.length;
    expect(await ok('patch', 'statefulset', 'mysql', '--type=json', `-p=${jsonPatch('mysql:5.7.23')}`)).toBe('statefulset.apps/mysql patched\n');
    // apps/v1 defaults rollingUpdate.partition to 0, so kubectl 1.32 always takes its "partitioned" branch: the
    // "rolling update complete ..." wording of the walkthrough is never printed for an apps/v1 RollingUpdate set.
    expect(await rolloutStatus()).toBe('partitioned roll out complete: 3 new pods have been updated...');
    const st = await settled();
    expect(mysql.since(mark)).toEqual(replaced([2, 1, 0]));
    expect(await images()).toBe(['0', '1', '2'].map((o) => `mysql-${o}=mysql:5.7.23@${st.updateRevision} `).join(''));
  });

  it('2. if a new pod fails the rollout stops there; rollout undo and deleting the stuck pod recover', async () => {
    const good = (await status()).currentRevision as string;
    const mark = mysql.moments.length;
    expect(await ok('patch', 'statefulset', 'mysql', '--type=json', `-p=${jsonPatch('mysql:5.7.24-broken')}`)).toBe('statefulset.apps/mysql patched\n');
    await waitFor(async () => {
      const p = await json('get', 'pod', 'mysql-2');
      const reason = p.status.containerStatuses?.[0]?.state?.waiting?.reason as string | undefined;
      return p.spec.containers[0].image === 'mysql:5.7.24-broken' && (reason === 'ErrImagePull' || reason === 'ImagePullBackOff');
    }, 20_000, 'mysql-2 failing to pull');
    expect((await ok('rollout', 'status', 'statefulset/mysql', '--watch=false')).trim()).toBe('Waiting for 1 pods to be ready...');
    expect(await status()).toMatchObject({ currentRevision: good, readyReplicas: 2, updatedReplicas: 1, currentReplicas: 2 });
    expect(mysql.since(mark)).toEqual(['terminating mysql-2', 'gone mysql-2', 'created mysql-2']);
    expect(await images()).toMatch(new RegExp(`^mysql-0=mysql:5\\.7\\.23@${good} mysql-1=mysql:5\\.7\\.23@${good} mysql-2=mysql:5\\.7\\.24-broken@`));

    // upstream needs the stuck pod deleted by hand after the revert (the OrderedReady "forced rollback")
    expect(await ok('rollout', 'undo', 'statefulset/mysql')).toBe('statefulset.apps/mysql rolled back\n');
    await ok('delete', 'pod', 'mysql-2');
    expect((await settled()).currentRevision).toBe(good);
    expect(await ok('rollout', 'history', 'statefulset/mysql')).toBe('statefulset.apps/mysql \nREVISION  CHANGE-CAUSE\n1         <none>\n3         <none>\n4         <none>\n\n');
    expect(await ok('rollout', 'history', 'statefulset/mysql', '--revision=1')).toMatch(/^statefulset\.apps\/mysql with revision #1\nPod Template:\n\s+Labels:\s+app=mysql\n\s+Containers:\n\s+mysql:\n\s+Image:\s+mysql:5\.7\.2\n/);
    expect(await ok('rollout', 'undo', 'statefulset/mysql', '--to-revision=4')).toBe('statefulset.apps/mysql skipped rollback (current template already matches revision 4)\n');
  });

  it('3. the partition set with kubectl edit, and with the strategic merge patch exactly as written', async () => {
    const editor = await writeManifest(s.files, 'partition-editor.sh', '#!/bin/sh\nsed -i -e "s/partition: 0$/partition: 3/" "$1"\n');
    await chmod(editor, 0o755);
    const edited = await s.kubectl(['edit', 'statefulset', 'mysql'], { env: { EDITOR: editor, KUBE_EDITOR: editor } });
    expect(edited).toEqual({ code: 0, stdout: 'statefulset.apps/mysql edited\n', stderr: '' });
    expect(await ok('get', 'sts', 'mysql', '-o', 'jsonpath={.spec.updateStrategy.rollingUpdate.partition}')).toBe('3');

    expect(await ok('patch', 'statefulset', 'mysql', '-p', '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}}}}')).toBe('statefulset.apps/mysql patched\n');
    expect(await ok('get', 'sts', 'mysql', '-o', 'jsonpath={.spec.updateStrategy}')).toBe('{"rollingUpdate":{"partition":2},"type":"RollingUpdate"}');
    expect(await ok('describe', 'sts', 'mysql')).toMatch(/Update Strategy:\s+RollingUpdate\n\s+Partition:\s+2\n/);
  });

  it('3. under partition 2 a new tag reaches only mysql-2; mysql-0 deleted comes back at the OLD revision; lowering the partition continues', async () => {
    const old = (await status()).currentRevision as string;
    let mark = mysql.moments.length;
    expect(await ok('patch', 'statefulset', 'mysql', '--type=json', `-p=${jsonPatch('mysql:8.0')}`)).toBe('statefulset.apps/mysql patched\n');
    expect(await rolloutStatus()).toBe('partitioned roll out complete: 1 new pods have been updated...');
    const st = await status();
    expect(st).toMatchObject({ currentRevision: old, currentReplicas: 2, updatedReplicas: 1, readyReplicas: 3 });
    const canary = st.updateRevision as string;
    expect(mysql.since(mark)).toEqual(replaced([2]));
    expect(await images()).toBe(`mysql-0=mysql:5.7.23@${old} mysql-1=mysql:5.7.23@${old} mysql-2=mysql:8.0@${canary} `);

    mark = mysql.moments.length;
    expect(await ok('delete', 'pod', 'mysql-0')).toBe('pod "mysql-0" deleted\n');
    await waitFor(() => mysql.since(mark).includes('ready mysql-0'), 20_000, 'mysql-0 back');
    expect(await images()).toBe(`mysql-0=mysql:5.7.23@${old} mysql-1=mysql:5.7.23@${old} mysql-2=mysql:8.0@${canary} `);

    mark = mysql.moments.length;
    await ok('patch', 'statefulset', 'mysql', '-p', '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":1}}}}');
    expect(await rolloutStatus()).toBe('partitioned roll out complete: 2 new pods have been updated...');
    expect(mysql.since(mark)).toEqual(replaced([1]));
    mark = mysql.moments.length;
    await ok('patch', 'statefulset', 'mysql', '-p', '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}');
    expect(await rolloutStatus()).toBe('partitioned roll out complete: 3 new pods have been updated...');
    expect((await settled()).currentRevision).toBe(canary);
    expect(mysql.since(mark)).toEqual(replaced([0]));
    expect(await images()).toBe(['0', '1', '2'].map((o) => `mysql-${o}=mysql:8.0@${canary} `).join(''));
  });
});

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
