// `kubeling up` as a user runs it: ready line, kubeconfig, flags, restarts, log files, kubeconfig merge, up --detach/status/down.

import { readFile, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CLI, freePort, startCli, tempDir, waitFor } from './support/cluster.js';
import { kubectlFor, kubectlOrSkip } from './support/kubectl.js';

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/readyz`)).ok;
  } catch {
    return false;
  }
}

/** The names of the Ready nodes, sorted. */
async function readyNodes(url: string): Promise<string[]> {
  const list = (await (await fetch(`${url}/api/v1/nodes`)).json()) as { items: Array<{ metadata: { name: string }; status?: { conditions?: Array<{ type: string; status: string }> } }> };
  return list.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).map((n) => n.metadata.name).sort();
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
      // the ready line comes only once every simulated node is Ready, after the progress lines
      expect(await readyNodes(`http://127.0.0.1:${port}`)).toEqual(['kubeling-control-plane', 'kubeling-worker', 'kubeling-worker2']);
      expect(up.output()).toMatch(/\[kubeling\] apiserver ready at http:\/\/127\.0\.0\.1:\d+ \(\d+\.\d\d s\)\n/);
      expect(up.output()).toMatch(/\[kubeling\] 3\/3 nodes Ready \(\d+\.\d\d s\)\n/);
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
    for (const flag of ['--port', '--bind', '--data-dir', '--kubeconfig', '--storage', '--no-fsync', '--log-dir', '--merge-kubeconfig', '--detach']) expect(help.out).toContain(flag);
    expect((await run(['status', '--help'])).out).toContain('usage: kubeling status [--data-dir DIR]');
    expect((await run(['down', '--help'])).out).toContain('usage: kubeling down [--data-dir DIR] [--timeout D]');
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

/** Runs the command to its end. */
function run(args: string[], env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr })),
  );
}

interface State {
  pid: number;
  url: string;
  kubeconfig: string;
  logFile?: string;
  components: Array<{ name: string; pid: number; restarts: number }>;
}

async function readState(path: string): Promise<State | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as State;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('kubeling up: supervision, logs, kubeconfig merge, background clusters', () => {
  it('restarts a component killed with SIGKILL, says so, and records the new pid; --log-dir keeps a file per component', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const logDir = join(dir, 'logs');
      const up = await startCli(['up', '--port', '0', '--storage', 'memory', '--data-dir', join(dir, 'data'), '--kubeconfig', join(dir, 'kc'), '--manifests-dir', join(dir, 'm'), '--nodes', '1', '--log-dir', logDir], /ready at/);
      try {
        const state = (await readState(join(dir, 'state.json')))!;
        expect(state.components.map((c) => c.name)).toEqual(['apiserver', 'scheduler', 'controller-manager', 'daemonset-controller', 'statefulset-controller', 'kubelet-sim']);
        const old = state.components.find((c) => c.name === 'scheduler')!;
        process.kill(old.pid, 'SIGKILL');
        await waitFor(() => up.output().includes('[kubeling] scheduler exited with signal SIGKILL; restarting in 1s\n'), 10_000, 'the restart notice');
        const after = (await waitFor(async () => {
          const s = await readState(join(dir, 'state.json'));
          const c = s?.components.find((x) => x.name === 'scheduler');
          return c && c.restarts === 1 && c.pid !== old.pid && alive(c.pid) ? c : undefined;
        }, 15_000, 'the restarted scheduler in the state file'))!;
        expect(up.output()).toContain(`[kubeling] scheduler restarted (pid ${after.pid}, restart 1)`);
        const st = await run(['status', '--data-dir', join(dir, 'data')]);
        expect(st.code).toBe(0);
        expect(st.stdout).toMatch(new RegExp(`^scheduler +${after.pid} +Running +\\S+ +1$`, 'm'));
        for (const name of ['apiserver', 'scheduler', 'controller-manager', 'daemonset-controller', 'statefulset-controller', 'kubelet-sim']) {
          expect(await readFile(join(logDir, `${name}.log`), 'utf8')).toContain(`"ready":true`);
        }
        const own = await readFile(join(logDir, 'kubeling.log'), 'utf8');
        expect(own).toContain('apiserver ready at http://127.0.0.1:');
        expect(own).toContain('scheduler exited with signal SIGKILL; restarting in 1s');
      } finally {
        await up.stop();
      }
      expect(up.proc.exitCode).toBe(0);
      expect(await readState(join(dir, 'state.json'))).toBeUndefined();
    } finally {
      await cleanup();
    }
  });

  it('components stop when up is killed with SIGKILL; they run without NODE_EXTRA_CA_CERTS and read the JSON kubeconfig up writes for them', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const ca = join(dir, 'extra-ca.pem');
      await writeFile(ca, '');
      const up = await startCli(['up', '--port', '0', '--storage', 'memory', '--data-dir', join(dir, 'data'), '--kubeconfig', join(dir, 'kc'), '--manifests-dir', join(dir, 'm'), '--nodes', '1'], /ready at/, 20_000, { NODE_EXTRA_CA_CERTS: ca });
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(up.line)![1]!;
      const pids = (await readState(join(dir, 'state.json')))!.components.map((c) => c.pid);
      expect(pids).toHaveLength(6);
      const environ = async (pid: number): Promise<string[]> => (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0');
      expect(await environ(up.proc.pid!)).toContain(`NODE_EXTRA_CA_CERTS=${ca}`);
      for (const pid of pids) expect((await environ(pid)).filter((e) => e.startsWith('NODE_EXTRA_CA_CERTS='))).toEqual([]);
      const components = JSON.parse(await readFile(join(dir, 'components.kubeconfig'), 'utf8')) as { clusters: Array<{ cluster: { server: string } }> };
      expect(components.clusters[0]!.cluster.server).toBe(url);
      await up.stop('SIGKILL');
      await waitFor(() => pids.every((pid) => !alive(pid)), 15_000, 'every component to stop after up was killed');
      expect(await answers(url)).toBe(false);
    } finally {
      await cleanup();
    }
  });

  it('stops everything with exit code 1 when a component fails before it was ever ready (here: the port is taken)', async () => {
    const { dir, cleanup } = await tempDir();
    const blocker = createServer();
    try {
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const port = (blocker.address() as AddressInfo).port;
      const r = await run(['up', '--port', String(port), '--storage', 'memory', '--data-dir', join(dir, 'data'), '--kubeconfig', join(dir, 'kc'), '--nodes', '1', '--manifests-dir', join(dir, 'm')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('EADDRINUSE');
      expect(r.stderr).toContain('[kubeling] apiserver exited with code 1 before it was ready');
      expect(r.stdout).toBe('');
      expect(await readState(join(dir, 'state.json'))).toBeUndefined();
    } finally {
      blocker.close();
      await cleanup();
    }
  });

  it('--merge-kubeconfig adds a kubeling context to $KUBECONFIG, keeps the other entries and the current context', async () => {
    if (!kubectlOrSkip()) return;
    const { dir, cleanup } = await tempDir();
    try {
      const userKc = join(dir, 'user-config');
      await writeFile(userKc, [
        '# my clusters', 'apiVersion: v1', 'kind: Config', 'clusters:', '- name: prod', '  cluster:', '    server: https://prod.example:6443',
        'contexts:', '- name: prod', '  context:', '    cluster: prod', '    user: admin', 'current-context: prod', 'users:', '- name: admin', '  user:', '    token: secret', '',
      ].join('\n'));
      const up = await startCli(['up', '--port', '0', '--storage', 'memory', '--nodes', '0', '--data-dir', join(dir, 'data'), '--kubeconfig', join(dir, 'kc'), '--merge-kubeconfig'], /ready at/, 20_000, { KUBECONFIG: `${userKc}:${join(dir, 'other')}` });
      try {
        const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(up.line)![1]!;
        expect(up.output()).toContain(`[kubeling] merged context "kubeling" into ${userKc}; switch with: kubectl config use-context kubeling`);
        const text = await readFile(userKc, 'utf8');
        expect(text.startsWith('# my clusters\n')).toBe(true);
        const kc = parse(text) as { clusters: Array<{ name: string; cluster: { server: string } }>; users: Array<{ name: string }>; 'current-context': string };
        expect(kc.clusters).toEqual([{ name: 'prod', cluster: { server: 'https://prod.example:6443' } }, { name: 'kubeling', cluster: { server: url } }]);
        expect(kc.users.map((u) => u.name)).toEqual(['admin', 'kubeling']);
        expect(kc['current-context']).toBe('prod');
        const kubectl = kubectlFor(userKc, join(dir, 'cache'));
        const ns = await kubectl(['--context', 'kubeling', 'get', 'namespace', 'default', '-o', 'name']);
        expect(ns.stdout).toBe('namespace/default\n');
        expect((await kubectl(['config', 'current-context'])).stdout).toBe('prod\n');
      } finally {
        await up.stop();
      }
    } finally {
      await cleanup();
    }
  });

  it('up --detach returns once ready; status shows the components; down stops them all', async () => {
    const { dir, cleanup } = await tempDir();
    const dataDir = join(dir, '.kubeling', 'data');
    let state: State | undefined;
    try {
      const started = await run(['up', '--detach', '--port', '0', '--storage', 'memory', '--data-dir', dataDir, '--kubeconfig', join(dir, 'kc'), '--manifests-dir', join(dir, 'm'), '--nodes', '2']);
      expect(started.code).toBe(0);
      const url = /^kubeling is ready at (http:\/\/127\.0\.0\.1:\d+) — export KUBECONFIG=(\S+)\n$/.exec(started.stdout);
      expect(url?.[2]).toBe(join(dir, 'kc'));
      expect(await readyNodes(url![1]!)).toEqual(['kubeling-control-plane', 'kubeling-worker']);
      state = (await readState(join(dir, '.kubeling', 'state.json')))!;
      expect(state.url).toBe(url![1]);
      expect(state.logFile).toBe(join(dir, '.kubeling', 'up.log'));
      expect(await readFile(state.logFile!, 'utf8')).toContain('[kubeling] 2/2 nodes Ready');
      const st = await run(['status', '--data-dir', dataDir]);
      expect(st.code).toBe(0);
      expect(st.stdout).toContain(`kubeling is running at ${url![1]}\n`);
      expect(st.stdout).toMatch(/^COMPONENT +PID +STATUS +UPTIME +RESTARTS$/m);
      for (const c of state.components) expect(st.stdout).toMatch(new RegExp(`^${c.name} +${c.pid} +Running +\\S+ +0$`, 'm'));
      const again = await run(['up', '--port', '0', '--storage', 'memory', '--data-dir', dataDir, '--kubeconfig', join(dir, 'kc2')]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain(`a cluster already runs with data dir ${dataDir} (pid ${state.pid}`);
      const down = await run(['down', '--data-dir', dataDir]);
      expect(down.code).toBe(0);
      expect(down.stdout).toBe(`kubeling stopped (pid ${state.pid}, ${url![1]})\n`);
      expect(await answers(url![1]!)).toBe(false);
      for (const pid of [state.pid, ...state.components.map((c) => c.pid)]) await waitFor(() => !alive(pid), 5000, `pid ${pid} to end`);
      expect(await readState(join(dir, '.kubeling', 'state.json'))).toBeUndefined();
      const none = await run(['status', '--data-dir', dataDir]);
      expect(none.code).toBe(1);
      expect(none.stdout).toBe(`kubeling is not running (data dir ${dataDir})\n`);
      expect((await run(['down', '--data-dir', dataDir])).code).toBe(0);
    } finally {
      if (state) for (const pid of [state.pid, ...state.components.map((c) => c.pid)]) if (alive(pid)) process.kill(pid, 'SIGKILL');
      await cleanup();
    }
  });
});
