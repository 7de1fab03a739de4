// Timing of LIST requests for the benchmark: one unpaginated GET of a namespace's pods, and a paginated walk.

import { Client } from 'undici';
import { performance } from 'node:perf_hooks';

/** One timed unpaginated list. */
export interface ListTiming {
  /** From sending the request to having read the whole body (client-side parse not included). */
  ms: number;
  bytes: number;
  items: number;
}

/** One timed paginated walk of a list. */
export interface PaginatedTiming {
  /** From the first request to the last page's body parsed (each page is parsed to find `continue`). */
  ms: number;
  pages: number;
  items: number;
}

interface PodList {
  metadata?: { continue?: string };
  items?: unknown[];
}

async function getBody(client: Client, path: string): Promise<Buffer> {
  const res = await client.request({ method: 'GET', path, headers: { accept: 'application/json' } });
  const body = Buffer.from(await res.body.arrayBuffer());
  if (res.statusCode !== 200) throw new Error(`GET ${path} → ${res.statusCode}: ${body.toString('utf8', 0, 300)}`);
  return body;
}

/** Times one unpaginated `GET /api/v1/namespaces/NS/pods` on a fresh keep-alive connection. */
export async function timeList(origin: string, namespace: string): Promise<ListTiming> {
  const client = new Client(origin, { bodyTimeout: 120_000, headersTimeout: 120_000 });
  try {
    await getBody(client, '/version'); // open the connection outside the timing
    const t0 = performance.now();
    const body = await getBody(client, `/api/v1/namespaces/${namespace}/pods`);
    const ms = performance.now() - t0;
    const list = JSON.parse(body.toString('utf8')) as PodList;
    return { ms, bytes: body.length, items: list.items?.length ?? 0 };
  } finally {
    await client.close();
  }
}

/** Times walking a namespace's pods in pages of `limit` (following `metadata.continue`). */
export async function timePaginatedList(origin: string, namespace: string, limit: number): Promise<PaginatedTiming> {
  const client = new Client(origin, { bodyTimeout: 120_000, headersTimeout: 120_000 });
  try {
    await getBody(client, '/version');
    const t0 = performance.now();
    let pages = 0;
    let items = 0;
    let token: string | undefined;
    do {
      const query = `limit=${limit}${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
      const page = JSON.parse((await getBody(client, `/api/v1/namespaces/${namespace}/pods?${query}`)).toString('utf8')) as PodList;
      pages++;
      items += page.items?.length ?? 0;
      token = page.metadata?.continue || undefined;
    } while (token);
    return { ms: performance.now() - t0, pages, items };
  } finally {
    await client.close();
  }
}
