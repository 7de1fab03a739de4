// Kubeconfig files: the one `kubeling up` writes for its cluster.

import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

/** The kubeconfig document for a server URL (plain http on loopback, no credentials). */
export function kubeconfigFor(server: string, name = 'kubeling'): object {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
    users: [{ name, user: {} }],
    preferences: {},
  };
}

/** Writes a kubeconfig atomically (temp file + rename), creating its folder. */
export async function writeKubeconfig(path: string, server: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, stringify(kubeconfigFor(server)), { mode: 0o600 });
  await rename(tmp, path);
}
