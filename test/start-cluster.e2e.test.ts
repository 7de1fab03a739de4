// startCluster() as a test suite uses it: both modes, two clusters side by side, @kubernetes/client-node and kubectl.

import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from './support/cluster.js';
import { kubectlFor, kubectlOrSkip } from './support/kubectl.js';
import { parseTable, row } from './support/table.js';

// the compiled library (its `processes` mode runs the compiled `kubeling` command beside it)
const LIB = new URL('../dist/cluster/index.js', import.meta.url).href;
type Lib = typeof import('../cluster/index.js');
type Cluster = Awaited<ReturnType<Lib['startCluster']>>;
const lib = (): Promise<Lib> => import(LIB) as Promise<Lib>;

function coreApi(c: Cluster): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromOptions(c.kubeConfig);
  return kc.makeApiClient(CoreV1Api);
}

const readyNames = async (c: Cluster): Promise<string[]> =>
  (await coreApi(c).listNode()).items
    .filter((n) => n.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'))
    .map((n) => n.metadata!.name!)
    .sort();

const answers = async (server: string): Promise<boolean> => {
  try {
    return (await fetch(`${server}/readyz`)).ok;
  } catch {
    return false;
  }
};

const pod = (name: string): V1Pod => ({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });

describe('startCluster in-process (the default mode)', () => {
  let a: Cluster;
  let b: Cluster;
  beforeAll(async () => {
    const { startCluster } = await lib();
    [a, b] = await Promise.all([startCluster(), startCluster({ nodes: 2 })]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('resolves with every node Ready, two clusters side by side on their own ports', async () => {
    expect(a.server).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(a.server).not.toBe(b.server);
    expect(await readyNames(a)).toEqual(['kubeling-control-plane', 'kubeling-worker', 'kubeling-worker2']);
    expect(await readyNames(b)).toEqual(['kubeling-control-plane', 'kubeling-worker']);
  });

  it('runs the scheduler and kubelets: a pod created with client-node runs in its own cluster only', async () => {
    await coreApi(a).createNamespacedPod({ namespace: 'default', body: pod('web') });
    const running = await waitFor(async () => {
      const p = await coreApi(a).readNamespacedPod({ namespace: 'default', name: 'web' });
      return p.status?.phase === 'Running' ? p : undefined;
    }, 15_000, 'pod web Running');
    expect(running!.spec?.nodeName).toMatch(/^kubeling-worker2?$/);
    expect((await coreApi(b).listNamespacedPod({ namespace: 'default' })).items).toEqual([]);
  });

  it('answers the real kubectl through kubeconfigPath', async () => {
    if (!kubectlOrSkip()) return;
    const cache = await tempDir('kubeling-kubectl-');
    try {
      const r = await kubectlFor(a.kubeconfigPath, cache.dir)(['get', 'nodes']);
      expect(r.stderr).toBe('');
      const t = parseTable(r.stdout);
      expect(t.headers).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
      expect(row(t, 'kubeling-control-plane')?.slice(1, 3)).toEqual(['Ready', 'control-plane']);
      expect(row(t, 'kubeling-worker')?.slice(1, 3)).toEqual(['Ready', '<none>']);
    } finally {
      await cache.cleanup();
    }
  });

  it('stop() closes the API and removes the kubeconfig folder; the other cluster keeps running', async () => {
    const { startCluster } = await lib();
    const c = await startCluster({ nodes: 0, components: [] });
    await c.stop();
    expect(await answers(c.server)).toBe(false);
    await expect(access(dirname(c.kubeconfigPath))).rejects.toThrow();
    expect(await answers(a.server)).toBe(true);
  });

  it('rejects bad options before starting anything', async () => {
    const { startCluster } = await lib();
    await expect(startCluster({ nodes: -1 })).rejects.toThrow('startCluster: nodes must be a whole number, got -1');
    await expect(startCluster({ components: ['nope' as 'scheduler'] })).rejects.toThrow('unknown component "nope"');
  });
});

describe('startCluster in processes mode (kubeling up as a child process)', () => {
  it('starts with LevelDB storage, answers client-node and kubectl, and stops every process', async () => {
    const { startCluster } = await lib();
    const data = await tempDir();
    const c = await startCluster({ mode: 'processes', storage: 'level', nodes: 2, dataDir: join(data.dir, 'db') });
    try {
      expect(await readyNames(c)).toEqual(['kubeling-control-plane', 'kubeling-worker']);
      await access(join(data.dir, 'db'));
      if (kubectlOrSkip()) {
        const r = await kubectlFor(c.kubeconfigPath, join(data.dir, 'cache'))(['run', 'p', '--image=nginx']);
        expect(r.stdout).toBe('pod/p created\n');
        await waitFor(async () => (await coreApi(c).readNamespacedPod({ namespace: 'default', name: 'p' })).status?.phase === 'Running', 15_000, 'pod p Running');
      }
    } finally {
      await c.stop();
      await data.cleanup();
    }
    expect(await answers(c.server)).toBe(false);
  });
});
