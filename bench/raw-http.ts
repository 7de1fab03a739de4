// A minimal keep-alive HTTP/1.1 client connection for the closed-loop load: one request in flight, the request
// written with one system call, the answer framed by Content-Length or chunked encoding and nothing else parsed.
// On a two-core machine the load generator's own CPU is taken from the server it measures, so it does no more than
// a load generator must.

import { connect, type Socket } from 'node:net';

/** An answer: its status code and its body's bytes. */
export interface RawResponse {
  status: number;
  body: Buffer;
}

interface InFlight {
  resolve: (r: RawResponse) => void;
  reject: (e: Error) => void;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** How the body of the answer being read is framed; `need` bytes more of it (or of a chunk) are awaited. */
type Framing = { kind: 'length'; need: number } | { kind: 'chunked'; need: number; parts: Buffer[] };

/** One keep-alive connection to `origin` (http, loopback), opened on the first request and again after a close. */
export class RawConnection {
  private socket: Socket | undefined;
  private inFlight: InFlight | undefined;
  private buf: Buffer = Buffer.alloc(0);
  private status = 0;
  /** The answer being read said `Connection: close`: the next request goes on a new connection. */
  private closing = false;
  private framing: Framing | undefined;
  private readonly host: string;
  private readonly port: number;

  constructor(origin: string) {
    const url = new URL(origin);
    this.host = url.hostname;
    this.port = Number(url.port);
  }

  /** Sends one request (the previous one must have been answered) and resolves with its answer. */
  request(method: string, path: string, body?: Buffer, headers: Record<string, string> = {}): Promise<RawResponse> {
    if (this.inFlight) return Promise.reject(new Error('a request is already in flight on this connection'));
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    if (body) head += `Content-Length: ${body.length}\r\n`;
    head += '\r\n';
    const socket = this.open();
    return new Promise((resolve, reject) => {
      this.inFlight = { resolve, reject };
      const headBytes = Buffer.from(head, 'latin1');
      socket.write(body ? Buffer.concat([headBytes, body]) : headBytes);
    });
  }

  /** Closes the connection (an unanswered request fails). */
  close(): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
    });
  }

  private open(): Socket {
    if (this.socket) return this.socket;
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const gone = (e?: Error): void => {
      // A connection already let go (after `Connection: close`) takes nothing with it.
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.buf = Buffer.alloc(0);
      this.framing = undefined;
      this.fail(e ?? new Error('connection closed before the answer'));
    };
    socket.once('error', gone);
    socket.once('close', () => gone());
    return socket;
  }

  private fail(e: Error): void {
    const f = this.inFlight;
    this.inFlight = undefined;
    f?.reject(e);
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    try {
      while (this.step());
    } catch (e) {
      this.fail(e as Error);
      this.socket?.destroy();
    }
  }

  /** Consumes what it can of the buffered bytes; true when it made progress and may go on. */
  private step(): boolean {
    if (!this.framing) {
      const end = this.buf.indexOf(HEAD_END);
      if (end < 0) return false;
      const head = this.buf.toString('latin1', 0, end);
      this.buf = this.buf.subarray(end + 4);
      this.status = Number(head.slice(9, 12));
      this.closing = /\r\nconnection:\s*close/i.test(head);
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (length) this.framing = { kind: 'length', need: Number(length[1]) };
      else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) this.framing = { kind: 'chunked', need: -1, parts: [] };
      else if (this.status === 204 || this.status === 304) this.framing = { kind: 'length', need: 0 };
      else throw new Error(`answer without a length: ${head.slice(0, 200)}`);
      return true;
    }
    const f = this.framing;
    if (f.kind === 'length') {
      if (this.buf.length < f.need) return false;
      this.done(this.buf.subarray(0, f.need));
      this.buf = this.buf.subarray(f.need);
      return true;
    }
    if (f.need < 0) {
      // A chunk's size line.
      const eol = this.buf.indexOf('\r\n');
      if (eol < 0) return false;
      f.need = parseInt(this.buf.toString('latin1', 0, eol), 16);
      this.buf = this.buf.subarray(eol + 2);
      return true;
    }
    // The chunk's data and its CRLF (the last chunk, of size 0, ends with the CRLF after the (absent) trailers).
    if (this.buf.length < f.need + 2) return false;
    if (f.need === 0) {
      this.buf = this.buf.subarray(2);
      this.done(Buffer.concat(f.parts));
      return true;
    }
    f.parts.push(this.buf.subarray(0, f.need));
    this.buf = this.buf.subarray(f.need + 2);
    f.need = -1;
    return true;
  }

  private done(body: Buffer): void {
    this.framing = undefined;
    if (this.closing) {
      this.socket?.destroy();
      this.socket = undefined;
      this.buf = Buffer.alloc(0);
    }
    const f = this.inFlight;
    this.inFlight = undefined;
    f?.resolve({ status: this.status, body });
  }
}
