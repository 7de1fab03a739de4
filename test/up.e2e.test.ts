// `kubeling up` as a user runs it: the ready line, the kubeconfig it writes, flags, and a clean stop on SIGTERM.

import { readFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CLI, freePort, startCli, tempDir, waitFor } from './support/cluster.js';

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/readyz`)).ok;
  } catch {
    return false;
  }
}

describe('kubeling up', () => {
  it('prints one ready line, writes a kubeconfig for the real port, and stops every child on SIGTERM', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const port = await freePort();
      const kubeconfig = join(dir, 'kc');
      const up = await startCli(['up', '--port', String(port), '--data-dir', join(dir, 'data'), '--kubeconfig', kubeconfig, '--manifests-dir', join(dir, 'm')], /ready at/);
      expect(up.line).toBe(`kubeling is ready at http://127.0.0.1:${port} — export KUBECONFIG=${kubeconfig}`);
      const kc = parse(await readFile(kubeconfig, 'utf8')) as { clusters: Array<{ cluster: { server: string } }>; 'current-context': string };
      expect(kc.clusters[0]!.cluster.server).toBe(`http://127.0.0.1:${port}`);
      expect(kc['current-context']).toBe('kubeling');
      expect(await answers(`http://127.0.0.1:${port}`)).toBe(true);
      const exit = new Promise<number | null>((resolve) => up.proc.once('exit', (code) => resolve(code)));
      up.proc.kill('SIGTERM');
      expect(await exit).toBe(0);
      await waitFor(async () => !(await answers(`http://127.0.0.1:${port}`)), 5000, 'the apiserver to stop');
    } finally {
      await cleanup();
    }
  });

  it('with --port 0 and --storage memory --no-fsync the kubeconfig holds the port it got', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const kubeconfig = join(dir, 'kc');
      const up = await startCli(['up', '--port', '0', '--storage', 'memory', '--no-fsync', '--data-dir', join(dir, 'd'), '--kubeconfig', kubeconfig, '--nodes', '0'], /ready at/);
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(up.line)![1]!;
      expect(url).not.toMatch(/:0$/);
      const kc = parse(await readFile(kubeconfig, 'utf8')) as { clusters: Array<{ cluster: { server: string } }> };
      expect(kc.clusters[0]!.cluster.server).toBe(url);
      expect(await answers(url)).toBe(true);
      await up.stop('SIGINT');
      expect(up.proc.exitCode).toBe(0);
    } finally {
      await cleanup();
    }
  });

  it('explains its flags and rejects unknown ones', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number; out: string }>((resolve) =>
        execFile(process.execPath, [CLI, ...args], (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr })),
      );
    const help = await run(['up', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--port', '--bind', '--data-dir', '--kubeconfig', '--storage', '--no-fsync']) expect(help.out).toContain(flag);
    const bad = await run(['up', '--bogus']);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/bogus/);
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect((await run(['apiserver', '--help'])).out).toContain('--create-workers N');
    const workers = await run(['apiserver', '--port', '0', '--storage', 'memory', '--create-workers', 'two']);
    expect(workers.code).not.toBe(0);
    expect(workers.out).toContain('--create-workers must be a number from 0 to 64, got two');
  });
});
