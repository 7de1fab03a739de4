// The published package as a user gets it: `npm pack`, installed into a fresh folder, `startCluster` imported and typed.

import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './support/cluster.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/**
 * Installs the tarball with npm (dependencies from the npm cache first, the registry for what it lacks). Without a
 * registry, it unpacks the tarball into node_modules/kubeling and links only the package's declared dependencies
 * from this checkout, so an undeclared dependency still fails to resolve. Returns how it was installed.
 */
async function install(app: string, tgz: string): Promise<string> {
  const npm = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--fetch-retries=1', '--fetch-timeout=30000', tgz], app, 180_000);
  if (npm.code === 0) return 'npm install';
  const dest = join(app, 'node_modules', 'kubeling');
  await mkdir(dest, { recursive: true });
  const tar = await run('tar', ['-xzf', tgz, '-C', dest, '--strip-components=1'], app);
  if (tar.code !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  const pkg = JSON.parse(await readFile(join(dest, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const dep of Object.keys(pkg.dependencies)) {
    const link = join(app, 'node_modules', dep);
    await mkdir(join(link, '..'), { recursive: true });
    await symlink(join(ROOT, 'node_modules', dep), link, 'dir');
  }
  return `unpacked (npm install failed: ${npm.stderr.trim().split('\n').pop() ?? ''})`;
}

const USE = `import { startCluster } from 'kubeling';
const cluster = await startCluster({ nodes: 2, mode: process.argv[2] });
const nodes = await (await fetch(cluster.server + '/api/v1/nodes')).json();
await cluster.stop();
console.log(JSON.stringify({ server: cluster.server, nodes: nodes.items.map((n) => n.metadata.name), kubeConfig: cluster.kubeConfig }));
`;

const TYPED = `import { startCluster, type RunningCluster, type StartClusterOptions } from 'kubeling';
const opts: StartClusterOptions = { nodes: 1, storage: 'memory', mode: 'in-process' };
const c: RunningCluster = await startCluster(opts);
const server: string = c.server;
const path: string = c.kubeconfigPath;
const ctx: string = c.kubeConfig.currentContext;
await c.stop();
// @ts-expect-error nodes is a number
await startCluster({ nodes: 'three' });
// @ts-expect-error storage is memory or level
await startCluster({ storage: 'etcd' });
export { server, path, ctx };
`;

describe('the npm package', () => {
  let app: string;
  let how: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const t = await tempDir('kubeling-pack-');
    cleanup = t.cleanup;
    // dist/ is fresh (the global setup built it); --ignore-scripts skips `prepare` building it again
    const pack = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', t.dir], ROOT);
    expect(pack.code, pack.stderr).toBe(0);
    const tgz = join(t.dir, (await readdir(t.dir)).find((f) => f.endsWith('.tgz'))!);
    app = join(t.dir, 'app');
    await mkdir(app);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'uses-kubeling', private: true, type: 'module' }));
    how = await install(app, tgz);
  }, 240_000);
  afterAll(async () => cleanup?.());

  it('ships the library and the command, not the tests or benchmarks', async () => {
    const dist = join(app, 'node_modules', 'kubeling', 'dist');
    const top = await readdir(dist);
    expect(top).toContain('cluster');
    expect(top).not.toContain('test');
    expect(top).not.toContain('bench');
    expect(await readdir(join(dist, 'cluster'))).toEqual(expect.arrayContaining(['index.js', 'index.d.ts', 'cli.js']));
  });

  it.each(['in-process', 'processes'])('starts a cluster (%s) with `import { startCluster } from "kubeling"`', async (mode) => {
    await writeFile(join(app, 'use.mjs'), USE);
    const r = await run(process.execPath, ['use.mjs', mode], app, 60_000);
    expect(r.stderr, how).toBe('');
    const out = JSON.parse(r.stdout) as { server: string; nodes: string[]; kubeConfig: { currentContext: string } };
    expect(out.nodes).toEqual(['kubeling-control-plane', 'kubeling-worker']);
    expect(out.kubeConfig.currentContext).toBe('kubeling');
  });

  it('gives TypeScript the types through `exports` (moduleResolution NodeNext)', async () => {
    await writeFile(join(app, 'typed.ts'), TYPED);
    await writeFile(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: [], lib: ['ES2022'] },
      files: ['typed.ts'],
    }));
    const r = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], app);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('installs the kubeling command', async () => {
    const r = await run(join(app, 'node_modules', '.bin', 'kubeling'), ['--help'], app);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('up          start the control plane');
  });
});
