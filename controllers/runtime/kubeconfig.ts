// Reading kubeconfig files: the current (or named) context's server, namespace and credentials.

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { isPlainObject } from '../../apiserver/api/types.js';
import { yamlLib } from '../../apiserver/api/yaml-lib.js';

/** Where and how to reach a cluster. PEM fields hold the decoded PEM text (not base64). */
export interface ClusterConfig {
  /** Base URL, e.g. `http://127.0.0.1:6443` (no trailing slash). */
  server: string;
  /** The context's namespace, `default` when it names none. */
  namespace: string;
  /** Bearer token (from `token` or `tokenFile`). */
  token?: string;
  insecureSkipTLSVerify?: boolean;
  /** CA bundle PEM. */
  caData?: string;
  /** Client certificate PEM. */
  certData?: string;
  /** Client key PEM. */
  keyData?: string;
}

type Json = Record<string, unknown>;

function named(doc: Json, list: string, name: string, field: string): Json {
  const items = doc[list];
  if (!Array.isArray(items)) throw new Error(`kubeconfig: no ${list} defined (looking for "${name}")`);
  for (const it of items) {
    if (isPlainObject(it) && it.name === name) {
      const inner = it[field];
      return isPlainObject(inner) ? inner : {};
    }
  }
  throw new Error(`kubeconfig: ${field} "${name}" not found in ${list}`);
}

function str(o: Json, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new Error(`kubeconfig: ${key} must be a string`);
  return v;
}

/** PEM from `<key>-data` (base64) or the file named by `<key>` (relative to the kubeconfig's folder). */
function pem(o: Json, key: string, baseDir: string): string | undefined {
  const data = str(o, `${key}-data`);
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  const file = str(o, key);
  if (!file) return undefined;
  return readText(file, baseDir, key);
}

function readText(file: string, baseDir: string, what: string): string {
  const path = isAbsolute(file) ? file : resolve(baseDir, file);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`kubeconfig: cannot read ${what} ${path}: ${(e as Error).message}`);
  }
}

/**
 * A kubeconfig's document. JSON (which is YAML too, and which `kubeling up` writes for its components) is read
 * without the YAML library: loading that library is a fifth of a controller's start-up, so it is required only
 * for a kubeconfig that is not JSON.
 */
function parseDocument(text: string): unknown {
  if (/^\s*\{/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // not JSON after all (a YAML flow mapping): the YAML parser decides
    }
  }
  return yamlLib().parse(text) as unknown;
}

/**
 * Parses kubeconfig YAML and resolves one context (the given one, else `current-context`) to a {@link ClusterConfig}.
 * Relative file paths (tokenFile, certificate-authority, client-certificate, client-key) resolve against `baseDir`.
 * Throws an Error saying what is missing or malformed.
 */
export function parseKubeconfig(text: string, context?: string, baseDir = process.cwd()): ClusterConfig {
  let doc: unknown;
  try {
    doc = parseDocument(text);
  } catch (e) {
    throw new Error(`kubeconfig: not valid YAML: ${(e as Error).message}`);
  }
  if (!isPlainObject(doc)) throw new Error('kubeconfig: expected a mapping at the top level');
  const ctxName = context ?? str(doc, 'current-context');
  if (!ctxName) throw new Error('kubeconfig: no current-context set and no context given');
  const ctx = named(doc, 'contexts', ctxName, 'context');
  const clusterName = str(ctx, 'cluster');
  if (!clusterName) throw new Error(`kubeconfig: context "${ctxName}" names no cluster`);
  const cluster = named(doc, 'clusters', clusterName, 'cluster');
  const server = str(cluster, 'server');
  if (!server) throw new Error(`kubeconfig: cluster "${clusterName}" has no server`);
  const userName = str(ctx, 'user');
  const user = userName ? named(doc, 'users', userName, 'user') : {};
  const cfg: ClusterConfig = { server: server.replace(/\/+$/, ''), namespace: str(ctx, 'namespace') ?? 'default' };
  const tokenFile = str(user, 'tokenFile');
  const token = str(user, 'token') ?? (tokenFile ? readText(tokenFile, baseDir, 'tokenFile').trim() : undefined);
  if (token) cfg.token = token;
  if (cluster['insecure-skip-tls-verify'] === true) cfg.insecureSkipTLSVerify = true;
  const ca = pem(cluster, 'certificate-authority', baseDir);
  if (ca) cfg.caData = ca;
  const cert = pem(user, 'client-certificate', baseDir);
  if (cert) cfg.certData = cert;
  const key = pem(user, 'client-key', baseDir);
  if (key) cfg.keyData = key;
  return cfg;
}

/**
 * The kubeconfig path used when none is given: the first entry of `env.KUBECONFIG`, else `~/.kube/config`.
 * The environment is passed in (composition roots pass the process environment): library code never reads it itself.
 */
export function defaultKubeconfigPath(env: { KUBECONFIG?: string | undefined } = {}): string {
  const first = (env.KUBECONFIG ?? '').split(delimiter).find((p) => p.trim() !== '');
  return first ?? join(homedir(), '.kube', 'config');
}

/**
 * Reads and parses a kubeconfig file. Without `path`: the first entry of `env.KUBECONFIG`, else `~/.kube/config`
 * (a main.ts passes the process environment to honour `$KUBECONFIG`).
 */
export async function loadKubeconfig(path?: string, context?: string, env: { KUBECONFIG?: string | undefined } = {}): Promise<ClusterConfig> {
  const file = path ?? defaultKubeconfigPath(env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`kubeconfig: cannot read ${file}: ${(e as Error).message}`);
  }
  return parseKubeconfig(text, context, dirname(resolve(file)));
}
