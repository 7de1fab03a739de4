// Readiness of a started cluster as a client sees it: the API answers and the expected nodes are all Ready.

import { setTimeout as delay } from 'node:timers/promises';
import { Client } from '../controllers/runtime/index.js';

interface NodeList {
  items?: { status?: { conditions?: { type?: string; status?: string }[] } }[];
}

/** How many of the listed nodes have condition Ready=True. */
export function readyNodes(list: NodeList): number {
  return (list.items ?? []).filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
}

/**
 * Polls `GET /readyz`, then `GET /api/v1/nodes`, until at least `nodes` nodes are Ready (none needed when 0).
 * Rejects after `timeoutMs` with what was last seen, or at once when `signal` aborts.
 */
export async function waitClusterReady(server: string, nodes: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  // the project's client, not the global fetch: loading Node's bundled fetch costs a start-up ~100 ms
  const client = new Client({ server }, { connections: 1, timeoutMs });
  const deadline = Date.now() + timeoutMs;
  let seen = 'the API did not answer';
  try {
    for (let pause = 5; ; pause = Math.min(50, pause * 2)) {
      signal?.throwIfAborted();
      try {
        if ((await client.request('GET', '/readyz')).status === 200) {
          if (nodes === 0) return;
          const res = await client.request('GET', '/api/v1/nodes');
          const ready = res.status === 200 ? readyNodes(JSON.parse(res.body) as NodeList) : 0;
          if (ready >= nodes) return;
          seen = `${ready} of ${nodes} nodes Ready`;
        }
      } catch {
        // not answering yet
      }
      if (Date.now() > deadline) throw new Error(`the cluster at ${server} was not ready after ${timeoutMs} ms (${seen})`);
      await delay(pause);
    }
  } finally {
    await client.close();
  }
}
