// Event correlation and the recorder's writes, against a recording fake client.

import { describe, expect, it } from 'vitest';
import { notFound } from '../../apiserver/api/status.js';
import type { KObject } from '../../apiserver/api/types.js';
import type { Client } from './client.js';
import { FakeClock } from './clock.js';
import { metaTime as rfc3339 } from '../../apiserver/api/time.js';
import { EventCorrelator, type EventObject } from './event-correlator.js';
import { buildEvent, newEventRecorder } from './events.js';

const POD: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'prod', uid: 'u1', resourceVersion: '7' } };
const NODE: KObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'u2' } };

let seq = 0;
const name = (n: string): string => `${n}.${(++seq).toString(16).padStart(16, '0')}`;
const ev = (message: string, now = 0, reason = 'Failed', obj = POD): EventObject =>
  buildEvent(obj, { component: 'kubelet', host: 'n1' }, 'Warning', reason, message, now, name);

interface Call {
  verb: 'create' | 'patch';
  name: string;
  namespace?: string;
  body: unknown;
}

/** A client that records event writes and stores created events by name. */
function recordingClient(opts: { failCreates?: number; patchNotFound?: boolean } = {}): { client: Client; calls: Call[] } {
  const calls: Call[] = [];
  const stored = new Map<string, EventObject>();
  let failures = opts.failCreates ?? 0;
  const client = {
    async create(_r: unknown, obj: EventObject, o: { namespace?: string }) {
      calls.push({ verb: 'create', name: obj.metadata.name, namespace: o.namespace, body: obj });
      if (failures-- > 0) throw new Error('connection refused');
      const s = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(calls.length) } };
      stored.set(obj.metadata.name, s);
      return s;
    },
    async patch(_r: unknown, namespace: string, n: string, _type: string, body: Partial<EventObject>) {
      calls.push({ verb: 'patch', name: n, namespace, body });
      const old = stored.get(n);
      if (!old || opts.patchNotFound) throw notFound({ group: '', resource: 'events' }, n);
      const s = { ...old, ...body };
      stored.set(n, s);
      return s;
    },
  };
  return { client: client as unknown as Client, calls };
}

describe('buildEvent', () => {
  it('fills involvedObject, source, reporting fields and RFC3339 second timestamps', () => {
    const e = buildEvent(POD, { component: 'kubelet', host: 'n1' }, 'Normal', 'Started', 'Started container', Date.UTC(2025, 0, 2, 3, 4, 5, 678), () => 'web-0.abc');
    expect(e).toEqual({
      apiVersion: 'v1', kind: 'Event', metadata: { name: 'web-0.abc', namespace: 'prod' },
      involvedObject: { kind: 'Pod', namespace: 'prod', name: 'web-0', uid: 'u1', apiVersion: 'v1', resourceVersion: '7' },
      reason: 'Started', message: 'Started container', source: { component: 'kubelet', host: 'n1' },
      firstTimestamp: '2025-01-02T03:04:05Z', lastTimestamp: '2025-01-02T03:04:05Z', count: 1, type: 'Normal',
      reportingComponent: 'kubelet', reportingInstance: 'n1',
    });
  });

  it('puts events of cluster-scoped objects in "default"', () => {
    expect(buildEvent(NODE, { component: 'kubelet' }, 'Normal', 'NodeReady', 'ready', 0, name).metadata.namespace).toBe('default');
  });
});

describe('EventCorrelator', () => {
  it('counts identical events on the first one: same name, count + 1, a patch of count/lastTimestamp/message', () => {
    const c = new EventCorrelator();
    const first = c.correlate(ev('boom', 0), 0, name);
    expect(first.patch).toBeUndefined();
    const second = c.correlate(ev('boom', 5000), 5000, name);
    expect(second.event.metadata.name).toBe(first.event.metadata.name);
    expect(second.event.firstTimestamp).toBe(rfc3339(0));
    expect(second.patch).toEqual({ count: 2, lastTimestamp: rfc3339(5000), message: 'boom' });
    expect(c.correlate(ev('boom', 6000), 6000, name).patch?.count).toBe(3);
    expect(c.correlate(ev('other reason', 6000, 'BackOff'), 6000, name).patch).toBeUndefined();
  });

  it('combines the 10th distinct message within 10 minutes into one aggregate event, then counts it', () => {
    const c = new EventCorrelator();
    const results = Array.from({ length: 12 }, (_, i) => c.correlate(ev(`msg ${i}`, i * 1000), i * 1000, name));
    expect(results.slice(0, 9).every((r) => !r.event.message.startsWith('(combined'))).toBe(true);
    expect(results[9]!.event.message).toBe('(combined from similar events): msg 9');
    expect(results[9]!.patch).toBeUndefined();
    expect(results[10]!.event.message).toBe('(combined from similar events): msg 10');
    expect(results[10]!.event.metadata.name).toBe(results[9]!.event.metadata.name);
    expect(results[10]!.patch).toEqual({ count: 2, lastTimestamp: rfc3339(10_000), message: '(combined from similar events): msg 10' });
    expect(results[11]!.patch?.count).toBe(3);
  });

  it('starts aggregation over after 10 quiet minutes', () => {
    const c = new EventCorrelator();
    for (let i = 0; i < 9; i++) c.correlate(ev(`m${i}`, 0), 0, name);
    const later = 11 * 60_000;
    expect(c.correlate(ev('m9', later), later, name).event.message).toBe('m9');
  });

  it('drops events past the spam burst for one object', () => {
    const c = new EventCorrelator({ spam: { burst: 3, perSecond: 1 } });
    const skips = Array.from({ length: 5 }, (_, i) => c.correlate(ev(`x${i}`, 0, `R${i}`), 0, name).skip);
    expect(skips).toEqual([false, false, false, true, true]);
    expect(c.correlate(ev('y', 1000, 'R9'), 1000, name).skip).toBe(false);
  });
});

describe('newEventRecorder', () => {
  it('creates, then patches duplicates; flush waits for the writes', async () => {
    const { client, calls } = recordingClient();
    const rec = newEventRecorder(client, { component: 'kubelet', host: 'n1' }, { clock: new FakeClock(1_700_000_000_000) });
    rec.event(POD, 'Warning', 'Failed', 'boom');
    rec.event(POD, 'Warning', 'Failed', 'boom');
    rec.event(NODE, 'Normal', 'NodeReady', 'ready');
    await rec.flush();
    expect(calls.map((c) => [c.verb, c.namespace])).toEqual([['create', 'prod'], ['patch', 'prod'], ['create', 'default']]);
    expect(calls[1]!.name).toBe(calls[0]!.name);
    expect(calls[0]!.name).toMatch(/^web-0\.[0-9a-f]{16}$/);
    expect((calls[1]!.body as { count: number }).count).toBe(2);
  });

  it('turns a patch of a vanished event into a create', async () => {
    const { client, calls } = recordingClient({ patchNotFound: true });
    const rec = newEventRecorder(client, { component: 'c' });
    rec.event(POD, 'Normal', 'X', 'y');
    rec.event(POD, 'Normal', 'X', 'y');
    await rec.flush();
    expect(calls.map((c) => c.verb)).toEqual(['create', 'patch', 'create']);
    expect((calls[2]!.body as EventObject).count).toBe(2);
  });

  it('retries failed writes, then drops them; names never repeat', async () => {
    const { client, calls } = recordingClient({ failCreates: 5 });
    const clock = new FakeClock();
    const rec = newEventRecorder(client, { component: 'c' }, { clock, attempts: 3 });
    rec.event(POD, 'Normal', 'A', '1');
    rec.event(POD, 'Normal', 'B', '2');
    const flushed = rec.flush();
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setImmediate(r));
      clock.advance(1000);
    }
    await flushed;
    expect(calls).toHaveLength(6);
    expect(new Set(calls.map((c) => c.name)).size).toBe(2);
  });

  it('drops events beyond the queue bound without throwing', async () => {
    const { client, calls } = recordingClient();
    const rec = newEventRecorder(client, { component: 'c' }, { queueSize: 2, correlator: { spam: false } });
    for (let i = 0; i < 10; i++) rec.event(POD, 'Normal', `R${i}`, 'm');
    await rec.flush();
    expect(calls.length).toBeLessThanOrEqual(3);
  });
});

describe('recorder concurrency and a full queue', () => {
  /** A client whose creates wait until released, recording which objects are being written at once. */
  function heldClient() {
    const inFlight: string[] = [];
    let maxInFlight = 0;
    const overlapsPerObject: string[] = [];
    const releases: Array<() => void> = [];
    const client = {
      async create(_r: unknown, obj: EventObject) {
        const who = obj.involvedObject.name ?? '';
        if (inFlight.includes(who)) overlapsPerObject.push(who);
        inFlight.push(who);
        maxInFlight = Math.max(maxInFlight, inFlight.length);
        await new Promise<void>((resolve) => releases.push(resolve));
        inFlight.splice(inFlight.indexOf(who), 1);
        return { ...obj, metadata: { ...obj.metadata, resourceVersion: '1' } };
      },
      async patch(_r: unknown, _ns: string, _n: string, _t: string, body: Partial<EventObject>) {
        return body;
      },
    };
    const releaseAll = async (): Promise<void> => {
      while (releases.length > 0) {
        for (const r of releases.splice(0)) r();
        await new Promise((r) => setImmediate(r));
      }
    };
    return { client: client as unknown as Client, inFlight: () => inFlight.length, maxInFlight: () => maxInFlight, overlapsPerObject, releaseAll };
  }

  const pod = (n: string): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: n, namespace: 'default', uid: n } });

  it('writes up to `concurrency` events at once, but never two about one object', async () => {
    const h = heldClient();
    const rec = newEventRecorder(h.client, { component: 'kubelet' }, { clock: new FakeClock(0), concurrency: 3 });
    for (const n of ['a', 'a', 'b', 'c', 'd', 'b']) rec.event(pod(n), 'Normal', 'Started', `Started ${n} ${Math.random()}`);
    await new Promise((r) => setImmediate(r));
    expect(h.inFlight()).toBe(3);
    const flushed = rec.flush();
    await h.releaseAll();
    await flushed;
    expect(h.maxInFlight()).toBe(3);
    expect(h.overlapsPerObject).toEqual([]);
  });

  it('with the default concurrency writes one at a time', async () => {
    const h = heldClient();
    const rec = newEventRecorder(h.client, { component: 'kubelet' }, { clock: new FakeClock(0) });
    for (const n of ['a', 'b', 'c']) rec.event(pod(n), 'Normal', 'Started', 'x');
    const flushed = rec.flush();
    await h.releaseAll();
    await flushed;
    expect(h.maxInFlight()).toBe(1);
  });

  it('drops events past the queue size and logs the drops once per 10 s with a count', async () => {
    const h = heldClient();
    const clock = new FakeClock(0);
    const warnings: Array<Record<string, unknown>> = [];
    const logger = { info() {}, debug() {}, error() {}, warn(o: object) { warnings.push(o as Record<string, unknown>); } };
    const rec = newEventRecorder(h.client, { component: 'kubelet' }, { clock, logger, queueSize: 2 });
    for (let i = 0; i < 8; i++) rec.event(pod(`p${i}`), 'Normal', 'Started', 'x'); // 1 in flight, 2 queued, 5 dropped
    expect(warnings).toHaveLength(1);
    clock.advance(10_000);
    rec.event(pod('late'), 'Normal', 'Started', 'x');
    expect(warnings.map((w) => w.dropped)).toEqual([1, 5]);
    const flushed = rec.flush();
    await h.releaseAll();
    await flushed;
  });
});
