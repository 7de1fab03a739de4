// The apiserver process: flags → storage → registry → HTTP server on 127.0.0.1.

import { parseArgs } from 'node:util';
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { buildApp } from './server/app.js';
import { createPreparer } from './server/create-workers.js';
import { Registry } from './registry/store.js';
import { bootstrap } from './registry/bootstrap.js';
import { startNamespaceFinalizer } from './registry/namespace-finalizer.js';
import { createMemoryStorage } from './storage/memory.js';
import { openLevelStorage } from './storage/level.js';
import type { Storage } from './storage/types.js';

/** Options of a running apiserver (the command's flags). */
export interface ApiserverOptions {
  port: number;
  bind: string;
  dataDir: string;
  storage: 'level' | 'memory';
  fsync: boolean;
  /** Worker threads that prepare create bodies (0: all on the event loop). */
  createWorkers: number;
}

/** A running apiserver. */
export interface RunningApiserver {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The flags of `kubeling apiserver`. */
export const APISERVER_FLAGS = {
  port: { type: 'string', default: '6443' },
  bind: { type: 'string', default: '127.0.0.1' },
  'data-dir': { type: 'string', default: '.kubeling/data' },
  storage: { type: 'string', default: 'level' },
  'no-fsync': { type: 'boolean', default: false },
  'create-workers': { type: 'string' },
} as const;

/**
 * One CPU is left to the event loop and LevelDB, the others prepare creates, up to two (creates arrive in bursts,
 * and a second worker halves the time a burst waits when there are CPUs for it). On two CPUs one worker: a second
 * one there costs about a tenth more CPU per create in hand-offs and does not raise the rate (measured in paired
 * runs). None on a single CPU, where workers would only add hand-offs.
 */
export const DEFAULT_CREATE_WORKERS = Math.max(0, Math.min(2, availableParallelism() - 1));

const APISERVER_HELP = `usage: kubeling apiserver [flags]

Runs the API server alone; prints {"ready":true,"url":...} on stdout when it listens. Logs go to stderr
(level from KUBELING_LOG_LEVEL, default warn).

flags:
  --port N              API port (default 6443; 0 picks a free port)
  --bind ADDR           listen address (default 127.0.0.1)
  --data-dir DIR        data directory (default .kubeling/data)
  --storage level|memory  storage backend (default level)
  --no-fsync            acknowledge writes before they reach the disk
  --create-workers N    threads that decode, default, validate and serialize create bodies
                        (default: one fewer than the CPUs, at most 2; 0 runs all on the event loop)`;

/** Parses `kubeling apiserver` flags. */
export function parseApiserverArgs(argv: string[]): ApiserverOptions {
  const { values } = parseArgs({ args: argv, options: APISERVER_FLAGS, strict: true, allowPositionals: false });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${values.port}`);
  if (values.storage !== 'level' && values.storage !== 'memory') throw new Error(`--storage must be level or memory, got ${values.storage}`);
  const createWorkers = values['create-workers'] === undefined ? DEFAULT_CREATE_WORKERS : Number(values['create-workers']);
  if (!Number.isInteger(createWorkers) || createWorkers < 0 || createWorkers > 64) {
    throw new Error(`--create-workers must be a number from 0 to 64, got ${values['create-workers']}`);
  }
  return { port, bind: values.bind, dataDir: values['data-dir'], storage: values.storage, fsync: !values['no-fsync'], createWorkers };
}

async function openStorage(opts: ApiserverOptions): Promise<Storage> {
  if (opts.storage === 'memory') return createMemoryStorage();
  await mkdir(opts.dataDir, { recursive: true });
  return openLevelStorage({ path: join(opts.dataDir, 'db'), sync: opts.fsync });
}

/** Starts an apiserver in this process (used by the command and by in-process clusters). */
export async function startApiserver(opts: ApiserverOptions, logger: pino.Logger | false = false): Promise<RunningApiserver> {
  const storage = await openStorage(opts);
  const registry = new Registry({ storage });
  await bootstrap(registry);
  const creates = createPreparer(opts.createWorkers, (err) => (logger ? logger.error({ err }, 'create worker failed') : undefined));
  const app = buildApp({ registry, logger: logger || false, creates });
  const ac = new AbortController();
  startNamespaceFinalizer(registry, ac.signal, (e) => (logger ? logger.error({ err: e }, 'namespace finalizer') : undefined));
  await app.listen({ port: opts.port, host: opts.bind });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const host = opts.bind.includes(':') ? `[${opts.bind}]` : opts.bind;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    async close() {
      ac.abort();
      await app.close();
      await creates.close();
      await storage.close();
    },
  };
}

/** Runs the apiserver command until SIGTERM/SIGINT; prints one JSON line `{"ready":true,"url":…}` when listening. */
export async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${APISERVER_HELP}\n`);
    process.exit(0);
  }
  const opts = parseApiserverArgs(argv);
  const logger = pino({ name: 'apiserver', level: process.env.KUBELING_LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const server = await startApiserver(opts, logger);
  process.stdout.write(`${JSON.stringify({ ready: true, component: 'apiserver', url: server.url, port: server.port })}\n`);
  const stop = (): void => {
    server.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
