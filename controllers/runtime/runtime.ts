// The composition a process uses: one client, clock and logger; shared informers; controllers and event recorders.

import type { ResourceInfo } from '../../apiserver/api/resources.js';
import type { KObject } from '../../apiserver/api/types.js';
import type { Client } from './client.js';
import { realClock, type Clock } from './clock.js';
import { newController, type Controller, type ControllerSpec } from './controller.js';
import { newEventRecorder, type EventRecorder, type EventRecorderDeps } from './events.js';
import { Informer, type InformerOptions } from './informer.js';
import type { ObjectLike } from './keys.js';
import { silentLogger, type Logger } from './logger.js';

export { silentLogger, type Logger } from './logger.js';

/** Everything a controller process needs, wired once. */
export interface Runtime {
  client: Client;
  clock: Clock;
  logger: Logger;
  /** The shared informer for `r` + `opts` (the same arguments give the same instance). */
  informer<T extends ObjectLike = KObject>(r: ResourceInfo, opts?: InformerOptions): Informer<T>;
  /** A controller using this runtime's clock and logger. */
  controller(spec: ControllerSpec): Controller;
  /** An event recorder for a component (one per component + host, shared; `opts` apply when it is first made). */
  recorder(component: string, host?: string, opts?: Pick<EventRecorderDeps, 'queueSize' | 'concurrency'>): EventRecorder;
  /** Starts every informer made so far, and each later one as it is made, until `signal` aborts. */
  start(signal: AbortSignal): void;
  /** Resolves when every informer made so far has synced. */
  waitForSync(signal?: AbortSignal): Promise<void>;
}

function informerKey(r: ResourceInfo, opts: InformerOptions): string {
  return JSON.stringify([r.group, r.version, r.plural, opts.namespace ?? '', opts.labelSelector ?? '', opts.fieldSelector ?? '', opts.resyncMs ?? 0]);
}

/** Builds a runtime around a client; clock and logger default to the real clock and a silent logger. */
export function createRuntime(opts: { client: Client; clock?: Clock; logger?: Logger }): Runtime {
  const { client } = opts;
  const clock = opts.clock ?? realClock;
  const logger = opts.logger ?? silentLogger;
  const informers = new Map<string, Informer<ObjectLike>>();
  const recorders = new Map<string, EventRecorder>();
  let started: AbortSignal | undefined;

  return {
    client,
    clock,
    logger,
    informer<T extends ObjectLike = KObject>(r: ResourceInfo, o: InformerOptions = {}): Informer<T> {
      const key = informerKey(r, o);
      let inf = informers.get(key);
      if (!inf) {
        inf = new Informer<ObjectLike>(client, r, o, { clock, logger });
        informers.set(key, inf);
        if (started && !started.aborted) inf.start(started);
      }
      return inf as unknown as Informer<T>;
    },
    controller(spec) {
      return newController(spec, { clock, logger });
    },
    recorder(component, host, opts) {
      const key = JSON.stringify([component, host ?? '']);
      let rec = recorders.get(key);
      if (!rec) recorders.set(key, (rec = newEventRecorder(client, host === undefined ? { component } : { component, host }, { clock, logger, ...opts })));
      return rec;
    },
    start(signal) {
      started = signal;
      for (const inf of informers.values()) inf.start(signal);
    },
    async waitForSync(signal) {
      await Promise.all([...informers.values()].map((inf) => inf.waitForSync(signal)));
    },
  };
}
