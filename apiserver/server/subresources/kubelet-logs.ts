// pods/log through a node's kubelet: the request a real API server proxies to the kubelet's /containerLogs endpoint.

import * as S from '../../api/status.js';
import { KUBELET_ENDPOINT_ANNOTATION } from '../../api/annotations.js';
import type { KObject } from '../../api/types.js';
import { checkLogStatus, type LogSource, type PodLogOptions } from '../../registry/pod-logs.js';

/** The kubelet endpoint a node advertises (an http(s) URL in its annotation), or undefined. */
export function kubeletEndpoint(node: KObject): string | undefined {
  const v = node.metadata.annotations?.[KUBELET_ENDPOINT_ANNOTATION];
  if (typeof v !== 'string' || !/^https?:\/\/[^/\s]+\/?$/.test(v)) return undefined;
  return v.replace(/\/$/, '');
}

/** The kubelet's query string for PodLogOptions (upstream kubelet containerLogs parameters). */
export function containerLogsPath(pod: KObject, opts: PodLogOptions): string {
  const q = new URLSearchParams();
  if (opts.follow) q.set('follow', 'true');
  if (opts.previous) q.set('previous', 'true');
  if (opts.timestamps) q.set('timestamps', 'true');
  if (opts.tailLines !== undefined) q.set('tailLines', String(opts.tailLines));
  if (opts.sinceSeconds !== undefined) q.set('sinceSeconds', String(opts.sinceSeconds));
  if (opts.sinceTime !== undefined) q.set('sinceTime', opts.sinceTime);
  if (opts.limitBytes !== undefined) q.set('limitBytes', String(opts.limitBytes));
  const enc = encodeURIComponent;
  const qs = q.toString();
  return `/containerLogs/${enc(pod.metadata.namespace ?? '')}/${enc(pod.metadata.name ?? '')}/${enc(opts.container)}${qs ? `?${qs}` : ''}`;
}

/** A kubelet's error body as an ApiError: a Status as it is, plain text as a 400 (or 500 for a 5xx) with that text. */
function kubeletError(code: number, text: string): S.ApiError {
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === 'object' && (body as { kind?: unknown }).kind === 'Status') return S.fromResponse(code, body);
  } catch {
    // plain text, as the kubelet writes most errors
  }
  const message = text.trim() || `the server responded with the status code ${code}`;
  return code >= 500 ? S.internal(message) : code === 404 ? S.fromResponse(404, message) : S.badRequest(message);
}

/** A dial failure worded as Go's http client words it. */
function dialError(url: string, e: unknown): S.ApiError {
  const err = e as { code?: string; message?: string; cause?: { code?: string; address?: string; port?: number } };
  const cause = err.cause ?? err;
  const where = new URL(url).host;
  const why = cause.code === 'ECONNREFUSED' ? 'connect: connection refused' : (err.message ?? String(e));
  // upstream passes the dial error on as a bare 500 Status (no reason): kubectl prints `Error from server: Get …`
  return new S.ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Get "${url}": dial tcp ${where}: ${why}`, code: 500 });
}

/**
 * The log source for a node whose kubelet listens at `endpoint`: the kubelet's container-status checks apply first
 * (as the kubelet itself would answer them), then the text is streamed from the kubelet until it ends or `signal`
 * aborts.
 */
export function kubeletLogSource(endpoint: string): LogSource {
  return {
    async open(pod: KObject, opts: PodLogOptions, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
      checkLogStatus(pod, opts.container, opts.previous);
      const url = `${endpoint}${containerLogsPath(pod, opts)}`;
      // undici is loaded at the first logs request: most API servers never serve one, and it costs start-up time.
      const { request } = await import('undici');
      let res;
      try {
        res = await request(url, { method: 'GET', signal, headersTimeout: 10_000, bodyTimeout: 0 });
      } catch (e) {
        throw dialError(url, e);
      }
      if (res.statusCode !== 200) throw kubeletError(res.statusCode, await res.body.text());
      const body = res.body;
      signal.addEventListener('abort', () => body.destroy(), { once: true });
      return (async function* stream() {
        try {
          for await (const chunk of body) yield chunk as Uint8Array;
        } catch (e) {
          if (!signal.aborted) throw e;
        }
      })();
    },
  };
}
