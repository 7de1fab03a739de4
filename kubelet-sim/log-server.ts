// The simulated kubelets' HTTP endpoint: GET /containerLogs/<ns>/<pod>/<container>, which the API server's pods/log proxies to.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pod } from '../apiserver/api/types.js';
import type { Clock, Logger } from '../controllers/runtime/index.js';
import type { PodRuntime } from './lifecycle.js';
import { logLines, type LogQuery } from './logs.js';

/** What the server needs to know of a pod this process runs: the pod as last seen and its simulated containers. */
export type LogLookup = (namespace: string, name: string) => { pod: Pod; runtime: PodRuntime } | undefined;

/** A listening log server. */
export interface LogServer {
  url: string;
  close(): Promise<void>;
}

/** The kubelet's query parameters; undefined for a value that does not parse (answered 400). */
export function parseLogQuery(params: URLSearchParams, now: number): LogQuery & { follow: boolean } | string {
  const bool = (k: string): boolean => params.get(k) === 'true' || params.get(k) === '1';
  const q: LogQuery & { follow: boolean } = { follow: bool('follow'), previous: bool('previous'), timestamps: bool('timestamps') };
  const int = (k: string): number | undefined | null => {
    const v = params.get(k);
    if (v === null) return undefined;
    return /^-?\d+$/.test(v) ? Number(v) : null;
  };
  const tail = int('tailLines');
  const since = int('sinceSeconds');
  const limit = int('limitBytes');
  if (tail === null || since === null || limit === null) return 'invalid log options';
  if (tail !== undefined && tail >= 0) q.tailLines = tail;
  if (limit !== undefined && limit > 0) q.limitBytes = limit;
  if (since !== undefined && since > 0) q.sinceMs = now - since * 1000;
  const sinceTime = params.get('sinceTime');
  if (sinceTime !== null) {
    const t = Date.parse(sinceTime);
    if (Number.isNaN(t)) return `invalid sinceTime ${sinceTime}`;
    q.sinceMs = t;
  }
  return q;
}

function fail(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

/**
 * Follows a running container's log: waits until the next line is due, writes the lines that appeared since, and
 * ends when the container stops running, its instance changes (a restart), the pod goes, or the client leaves.
 */
async function follow(res: ServerResponse, lookup: () => ReturnType<LogLookup>, container: string, q: LogQuery, clock: Clock, first: { count: number; next?: number; instance: string }): Promise<void> {
  let { count, next } = first;
  let budget = q.limitBytes ?? Infinity;
  const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
  let gone = false;
  void closed.then(() => (gone = true));
  while (!gone && next !== undefined) {
    const wait = Math.max(0, next - clock.now());
    let timer: unknown;
    await Promise.race([closed, new Promise<void>((resolve) => (timer = clock.setTimeout(resolve, wait)))]);
    clock.clearTimeout(timer);
    if (gone) break;
    const found = lookup();
    const c = found?.runtime.containers.find((x) => x.name === container);
    if (!found || !c || `${c.containerID}` !== first.instance) break;
    const full = logLines(found.pod, found.runtime, container, clock.now(), { previous: false, timestamps: q.timestamps });
    const all = lines(full.text);
    let out = all.slice(count).map((l) => `${l}\n`).join('');
    count = all.length;
    if (Buffer.byteLength(out) > budget) out = Buffer.from(out).subarray(0, budget).toString();
    budget -= Buffer.byteLength(out);
    if (out) res.write(out);
    if (budget <= 0) break;
    next = full.nextLineAt;
  }
  res.end();
}

function handle(req: IncomingMessage, res: ServerResponse, lookup: LogLookup, clock: Clock): void {
  const url = new URL(req.url ?? '/', 'http://kubelet');
  const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
  if (req.method !== 'GET' || !m) return fail(res, 404, '404 page not found\n');
  const [ns, name, container] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!), decodeURIComponent(m[3]!)];
  const found = lookup(ns, name);
  if (!found) return fail(res, 404, `pod "${name}" in namespace "${ns}" is not known to this kubelet`);
  const c = found.runtime.containers.find((x) => x.name === container);
  if (!c) return fail(res, 400, `container "${container}" in pod "${name}" is not available`);
  const q = parseLogQuery(url.searchParams, clock.now());
  if (typeof q === 'string') return fail(res, 400, q);
  const { text, nextLineAt } = logLines(found.pod, found.runtime, container, clock.now(), q);
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  if (!q.follow || q.previous || nextLineAt === undefined) {
    res.end(text);
    return;
  }
  res.write(text);
  const full = logLines(found.pod, found.runtime, container, clock.now(), { previous: false, timestamps: q.timestamps });
  const rest: LogQuery = { ...q };
  if (rest.limitBytes !== undefined) rest.limitBytes -= Buffer.byteLength(text);
  if (rest.limitBytes !== undefined && rest.limitBytes <= 0) {
    res.end();
    return;
  }
  void follow(res, () => lookup(ns, name), container, rest, clock, { count: lines(full.text).length, next: nextLineAt, instance: `${c.containerID}` });
}

/** Starts the log endpoint on `bind:port` (port 0 picks a free one). */
export async function startLogServer(opts: { bind: string; port: number; lookup: LogLookup; clock: Clock; logger: Logger }): Promise<LogServer> {
  const server = createServer((req, res) => {
    try {
      handle(req, res, opts.lookup, opts.clock);
    } catch (e) {
      opts.logger.error({ err: e, url: req.url }, 'log request failed');
      if (!res.headersSent) fail(res, 500, String((e as Error).message));
      else res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.bind, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.bind.includes(':') ? `[${opts.bind}]` : opts.bind;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
