// One `kubeling up` cluster driven by the real kubectl: the setup every kubectl suite shares.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startUp, type UpCluster } from './cluster.js';
import { kubectlFor, type KubectlResult } from './kubectl.js';

/** kubectl bound to one cluster (see kubectlFor). */
export type Kubectl = ReturnType<typeof kubectlFor>;

/** A started cluster, the folder for its manifests, and a kubectl with its own cache dir. */
export interface KubectlSession {
  cluster: UpCluster;
  files: string;
  cacheDir: string;
  kubectl: Kubectl;
}

/** Starts `kubeling up` (with `extra` flags) and prepares a manifests folder and a kubectl for it. */
export async function startKubectlSession(extra: string[] = []): Promise<KubectlSession> {
  const cluster = await startUp(extra);
  const files = join(cluster.dir, 'manifests');
  const cacheDir = join(cluster.dir, 'kube-cache');
  await mkdir(files, { recursive: true });
  return { cluster, files, cacheDir, kubectl: kubectlFor(cluster.kubeconfig, cacheDir) };
}

/**
 * The two ways suites run kubectl, for a kubectl known only once the cluster is up: `k` returns the whole result,
 * `ok` expects exit 0 (its failure message carries the output) and returns stdout.
 */
export function kubectlCalls(current: () => Kubectl): { k: (...args: string[]) => Promise<KubectlResult>; ok: (...args: string[]) => Promise<string> } {
  return {
    k: (...args) => current()(args),
    ok: async (...args) => {
      const r = await current()(args);
      expect(r.code, `kubectl ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
      return r.stdout;
    },
  };
}

/** Writes a manifest into `dir` and returns its path. */
export async function writeManifest(dir: string, name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}
