// Readiness of a started cluster (for `kubeling up` and startCluster): the API answering /readyz, then the nodes Ready.

import { get } from 'node:http';
import { createServer } from 'node:net';

/** GETs a URL on the cluster (plain HTTP, as `up` serves it); resolves with the status code and body. */
function httpGet(url: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: timeoutMs, headers: { accept: 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `GET <url>/readyz` answers 200. */
export async function waitApiReady(url: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await httpGet(`${url}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (signal?.aborted) throw new Error('stopped');
    if (Date.now() > deadline) throw new Error(`the API server at ${url} did not become ready`);
    await sleep(20);
  }
}

interface NodeList {
  items?: Array<{ metadata?: { name?: string }; status?: { conditions?: Array<{ type?: string; status?: string }> } }>;
}

/** The names of the Nodes whose Ready condition is True. */
function readyNodeNames(list: NodeList): Set<string> {
  const ready = new Set<string>();
  for (const n of list.items ?? []) {
    if (n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ready.add(n.metadata?.name ?? '');
  }
  return ready;
}

/**
 * Polls the Nodes until each of `names` is Ready and at least `count` Nodes are; reports each change of the Ready
 * count through `progress`.
 */
export async function waitNodesReady(o: { url: string; names: readonly string[]; count: number; timeoutMs: number; progress: (ready: number) => void; signal?: AbortSignal }): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  let last = -1;
  for (;;) {
    try {
      const res = await httpGet(`${o.url}/api/v1/nodes`);
      if (res.status === 200) {
        const ready = readyNodeNames(JSON.parse(res.body) as NodeList);
        const n = Math.min(ready.size, o.count);
        if (n !== last) o.progress((last = n));
        if (ready.size >= o.count && o.names.every((name) => ready.has(name))) return;
      }
    } catch {
      // the API may be restarting: poll again
    }
    if (o.signal?.aborted) throw new Error('stopped');
    if (Date.now() > deadline) throw new Error(`${Math.max(last, 0)}/${o.count} nodes Ready after ${o.timeoutMs / 1000}s`);
    await sleep(50);
  }
}

/**
 * The API answering, then at least `nodes` nodes Ready (none needed when 0), within `timeoutMs` (startCluster's wait;
 * plain node:http, as `up` uses, because loading Node's bundled fetch costs a start-up ~100 ms).
 */
export async function waitClusterReady(server: string, nodes: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await waitApiReady(server, timeoutMs, signal);
  if (nodes > 0) await waitNodesReady({ url: server, names: [], count: nodes, timeoutMs: Math.max(0, deadline - Date.now()), progress: () => {}, signal });
}

/** A free TCP port on `host` (the kernel picks one; it is released at once for the API server to take). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The URL clients use for an API server listening on `bind:port` (a wildcard address is reached on loopback). */
export function serverUrl(bind: string, port: number): string {
  if (bind === '0.0.0.0') return `http://127.0.0.1:${port}`;
  if (bind === '::') return `http://[::1]:${port}`;
  return `http://${bind.includes(':') ? `[${bind}]` : bind}:${port}`;
}
