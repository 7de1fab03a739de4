// End-to-end: the real kubectl's field validation against kubeling — `kind: List` manifests (validated through
// /openapi/v2, served empty) and server-side apply with unknown and duplicate fields. kubectl runs with its defaults.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpCluster } from './support/cluster.js';
import { kubectlOrSkip } from './support/kubectl.js';
import { kubectlCalls, startKubectlSession, writeManifest, type Kubectl } from './support/kubectl-session.js';

const available = kubectlOrSkip();

const NS = 'e2e-fields';

/** A `kind: List` as `kubectl get … -o yaml` writes it: a ConfigMap and a Pod; `podExtra` is added to the container. */
function list(prefix: string, podExtra = ''): string {
  return `apiVersion: v1
kind: List
metadata:
  resourceVersion: ""
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: ${prefix}-cm
    namespace: ${NS}
  data:
    a: "1"
- apiVersion: v1
  kind: Pod
  metadata:
    name: ${prefix}-pod
    namespace: ${NS}
  spec:
    containers:
    - name: c
      image: busybox:1.36
${podExtra}`;
}

describe.skipIf(!available)('kubectl field validation against kubeling', () => {
  let cluster: UpCluster;
  let kubectl: Kubectl;
  let files: string;

  const { k, ok } = kubectlCalls(() => kubectl);
  const manifest = (name: string, text: string): Promise<string> => writeManifest(files, name, text);

  beforeAll(async () => {
    ({ cluster, files, kubectl } = await startKubectlSession());
    await ok('create', 'namespace', NS);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  describe('kind: List manifests', () => {
    it('create -f and apply -f create and configure every item', async () => {
      const f = await manifest('list.yaml', list('l1'));
      expect(await k('create', '-f', f)).toEqual({ code: 0, stdout: 'configmap/l1-cm created\npod/l1-pod created\n', stderr: '' });
      await ok('delete', '-f', f, '--wait=false');
      expect(await k('apply', '-f', f)).toEqual({ code: 0, stdout: 'configmap/l1-cm created\npod/l1-pod created\n', stderr: '' });
      expect(await k('apply', '-f', f)).toEqual({ code: 0, stdout: 'configmap/l1-cm unchanged\npod/l1-pod unchanged\n', stderr: '' });
      expect(await ok('get', '-n', NS, 'cm/l1-cm', 'pod/l1-pod', '-o', 'name')).toBe('configmap/l1-cm\npod/l1-pod\n');
    });

    it('an item with an unknown field: the server refuses that item, the others are created', async () => {
      const f = await manifest('bad-list.yaml', list('l2', '      bogus: 1\n'));
      const err = `Error from server (BadRequest): error when creating "${f}": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].bogus"\n`;
      expect(await k('create', '-f', f)).toEqual({ code: 1, stdout: 'configmap/l2-cm created\n', stderr: err });
      expect(await k('get', '-n', NS, 'pod', 'l2-pod')).toMatchObject({ code: 1 });
      await ok('delete', '-n', NS, 'cm', 'l2-cm');
      expect(await k('apply', '-f', f)).toEqual({ code: 1, stdout: 'configmap/l2-cm created\n', stderr: err });
    });

    it('--validate=warn and --validate=false create the item without the unknown field', async () => {
      const warn = await manifest('warn-list.yaml', list('l3', '      bogus: 1\n'));
      // kubectl logs that it cannot warn client-side for a List (no v3 PATCH operation names v1/List, on any
      // cluster), then prints the server's warning.
      const r = await k('create', '--validate=warn', '-f', warn);
      expect(r).toMatchObject({ code: 0, stdout: 'configmap/l3-cm created\npod/l3-pod created\n' });
      expect(r.stderr).toMatch(/^W\d{4} [\d:.]+ +\d+ schema\.go:\d+\] cannot perform warn validation if server-side field validation is unsupported, skipping validation\nWarning: unknown field "spec\.containers\[0\]\.bogus"\n$/);
      const ignore = await manifest('ignore-list.yaml', list('l4', '      bogus: 1\n'));
      expect(await k('create', '--validate=false', '-f', ignore)).toEqual({ code: 0, stdout: 'configmap/l4-cm created\npod/l4-pod created\n', stderr: '' });
      for (const name of ['l3-pod', 'l4-pod']) {
        const pod = JSON.parse(await ok('get', '-n', NS, 'pod', name, '-o', 'json')) as { spec: { containers: Array<Record<string, unknown>> } };
        expect(pod.spec.containers[0]).not.toHaveProperty('bogus');
      }
    });
  });

  describe('server-side apply', () => {
    const pod = (name: string, extra = ''): string =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${NS}\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n${extra}`;

    // A real cluster refuses the configuration in its typed conversion whatever --validate says, with a reason-less
    // 500 (`Error from server: failed to create typed patch object …`); kubeling answers 400 BadRequest (bad input is
    // a 4xx), so kubectl prints the reason too.
    it.each([[[]], [['--validate=false']]])('refuses an unknown field in the configuration (%j)', async (flags) => {
      const f = await manifest('ssa-bad.yaml', pod('s1', '    bogus: 1\n'));
      expect(await k('apply', '--server-side', ...flags, '-f', f)).toEqual({
        code: 1,
        stdout: '',
        stderr: `Error from server (BadRequest): failed to create typed patch object (${NS}/s1; /v1, Kind=Pod): .spec.containers[name="c"].bogus: field not declared in schema\n`,
      });
      expect(await k('get', '-n', NS, 'pod', 's1')).toMatchObject({ code: 1 });
    });

    it('applies a configuration without unknown fields', async () => {
      const f = await manifest('ssa-good.yaml', pod('s2'));
      expect(await k('apply', '--server-side', '-f', f)).toEqual({ code: 0, stdout: 'pod/s2 serverside-applied\n', stderr: '' });
    });
  });
});
