// The StatefulSet walkthrough (rolling update, canary with partition), top to bottom, with the real kubectl against
// `kubeling up`, asserting kubectl's exact lines where the walkthrough names them.

import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/cluster.js';
import { kubectlOrSkip } from './support/kubectl.js';
import { startKubectlSession, writeManifest, type KubectlSession } from './support/kubectl-session.js';
import { PodTimeline } from './support/pod-timeline.js';
import { example, helpers, type Json } from './support/walkthrough.js';

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
