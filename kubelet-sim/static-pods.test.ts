// Tests for static pod manifests: parsing, the kubelet's file-source defaults, and mirror pods.

import { describe, expect, it } from 'vitest';
import type { Pod } from '../apiserver/api/types.js';
import { isMirrorPod, isStaticPod, mirrorPod, mirrorPodHash, parseManifest, rfc3339Nano, staticPod, staticPodHash } from './static-pods.js';

const FILE = '/etc/kubeling/manifests/etcd.yaml';
const ETCD_YAML = `apiVersion: v1
kind: Pod
metadata:
  name: etcd
  namespace: kube-system
  labels: {component: etcd}
spec:
  containers:
  - name: etcd
    image: registry.k8s.io/etcd:3.5.16-0
`;
const parsed = (text: string): Pod[] => {
  const r = parseManifest(text, FILE);
  if (!r.ok) throw new Error(r.error);
  return r.pods;
};
const ETCD = parsed(ETCD_YAML)[0]!;
const T = Date.UTC(2025, 0, 2, 3, 4, 5, 120);

describe('parseManifest', () => {
  it.each<[string, string, string[]]>([
    ['one YAML pod', ETCD_YAML, ['etcd']],
    ['several documents', `${ETCD_YAML}---\n${ETCD_YAML.replace('name: etcd\n  namespace', 'name: etcd2\n  namespace')}`, ['etcd', 'etcd2']],
    ['empty documents skipped', `---\n# just a comment\n---\n${ETCD_YAML}---\n`, ['etcd']],
    ['empty file', '', []],
    ['comment-only file', '# nothing here\n', []],
    ['JSON', JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }), ['web']],
  ])('accepts %s', (_name, text, names) => {
    expect(parsed(text).map((p) => p.metadata?.name)).toEqual(names);
  });

  it('keeps YAML 1.2 scalars as strings', () => {
    const pod = parsed(ETCD_YAML.replace('labels: {component: etcd}', 'labels: {enabled: on}'))[0]!;
    expect(pod.metadata?.labels).toEqual({ enabled: 'on' });
  });

  it.each<[string, string, RegExp]>([
    ['wrong kind', ETCD_YAML.replace('kind: Pod', 'kind: Deployment'), /document 1: expected apiVersion "v1" and kind "Pod", got apiVersion "v1" and kind "Deployment"/],
    ['wrong apiVersion', ETCD_YAML.replace('apiVersion: v1', 'apiVersion: apps/v1'), /apiVersion "apps\/v1"/],
    ['wrong kind in a later document', `${ETCD_YAML}---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n`, /document 2: expected/],
    ['missing name', ETCD_YAML.replace('  name: etcd\n', ''), /metadata\.name: Required value/],
    ['bad name', ETCD_YAML.replace('name: etcd\n  namespace', 'name: Etcd_Main\n  namespace'), /metadata\.name: Invalid value: "Etcd_Main": a lowercase RFC 1123 subdomain/],
    ['bad namespace', ETCD_YAML.replace('namespace: kube-system', 'namespace: kube.system'), /metadata\.namespace: Invalid value/],
    ['no containers', 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {}\n', /spec\.containers: Required value/],
    ['a scalar', 'hello world', /document 1: expected a Pod object/],
    ['a list', '- a\n- b\n', /expected a Pod object/],
    ['YAML syntax error', 'apiVersion: v1\nkind: Pod\nmetadata: {name: [\n', /^\/etc\/kubeling\/manifests\/etcd\.yaml: document 1: /],
    ['broken JSON', '{"apiVersion": "v1", "kind": ', /document 1: /],
    ['duplicate keys', `${ETCD_YAML}kind: Pod\n`, /document 1: .*unique/i],
  ])('rejects %s', (_name, text, message) => {
    const r = parseManifest(text, FILE);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});

describe('staticPod', () => {
  const src = { file: FILE, node: 'Kubeling-Control-Plane' };
  const pod = staticPod(ETCD, src, T);

  it('applies the file-source defaults', () => {
    expect(pod.metadata?.name).toBe('etcd-kubeling-control-plane');
    expect(pod.metadata?.namespace).toBe('kube-system');
    expect(pod.spec?.nodeName).toBe('Kubeling-Control-Plane');
    expect(pod.metadata?.uid).toMatch(/^[0-9a-f]{32}$/);
    expect(pod.metadata?.annotations).toEqual({
      'kubernetes.io/config.hash': pod.metadata?.uid,
      'kubernetes.io/config.source': 'file',
      'kubernetes.io/config.seen': '2025-01-02T03:04:05.12Z',
    });
    expect(pod.spec?.tolerations).toEqual([{ operator: 'Exists', effect: 'NoExecute' }]);
    expect(pod.status).toEqual({ phase: 'Pending' });
    expect(staticPodHash(pod)).toBe(pod.metadata?.uid);
    expect(isStaticPod(pod)).toBe(true);
    expect(isMirrorPod(pod)).toBe(false);
    expect(ETCD.metadata?.name).toBe('etcd');
  });

  it('defaults the namespace', () => {
    const web = parsed('apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: [{name: c, image: nginx}]}\n')[0]!;
    expect(staticPod(web, src, T).metadata?.namespace).toBe('default');
  });

  const uid = (p: Pod, s = src, seen = T): string => staticPod(p, s, seen).metadata!.uid!;
  const reordered = parsed(`kind: Pod\napiVersion: v1\nspec:\n  containers: [{image: "registry.k8s.io/etcd:3.5.16-0", name: etcd}]\nmetadata: {labels: {component: etcd}, namespace: kube-system, name: etcd}\n`)[0]!;
  const edited = parsed(ETCD_YAML.replace('3.5.16-0', '3.5.17-0'))[0]!;

  it.each<[string, string, boolean]>([
    ['same content, later seen time', uid(ETCD, src, T + 5000), true],
    ['same content, other formatting and key order', uid(reordered), true],
    ['edited content', uid(edited), false],
    ['other node', uid(ETCD, { ...src, node: 'kubeling-worker' }), false],
    ['other file', uid(ETCD, { ...src, file: '/etc/kubeling/manifests/etcd2.yaml' }), false],
  ])('uid with %s: same = %s', (_name, other, same) => {
    expect(other === pod.metadata?.uid).toBe(same);
  });

  it('keeps a uid written in the manifest', () => {
    const withUid = { ...ETCD, metadata: { ...ETCD.metadata, uid: 'fixed' } };
    expect(staticPod(withUid, src, T).metadata?.annotations?.['kubernetes.io/config.hash']).toBe('fixed');
  });

  it.each<[string, NonNullable<Pod['spec']>['tolerations'], unknown[]]>([
    ['appends to other tolerations', [{ key: 'a', operator: 'Exists' }], [{ key: 'a', operator: 'Exists' }, { operator: 'Exists', effect: 'NoExecute' }]],
    ['replaces the same toleration in place', [{ operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }, { key: 'b', operator: 'Exists' }], [{ operator: 'Exists', effect: 'NoExecute' }, { key: 'b', operator: 'Exists' }]],
  ])('toleration: %s', (_name, tolerations, expected) => {
    const p = { ...ETCD, spec: { ...ETCD.spec!, tolerations } };
    expect(staticPod(p, src, T).spec?.tolerations).toEqual(expected);
  });

  it.each([
    [Date.UTC(2025, 0, 2, 3, 4, 5), '2025-01-02T03:04:05Z'],
    [Date.UTC(2025, 0, 2, 3, 4, 5, 1), '2025-01-02T03:04:05.001Z'],
    [Date.UTC(2025, 0, 2, 3, 4, 5, 100), '2025-01-02T03:04:05.1Z'],
    [Date.UTC(2025, 0, 2, 3, 4, 5, 0) + 0.5, '2025-01-02T03:04:05.0005Z'],
  ])('rfc3339Nano(%d) = %s', (ms, text) => {
    expect(rfc3339Nano(ms)).toBe(text);
  });
});

describe('mirrorPod', () => {
  const sp = staticPod(ETCD, { file: FILE, node: 'n1' }, T);
  const withServerFields: Pod = { ...sp, metadata: { ...sp.metadata, resourceVersion: '7', creationTimestamp: '2025-01-01T00:00:00Z' } };
  const m = mirrorPod(withServerFields, { name: 'n1', uid: 'node-uid' });

  it('copies the static pod with the mirror annotation and the Node as controller owner', () => {
    const hash = staticPodHash(sp);
    expect(m.metadata).toEqual({
      name: 'etcd-n1',
      namespace: 'kube-system',
      labels: { component: 'etcd' },
      annotations: {
        'kubernetes.io/config.hash': hash,
        'kubernetes.io/config.source': 'file',
        'kubernetes.io/config.seen': '2025-01-02T03:04:05.12Z',
        'kubernetes.io/config.mirror': hash,
      },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'node-uid', controller: true }],
    });
    expect(m.status).toBeUndefined();
    expect(m.spec).toEqual(sp.spec);
    expect(isMirrorPod(m)).toBe(true);
    expect(mirrorPodHash(m)).toBe(hash);
    expect(staticPodHash(m)).toBe(hash);
    expect(sp.metadata?.uid).toBeDefined();
  });

  it('refuses a pod that is not static', () => {
    expect(() => mirrorPod(ETCD, { name: 'n1', uid: 'u' })).toThrow(/not a static pod/);
  });
});
