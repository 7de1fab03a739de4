// Status writes with a re-read between attempts (upstream's "update status, on failure get the object and try again").

import type { ResourceInfo } from '../../apiserver/api/resources.js';
import type { Client } from './client.js';
import type { ObjectLike } from './keys.js';

/** How updateStatusRetrying retries. */
export interface StatusRetry {
  /** PUTs in all, the first included (≥ 1). */
  attempts: number;
  /** Whether a failed PUT is retried (default: every error). */
  retryIf?: (err: unknown) => boolean;
}

/**
 * PUTs `build(obj)` to the /status subresource of `resource`. When a PUT fails with an error `retryIf` accepts and
 * attempts remain, the object is read again (a read error is thrown) and `build(fresh)` is PUT; `build` returning
 * undefined stops without writing (e.g. the object was replaced by another of the name). Throws the last PUT error.
 * Resolves true once written, false when `build` declined.
 */
export async function updateStatusRetrying<T extends ObjectLike>(
  client: Client,
  resource: ResourceInfo,
  obj: T,
  build: (cur: T) => object | undefined,
  retry: StatusRetry,
): Promise<boolean> {
  let body = build(obj);
  for (let attempt = 1; body !== undefined; attempt++) {
    try {
      await client.update(resource, body, { subresource: 'status' });
      return true;
    } catch (e) {
      if (attempt >= retry.attempts || !(retry.retryIf?.(e) ?? true)) throw e;
      const fresh = await client.get<T>(resource, obj.metadata?.namespace, obj.metadata?.name ?? '');
      body = build(fresh);
    }
  }
  return false;
}
