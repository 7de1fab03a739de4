// Running the real kubectl in tests: a private cache dir per cluster, and skip-or-fail when it is absent.

import { execFile, execFileSync } from 'node:child_process';

/** True when a kubectl binary answers on PATH. */
export function kubectlAvailable(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether kubectl suites run: they skip with a message when kubectl is absent, and fail instead when
 * REQUIRE_KUBECTL=1 (CI sets it).
 */
export function kubectlOrSkip(): boolean {
  if (kubectlAvailable()) return true;
  if (process.env.REQUIRE_KUBECTL === '1') throw new Error('kubectl is required (REQUIRE_KUBECTL=1) but was not found on PATH');
  console.warn('kubectl not found on PATH: skipping the kubectl e2e suite');
  return false;
}

/** The outcome of one kubectl run. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A kubectl bound to one cluster's kubeconfig and its own discovery/HTTP cache. */
export function kubectlFor(kubeconfig: string, cacheDir: string) {
  return (args: string[], opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = execFile(
        'kubectl',
        ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args],
        { timeout: opts.timeoutMs ?? 60_000, env: { ...process.env, ...opts.env, KUBECONFIG: kubeconfig, HOME: cacheDir } },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        },
      );
      if (opts.input !== undefined) child.stdin!.end(opts.input);
    });
}
