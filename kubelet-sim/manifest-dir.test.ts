// Tests for the static-pod manifest folder watcher, on real temporary folders.

import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManifestDir, isManifestFile } from './manifest-dir.js';
import type { ManifestResult } from './static-pods.js';

const pod = (name: string, image = 'nginx'): string => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec: {containers: [{name: c, image: ${image}}]}\n`;

/** What one onChange call said: node → { relative path: pod names, or ERROR }. */
type Seen = Record<string, string>;

let root: string;
let calls: Array<{ node: string; files: Seen }>;
let dirs: ManifestDir[];

function summary(byFile: Map<string, ManifestResult>): Seen {
  const out: Seen = {};
  for (const [file, r] of byFile) out[file.slice(root.length + 1)] = r.ok ? r.pods.map((p) => p.metadata?.name).join(',') : 'ERROR';
  return out;
}

function make(nodes: string[] | (() => string[]), opts: ConstructorParameters<typeof ManifestDir>[3] = { rescanMs: 0 }): ManifestDir {
  const list = typeof nodes === 'function' ? nodes : () => nodes;
  const d = new ManifestDir(join(root, 'manifests'), list, (node, byFile) => calls.push({ node, files: summary(byFile) }), opts);
  dirs.push(d);
  return d;
}

const take = (): Array<{ node: string; files: Seen }> => calls.splice(0, calls.length);
const write = (rel: string, text: string): Promise<void> => writeFile(join(root, 'manifests', rel), text);

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'kubeling-manifests-'));
  await mkdir(join(root, 'manifests'));
  calls = [];
  dirs = [];
});

afterEach(async () => {
  for (const d of dirs) d.stop();
  await rm(root, { recursive: true, force: true });
});

describe('isManifestFile', () => {
  it.each<[string, boolean]>([
    ['etcd.yaml', true],
    ['etcd.yml', true],
    ['etcd.json', true],
    ['ETCD.YAML', true],
    ['.etcd.yaml', false],
    ['etcd.yaml~', false],
    ['.etcd.yaml.swp', false],
    ['etcd.yaml.swp', false],
    ['etcd.yaml.bak', false],
    ['README.md', false],
    ['4913', false],
  ])('%s → %s', (name, ok) => {
    expect(isManifestFile(name)).toBe(ok);
  });
});

describe('ManifestDir', () => {
  it('creates the folders and reports every node once, even when empty', async () => {
    const d = make(['n1', 'n2']);
    await d.start();
    expect((await readdir(join(root, 'manifests'))).sort()).toEqual(['n1', 'n2']);
    expect(take()).toEqual([
      { node: 'n1', files: {} },
      { node: 'n2', files: {} },
    ]);
    await d.rescan();
    expect(take()).toEqual([]);
  });

  it('runs shared files on every node and node files on their node only; ignores the rest', async () => {
    await mkdir(join(root, 'manifests', 'n1', 'deeper'), { recursive: true });
    await mkdir(join(root, 'manifests', 'stranger'), { recursive: true });
    await write('shared.yaml', pod('shared'));
    await write('n1/own.yml', pod('own'));
    await write('n1/deeper/x.yaml', pod('deep'));
    await write('stranger/x.yaml', pod('stranger'));
    for (const ignored of ['.hidden.yaml', 'old.yaml~', '.shared.yaml.swp', 'README.md']) await write(ignored, pod('ignored'));
    const d = make(['n1', 'n2']);
    await d.start();
    expect(take()).toEqual([
      { node: 'n1', files: { 'manifests/n1/own.yml': 'own', 'manifests/shared.yaml': 'shared' } },
      { node: 'n2', files: { 'manifests/shared.yaml': 'shared' } },
    ]);
  });

  it.each<[string, (rel: string) => Promise<void>, string, Seen]>([
    ['edited', (rel) => write(rel, pod('renamed')), 'n1/a.yaml', { 'manifests/n1/a.yaml': 'renamed', 'manifests/n1/b.json': 'b' }],
    ['removed', (rel) => rm(join(root, 'manifests', rel)), 'n1/a.yaml', { 'manifests/n1/b.json': 'b' }],
    ['made invalid', (rel) => write(rel, 'kind: Deployment\n'), 'n1/a.yaml', { 'manifests/n1/a.yaml': 'ERROR', 'manifests/n1/b.json': 'b' }],
  ])('reports a node file %s to that node only', async (_name, change, rel, expected) => {
    await mkdir(join(root, 'manifests', 'n1'), { recursive: true });
    await write('n1/a.yaml', pod('a'));
    await write('n1/b.json', JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b' }, spec: { containers: [{ name: 'c', image: 'x' }] } }));
    const d = make(['n1', 'n2']);
    await d.start();
    take();
    await change(rel);
    await d.rescan();
    expect(take()).toEqual([{ node: 'n1', files: expected }]);
  });

  it('reports a shared file change to every node', async () => {
    const d = make(['n1', 'n2']);
    await d.start();
    take();
    await write('s.yaml', pod('s'));
    await d.rescan();
    expect(take().map((c) => [c.node, c.files])).toEqual([
      ['n1', { 'manifests/s.yaml': 's' }],
      ['n2', { 'manifests/s.yaml': 's' }],
    ]);
    await write('s.yaml', pod('s', 'nginx:2'));
    await d.rescan();
    expect(take().map((c) => c.node)).toEqual(['n1', 'n2']);
  });

  it('reports the error of an invalid file next to the valid ones', async () => {
    await write('good.yaml', pod('good'));
    await write('bad.yaml', '{{{ not yaml');
    let last: Map<string, ManifestResult> | undefined;
    const d = new ManifestDir(join(root, 'manifests'), () => ['n1'], (_n, m) => (last = m), { rescanMs: 0 });
    dirs.push(d);
    await d.start();
    const bad = last?.get(join(root, 'manifests', 'bad.yaml'));
    expect(bad?.ok).toBe(false);
    if (bad && !bad.ok) expect(bad.error).toContain('bad.yaml: document 1:');
    expect(last?.get(join(root, 'manifests', 'good.yaml'))).toMatchObject({ ok: true, pods: [{ metadata: { name: 'good' } }] });
  });

  it('survives a node folder removed and recreated, and the whole folder removed', async () => {
    await mkdir(join(root, 'manifests', 'n1'), { recursive: true });
    await write('n1/a.yaml', pod('a'));
    await write('s.yaml', pod('s'));
    const d = make(['n1']);
    await d.start();
    take();
    await rm(join(root, 'manifests', 'n1'), { recursive: true });
    await d.rescan();
    expect(take()).toEqual([{ node: 'n1', files: { 'manifests/s.yaml': 's' } }]);
    await mkdir(join(root, 'manifests', 'n1'));
    await write('n1/z.yaml', pod('z'));
    await d.rescan();
    expect(take()).toEqual([{ node: 'n1', files: { 'manifests/n1/z.yaml': 'z', 'manifests/s.yaml': 's' } }]);
    await rm(join(root, 'manifests'), { recursive: true });
    await d.rescan();
    expect(take()).toEqual([{ node: 'n1', files: {} }]);
    await mkdir(join(root, 'manifests', 'n1'), { recursive: true });
    await write('n1/z.yaml', pod('z'));
    await d.rescan();
    expect(take()).toEqual([{ node: 'n1', files: { 'manifests/n1/z.yaml': 'z' } }]);
  });

  it('follows nodes() and addNode/removeNode', async () => {
    let nodes = ['n1'];
    await write('s.yaml', pod('s'));
    const d = make(() => nodes);
    await d.start();
    take();
    nodes = ['n1', 'n2'];
    await d.addNode('n2');
    expect(take()).toEqual([{ node: 'n2', files: { 'manifests/s.yaml': 's' } }]);
    expect((await readdir(join(root, 'manifests'))).sort()).toEqual(['n1', 'n2', 's.yaml']);
    nodes = ['n2'];
    d.removeNode('n1');
    await write('s.yaml', pod('s2'));
    await d.rescan();
    expect(take()).toEqual([{ node: 'n2', files: { 'manifests/s.yaml': 's2' } }]);
    nodes = ['n2', 'n3'];
    await d.rescan();
    expect(take()).toEqual([{ node: 'n3', files: { 'manifests/s.yaml': 's2' } }]);
  });

  it('keeps going when onChange throws', async () => {
    const errors: unknown[] = [];
    let n = 0;
    const d = new ManifestDir(join(root, 'manifests'), () => ['n1', 'n2'], () => {
      n++;
      throw new Error('boom');
    }, { rescanMs: 0, onError: (e) => errors.push(e) });
    dirs.push(d);
    await d.start();
    expect(n).toBe(2);
    expect(errors).toHaveLength(2);
  });

  it('picks up changes promptly through fs.watch', async () => {
    const d = make(['n1'], { rescanMs: 0, debounceMs: 20 });
    await d.start();
    take();
    await write('n1/w.yaml', pod('w'));
    await until(() => calls.some((c) => c.files['manifests/n1/w.yaml'] === 'w'));
    take();
    await write('s.yaml', pod('s'));
    await until(() => calls.some((c) => c.files['manifests/s.yaml'] === 's'));
  });

  it('stops reporting after stop()', async () => {
    const d = make(['n1']);
    await d.start();
    take();
    d.stop();
    await write('s.yaml', pod('s'));
    await d.rescan();
    expect(take()).toEqual([]);
  });
});
