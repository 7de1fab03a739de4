// Kubeconfig files: the one `kubeling up` writes for its cluster, and merging its context into a user's kubeconfig.

import { readFile, stat } from 'node:fs/promises';
import type { Document } from 'yaml';
import { writeFileAtomic } from './atomic-file.js';

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

/**
 * The kubeconfig document as YAML text. Written by hand (the server URL as a JSON string, which YAML reads as a
 * double-quoted scalar) so that `kubeling up`, which idles beside its children, never loads a YAML library.
 */
export function kubeconfigYaml(server: string, name = 'kubeling'): string {
  const n = JSON.stringify(name);
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `  - name: ${n}`,
    '    cluster:',
    `      server: ${JSON.stringify(server)}`,
    'contexts:',
    `  - name: ${n}`,
    '    context:',
    `      cluster: ${n}`,
    `      user: ${n}`,
    '      namespace: default',
    `current-context: ${n}`,
    'users:',
    `  - name: ${n}`,
    '    user: {}',
    'preferences: {}',
    '',
  ].join('\n');
}

/**
 * Writes a kubeconfig atomically (temp file + rename), creating its folder: YAML for people, or JSON (equally a
 * kubeconfig) for the components, which read JSON without loading a YAML library.
 */
export async function writeKubeconfig(path: string, server: string, format: 'yaml' | 'json' = 'yaml'): Promise<void> {
  await writeFileAtomic(path, format === 'json' ? `${JSON.stringify(kubeconfigFor(server), null, 2)}\n` : kubeconfigYaml(server), 0o600);
}

/** What merging did: whether the file was new and whether its current context was set to `kubeling`. */
export interface MergeResult {
  created: boolean;
  currentContextSet: boolean;
}

/** Replaces the entry called `name` in a named list (`clusters`, `users`, `contexts`) or appends it. */
function upsertNamed(doc: Document, list: string, name: string, key: string, value: object, y: typeof import('yaml')): void {
  const seq = doc.get(list);
  const entry = doc.createNode({ name, [key]: value });
  if (!y.isSeq(seq)) {
    doc.set(list, doc.createNode([{ name, [key]: value }]));
    return;
  }
  const i = seq.items.findIndex((it) => y.isMap(it) && it.get('name') === name);
  if (i >= 0) seq.items[i] = entry;
  else seq.items.push(entry);
}

/**
 * Adds or updates the cluster, user and context named `name` in an existing kubeconfig (or creates the file).
 *
 * Assumptions / Invariants: every other entry, field, comment and preference of the file is kept as it is (the file
 * is edited as a YAML document, not re-serialised from a model); `current-context` is set only when the file has
 * none — unlike kind, which switches it, because a user's kubectl suddenly talking to another cluster is the
 * surprise we avoid (`kubectl config use-context kubeling` switches). The file is replaced atomically and keeps
 * its mode (0600 when new).
 */
export async function mergeKubeconfig(path: string, server: string, name = 'kubeling'): Promise<MergeResult> {
  let text: string | undefined;
  let mode = 0o600;
  try {
    text = await readFile(path, 'utf8');
    mode = (await stat(path)).mode & 0o777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const y = await import('yaml');
  const doc = text && text.trim() ? y.parseDocument(text) : new y.Document({ apiVersion: 'v1', kind: 'Config', preferences: {} });
  if (doc.errors.length) throw new Error(`cannot merge into ${path}: ${doc.errors[0]!.message}`);
  if (!y.isMap(doc.contents)) throw new Error(`cannot merge into ${path}: it is not a kubeconfig`);
  upsertNamed(doc, 'clusters', name, 'cluster', { server }, y);
  upsertNamed(doc, 'users', name, 'user', {}, y);
  upsertNamed(doc, 'contexts', name, 'context', { cluster: name, user: name, namespace: 'default' }, y);
  const current = doc.get('current-context');
  const currentContextSet = typeof current !== 'string' || current === '';
  if (currentContextSet) doc.set('current-context', name);
  await writeFileAtomic(path, doc.toString(), mode);
  return { created: text === undefined, currentContextSet };
}
