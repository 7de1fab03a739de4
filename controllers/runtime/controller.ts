// The controller loop: informer events become queue keys; workers reconcile keys with retries and requeues.

import type { KObject } from '../../apiserver/api/types.js';
import type { ObjectLike } from './keys.js';
import { realClock, type Clock } from './clock.js';
import type { Informer } from './informer.js';
import { silentLogger, type Logger } from './logger.js';
import { defaultControllerRateLimiter } from './rate-limiter.js';
import { WorkQueue } from './workqueue.js';

/** An informer whose changes enqueue keys: `toKeys` maps a changed object to the keys to reconcile. */
export interface Source<T extends ObjectLike = KObject> {
  informer: Informer<T>;
  toKeys: (obj: T) => string[];
}

/** What reconcile returns: nothing (done), or a time after which the key should be looked at again. */
export type ReconcileResult = void | { requeueAfterMs?: number };

/** A controller's definition. */
export interface ControllerSpec {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- sources of different kinds mix in one list
  sources: Source<any>[];
  /** Makes the world match the desired state of `key` (`ns/name` or `name`); throw to retry rate-limited. */
  reconcile: (key: string) => Promise<ReconcileResult>;
  /** Concurrent workers (default 1); a key is never reconciled by two at once. */
  workers?: number;
}

/** A running-able controller. */
export interface Controller {
  readonly name: string;
  readonly queue: WorkQueue<string>;
  /**
   * Waits for the sources' informers to sync (the caller starts them), runs the workers until `signal` aborts, then
   * shuts the queue down and waits for reconciles in flight. Keys still queued at that point are dropped.
   */
  run(signal: AbortSignal): Promise<void>;
}

/**
 * Builds a controller. Handlers are registered on the sources at once, so keys enqueued before `run` are kept.
 * Invariants (after controller-runtime / sample-controller): a successful reconcile forgets the key's failures;
 * `requeueAfterMs` forgets them too and adds the key after that delay; a throw is logged and the key is re-added
 * rate-limited (5 ms doubling to 30 s per key, 10/s overall after a burst of 100).
 */
export function newController(spec: ControllerSpec, deps: { clock?: Clock; logger?: Logger } = {}): Controller {
  const clock = deps.clock ?? realClock;
  const logger = deps.logger ?? silentLogger;
  const queue = new WorkQueue<string>({ clock, rateLimiter: defaultControllerRateLimiter<string>(clock), name: spec.name });
  for (const source of spec.sources) registerSource(source, queue, spec.name, logger);

  async function worker(signal: AbortSignal): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      if (signal.aborted) {
        queue.done(key);
        continue;
      }
      await processKey(key);
    }
  }

  async function processKey(key: string): Promise<void> {
    try {
      const result = await spec.reconcile(key);
      queue.forget(key);
      if (result && result.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
    } catch (e) {
      logger.error({ controller: spec.name, key, err: e, requeues: queue.numRequeues(key) }, 'reconcile failed; requeueing');
      queue.addRateLimited(key);
    } finally {
      queue.done(key);
    }
  }

  return {
    name: spec.name,
    queue,
    async run(signal) {
      const stop = (): void => queue.shutDown();
      if (signal.aborted) return stop();
      signal.addEventListener('abort', stop, { once: true });
      try {
        await Promise.all(spec.sources.map((s) => s.informer.waitForSync(signal)));
      } catch {
        return; // aborted before the caches synced
      }
      logger.info({ controller: spec.name, workers: spec.workers ?? 1 }, 'controller started');
      const workers = Array.from({ length: Math.max(1, spec.workers ?? 1) }, () => worker(signal));
      await Promise.all(workers);
      logger.info({ controller: spec.name }, 'controller stopped');
    },
  };
}

function registerSource<T extends ObjectLike>(source: Source<T>, queue: WorkQueue<string>, controller: string, logger: Logger): void {
  const enqueue = (obj: T): void => {
    let keys: string[];
    try {
      keys = source.toKeys(obj);
    } catch (e) {
      logger.error({ controller, err: e, resource: source.informer.resource.plural }, 'toKeys threw');
      return;
    }
    for (const k of keys) queue.add(k);
  };
  source.informer.addEventHandler({
    add: enqueue,
    update: (oldObj, newObj) => {
      enqueue(oldObj);
      if (newObj !== oldObj) enqueue(newObj);
    },
    delete: enqueue,
  });
}
