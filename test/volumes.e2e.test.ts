// Volumes through the real kubectl: the default StorageClass, claims bound by the simulated provisioner, static
// volumes, reclaiming, in-use protection and WaitForFirstConsumer, with a real cluster's tables and describe output.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/cluster.js';
import { kubectlOrSkip } from './support/kubectl.js';
import { kubectlCalls, startKubectlSession, type KubectlSession } from './support/kubectl-session.js';
import { AGE, parseTable, row } from './support/table.js';

const available = kubectlOrSkip();

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PVC_HEADERS = ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE'];
const PV_HEADERS = ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE'];

const claim = (name: string, size = '1Gi', extra = ''): string => `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${name}}
spec:
${extra}  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: ${size}}}
`;

describe.skipIf(!available)('volumes through kubectl', () => {
  let s: KubectlSession;
  const { k, ok } = kubectlCalls(() => s.kubectl);
  const apply = (text: string) => s.kubectl(['apply', '-f', '-'], { input: text });
  const json = async (...args: string[]): Promise<Json> => JSON.parse(await ok(...args, '-o', 'json')) as Json;
  const phaseOf = async (kind: string, name: string): Promise<string> => ok('get', kind, name, '-o', 'jsonpath={.status.phase}');
  const gone = (kind: string, name: string) => waitFor(async () => (await k('get', kind, name)).code !== 0, 15_000, `${kind}/${name} to be gone`);
  const bound = (name: string) => waitFor(async () => (await phaseOf('pvc', name)) === 'Bound', 15_000, `pvc/${name} to be Bound`);

  beforeAll(async () => {
    // Only the components volumes need: the controller-manager, and the scheduler and nodes for pods using claims.
    s = await startKubectlSession(['--components', 'scheduler,controller-manager,kubelet-sim']);
  });
  afterAll(async () => {
    await s?.cluster.stop();
  });

  it('api-resources lists persistentvolumes (pv) and storageclasses (sc), cluster-scoped', async () => {
    const t = parseTable(await ok('api-resources'));
    expect(row(t, 'persistentvolumes')).toEqual(['persistentvolumes', 'pv', 'v1', 'false', 'PersistentVolume']);
    expect(row(t, 'storageclasses')).toEqual(['storageclasses', 'sc', 'storage.k8s.io/v1', 'false', 'StorageClass']);
  });

  it('get sc shows kind\'s default class: standard (default), rancher.io/local-path, Delete, Immediate', async () => {
    const t = parseTable(await ok('get', 'sc'));
    expect(t.headers).toEqual(['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE']);
    expect(t.rows.map((r) => r.slice(0, 5))).toEqual([['standard (default)', 'rancher.io/local-path', 'Delete', 'Immediate', 'false']]);
    expect(t.rows[0]![5]).toMatch(AGE);
    const described = await ok('describe', 'sc', 'standard');
    expect(described).toMatch(/^IsDefaultClass:\s+Yes$/m);
    expect(described).toMatch(/^Provisioner:\s+rancher\.io\/local-path$/m);
    expect(described).toMatch(/^VolumeBindingMode:\s+Immediate$/m);
    expect(await ok('explain', 'sc.volumeBindingMode')).toMatch(/^FIELD: volumeBindingMode <string>$/m);
  });

  it('a claim naming no class gets the default one and is Bound to a provisioned pvc-<uid> volume', async () => {
    expect((await apply(claim('data'))).stdout).toBe('persistentvolumeclaim/data created\n');
    await bound('data');
    const pvc = await json('get', 'pvc', 'data');
    const volumeName = `pvc-${pvc.metadata.uid as string}`;
    expect(pvc.spec).toMatchObject({ storageClassName: 'standard', volumeName, volumeMode: 'Filesystem' });
    expect(pvc.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
    expect(pvc.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    expect(pvc.metadata.annotations).toMatchObject({
      'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes',
      'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path', 'volume.beta.kubernetes.io/storage-provisioner': 'rancher.io/local-path',
    });
    const pv = await json('get', 'pv', volumeName);
    expect(pv.metadata.annotations).toEqual({ 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' });
    expect(pv.metadata.finalizers).toEqual(['kubernetes.io/pv-protection']);
    expect(pv.spec).toMatchObject({
      accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'standard', volumeMode: 'Filesystem',
      hostPath: { path: `/var/local-path-provisioner/${volumeName}_default_data`, type: 'DirectoryOrCreate' },
      claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'default', name: 'data', uid: pvc.metadata.uid },
    });
    expect(pv.status).toMatchObject({ phase: 'Bound', lastPhaseTransitionTime: expect.any(String) });

    const claims = parseTable(await ok('get', 'pvc'));
    expect(claims.headers).toEqual(PVC_HEADERS);
    expect(row(claims, 'data')!.slice(0, 7)).toEqual(['data', 'Bound', volumeName, '1Gi', 'RWO', 'standard', '<unset>']);
    const volumes = parseTable(await ok('get', 'pv'));
    expect(volumes.headers).toEqual(PV_HEADERS);
    expect(row(volumes, volumeName)!.slice(0, 9)).toEqual([volumeName, '1Gi', 'RWO', 'Delete', 'Bound', 'default/data', 'standard', '<unset>', '']);
    expect(parseTable(await ok('get', 'pv', '-o', 'wide')).headers.at(-1)).toBe('VOLUMEMODE');
  });

  it('describe pvc shows the binding, the finalizer and the controller\'s and provisioner\'s events', async () => {
    // Events are written asynchronously: wait for the provisioner's last one.
    const out = await waitFor(async () => {
      const text = await ok('describe', 'pvc', 'data');
      return /ProvisioningSucceeded/.test(text) ? text : undefined;
    }, 15_000, 'the ProvisioningSucceeded event');
    expect(out).toMatch(/^StorageClass:\s+standard$/m);
    expect(out).toMatch(/^Status:\s+Bound$/m);
    expect(out).toMatch(/^Volume:\s+pvc-[0-9a-f-]{36}$/m);
    expect(out).toMatch(/^Finalizers:\s+\[kubernetes\.io\/pvc-protection\]$/m);
    expect(out).toMatch(/^Access Modes:\s+RWO$/m);
    expect(out).toMatch(/^Used By:\s+<none>$/m);
    expect(out).toMatch(/Normal\s+ExternalProvisioning\s+.*persistentvolume-controller\s+Waiting for a volume to be created either by the external provisioner 'rancher\.io\/local-path' or manually by the system administrator\./);
    expect(out).toMatch(/Normal\s+Provisioning\s+\S+\s+rancher\.io\/local-path_\S+\s+External provisioner is provisioning volume for claim "default\/data"/);
    expect(out).toMatch(/Normal\s+ProvisioningSucceeded\s+\S+\s+rancher\.io\/local-path_\S+\s+Successfully provisioned volume pvc-[0-9a-f-]{36}/);
    expect(await ok('describe', 'pv', (await json('get', 'pvc', 'data')).spec.volumeName)).toMatch(/^Source:\n\s+Type:\s+HostPath \(bare host directory volume\)$/m);
  });

  it('deleting the claim deletes its provisioned volume (reclaim policy Delete)', async () => {
    const volumeName = (await json('get', 'pvc', 'data')).spec.volumeName as string;
    expect(await ok('delete', 'pvc', 'data')).toBe('persistentvolumeclaim "data" deleted\n');
    await gone('pv', volumeName);
  });

  it('a static volume binds a class-less claim (the smallest that fits) and is Released, kept, when the claim goes', async () => {
    const pv = (name: string, size: string) => `apiVersion: v1
kind: PersistentVolume
metadata: {name: ${name}, labels: {type: local}}
spec:
  storageClassName: ""
  capacity: {storage: ${size}}
  accessModes: [ReadWriteOnce]
  hostPath: {path: /mnt/${name}}
`;
    expect((await apply(`${pv('big', '10Gi')}---\n${pv('small', '5Gi')}`)).code).toBe(0);
    await waitFor(async () => (await phaseOf('pv', 'small')) === 'Available', 15_000, 'pv/small to be Available');
    expect((await apply(claim('static', '3Gi', '  storageClassName: ""\n'))).code).toBe(0);
    await bound('static');
    const t = parseTable(await ok('get', 'pv'));
    expect(row(t, 'small')!.slice(0, 9)).toEqual(['small', '5Gi', 'RWO', 'Retain', 'Bound', 'default/static', '', '<unset>', '']);
    expect(row(t, 'big')!.slice(0, 6)).toEqual(['big', '10Gi', 'RWO', 'Retain', 'Available', '']);
    expect(row(parseTable(await ok('get', 'pvc')), 'static')!.slice(0, 6)).toEqual(['static', 'Bound', 'small', '5Gi', 'RWO', '']);
    await ok('delete', 'pvc', 'static');
    await waitFor(async () => (await phaseOf('pv', 'small')) === 'Released', 15_000, 'pv/small to be Released');
    expect(await ok('get', 'pv', 'small', '-o', 'jsonpath={.spec.claimRef.name}')).toBe('static');
  });

  it('apply -f validates volumes and classes as the API server does', async () => {
    const bogus = await apply('apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: example.com/fast\nbogus: 1\n');
    expect(bogus.stderr).toContain('strict decoding error: unknown field "bogus"');
    const noCapacity = await apply('apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: bad}\nspec:\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /x}\n');
    expect(noCapacity.stderr).toContain('The PersistentVolume "bad" is invalid: ');
    expect(noCapacity.stderr).toContain('* spec.capacity: Required value');
    expect((await apply('apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: example.com/fast\n')).code).toBe(0);
    const changed = await apply('apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: example.com/slow\n');
    expect(changed.stderr).toContain('provisioner: Forbidden: updates to provisioner are forbidden.');
    expect(row(parseTable(await ok('get', 'sc')), 'fast')!.slice(0, 5)).toEqual(['fast', 'example.com/fast', 'Delete', 'Immediate', 'false']);
  });

  it('WaitForFirstConsumer: the claim waits for a pod, binds on its node, and stays while the pod uses it', async () => {
    expect((await apply('apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: wait}\nprovisioner: rancher.io/local-path\nvolumeBindingMode: WaitForFirstConsumer\n')).code).toBe(0);
    expect((await apply(claim('later', '2Gi', '  storageClassName: wait\n'))).code).toBe(0);
    await waitFor(async () => /Normal\s+WaitForFirstConsumer\s+.*waiting for first consumer to be created before binding/.test(await ok('describe', 'pvc', 'later')), 15_000, 'the WaitForFirstConsumer event');
    expect(await phaseOf('pvc', 'later')).toBe('Pending');
    expect((await apply(`apiVersion: v1
kind: Pod
metadata: {name: user}
spec:
  containers: [{name: c, image: registry.k8s.io/pause:3.10}]
  volumes: [{name: d, persistentVolumeClaim: {claimName: later}}]
`)).code).toBe(0);
    await bound('later');
    const node = await ok('get', 'pod', 'user', '-o', 'jsonpath={.spec.nodeName}');
    const pvc = await json('get', 'pvc', 'later');
    expect(pvc.metadata.annotations['volume.kubernetes.io/selected-node']).toBe(node);
    const pv = await json('get', 'pv', pvc.spec.volumeName);
    expect(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0]).toEqual({ key: 'kubernetes.io/hostname', operator: 'In', values: [node] });

    expect(await ok('delete', 'pvc', 'later', '--wait=false')).toBe('persistentvolumeclaim "later" deleted\n');
    await waitFor(async () => row(parseTable(await ok('get', 'pvc')), 'later')?.[1] === 'Terminating', 15_000, 'pvc/later to be Terminating');
    expect(await ok('describe', 'pvc', 'later')).toMatch(/^Used By:\s+user$/m);
    await ok('delete', 'pod', 'user');
    await gone('pvc', 'later');
    await gone('pv', pvc.spec.volumeName as string);
  });
});
