// End-to-end: defaulting, admission and validation as the real kubectl (1.32) shows them against `kubeling up`.
// Every expected error text is what kubectl prints for the 422 (or 403) a real 1.32 API server answers.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpCluster } from './support/cluster.js';
import { kubectlOrSkip } from './support/kubectl.js';
import { kubectlCalls, startKubectlSession, writeManifest, type Kubectl } from './support/kubectl-session.js';

const available = kubectlOrSkip();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const NS = 'e2e-validation';
const POD_FORBIDDEN = 'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,'
  + '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` '
  + '(allow it to be set to 1 if it was previously negative)';

/** A DaemonSet manifest: selector `app: <name>`, template labels, pod spec and spec extras as YAML fragments. */
function daemonSet(name: string, opts: { labels?: string; podSpec?: string; spec?: string; annotations?: string } = {}): string {
  return `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${name}
  namespace: ${NS}${opts.annotations ? `\n  annotations:\n${opts.annotations}` : ''}
spec:
  selector:
    matchLabels:
      app: ${name}
${opts.spec ?? ''}  template:
    metadata:
      labels:
        ${opts.labels ?? `app: ${name}`}
    spec:
${opts.podSpec ?? '      containers:\n      - name: c\n        image: nginx:1.25\n'}`;
}

function statefulSet(name: string, spec: string): string {
  return `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ${name}
  namespace: ${NS}
spec:
  serviceName: ${name}
  selector:
    matchLabels:
      app: ${name}
${spec}  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
      - name: c
        image: nginx:1.25
`;
}

const pod = (name: string, containers: string, extra = ''): string =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${NS}\nspec:\n${extra}  containers:\n${containers}`;

describe.skipIf(!available)('defaults, admission and validation through kubectl', () => {
  let cluster: UpCluster;
  let kubectl: Kubectl;
  let files: string;

  const { k, ok } = kubectlCalls(() => kubectl);
  const getJson = async (...args: string[]): Promise<Json> => JSON.parse(await ok('get', '-n', NS, ...args, '-o', 'json')) as Json;
  let seq = 0;
  const manifest = (text: string): Promise<string> => writeManifest(files, `m${seq++}.yaml`, text);
  /** `kubectl <verb> -f` of a manifest that must fail: exit 1, nothing on stdout, the error on stderr. */
  const refused = async (verb: string, text: string): Promise<string> => {
    const f = await manifest(text);
    const r = await k(verb, '-f', f);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toBe('');
    return r.stderr;
  };

  beforeAll(async () => {
    ({ cluster, files, kubectl } = await startKubectlSession(['--components', 'controller-manager,kubelet-sim']));
    await ok('create', 'namespace', NS);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  describe('what a pod looks like after create (defaults and admission)', () => {
    it('carries the service account, its token volume, priority, default tolerations and the pod defaults', async () => {
      await ok('apply', '-f', await manifest(pod('web', '  - name: web\n    image: nginx\n    ports:\n    - containerPort: 80\n    readinessProbe:\n      httpGet:\n        port: 80\n')));
      const p = await getJson('pod', 'web');
      const volume = p.spec.volumes[0];
      expect(volume.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(p.spec).toMatchObject({
        serviceAccountName: 'default', serviceAccount: 'default', priority: 0, preemptionPolicy: 'PreemptLowerPriority', enableServiceLinks: true,
        restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', terminationGracePeriodSeconds: 30, securityContext: {},
        tolerations: [
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
          { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        ],
        volumes: [{
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
            ],
          },
        }],
        containers: [{
          imagePullPolicy: 'Always', ports: [{ containerPort: 80, protocol: 'TCP' }],
          readinessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
          volumeMounts: [{ name: volume.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }],
        }],
      });
      expect(p.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
      const out = await ok('describe', 'pod', 'web', '-n', NS);
      expect(out).toContain(`    Mounts:\n      /var/run/secrets/kubernetes.io/serviceaccount from ${volume.name} (ro)\n`);
      expect(out).toMatch(/^Tolerations: {17}node\.kubernetes\.io\/not-ready:NoExecute op=Exists for 300s$/m);
    });

    it('refuses a service account that does not exist, an unknown priority class and a priority of its own (403)', async () => {
      expect(await refused('create', pod('sa', '  - name: c\n    image: x\n', '  serviceAccountName: robot\n'))).toBe(
        `Error from server (Forbidden): error when creating "${join(files, `m${seq - 1}.yaml`)}": pods "sa" is forbidden: error looking up service account ${NS}/robot: serviceaccount "robot" not found\n`,
      );
      expect(await refused('create', pod('pc', '  - name: c\n    image: x\n', '  priorityClassName: high\n'))).toMatch(/pods "pc" is forbidden: no PriorityClass with name high was found\n$/);
      expect(await refused('create', pod('pr', '  - name: c\n    image: x\n', '  priority: 100\n'))).toMatch(
        /pods "pr" is forbidden: the integer value of priority \(100\) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name\n$/,
      );
    });

    it('a service account with automountServiceAccountToken: false gets no token volume', async () => {
      await ok('apply', '-f', await manifest(`apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: quiet\n  namespace: ${NS}\nautomountServiceAccountToken: false\n`));
      await ok('apply', '-f', await manifest(pod('quiet', '  - name: c\n    image: busybox:1.36\n', '  serviceAccountName: quiet\n')));
      const p = await getJson('pod', 'quiet');
      expect(p.spec.serviceAccount).toBe('quiet');
      expect(p.spec.volumes).toBeUndefined();
      expect(p.spec.containers[0].volumeMounts).toBeUndefined();
    });
  });

  describe('pod updates', () => {
    it('may change an image through apply; not a port (Forbidden, with a diff)', async () => {
      const text = pod('upd', '  - name: c\n    image: nginx:1.25\n    ports:\n    - containerPort: 80\n');
      const f = await manifest(text);
      expect(await ok('apply', '-f', f)).toBe('pod/upd created\n');
      await writeFile(f, text.replace('nginx:1.25', 'nginx:1.26'));
      expect(await ok('apply', '-f', f)).toBe('pod/upd configured\n');
      expect((await getJson('pod', 'upd')).spec.containers[0].image).toBe('nginx:1.26');
      await writeFile(f, text.replace('containerPort: 80', 'containerPort: 81'));
      const r = await k('apply', '-f', f);
      expect(r.code).toBe(1);
      expect(r.stderr.startsWith(`The Pod "upd" is invalid: ${POD_FORBIDDEN}\n  core.PodSpec{\n`)).toBe(true);
      expect(r.stderr).toMatch(/\n- \tContainers: .*"containerPort":80.*\n\+ \tContainers: .*"containerPort":81/);
    });

    it('replace with the original manifest drops what admission added, so upstream refuses it too', async () => {
      const stderr = await refused('replace', pod('upd', '  - name: c\n    image: nginx:1.26\n    ports:\n    - containerPort: 80\n'));
      expect(stderr.startsWith(`The Pod "upd" is invalid: ${POD_FORBIDDEN}\n`)).toBe(true);
      expect(stderr).toMatch(/\n- \tServiceAccountName: "default",\n\+ \tServiceAccountName: "",\n/);
    });

    it('adding a container is refused on its own', async () => {
      const r = await k('patch', 'pod', 'upd', '-n', NS, '--type', 'json', '-p', '[{"op":"add","path":"/spec/containers/-","value":{"name":"d","image":"x"}}]');
      expect(r).toMatchObject({ code: 1, stderr: 'The Pod "upd" is invalid: spec.containers: Forbidden: pod updates may not add or remove containers\n' });
    });
  });

  describe('DaemonSets', () => {
    it('refuses a selector that does not match the template labels', async () => {
      expect(await refused('apply', daemonSet('x', { labels: 'app: "y"' }))).toBe(
        'The DaemonSet "x" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"y"}: `selector` does not match template `labels`\n',
      );
    });

    it('lists several causes one per line, as kubectl does', async () => {
      const text = daemonSet('multi', {
        spec: '  updateStrategy:\n    rollingUpdate:\n      maxUnavailable: 0\n      maxSurge: 0\n',
        podSpec: '      restartPolicy: Never\n      containers:\n      - name: c\n      - name: c\n        image: x\n',
      });
      expect(await refused('create', text)).toBe([
        'The DaemonSet "multi" is invalid: ',
        '* spec.template.spec.containers[0].image: Required value',
        '* spec.template.spec.containers[1].name: Duplicate value: "c"',
        '* spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
        '* spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0',
        '',
      ].join('\n'));
    });

    it('refuses maxSurge with maxUnavailable, and a bad percentage', async () => {
      expect(await refused('create', daemonSet('surge', { spec: '  updateStrategy:\n    rollingUpdate:\n      maxUnavailable: 1\n      maxSurge: 10%\n' }))).toBe(
        'The DaemonSet "surge" is invalid: spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"10%"}: may not be set when maxUnavailable is non-zero\n',
      );
      expect(await refused('create', daemonSet('pct', { spec: '  updateStrategy:\n    rollingUpdate:\n      maxUnavailable: 200%\n' }))).toBe(
        'The DaemonSet "pct" is invalid: spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"200%"}: must not be greater than 100%\n',
      );
    });

    it('keeps deprecated.daemonset.template.generation and metadata.generation as upstream does', async () => {
      const f = await manifest(daemonSet('agent'));
      await ok('apply', '-f', f);
      const gen = async (): Promise<[number, string]> => {
        const ds = await getJson('ds', 'agent');
        return [ds.metadata.generation, ds.metadata.annotations['deprecated.daemonset.template.generation']];
      };
      expect(await gen()).toEqual([1, '1']);
      await ok('label', 'ds', 'agent', '-n', NS, 'tier=infra');
      expect(await gen()).toEqual([1, '1']);
      await ok('patch', 'ds', 'agent', '-n', NS, '-p', '{"spec":{"minReadySeconds":5}}');
      expect(await gen()).toEqual([2, '1']);
      await ok('set', 'image', 'ds/agent', '-n', NS, 'c=nginx:1.26');
      expect(await gen()).toEqual([3, '2']);
      await ok('apply', '-f', f);
      expect(await gen()).toEqual([4, '3']);
      expect(await ok('apply', '-f', f)).toBe('daemonset.apps/agent unchanged\n');
      expect(await gen()).toEqual([4, '3']);
    });

    it('reads a given template generation and refuses one that is not a number (400)', async () => {
      await ok('apply', '-f', await manifest(daemonSet('seven', { annotations: '    deprecated.daemonset.template.generation: "7"' })));
      expect((await getJson('ds', 'seven')).metadata.annotations['deprecated.daemonset.template.generation']).toBe('7');
      const f = await manifest(daemonSet('two', { annotations: '    deprecated.daemonset.template.generation: two' }));
      const r = await k('create', '-f', f);
      expect(r).toMatchObject({
        code: 1,
        stderr: `Error from server (BadRequest): error when creating "${f}": DaemonSet in version "v1" cannot be handled as a DaemonSet: strconv.ParseInt: parsing "two": invalid syntax\n`,
      });
    });
  });

  describe('StatefulSets', () => {
    it('refuses negative replicas and an unknown update strategy', async () => {
      expect(await refused('create', statefulSet('neg', '  replicas: -1\n'))).toBe('The StatefulSet "neg" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n');
      expect(await refused('create', statefulSet('strat', '  updateStrategy:\n    type: Recreate\n'))).toBe(
        'The StatefulSet "strat" is invalid: spec.updateStrategy: Invalid value: apps.StatefulSetUpdateStrategy{Type:"Recreate", '
          + "RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}: must be 'RollingUpdate' or 'OnDelete'\n",
      );
    });

    it('accepts a template without an image, as upstream does (kubernetes#137728)', async () => {
      const text = statefulSet('noimage', '').replace('        image: nginx:1.25\n', '');
      expect(await ok('create', '-f', await manifest(text))).toBe('statefulset.apps/noimage created\n');
    });

    it('refuses a changed revisionHistoryLimit with the forbidden-fields error; replicas may change', async () => {
      const f = await manifest(statefulSet('web', ''));
      await ok('apply', '-f', f);
      expect(await ok('scale', 'sts', 'web', '-n', NS, '--replicas', '3')).toBe('statefulset.apps/web scaled\n');
      const r = await k('patch', 'sts', 'web', '-n', NS, '-p', '{"spec":{"revisionHistoryLimit":3}}');
      expect(r).toMatchObject({
        code: 1,
        stderr: "The StatefulSet \"web\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
          + "'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden\n",
      });
      expect((await getJson('sts', 'web')).metadata.generation).toBe(2);
    });
  });

  describe('pods, nodes and namespaces', () => {
    it('container names, ports and restart policies', async () => {
      expect(await refused('create', pod('bad-ports', '  - name: Web\n    image: x\n    ports:\n    - containerPort: 70000\n    - name: http\n      containerPort: 80\n    - name: http\n      containerPort: 81\n'))).toBe([
        'The Pod "bad-ports" is invalid: ',
        "* spec.containers[0].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        '* spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
        '* spec.containers[0].ports[2].name: Duplicate value: "http"',
        '',
      ].join('\n'));
      expect(await refused('create', pod('dup', '  - name: c\n    image: busybox\n  - name: c\n    image: nginx\n'))).toBe('The Pod "dup" is invalid: spec.containers[1].name: Duplicate value: "c"\n');
    });

    it('node taints: an unknown effect and a duplicate key and effect', async () => {
      const node = (taints: string): string => `apiVersion: v1\nkind: Node\nmetadata:\n  name: tainted\nspec:\n  taints:\n${taints}`;
      expect(await refused('create', node('  - key: a\n    effect: Sometimes\n'))).toBe(
        'The Node "tainted" is invalid: spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"\n',
      );
      expect(await refused('create', node('  - key: a\n    value: "1"\n    effect: NoSchedule\n  - key: a\n    value: "2"\n    effect: NoSchedule\n'))).toBe(
        'The Node "tainted" is invalid: spec.taints[1]: Duplicate value: core.Taint{Key:"a", Value:"2", Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair\n',
      );
    });

    it('namespace names are DNS labels', async () => {
      expect(await k('create', 'namespace', 'Bad_Name')).toEqual({
        code: 1,
        stdout: '',
        stderr: "The Namespace \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')\n",
      });
    });
  });
});
