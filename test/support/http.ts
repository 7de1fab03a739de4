// Raw HTTP against a real apiserver for robustness tests: one undici agent, per-request timeouts, Status checks.

import { Agent } from 'undici';
import type { Readable } from 'node:stream';
import type { Started } from './cluster.js';

/** A keep-alive connection pool for one test file. */
export function keepAliveAgent(connections: number): Agent {
  return new Agent({ connections, pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000 });
}

/** One request, as sent: `path` goes on the wire verbatim (no URL normalisation). */
export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer | Readable;
  /** Abort (and report a hang) after this long; default 10 s. */
  timeoutMs?: number;
}

/** What came back; `error` is set instead of a status when the exchange failed (reset, timeout, …). */
export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
  json?: unknown;
  error?: string;
  ms: number;
}

/** Sends one request and reads the whole answer; never throws. */
export async function send(agent: Agent, origin: string, req: RawRequest): Promise<RawResponse> {
  const t0 = Date.now();
  const timeout = req.timeoutMs ?? 10_000;
  try {
    const res = await agent.request({
      origin,
      path: req.path,
      method: req.method as 'GET',
      headers: req.headers ?? {},
      body: req.body ?? null,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      signal: AbortSignal.timeout(timeout),
    });
    const text = await res.body.text();
    const ct = res.headers['content-type'];
    const contentType = Array.isArray(ct) ? ct.join(',') : (ct ?? '');
    const out: RawResponse = { status: res.statusCode, contentType, text, ms: Date.now() - t0 };
    if (contentType.includes('json')) {
      try {
        out.json = JSON.parse(text) as unknown;
      } catch {
        /* left undefined: reported by the checks */
      }
    }
    return out;
  } catch (e) {
    const err = e as { name?: string; code?: string; message?: string };
    return { status: 0, contentType: '', text: '', error: `${err.code ?? err.name ?? 'Error'}: ${err.message ?? String(e)}`, ms: Date.now() - t0 };
  }
}

/** The reasons kube-apiserver pairs with each failure code (apimachinery errors.go). */
export const REASONS_BY_CODE: Readonly<Record<number, readonly string[]>> = {
  400: ['BadRequest'],
  401: ['Unauthorized'],
  403: ['Forbidden'],
  404: ['NotFound'],
  405: ['MethodNotAllowed'],
  406: ['NotAcceptable'],
  409: ['AlreadyExists', 'Conflict'],
  410: ['Expired', 'Gone'],
  413: ['RequestEntityTooLarge'],
  415: ['UnsupportedMediaType'],
  422: ['Invalid'],
  429: ['TooManyRequests'],
  500: ['InternalError'],
  503: ['ServiceUnavailable'],
  504: ['Timeout'],
};

/** Problems with a JSON body that should be a failure Status for HTTP status `code` (empty when fine). */
export function statusShapeProblems(code: number, body: unknown): string[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [`JSON body is not a Status object`];
  const s = body as Record<string, unknown>;
  const out: string[] = [];
  if (s.kind !== 'Status') out.push(`kind is ${JSON.stringify(s.kind)}, want "Status"`);
  if (s.apiVersion !== 'v1') out.push(`apiVersion is ${JSON.stringify(s.apiVersion)}, want "v1"`);
  if (s.status !== 'Failure') out.push(`status is ${JSON.stringify(s.status)}, want "Failure"`);
  if (typeof s.reason !== 'string' || s.reason === '') out.push('reason is missing');
  if (s.code !== code) out.push(`code is ${JSON.stringify(s.code)} but the HTTP status is ${code}`);
  const reasons = REASONS_BY_CODE[code];
  if (typeof s.reason === 'string' && s.reason && reasons && !reasons.includes(s.reason)) {
    out.push(`reason ${s.reason} does not go with code ${code} (want ${reasons.join(' or ')})`);
  }
  if (typeof s.message !== 'string' || s.message === '') out.push('message is missing');
  return out;
}

/** Stops a server started by startCli even when it is hung (SIGTERM, then SIGKILL after `graceMs`). */
export async function stopHard(server: Started | undefined, graceMs = 5_000): Promise<void> {
  if (!server) return;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs)));
  const stopped = await Promise.race([server.stop().then(() => false), timedOut]);
  clearTimeout(timer);
  if (stopped) await server.stop('SIGKILL');
}
