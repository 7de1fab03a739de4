// The garbage collector's entry point for a controller-manager process: build it on a shared runtime and run it.

import type { Runtime } from '../runtime/index.js';
import { newGarbageCollector } from './controller.js';

/** Options of the garbage collector. */
export interface GcOptions {
  /** Workers per queue (attemptToDelete and attemptToOrphan); default 2. */
  workers?: number;
}

/**
 * Creates the collector's informers and controllers on `rt` (shared informers) and starts them; resolves once they
 * run (does not wait for the end). The caller starts the runtime's informers (`rt.start(signal)`), before or after.
 */
export async function startGarbageCollector(rt: Runtime, opts: GcOptions, signal: AbortSignal): Promise<void> {
  const gc = newGarbageCollector(rt, opts.workers === undefined ? {} : { workers: opts.workers });
  for (const c of [gc.attemptToDelete, gc.attemptToOrphan]) {
    void c.run(signal).catch((err: unknown) => rt.logger.error({ controller: 'garbagecollector', err }, 'controller ended with an error'));
  }
  rt.logger.info({ controller: 'garbagecollector', resources: gc.graph.informers.size }, 'garbage collector started');
}
