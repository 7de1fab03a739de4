// The StatefulSet walkthrough replayed with the real kubectl: ordered creation, rolling update, partition canary,
// a halted rollout, undo, restart, scaling order, OnDelete, Parallel, and what get/describe/rollout print.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/cluster.js';
import { kubectlOrSkip } from './support/kubectl.js';
import { kubectlCalls, startKubectlSession, type KubectlSession } from './support/kubectl-session.js';
import { PodTimeline } from './support/pod-timeline.js';

const available = kubectlOrSkip();
const EXAMPLE = new URL('./fixtures/examples/mysql-statefulset.yaml', import.meta.url);
const JSON_PATCH = '[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value":"mysql:5.7.23"}]';
const PARTITION_2 = '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}}}}';
/** Every line `kubectl rollout status sts/…` may print for a set with a rollingUpdate block (kubectl-contract §11.2). */
const PARTITIONED_LINE = /^(Waiting for statefulset spec update to be observed\.\.\.|Waiting for \d+ pods to be ready\.\.\.|Waiting for partitioned roll out to finish: \d+ out of \d+ new pods have been updated\.\.\.|partitioned roll out complete: \d+ new pods have been updated\.\.\.)$/;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** waitFor for a value: resolves with the first defined, truthy result. */
async function until<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  return (await waitFor(check, timeoutMs, what)) as T;
}

const replaced = (ordinals: number[], name = 'mysql'): string[] => ordinals.flatMap((o) => [`terminating ${name}-${o}`, `gone ${name}-${o}`, `created ${name}-${o}`, `ready ${name}-${o}`]);

describe.skipIf(!available)('StatefulSets through kubectl (the walkthrough)', () => {
  let s: KubectlSession;
  let mysql: PodTimeline;
  const { k, ok } = kubectlCalls(() => s.kubectl);
  const json = async (...args: string[]): Promise<Json> => JSON.parse(await ok(...args, '-o', 'json')) as Json;
  const status = async (name = 'mysql'): Promise<Json> => (await json('get', 'sts', name)).status as Json;
  const images = async (sel = 'app=mysql'): Promise<string> => ok('get', 'pods', '-l', sel, '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.containers[0].image}@{.metadata.labels.controller-revision-hash} {end}');
  const apply = async (text: string): Promise<void> => {
    const r = await s.kubectl(['apply', '-f', '-'], { input: text });
    expect(r.code, r.stderr).toBe(0);
  };
  /** `rollout status` until done; its lines. */
  const rolloutStatus = async (name = 'mysql'): Promise<string[]> => (await ok('rollout', 'status', `statefulset/${name}`, '--timeout=60s')).trim().split('\n');
  /** Waits until the controller saw the latest spec and every one of `replicas` pods is ready at the update revision. */
  const settled = (name: string, replicas: number): Promise<Json> => until(async () => {
    const sts = await json('get', 'sts', name);
    const st = sts.status as Json;
    const done = st.observedGeneration === sts.metadata.generation && st.currentRevision === st.updateRevision &&
      st.readyReplicas === replicas && st.updatedReplicas === replicas && st.replicas === replicas;
    return done ? st : undefined;
  }, 30_000, `${name} to settle`);

  beforeAll(async () => {
    s = await startKubectlSession();
    mysql = await PodTimeline.start(s.cluster.kubeconfig, 'app=mysql');
  });
  afterAll(async () => {
    await mysql?.stop();
    await s?.cluster.stop();
  });

  it('apply mysql-statefulset.yaml: mysql-0, -1, -2 one at a time, each after the previous is Ready; claims Bound', async () => {
    expect(await ok('apply', '-f', new URL(EXAMPLE).pathname)).toBe('service/mysql created\nstatefulset.apps/mysql created\n');
    const lines = await rolloutStatus();
    for (const l of lines) expect(l).toMatch(PARTITIONED_LINE);
    expect(lines.at(-1)).toBe('partitioned roll out complete: 3 new pods have been updated...');
    expect(mysql.since(0, ['created', 'ready'])).toEqual(['created mysql-0', 'ready mysql-0', 'created mysql-1', 'ready mysql-1', 'created mysql-2', 'ready mysql-2']);
    const st = await settled('mysql', 3);
    expect(st).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, currentReplicas: 3, updatedReplicas: 3, observedGeneration: 1, collisionCount: 0 });
    expect(st.currentRevision).toMatch(/^mysql-[4-9b-df]+$/);

    const pod = await json('get', 'pod', 'mysql-1');
    expect(pod.metadata.labels).toEqual({ app: 'mysql', 'statefulset.kubernetes.io/pod-name': 'mysql-1', 'apps.kubernetes.io/pod-index': '1', 'controller-revision-hash': st.currentRevision });
    expect(pod.metadata.generateName).toBe('mysql-');
    expect(pod.metadata.ownerReferences).toEqual([expect.objectContaining({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'mysql', controller: true, blockOwnerDeletion: true })]);
    expect(pod.spec.hostname).toBe('mysql-1');
    expect(pod.spec.subdomain).toBe('mysql');
    expect(pod.spec.volumes[0]).toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'data-mysql-1' } });

    const pvcs = await json('get', 'pvc', '-l', 'app=mysql');
    expect(pvcs.items.map((p: Json) => p.metadata.name)).toEqual(['data-mysql-0', 'data-mysql-1', 'data-mysql-2']);
    for (const p of pvcs.items) {
      expect(p.metadata.labels).toEqual({ app: 'mysql' });
      expect(p.metadata.ownerReferences).toBeUndefined(); // Retain / Retain
      expect(p.spec.resources.requests.storage).toBe('10Gi');
    }

    // the controller-manager's simulated provisioner binds each claim to a new volume of the default StorageClass
    await waitFor(async () => (await ok('get', 'pvc', '-l', 'app=mysql', '-o', 'jsonpath={.items[*].status.phase}')) === 'Bound Bound Bound', 20_000, 'claims Bound');
    expect(await ok('get', 'sts', 'mysql')).toMatch(/^NAME\s+READY\s+AGE\nmysql\s+3\/3\s+\d+s\n$/);
    const described = await ok('describe', 'sts', 'mysql');
    expect(described).toMatch(/Replicas:\s+3 desired \| 3 total\n/);
    expect(described).toMatch(/Update Strategy:\s+RollingUpdate\n\s+Partition:\s+0\n/);
    expect(described).toMatch(/Pods Status:\s+3 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed\n/);
    for (const o of [0, 1, 2]) {
      expect(described).toMatch(new RegExp(`Normal\\s+SuccessfulCreate\\s+\\S+\\s+statefulset-controller\\s+create Claim data-mysql-${o} Pod mysql-${o} in StatefulSet mysql success\\n`));
      expect(described).toMatch(new RegExp(`Normal\\s+SuccessfulCreate\\s+\\S+\\s+statefulset-controller\\s+create Pod mysql-${o} in StatefulSet mysql successful\\n`));
    }
  });

  it('the JSON-patch image update replaces mysql-2, then 1, then 0, each after its replacement is Ready', async () => {
    const mark = mysql.moments.length;
    const before = (await status()).currentRevision as string;
    expect(await ok('patch', 'statefulset', 'mysql', '--type=json', `-p=${JSON_PATCH}`)).toBe('statefulset.apps/mysql patched\n');
    const lines = await rolloutStatus();
    for (const l of lines) expect(l).toMatch(PARTITIONED_LINE);
    expect(lines.at(-1)).toBe('partitioned roll out complete: 3 new pods have been updated...');
    const st = await settled('mysql', 3);
    expect(st.currentRevision).not.toBe(before);
    expect(mysql.since(mark)).toEqual(replaced([2, 1, 0]));
    expect(await images()).toBe(`mysql-0=mysql:5.7.23@${st.updateRevision} mysql-1=mysql:5.7.23@${st.updateRevision} mysql-2=mysql:5.7.23@${st.updateRevision} `);
    expect(await ok('rollout', 'history', 'sts/mysql')).toBe('statefulset.apps/mysql \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    expect(await ok('rollout', 'history', 'sts/mysql', '--revision=1')).toMatch(/^statefulset\.apps\/mysql with revision #1\nPod Template:\n\s+Labels:\s+app=mysql\n\s+Containers:\n\s+mysql:\n\s+Image:\s+mysql:5\.7\.2\n/);
  });

  it('partition 2 (a strategic merge patch): a new image reaches only mysql-2; mysql-0 deleted comes back at the old one; partition 0 completes', async () => {
    expect(await ok('patch', 'statefulset', 'mysql', '-p', PARTITION_2)).toBe('statefulset.apps/mysql patched\n');
    const old = (await status()).currentRevision as string;
    let mark = mysql.moments.length;
    await ok('set', 'image', 'statefulset/mysql', 'mysql=mysql:8.0');
    const lines = await rolloutStatus();
    expect(lines.at(-1)).toBe('partitioned roll out complete: 1 new pods have been updated...');
    const st = await until(async () => {
      const x = await status();
      return x.updatedReplicas === 1 && x.readyReplicas === 3 ? x : undefined;
    }, 20_000, 'the canary');
    expect(st).toMatchObject({ currentRevision: old, currentReplicas: 2, updatedReplicas: 1 });
    expect(mysql.since(mark)).toEqual(replaced([2]));
    const canary = st.updateRevision as string;
    expect(await images()).toBe(`mysql-0=mysql:5.7.23@${old} mysql-1=mysql:5.7.23@${old} mysql-2=mysql:8.0@${canary} `);

    mark = mysql.moments.length;
    await ok('delete', 'pod', 'mysql-0');
    await waitFor(() => mysql.since(mark).includes('ready mysql-0'), 20_000, 'mysql-0 back');
    expect(await images()).toBe(`mysql-0=mysql:5.7.23@${old} mysql-1=mysql:5.7.23@${old} mysql-2=mysql:8.0@${canary} `);

    mark = mysql.moments.length;
    await ok('patch', 'statefulset', 'mysql', '-p', '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}');
    const done = await settled('mysql', 3);
    expect(done.currentRevision).toBe(canary);
    expect(mysql.since(mark)).toEqual(replaced([1, 0]));
    expect(await images()).toBe(`mysql-0=mysql:8.0@${canary} mysql-1=mysql:8.0@${canary} mysql-2=mysql:8.0@${canary} `);
  });

  it('a bad image halts the rollout at the highest ordinal; undo plus deleting the broken pod recovers (forced rollback)', async () => {
    const good = (await status()).currentRevision as string;
    const mark = mysql.moments.length;
    await ok('set', 'image', 'statefulset/mysql', 'mysql=mysql:bad');
    const pullFailing = await until(async () => {
      const p = await json('get', 'pod', 'mysql-2');
      const reason = p.status.containerStatuses?.[0]?.state?.waiting?.reason as string | undefined;
      return p.spec.containers[0].image === 'mysql:bad' && (reason === 'ErrImagePull' || reason === 'ImagePullBackOff') ? reason : undefined;
    }, 20_000, 'mysql-2 failing to pull');
    expect(pullFailing).toBeTruthy();
    expect(mysql.since(mark)).toEqual(['terminating mysql-2', 'gone mysql-2', 'created mysql-2']);
    expect((await ok('rollout', 'status', 'statefulset/mysql', '--watch=false')).trim()).toBe('Waiting for 1 pods to be ready...');
    expect(await status()).toMatchObject({ currentRevision: good, readyReplicas: 2, updatedReplicas: 1, currentReplicas: 2 });

    expect(await ok('rollout', 'undo', 'sts/mysql')).toBe('statefulset.apps/mysql rolled back\n');
    await ok('delete', 'pod', 'mysql-2');
    const st = await settled('mysql', 3);
    expect(st.currentRevision).toBe(good);
    expect(await images()).toBe(`mysql-0=mysql:8.0@${good} mysql-1=mysql:8.0@${good} mysql-2=mysql:8.0@${good} `);
    // the good revision (3) was renumbered to 5 by the rollback, the bad one (4) stays
    expect(await ok('rollout', 'history', 'sts/mysql')).toBe('statefulset.apps/mysql \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n4         <none>\n5         <none>\n\n');
    expect(await ok('get', 'controllerrevision', good, '-o', 'jsonpath={.revision}')).toBe('5');
    expect(await ok('rollout', 'undo', 'sts/mysql', '--to-revision=5')).toBe('statefulset.apps/mysql skipped rollback (current template already matches revision 5)\n');
  });

  it('rollout undo goes back to the previous template, renumbering its revision; pods roll back in reverse order', async () => {
    const mark = mysql.moments.length;
    expect(await ok('rollout', 'undo', 'sts/mysql', '--to-revision=2')).toBe('statefulset.apps/mysql rolled back\n');
    const st = await settled('mysql', 3);
    expect(mysql.since(mark)).toEqual(replaced([2, 1, 0]));
    expect(await ok('get', 'controllerrevision', st.currentRevision, '-o', 'jsonpath={.revision}')).toBe('6');
    expect(await images()).toBe(`mysql-0=mysql:5.7.23@${st.currentRevision} mysql-1=mysql:5.7.23@${st.currentRevision} mysql-2=mysql:5.7.23@${st.currentRevision} `);
  });

  it('rollout restart stamps the template and replaces every pod', async () => {
    const mark = mysql.moments.length;
    expect(await ok('rollout', 'restart', 'sts/mysql')).toBe('statefulset.apps/mysql restarted\n');
    await settled('mysql', 3);
    expect(mysql.since(mark)).toEqual(replaced([2, 1, 0]));
    expect(await ok('get', 'pod', 'mysql-0', '-o', 'jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('scale up creates mysql-3 then mysql-4; --current-replicas guards; scale down deletes 4 then 3 and keeps the claims', async () => {
    let mark = mysql.moments.length;
    expect(await ok('scale', 'sts', 'mysql', '--replicas=5')).toBe('statefulset.apps/mysql scaled\n');
    await settled('mysql', 5);
    expect(mysql.since(mark)).toEqual(['created mysql-3', 'ready mysql-3', 'created mysql-4', 'ready mysql-4']);
    const wrong = await k('scale', 'sts', 'mysql', '--current-replicas=4', '--replicas=3');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toBe('error: Expected replicas to be 4, was 5\n');

    mark = mysql.moments.length;
    expect(await ok('scale', 'sts', 'mysql', '--current-replicas=5', '--replicas=3')).toBe('statefulset.apps/mysql scaled\n');
    await settled('mysql', 3);
    await waitFor(() => mysql.since(mark).includes('gone mysql-3'), 20_000, 'mysql-3 gone');
    expect(mysql.since(mark)).toEqual(['terminating mysql-4', 'gone mysql-4', 'terminating mysql-3', 'gone mysql-3']);
    expect(await ok('get', 'pvc', '-o', 'name')).toBe(['0', '1', '2', '3', '4'].map((o) => `persistentvolumeclaim/data-mysql-${o}`).join('\n') + '\n');
    expect(await ok('get', 'sts', 'mysql', '--no-headers')).toMatch(/^mysql\s+3\/3\s/);
  });

  it('OnDelete: a new template replaces nothing until a pod is deleted; currentRevision stays; rollout status refuses', async () => {
    await apply(`apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ondel}
spec:
  serviceName: ondel
  replicas: 2
  selector: {matchLabels: {app: ondel}}
  updateStrategy: {type: OnDelete}
  template:
    metadata: {labels: {app: ondel}}
    spec: {containers: [{name: c, image: nginx:1.27}]}
`);
    const first = await until(async () => {
      const st = await status('ondel');
      return st.readyReplicas === 2 ? st : undefined;
    }, 20_000, 'ondel ready');
    await ok('set', 'image', 'sts/ondel', 'c=nginx:1.28');
    const st = await until(async () => {
      const x = await status('ondel');
      return x.observedGeneration === 2 ? x : undefined;
    }, 20_000, 'ondel observed');
    expect(st.updateRevision).not.toBe(first.currentRevision);
    expect(st).toMatchObject({ currentRevision: first.currentRevision, currentReplicas: 2 });
    expect(st.updatedReplicas ?? 0).toBe(0);
    expect(await images('app=ondel')).toBe(`ondel-0=nginx:1.27@${first.currentRevision} ondel-1=nginx:1.27@${first.currentRevision} `);
    const refused = await k('rollout', 'status', 'sts/ondel');
    expect(refused.stderr).toBe('error: rollout status is only available for RollingUpdate strategy type\n');

    await ok('delete', 'pod', 'ondel-1');
    await waitFor(async () => (await images('app=ondel')) === `ondel-0=nginx:1.27@${first.currentRevision} ondel-1=nginx:1.28@${st.updateRevision} ` && (await status('ondel')).readyReplicas === 2, 20_000, 'ondel-1 at the new template');
    expect(await status('ondel')).toMatchObject({ currentRevision: first.currentRevision, currentReplicas: 1, updatedReplicas: 1 });
  });

  it('Parallel: all pods created without waiting for Ready, and all deleted at once', async () => {
    const par = await PodTimeline.start(s.cluster.kubeconfig, 'app=par');
    try {
      await apply(`apiVersion: apps/v1
kind: StatefulSet
metadata: {name: par}
spec:
  serviceName: par
  replicas: 3
  podManagementPolicy: Parallel
  selector: {matchLabels: {app: par}}
  template:
    metadata:
      labels: {app: par}
      annotations: {kubeling.io/ready-delay: "2s", kubeling.io/stop-delay: "1s"}
    spec: {terminationGracePeriodSeconds: 5, containers: [{name: c, image: nginx:1.27}]}
`);
      await waitFor(() => par.since(0, ['ready']).length === 3, 20_000, 'par ready');
      expect(par.since(0, ['created', 'ready']).slice(0, 3).sort()).toEqual(['created par-0', 'created par-1', 'created par-2']);
      const mark = par.moments.length;
      await ok('scale', 'sts', 'par', '--replicas=0');
      await waitFor(() => par.since(mark, ['gone']).length === 3, 20_000, 'par gone');
      expect(par.since(mark, ['terminating', 'gone']).slice(0, 3).sort()).toEqual(['terminating par-0', 'terminating par-1', 'terminating par-2']);
    } finally {
      await par.stop();
    }
  });

  it('an explicit RollingUpdate without rollingUpdate: rollout status ends with "statefulset rolling update complete"', async () => {
    await apply(`apiVersion: apps/v1
kind: StatefulSet
metadata: {name: plain}
spec:
  serviceName: plain
  replicas: 2
  updateStrategy: {type: RollingUpdate}
  selector: {matchLabels: {app: plain}}
  template:
    metadata: {labels: {app: plain}}
    spec: {containers: [{name: c, image: nginx:1.27}]}
`);
    expect((await json('get', 'sts', 'plain')).spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    let st = await settled('plain', 2);
    expect((await rolloutStatus('plain')).at(-1)).toBe(`statefulset rolling update complete 2 pods at revision ${st.currentRevision}...`);
    await ok('set', 'image', 'sts/plain', 'c=nginx:1.28');
    const lines = await rolloutStatus('plain');
    for (const l of lines) expect(l).toMatch(/^(Waiting for statefulset spec update to be observed\.\.\.|Waiting for \d+ pods to be ready\.\.\.|waiting for statefulset rolling update to complete \d+ pods at revision plain-\w+\.\.\.|statefulset rolling update complete \d+ pods at revision plain-\w+\.\.\.)$/);
    st = await settled('plain', 2);
    expect(lines.at(-1)).toBe(`statefulset rolling update complete 2 pods at revision ${st.currentRevision}...`);
  });

  it('--cascade=orphan leaves the pods; the same StatefulSet again adopts them without restarting them', async () => {
    const uids = await ok('get', 'pods', '-l', 'app=ondel', '-o', 'jsonpath={.items[*].metadata.uid}');
    const manifest = await ok('get', 'sts', 'ondel', '-o', 'yaml');
    await ok('delete', 'sts', 'ondel', '--cascade=orphan');
    await waitFor(async () => (await ok('get', 'pods', '-l', 'app=ondel', '-o', 'jsonpath={.items[*].metadata.ownerReferences}')) === '', 20_000, 'ondel pods orphaned');
    const fresh = manifest.replace(/^ {2}(uid|resourceVersion|creationTimestamp|generation): .*\n/gm, '').replace(/^status:[\s\S]*$/m, '');
    await apply(fresh);
    await waitFor(async () => (await ok('get', 'pods', '-l', 'app=ondel', '-o', 'jsonpath={.items[*].metadata.ownerReferences[0].name}')) === 'ondel ondel', 20_000, 'ondel pods adopted');
    expect(await ok('get', 'pods', '-l', 'app=ondel', '-o', 'jsonpath={.items[*].metadata.uid}')).toBe(uids);
  });

  it('--cascade=foreground keeps the StatefulSet (foregroundDeletion) until its pods are gone, and nothing is recreated', async () => {
    await apply(`apiVersion: apps/v1
kind: StatefulSet
metadata: {name: fg}
spec:
  serviceName: fg
  replicas: 2
  podManagementPolicy: Parallel
  selector: {matchLabels: {app: fg}}
  template:
    metadata: {labels: {app: fg}, annotations: {kubeling.io/stop-delay: "2s"}}
    spec: {terminationGracePeriodSeconds: 10, containers: [{name: c, image: nginx:1.27}]}
`);
    await settled('fg', 2);
    await ok('delete', 'sts', 'fg', '--cascade=foreground', '--wait=false');
    expect(await ok('get', 'sts', 'fg', '-o', 'jsonpath={.metadata.finalizers}')).toBe('["foregroundDeletion"]');
    await waitFor(async () => (await ok('get', 'pods', '-l', 'app=fg', '-o', 'jsonpath={.items[*].metadata.deletionTimestamp}')).split(' ').filter(Boolean).length === 2, 10_000, 'fg pods terminating');
    expect((await k('get', 'sts', 'fg')).code).toBe(0);
    await waitFor(async () => (await k('get', 'sts', 'fg')).code !== 0, 30_000, 'fg gone');
    expect(await ok('get', 'pods', '-l', 'app=fg', '-o', 'name')).toBe('');
  });

  it('deleting a StatefulSet takes its pods (the garbage collector) and keeps the claims (Retain)', async () => {
    await ok('delete', 'sts', 'mysql');
    await waitFor(async () => (await ok('get', 'pods', '-l', 'app=mysql', '-o', 'name')) === '', 30_000, 'mysql pods gone');
    expect((await ok('get', 'pvc', '-o', 'name')).split('\n').filter(Boolean)).toHaveLength(5);
    expect((await ok('get', 'controllerrevisions', '-l', 'app=mysql', '-o', 'name')).trim()).toBe('');
  });
});

