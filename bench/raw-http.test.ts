// The load generator's HTTP client against a real node:http server: framing by length and by chunks, answers cut
// across reads, keep-alive reuse, and a reconnect after the server closed the connection.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawConnection } from './raw-http.js';

let server: Server;
let origin: string;
const sockets = new Set<unknown>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts).toString();
      switch (req.url) {
        case '/echo':
          res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
          return res.end(body);
        case '/chunked':
          // Several chunks, each written on its own turn so that they arrive in separate reads.
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('alpha-');
          setImmediate(() => {
            res.write('é'.repeat(3000));
            setImmediate(() => res.end('-omega'));
          });
          return;
        case '/empty':
          res.writeHead(204);
          return res.end();
        case '/close':
          res.writeHead(404, { connection: 'close', 'content-length': 9 });
          return res.end('not found');
        default:
          res.writeHead(500, { 'content-length': 0 });
          return res.end();
      }
    });
  });
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('RawConnection', () => {
  it('sends the body and reads an answer framed by Content-Length, many times over one connection', async () => {
    const conn = new RawConnection(origin);
    const before = sockets.size;
    for (let i = 0; i < 50; i++) {
      const body = Buffer.from(JSON.stringify({ i, pad: 'x'.repeat(i * 97) }));
      const res = await conn.request('POST', '/echo', body, { 'Content-Type': 'application/json' });
      expect(res.status).toBe(201);
      expect(res.body.equals(body)).toBe(true);
    }
    expect(sockets.size - before).toBe(1);
    await conn.close();
  });

  it('reads a chunked answer that comes in several reads, and a 204 without a body', async () => {
    const conn = new RawConnection(origin);
    const res = await conn.request('GET', '/chunked');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(`alpha-${'é'.repeat(3000)}-omega`);
    const empty = await conn.request('GET', '/empty');
    expect(empty.status).toBe(204);
    expect(empty.body.length).toBe(0);
    await conn.close();
  });

  it('opens a new connection for the next request after the server closed one', async () => {
    const conn = new RawConnection(origin);
    const first = await conn.request('GET', '/close');
    expect([first.status, first.body.toString()]).toEqual([404, 'not found']);
    const again = await conn.request('POST', '/echo', Buffer.from('{"ok":true}'));
    expect([again.status, again.body.toString()]).toEqual([201, '{"ok":true}']);
    await conn.close();
  });

  it('refuses a second request while one is in flight', async () => {
    const conn = new RawConnection(origin);
    const first = conn.request('GET', '/chunked');
    await expect(conn.request('GET', '/empty')).rejects.toThrow(/in flight/);
    expect((await first).status).toBe(200);
    await conn.close();
  });
});
