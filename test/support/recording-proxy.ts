// An HTTP proxy in front of an API server for e2e tests: records request bodies, can hide the eviction subresource.

import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the client sent it. */
export interface RecordedRequest {
  method: string;
  url: string;
  contentType: string;
  body: Buffer;
}

/** A running proxy: its URL, what it saw, and how to stop it. */
export interface RecordingProxy {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const readAll = (stream: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on('data', (c: Buffer) => parts.push(c));
    stream.on('end', () => resolve(Buffer.concat(parts)));
    stream.on('error', reject);
  });

/** Drops `pods/eviction` from legacy and aggregated core discovery (a server without the Eviction API). */
function withoutEviction(text: string): string {
  const doc = JSON.parse(text) as {
    resources?: Array<{ name: string }>;
    items?: Array<{ versions: Array<{ resources: Array<{ subresources?: Array<{ subresource: string }> }> }> }>;
  };
  if (doc.resources) doc.resources = doc.resources.filter((r) => r.name !== 'pods/eviction');
  for (const v of (doc.items ?? []).flatMap((g) => g.versions)) {
    for (const r of v.resources) if (r.subresources) r.subresources = r.subresources.filter((s) => s.subresource !== 'eviction');
  }
  return JSON.stringify(doc);
}

/**
 * Starts a proxy on a free loopback port that forwards everything to `target` and records each request. With
 * `hideEviction`, GET /api and /api/v1 answers lose the eviction subresource (as on a server without it).
 */
export async function startRecordingProxy(target: string, opts: { hideEviction?: boolean } = {}): Promise<RecordingProxy> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const body = await readAll(req);
    requests.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'] ?? '', body });
    const path = (req.url ?? '').split('?')[0];
    const rewrite = opts.hideEviction && req.method === 'GET' && (path === '/api' || path === '/api/v1');
    const upstream = request(`${target}${req.url}`, { method: req.method, headers: { ...req.headers, 'accept-encoding': 'identity' } }, async (up) => {
      const answer = await readAll(up);
      const out = rewrite && up.statusCode === 200 ? Buffer.from(withoutEviction(answer.toString('utf8'))) : answer;
      const headers = { ...up.headers, 'content-length': String(out.length) };
      res.writeHead(up.statusCode ?? 502, headers);
      res.end(out);
    });
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
