// The bare baseline of the watch benchmark: a fastify server (child process) that broadcasts every POSTed body as a
// watch event line to every open GET stream.

import fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';

/** Builds the app: GET opens a stream (headers flushed at once); POST parses its JSON body, broadcasts it, answers 201. */
export function buildWatchEchoApp(): FastifyInstance {
  const app = fastify({ logger: false, keepAliveTimeout: 65_000, bodyLimit: 3 * 1024 * 1024, forceCloseConnections: true });
  const streams = new Set<ServerResponse>();
  app.get('/*', async (_req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    streams.add(res);
    res.on('close', () => streams.delete(res));
  });
  app.post('/*', async (req, reply) => {
    const line = Buffer.from(`{"type":"ADDED","object":${JSON.stringify(req.body)}}\n`);
    for (const res of streams) res.write(line);
    reply.code(201);
    return req.body;
  });
  return app;
}

/** Listens on 127.0.0.1 (port 0), prints `{"ready":true,…}` and runs until SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const app = buildWatchEchoApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  process.stdout.write(`${JSON.stringify({ ready: true, component: 'watch-echo', url: `http://127.0.0.1:${port}`, port })}\n`);
  const stop = (): void => {
    app.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`watch-echo-server: ${(e as Error).message}\n`);
  process.exit(1);
});
