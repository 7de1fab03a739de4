// An API server in process for unit tests: buildApp over a bootstrapped registry on memory storage, ready for inject.

import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../apiserver/server/app.js';
import { Registry } from '../../apiserver/registry/store.js';
import { bootstrap } from '../../apiserver/registry/bootstrap.js';
import { createMemoryStorage } from '../../apiserver/storage/memory.js';

/** A running in-process server and its registry. */
export interface InProcessServer {
  app: FastifyInstance;
  registry: Registry;
}

/** Starts an app on fresh memory storage with the bootstrap objects (namespaces, the kubernetes service). */
export async function startInProcess(opts: Omit<AppOptions, 'registry'> = {}): Promise<InProcessServer> {
  const registry = new Registry({ storage: createMemoryStorage() });
  await bootstrap(registry);
  const app = buildApp({ ...opts, registry });
  await app.ready();
  return { app, registry };
}

/** Stops what startInProcess started. */
export async function stopInProcess(s: InProcessServer): Promise<void> {
  await s.app.close();
  await s.registry.storage.close();
}
