// The HTTP edge: malformed requests, URLs that do not decode and body reading, answered the way Go's net/http does.

import type { Socket } from 'node:net';
import * as S from '../api/status.js';

/** Go's first bad `%` escape in a URL (`invalid URL escape "%ZZ"`), or undefined when every escape is well formed. */
function badEscape(url: string): string | undefined {
  const m = /%(?![0-9A-Fa-f]{2})/.exec(url);
  return m ? url.slice(m.index, m.index + 3) : undefined;
}

/**
 * The Status for an error fastify raises before routing, which is a path that does not URL-decode: a 400 worded as
 * Go's url.Parse error (Go refuses the URL outright; escapes of invalid UTF-8, which Go would accept, are refused too).
 */
export function frameworkError(_err: Error, req: { url: string }): S.ApiError {
  const escape = badEscape(req.url);
  const path = req.url.split('?')[0]!;
  const why = escape ? `invalid URL escape ${JSON.stringify(escape)}` : 'invalid UTF-8 in URL escape';
  return S.badRequest(`parse ${JSON.stringify(path)}: ${why}`);
}

/**
 * Malformed HTTP (request line, headers, chunking): answered as Go's net/http does, in plain text before closing
 * the connection — `400 Bad Request`, or `431 Request Header Fields Too Large` past MAX_HEADER_BYTES.
 */
export function clientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${status}`);
}

/** How much of an over-limit body the server reads and discards before answering 413 (beyond it, it answers at once). */
export const DRAIN_BYTES = 16 * 1024 * 1024;

type BodyDone = (err: Error | null, body?: Buffer) => void;

/**
 * Reads a request body into a Buffer. A body over `limit` is still read to its end (up to DRAIN_BYTES) and
 * discarded before the 413 goes out: answering while the client is still sending makes it see a reset instead
 * of the answer (Go's server similarly reads on a little before giving up on a connection).
 */
export function readBody(payload: NodeJS.ReadableStream, limit: number, done: BodyDone): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (err: Error | null, body?: Buffer): void => {
    if (finished) return;
    finished = true;
    payload.removeListener('data', onData);
    done(err, body);
  };
  const onData = (chunk: Buffer): void => {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
    else if (size > DRAIN_BYTES) finish(S.requestEntityTooLarge(limit));
  };
  payload.on('data', onData);
  payload.once('end', () => finish(size > limit ? S.requestEntityTooLarge(limit) : null, size > limit ? undefined : Buffer.concat(chunks, size)));
  payload.once('error', (e: Error) => finish(e));
}
