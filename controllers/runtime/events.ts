// The event recorder: builds core/v1 Events for objects and writes them asynchronously, correlated and deduplicated.

import { R } from '../../apiserver/api/resources.js';
import { isAlreadyExists, isNotFound } from '../../apiserver/api/status.js';
import type { Client } from './client.js';
import { realClock, sleep, type Clock } from './clock.js';
import { metaTime as rfc3339 } from '../../apiserver/api/time.js';
import { EventCorrelator, type CorrelatorOptions, type EventObject } from './event-correlator.js';
import type { ObjectLike } from './keys.js';
import { silentLogger, type Logger } from './logger.js';

export { EventCorrelator, type Correlation, type CorrelatorOptions, type EventObject } from './event-correlator.js';

/** Records events about objects; `kubectl describe` shows them. */
export interface EventRecorder {
  /** Queues an event (never blocks, never throws; dropped with a log line when the queue is full). */
  event(obj: ObjectLike, type: 'Normal' | 'Warning', reason: string, message: string): void;
  /** Resolves when every event queued so far has been written or given up on. */
  flush(): Promise<void>;
}

/** Dependencies and tunables of a recorder. */
export interface EventRecorderDeps {
  clock?: Clock;
  logger?: Logger;
  /** Events waiting to be written before new ones are dropped (default 1000). */
  queueSize?: number;
  /** Attempts per write (default 3), with 100 ms doubling waits between. */
  attempts?: number;
  /** Writes in flight at once (default 1); events about one object are always written one after another. */
  concurrency?: number;
  correlator?: CorrelatorOptions;
}

interface Pending {
  event: EventObject;
  at: number;
}

/**
 * Creates an event recorder for one component (and host). Invariants: events are correlated and written in the order
 * recorded, `concurrency` at once but one at a time per involved object; a write that fails is retried (`attempts`
 * in all), then dropped and logged; a patch of
 * an event that no longer exists becomes a create. Names are `<involved name>.<hex nanoseconds>`, strictly increasing
 * per recorder (the sub-millisecond part is random so recorders in different processes do not collide).
 */
export function newEventRecorder(client: Client, source: { component: string; host?: string }, deps: EventRecorderDeps = {}): EventRecorder {
  const clock = deps.clock ?? realClock;
  const logger = deps.logger ?? silentLogger;
  const queueSize = deps.queueSize ?? 1000;
  const attempts = Math.max(1, deps.attempts ?? 3);
  const correlator = new EventCorrelator(deps.correlator);
  const concurrency = Math.max(1, deps.concurrency ?? 1);
  const queue: Pending[] = [];
  const idleWaiters: Array<() => void> = [];
  /** Involved objects with a write in flight (their next events wait, so dedupe sees the write's result). */
  const busy = new Set<string>();
  let workers = 0;
  let lastNs = 0n;
  let dropped = 0;
  let dropLoggedAt = -Infinity;

  const newName = (involvedName: string): string => {
    let ns = BigInt(Math.floor(clock.now())) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000));
    if (ns <= lastNs) ns = lastNs + 1n;
    lastNs = ns;
    return `${involvedName}.${ns.toString(16)}`;
  };

  async function write(c: ReturnType<EventCorrelator['correlate']>): Promise<void> {
    const ns = c.event.metadata.namespace;
    let stored: EventObject | undefined;
    if (c.patch) {
      try {
        stored = await client.patch<EventObject>(R.events, ns, c.event.metadata.name, 'strategic', c.patch);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    if (!stored) {
      const body: EventObject = { ...c.event, metadata: { name: c.event.metadata.name, namespace: ns } };
      stored = await client.create<EventObject>(R.events, body, { namespace: ns });
    }
    correlator.updateState(c.key, stored);
  }

  async function send(p: Pending): Promise<void> {
    const c = correlator.correlate(p.event, p.at, newName);
    if (c.skip) {
      logger.debug({ component: source.component, reason: p.event.reason, object: p.event.involvedObject.name }, 'event dropped by spam filter');
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await write(c);
        return;
      } catch (e) {
        const fields = { component: source.component, reason: c.event.reason, event: c.event.metadata.name, attempt, err: e };
        if (isAlreadyExists(e) || attempt >= attempts) {
          logger.warn(fields, 'event not written; dropped');
          return;
        }
        logger.debug(fields, 'event write failed; retrying');
        await sleep(clock, 100 * 2 ** (attempt - 1));
      }
    }
  }

  const objectOf = (p: Pending): string => {
    const o = p.event.involvedObject;
    return `${o.kind ?? ''}/${o.namespace ?? ''}/${o.name ?? ''}/${o.uid ?? ''}`;
  };

  /** The first queued event whose object has no write in flight, taken off the queue. */
  const takeNext = (): Pending | undefined => {
    for (let i = 0; i < queue.length; i++) {
      const p = queue[i]!;
      if (busy.has(objectOf(p))) continue;
      queue.splice(i, 1);
      return p;
    }
    return undefined;
  };

  async function drain(): Promise<void> {
    workers++;
    try {
      for (let p = takeNext(); p; p = takeNext()) {
        const id = objectOf(p);
        busy.add(id);
        try {
          await send(p);
        } finally {
          busy.delete(id);
        }
      }
    } finally {
      workers--;
      // events left behind belong to objects another worker is writing: that worker takes them next
      if (workers === 0) for (const w of idleWaiters.splice(0)) w();
    }
  }

  /** A full queue drops events; the first drop is logged, then one line with the count at most every 10 s. */
  const drop = (reason: string, object: string | undefined): void => {
    dropped++;
    const now = clock.now();
    if (now - dropLoggedAt < 10_000) return;
    logger.warn({ component: source.component, reason, object, dropped }, 'event queue full; events dropped');
    dropLoggedAt = now;
    dropped = 0;
  };

  return {
    event(obj, type, reason, message) {
      if (queue.length >= queueSize) {
        drop(reason, obj.metadata?.name);
        return;
      }
      const at = clock.now();
      queue.push({ event: buildEvent(obj, source, type, reason, message, at, newName), at });
      if (workers < concurrency) void drain();
    },
    flush() {
      if (workers === 0 && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}

/** A new Event about `obj` (namespace: the object's, or `default` for cluster-scoped objects). */
export function buildEvent(
  obj: ObjectLike,
  source: { component: string; host?: string },
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  now: number,
  newName: (involvedName: string) => string,
): EventObject {
  const m = obj.metadata ?? {};
  const involved: EventObject['involvedObject'] = {};
  if (obj.kind) involved.kind = obj.kind;
  if (m.namespace) involved.namespace = m.namespace;
  if (m.name) involved.name = m.name;
  if (m.uid) involved.uid = m.uid;
  if (obj.apiVersion) involved.apiVersion = obj.apiVersion;
  if (m.resourceVersion) involved.resourceVersion = m.resourceVersion;
  const ts = rfc3339(now);
  const src: EventObject['source'] = { component: source.component };
  if (source.host) src.host = source.host;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: newName(m.name ?? ''), namespace: m.namespace || 'default' },
    involvedObject: involved,
    reason,
    message,
    source: src,
    firstTimestamp: ts,
    lastTimestamp: ts,
    count: 1,
    type,
    reportingComponent: source.component,
    reportingInstance: source.host ?? '',
  };
}
