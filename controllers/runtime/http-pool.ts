// undici's connection pool, loaded without the rest of undici.
//
// undici's entry module loads every dispatcher, fetch, WebSocket, the mocks and the caches: about 80 ms and 9 MB of
// a controller's start-up, of which the client uses the Pool and its `request` call alone. Those two modules are
// loaded by their paths in the package (undici publishes no `exports` map, so the paths are public to Node), and
// `request` is called with the pool as `this`, which is how undici's entry module installs it on every dispatcher.
// http-pool.test.ts checks that they are the very functions the entry module exports.

import { createRequire } from 'node:module';
import type { Dispatcher, Pool as UndiciPool } from 'undici';

const load = createRequire(import.meta.url);

/** undici's Pool class. */
export const Pool = load('undici/lib/dispatcher/pool.js') as typeof UndiciPool;

/** A pool of keep-alive connections to one origin. */
export type Pool = UndiciPool;

/** undici's `Dispatcher.prototype.request`. */
export const undiciRequest = load('undici/lib/api/api-request.js') as (this: Dispatcher, opts: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;

/** One request on a pool: undici's `pool.request(opts)`. */
export function request(pool: Dispatcher, opts: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
  return undiciRequest.call(pool, opts);
}
