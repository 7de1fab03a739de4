// kubeconfig parsing: contexts, credentials, files relative to the kubeconfig, and clear errors.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultKubeconfigPath, loadKubeconfig, parseKubeconfig } from './kubeconfig.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

const DOC = `
apiVersion: v1
kind: Config
current-context: dev
clusters:
  - name: local
    cluster: { server: "http://127.0.0.1:6443/" }
  - name: secure
    cluster:
      server: https://k.example:443
      certificate-authority-data: ${b64('CA PEM')}
  - name: insecure
    cluster: { server: "https://x", insecure-skip-tls-verify: true, certificate-authority: ca.pem }
contexts:
  - name: dev
    context: { cluster: local, user: alice, namespace: team }
  - name: prod
    context: { cluster: secure, user: bob }
  - name: files
    context: { cluster: insecure, user: carol }
  - name: nocluster
    context: { user: alice }
  - name: ghost
    context: { cluster: missing }
users:
  - name: alice
    user: { token: abc }
  - name: bob
    user: { client-certificate-data: ${b64('CERT')}, client-key-data: ${b64('KEY')} }
  - name: carol
    user: { tokenFile: token.txt, client-certificate: cert.pem, client-key: /nonexistent/key.pem }
`;

describe('parseKubeconfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeconfig-test-'));
    await writeFile(join(dir, 'token.txt'), 'file-token\n');
    await writeFile(join(dir, 'ca.pem'), 'CA FROM FILE');
    await writeFile(join(dir, 'cert.pem'), 'CERT FROM FILE');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['current context', undefined, { server: 'http://127.0.0.1:6443', namespace: 'team', token: 'abc' }],
    ['named context with inline PEM data', 'prod', { server: 'https://k.example:443', namespace: 'default', caData: 'CA PEM', certData: 'CERT', keyData: 'KEY' }],
  ])('%s', (_what, context, want) => {
    expect(parseKubeconfig(DOC, context, dir)).toEqual(want);
  });

  it('reads a JSON kubeconfig (as kubeling up writes for its components) as the same document in YAML', async () => {
    const { parse } = await import('yaml');
    const json = JSON.stringify(parse(DOC));
    for (const context of [undefined, 'prod']) expect(parseKubeconfig(json, context, dir)).toEqual(parseKubeconfig(DOC, context, dir));
    expect(parseKubeconfig('{current-context: dev, contexts: [{name: dev, context: {cluster: k}}], clusters: [{name: k, cluster: {server: "http://h"}}]}', undefined, dir).server).toBe('http://h');
  });

  it('reads tokenFile and PEM files relative to baseDir, and reports unreadable ones', () => {
    expect(() => parseKubeconfig(DOC, 'files', dir)).toThrow(/client-key \/nonexistent\/key.pem/);
    const ok = DOC.replace('client-key: /nonexistent/key.pem', 'client-key-data: ' + b64('K'));
    expect(parseKubeconfig(ok, 'files', dir)).toEqual({
      server: 'https://x', namespace: 'default', token: 'file-token', insecureSkipTLSVerify: true, caData: 'CA FROM FILE', certData: 'CERT FROM FILE', keyData: 'K',
    });
  });

  it.each([
    ['unknown context', DOC, 'nope', /context "nope" not found/],
    ['context without cluster', DOC, 'nocluster', /names no cluster/],
    ['missing cluster', DOC, 'ghost', /cluster "missing" not found/],
    ['no current-context', 'apiVersion: v1\nclusters: []', undefined, /no current-context/],
    ['not a mapping', '- a\n- b', undefined, /mapping/],
    ['bad YAML', 'a: [', undefined, /not valid YAML/],
    ['bad JSON', '{"a": [', undefined, /not valid YAML/],
    ['no server', 'current-context: c\ncontexts: [{name: c, context: {cluster: k}}]\nclusters: [{name: k, cluster: {}}]', undefined, /has no server/],
  ])('fails clearly: %s', (_what, text, context, re) => {
    expect(() => parseKubeconfig(text, context, dir)).toThrow(re);
  });

  it('loadKubeconfig reads a file; the default path honours $KUBECONFIG', async () => {
    const path = join(dir, 'config');
    await writeFile(path, DOC);
    expect((await loadKubeconfig(path, 'dev')).token).toBe('abc');
    await expect(loadKubeconfig(join(dir, 'absent'))).rejects.toThrow(/cannot read/);
    expect(defaultKubeconfigPath({ KUBECONFIG: `:${path}:/other` })).toBe(path);
    expect(defaultKubeconfigPath({})).toMatch(/\.kube\/config$/);
    expect((await loadKubeconfig(undefined, 'dev', { KUBECONFIG: path })).server).toBe('http://127.0.0.1:6443');
  });
});
