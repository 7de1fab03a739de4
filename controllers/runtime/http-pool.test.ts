// The pool loaded without undici's entry module is undici's own Pool, and its request is undici's request.

import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as undici from 'undici';
import { Pool, request, undiciRequest } from './http-pool.js';

describe('http-pool', () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    server = createServer((req, res) => res.end(`${req.method} ${req.url}`));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('is the Pool and the request function undici exports', () => {
    expect(Pool).toBe(undici.Pool);
    expect(undiciRequest).toBe(undici.Dispatcher.prototype.request);
  });

  it('answers a request with the pool as undici does', async () => {
    const pool = new Pool(origin, { connections: 1 });
    try {
      const res = await request(pool, { method: 'POST', path: '/x?y=1' });
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe('POST /x?y=1');
    } finally {
      await pool.close();
    }
  });
});
