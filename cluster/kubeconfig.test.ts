// Merging the kubeling context into a user's kubeconfig: other entries, comments and the current context are kept.

import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeKubeconfig } from './kubeconfig.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeling-kc-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const EXISTING = `# my clusters
apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: https://prod.example:6443
    certificate-authority-data: QUJD
- name: kubeling
  cluster:
    server: http://127.0.0.1:1
contexts:
- name: prod
  context:
    cluster: prod
    user: admin
    namespace: shop # the shop team
current-context: prod
users:
- name: admin
  user:
    token: secret
preferences:
  colors: true
extensions:
- name: vendor
  extension: { x: 1 }
`;

interface Kc {
  clusters: Array<{ name: string; cluster: Record<string, unknown> }>;
  contexts: Array<{ name: string; context: Record<string, unknown> }>;
  users: Array<{ name: string; user: Record<string, unknown> }>;
  'current-context'?: string;
  preferences?: unknown;
  extensions?: unknown;
}

describe('mergeKubeconfig', () => {
  it('adds the context, updates a stale kubeling cluster in place, and keeps everything else', async () => {
    const path = join(dir, 'config');
    await writeFile(path, EXISTING, { mode: 0o640 });
    const r = await mergeKubeconfig(path, 'http://127.0.0.1:7000');
    expect(r).toEqual({ created: false, currentContextSet: false });
    const text = await readFile(path, 'utf8');
    expect(text).toContain('# my clusters');
    expect(text).toContain('# the shop team');
    const kc = parse(text) as Kc;
    expect(kc.clusters).toEqual([
      { name: 'prod', cluster: { server: 'https://prod.example:6443', 'certificate-authority-data': 'QUJD' } },
      { name: 'kubeling', cluster: { server: 'http://127.0.0.1:7000' } },
    ]);
    expect(kc.contexts.map((c) => c.name)).toEqual(['prod', 'kubeling']);
    expect(kc.contexts[1]!.context).toEqual({ cluster: 'kubeling', user: 'kubeling', namespace: 'default' });
    expect(kc.users).toEqual([{ name: 'admin', user: { token: 'secret' } }, { name: 'kubeling', user: {} }]);
    expect(kc['current-context']).toBe('prod');
    expect(kc.preferences).toEqual({ colors: true });
    expect(kc.extensions).toEqual([{ name: 'vendor', extension: { x: 1 } }]);
    expect((await stat(path)).mode & 0o777).toBe(0o640);
    // merging again changes nothing
    await mergeKubeconfig(path, 'http://127.0.0.1:7000');
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('creates a missing file (mode 0600) whose current context is kubeling', async () => {
    const path = join(dir, 'sub', 'config');
    expect(await mergeKubeconfig(path, 'http://127.0.0.1:7001')).toEqual({ created: true, currentContextSet: true });
    const kc = parse(await readFile(path, 'utf8')) as Kc;
    expect(kc['current-context']).toBe('kubeling');
    expect(kc.clusters).toEqual([{ name: 'kubeling', cluster: { server: 'http://127.0.0.1:7001' } }]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('sets the current context when the file has none', async () => {
    const path = join(dir, 'config');
    await writeFile(path, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\ncurrent-context: ""\n');
    expect((await mergeKubeconfig(path, 'http://127.0.0.1:7002')).currentContextSet).toBe(true);
    expect((parse(await readFile(path, 'utf8')) as Kc)['current-context']).toBe('kubeling');
  });

  it('refuses a file that is not YAML', async () => {
    const path = join(dir, 'config');
    await writeFile(path, 'clusters: [\n');
    await expect(mergeKubeconfig(path, 'http://x')).rejects.toThrow(/cannot merge into/);
  });
});

describe('kubeconfigYaml', () => {
  it('is the kubeconfig document, as YAML', async () => {
    const { kubeconfigFor, kubeconfigYaml } = await import('./kubeconfig.js');
    expect(parse(kubeconfigYaml('http://[::1]:6443'))).toEqual(kubeconfigFor('http://[::1]:6443'));
  });
});
