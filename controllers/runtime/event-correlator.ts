// Event correlation as client-go's recorder does it: aggregate similar events, count duplicates, limit spam.

import { metaTime as rfc3339 } from '../../apiserver/api/time.js';

/** The core/v1 Event fields the recorder writes (wire-shaped). */
export interface EventObject {
  apiVersion: 'v1';
  kind: 'Event';
  metadata: { name: string; namespace: string; resourceVersion?: string };
  involvedObject: { kind?: string; namespace?: string; name?: string; uid?: string; apiVersion?: string; resourceVersion?: string; fieldPath?: string };
  reason: string;
  message: string;
  source: { component: string; host?: string };
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  type: 'Normal' | 'Warning';
  reportingComponent: string;
  reportingInstance: string;
}

/** The outcome for one event: what to write, under which dedupe key, as a create or a patch, or not at all. */
export interface Correlation {
  event: EventObject;
  key: string;
  /** Set when an earlier event with the same key exists: PATCH it (strategic merge) with this body. */
  patch?: { count: number; lastTimestamp: string; message: string };
  /** True when the spam filter drops the event. */
  skip: boolean;
}

/** Tunables (defaults are upstream's). */
export interface CorrelatorOptions {
  /** Distinct messages for one aggregate key before they are combined (10). */
  maxSimilar?: number;
  /** Window of the aggregation (10 minutes). */
  maxIntervalMs?: number;
  /** Entries per LRU cache (4096). */
  cacheSize?: number;
  /** Per source+object token bucket (burst 25, refilled 1 per 5 minutes); false disables it. */
  spam?: { burst: number; perSecond: number } | false;
}

/** RFC3339 with seconds, as metav1.Time serialises. */

/** A size-bounded map evicting the least recently used entry. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
}

interface Observation {
  count: number;
  firstTimestamp: string;
  name: string;
  resourceVersion?: string;
}

const AGGREGATE_PREFIX = '(combined from similar events): ';

/**
 * Decides how each event is written. Invariants (after upstream's EventCorrelator, events_cache.go):
 * - Aggregation: events equal in everything but the message share an aggregate key; once `maxSimilar` distinct
 *   messages were seen for it within `maxIntervalMs` of each other, the event is replaced by one named for the
 *   aggregate key, with the message "(combined from similar events): <latest message>".
 * - Deduplication: an event whose key (all identifying fields incl. message, or the aggregate key) was written before
 *   reuses that event's name and firstTimestamp, with count + 1, and is sent as a patch of count/lastTimestamp/message.
 * - Spam filter: a token bucket per source + involved object + type; an event without a token is skipped.
 */
export class EventCorrelator {
  private readonly maxSimilar: number;
  private readonly maxIntervalMs: number;
  private readonly aggregates: Lru<{ messages: Set<string>; last: number }>;
  private readonly observed: Lru<Observation>;
  private readonly buckets: Lru<{ tokens: number; last: number }>;
  private readonly spam: { burst: number; perSecond: number } | false;

  constructor(opts: CorrelatorOptions = {}) {
    this.maxSimilar = opts.maxSimilar ?? 10;
    this.maxIntervalMs = opts.maxIntervalMs ?? 600_000;
    const size = opts.cacheSize ?? 4096;
    this.aggregates = new Lru(size);
    this.observed = new Lru(size);
    this.buckets = new Lru(size);
    this.spam = opts.spam ?? { burst: 25, perSecond: 1 / 300 };
  }

  /** Correlates an event built at time `now` (ms); `newName` names a new aggregate event. */
  correlate(ev: EventObject, now: number, newName: (involvedName: string) => string): Correlation {
    const { event, key } = this.aggregate(ev, now, newName);
    const result = this.observe(event, key);
    result.skip = !this.allow(event, now);
    return result;
  }

  /** Records what the server stored under `key` (after a successful create or patch). */
  updateState(key: string, stored: EventObject): void {
    this.observed.set(key, { count: stored.count, firstTimestamp: stored.firstTimestamp, name: stored.metadata.name, resourceVersion: stored.metadata.resourceVersion });
  }

  private aggregate(ev: EventObject, now: number, newName: (n: string) => string): { event: EventObject; key: string } {
    const aggKey = aggregateKey(ev);
    let rec = this.aggregates.get(aggKey);
    if (!rec || now - rec.last > this.maxIntervalMs) rec = { messages: new Set(), last: now };
    rec.messages.add(ev.message);
    rec.last = now;
    this.aggregates.set(aggKey, rec);
    if (rec.messages.size < this.maxSimilar) return { event: ev, key: eventKey(ev) };
    // keep the set just under the threshold so every later similar event is aggregated too
    const first = rec.messages.values().next().value as string;
    rec.messages.delete(first);
    const ts = rfc3339(now);
    const event: EventObject = {
      ...ev,
      metadata: { name: newName(ev.involvedObject.name ?? ''), namespace: ev.metadata.namespace },
      message: AGGREGATE_PREFIX + ev.message,
      count: 1,
      firstTimestamp: ts,
      lastTimestamp: ts,
    };
    return { event, key: aggKey };
  }

  private observe(ev: EventObject, key: string): Correlation {
    const last = this.observed.get(key);
    if (!last || last.count <= 0) {
      this.observed.set(key, { count: ev.count, firstTimestamp: ev.firstTimestamp, name: ev.metadata.name });
      return { event: ev, key, skip: false };
    }
    const metadata: EventObject['metadata'] = { name: last.name, namespace: ev.metadata.namespace };
    if (last.resourceVersion) metadata.resourceVersion = last.resourceVersion;
    const event: EventObject = { ...ev, metadata, firstTimestamp: last.firstTimestamp, count: last.count + 1 };
    this.observed.set(key, { ...last, count: event.count });
    return { event, key, skip: false, patch: { count: event.count, lastTimestamp: event.lastTimestamp, message: event.message } };
  }

  private allow(ev: EventObject, now: number): boolean {
    if (!this.spam) return true;
    const { burst, perSecond } = this.spam;
    const k = spamKey(ev);
    const b = this.buckets.get(k) ?? { tokens: burst, last: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.last) / 1000) * perSecond);
    b.last = now;
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    this.buckets.set(k, b);
    return ok;
  }
}

function objectParts(ev: EventObject): string[] {
  const o = ev.involvedObject;
  return [ev.source.component, ev.source.host ?? '', o.kind ?? '', o.namespace ?? '', o.name ?? '', o.fieldPath ?? '', o.uid ?? '', o.apiVersion ?? ''];
}

function spamKey(ev: EventObject): string {
  return JSON.stringify([...objectParts(ev), ev.type]);
}

function aggregateKey(ev: EventObject): string {
  return JSON.stringify([...objectParts(ev), ev.type, ev.reason, ev.reportingComponent, ev.reportingInstance]);
}

function eventKey(ev: EventObject): string {
  return JSON.stringify([...objectParts(ev), ev.type, ev.reason, ev.message]);
}
