// The bare baseline of the benchmark: a fastify server (run as a child process) that parses JSON bodies and echoes them.

import fastify from 'fastify';
import type { FastifyInstance } from 'fastify';

/** Builds the echo app: any POST parses its JSON body (fastify's default parser) and sends it back with 201. */
export function buildEchoApp(): FastifyInstance {
  const app = fastify({ logger: false, keepAliveTimeout: 65_000, bodyLimit: 3 * 1024 * 1024 });
  app.post('/*', async (req, reply) => {
    reply.code(201);
    return req.body;
  });
  app.get('/*', async () => ({ ok: true }));
  return app;
}

/** Listens on 127.0.0.1 (port from `--port`, default 0), prints `{"ready":true,…}` and runs until SIGTERM/SIGINT. */
export async function main(argv: string[]): Promise<void> {
  const i = argv.indexOf('--port');
  const port = i >= 0 ? Number(argv[i + 1]) : 0;
  const app = buildEchoApp();
  await app.listen({ port, host: '127.0.0.1' });
  const addr = app.server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  process.stdout.write(`${JSON.stringify({ ready: true, component: 'echo', url: `http://127.0.0.1:${actual}`, port: actual })}\n`);
  const stop = (): void => {
    app.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`echo-server: ${(e as Error).message}\n`);
  process.exit(1);
});
