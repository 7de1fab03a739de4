// Tests for node heartbeats: Lease renewal per interval, status posting on change or period, conflict recovery, stop/remove.

import { afterEach, describe, expect, it } from 'vitest';
import { conflict, internal, invalid, notFound } from '../apiserver/api/status.js';
import type { Lease } from '../apiserver/api/types.js';
import { FakeClock, type Client, type Logger } from '../controllers/runtime/index.js';
import { microTime } from '../apiserver/api/time.js';
import { DEFAULT_HEARTBEAT, Heartbeats, leaseFor, type HeartbeatOptions } from './heartbeat.js';
import { nodeConditions } from './node-object.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const OPTS: HeartbeatOptions = { intervalMs: 10_000, statusReportMs: 60_000, leaseDurationSeconds: 40, concurrency: 32 };

interface Call {
  op: 'update' | 'get' | 'patch';
  at: number;
  name: string;
  rv?: string;
  body?: unknown;
}

/** A recording Client with just what Heartbeats uses: update/get of Leases, patch of node status. */
class FakeLeaseApi {
  calls: Call[] = [];
  rv = 100;
  leases = new Map<string, Lease>();
  /** When set, the next update of a lease throws what it returns (once per returned error). */
  failUpdate: ((lease: Lease) => Error | undefined) | undefined;
  failPatch: (() => Error | undefined) | undefined;
  /** When set, updates wait for release(). */
  hold = false;
  private held: (() => void)[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly clock: FakeClock) {}

  release(): void {
    for (const r of this.held.splice(0)) r();
  }

  client(): Client {
    const api = this;
    return {
      async update(_r: unknown, obj: Lease) {
        const name = obj.metadata?.name ?? '';
        api.calls.push({ op: 'update', at: api.clock.now(), name, rv: obj.metadata?.resourceVersion, body: obj });
        api.inFlight++;
        api.maxInFlight = Math.max(api.maxInFlight, api.inFlight);
        try {
          if (api.hold) await new Promise<void>((r) => api.held.push(r));
          const err = api.failUpdate?.(obj);
          if (err) throw err;
          const out = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++api.rv) } } as Lease;
          api.leases.set(name, out);
          return out;
        } finally {
          api.inFlight--;
        }
      },
      async get(_r: unknown, _ns: string, name: string) {
        api.calls.push({ op: 'get', at: api.clock.now(), name });
        const l = api.leases.get(name);
        if (!l) throw notFound({ group: 'coordination.k8s.io', resource: 'leases' }, name);
        return l;
      },
      async patch(r: { plural: string }, ns: string | undefined, name: string, type: string, body: unknown, opts: unknown) {
        expect([r.plural, ns, type, opts]).toEqual(['nodes', undefined, 'strategic', { subresource: 'status' }]);
        api.calls.push({ op: 'patch', at: api.clock.now(), name, body });
        const err = api.failPatch?.();
        if (err) throw err;
        return {};
      },
    } as unknown as Client;
  }

  times(op: Call['op'], name?: string): number[] {
    return this.calls.filter((c) => c.op === op && (name === undefined || c.name === name)).map((c) => c.at - T0);
  }
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Advances the fake clock in steps, letting the heartbeat writes (promises) complete between them. */
async function run(clock: FakeClock, ms: number, stepMs = 1_000): Promise<void> {
  // whole-second steps: a timer due on a step boundary fires at the target, so its promise continuations see that time
  clock.advance(0);
  await flush();
  await flush();
  for (let done = 0; done < ms; done += stepMs) {
    clock.advance(Math.min(stepMs, ms - done));
    await flush();
    await flush();
  }
}

function recordingLogger(): Logger & { warnings: { o: object; msg?: string }[] } {
  const warnings: { o: object; msg?: string }[] = [];
  return { warnings, info() {}, debug() {}, error() {}, warn: (o, msg) => void warnings.push({ o, msg }) };
}

const ready = (now: number) => nodeConditions(now);

let hb: Heartbeats | undefined;
afterEach(() => hb?.stop());

function setup(opts: Partial<HeartbeatOptions> = {}) {
  const clock = new FakeClock(T0);
  const api = new FakeLeaseApi(clock);
  const logger = recordingLogger();
  hb = new Heartbeats({ client: api.client(), clock, logger }, { ...OPTS, ...opts });
  return { clock, api, logger, hb };
}

describe('microTime and leaseFor', () => {
  it.each<[number, string]>([
    [0, '1970-01-01T00:00:00.000000Z'],
    [T0, '2026-01-02T03:04:05.000000Z'],
    [T0 + 1234, '2026-01-02T03:04:06.234000Z'],
    [T0 + 7, '2026-01-02T03:04:05.007000Z'],
  ])('microTime(%i) = %s', (ms, want) => {
    expect(microTime(ms)).toBe(want);
  });

  it('a node lease: in kube-node-lease, owned by its Node, held by the node, renewed now', () => {
    expect(leaseFor({ name: 'n1', uid: 'u1' }, T0, 40)).toEqual({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'n1', namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'u1' }] },
      spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: '2026-01-02T03:04:05.000000Z' },
    });
  });

  it.each<[string | undefined, string | undefined]>([
    [undefined, undefined],
    ['', undefined],
    ['42', '42'],
  ])('carries resourceVersion %s as %s', (rv, want) => {
    expect(leaseFor({ name: 'n1', uid: 'u1' }, T0, 40, rv).metadata?.resourceVersion).toBe(want);
  });

  it('defaults follow the kubelet: 10 s renewals of a 40 s lease, status at least every 5 min', () => {
    expect(DEFAULT_HEARTBEAT).toMatchObject({ intervalMs: 10_000, leaseDurationSeconds: 40, statusReportMs: 300_000 });
  });
});

describe('Heartbeats', () => {
  it('renews each node\'s lease once per interval, the first at once, chaining resourceVersions', async () => {
    const { clock, api, hb } = setup();
    hb.add('n1', 'u1', ready(T0));
    await run(clock, 35_000);
    expect(api.times('update', 'n1')).toEqual([0, 10_000, 20_000, 30_000]);
    const updates = api.calls.filter((c) => c.op === 'update');
    expect(updates.map((c) => c.rv)).toEqual([undefined, '101', '102', '103']);
    expect((updates[3]!.body as Lease).spec?.renewTime).toBe(microTime(T0 + 30_000));
    expect((updates[3]!.body as Lease).metadata?.ownerReferences?.[0]?.uid).toBe('u1');
    expect(hb.names()).toEqual(['n1']);
  });

  it('renews every node of a batch added together once per interval', async () => {
    const { clock, api, hb } = setup();
    for (const n of ['a', 'b', 'c']) hb.add(n, `u-${n}`, ready(T0));
    await run(clock, 25_000);
    for (const n of ['a', 'b', 'c']) expect(api.times('update', n)).toEqual([0, 10_000, 20_000]);
  });

  it('keeps nodes added at different times on their own phase, each first lease written at once (add() contract)', async () => {
    // a node added while others wait for their next beat writes its first lease at once and keeps its own phase
    const { clock, api, hb } = setup();
    hb.add('a', 'ua', ready(T0));
    await run(clock, 3_000);
    hb.add('b', 'ub', ready(T0));
    await run(clock, 3_000);
    hb.add('c', 'uc', ready(T0));
    await run(clock, 25_000);
    expect({ a: api.times('update', 'a'), b: api.times('update', 'b'), c: api.times('update', 'c') }).toEqual({
      a: [0, 10_000, 20_000, 30_000],
      b: [3_000, 13_000, 23_000],
      c: [6_000, 16_000, 26_000],
    });
  });

  it('has at most `concurrency` writes in flight, and never starts a node whose write is still running', async () => {
    const { clock, api, hb } = setup({ concurrency: 2 });
    api.hold = true;
    for (const n of ['a', 'b', 'c', 'd']) hb.add(n, `u-${n}`, ready(T0));
    await run(clock, 25_000);
    expect(api.inFlight).toBe(2);
    expect(api.times('update')).toEqual([0, 0]);
    api.hold = false;
    api.release();
    await run(clock, 1_000);
    expect(api.maxInFlight).toBe(2);
    expect(api.calls.filter((c) => c.op === 'update').map((c) => c.name)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('after a slow write, the next beat comes half an interval later rather than at once', async () => {
    const { clock, api, hb } = setup();
    api.hold = true;
    hb.add('n1', 'u1', ready(T0));
    await run(clock, 25_000);
    expect(api.times('update')).toEqual([0]);
    api.hold = false;
    api.release();
    await run(clock, 20_000);
    // released at +25 s: next due max(0 + 10 s, 25 s + 5 s) = 30 s, then every 10 s
    expect(api.times('update')).toEqual([0, 30_000, 40_000]);
  });

  it('posts node status only when conditions change, or once statusReportMs has passed', async () => {
    const { clock, api, hb } = setup({ statusReportMs: 60_000 });
    hb.add('n1', 'u1', ready(T0));
    await run(clock, 125_000);
    expect(api.times('patch')).toEqual([60_000, 120_000]);
    const body = api.calls.find((c) => c.op === 'patch')!.body as { status: { conditions: { type: string; status: string; lastHeartbeatTime: string }[] } };
    expect(body.status.conditions.map((c) => `${c.type}=${c.status}`)).toEqual(['MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True']);
    expect(body.status.conditions.every((c) => c.lastHeartbeatTime === '2026-01-02T03:05:05Z')).toBe(true);
  });

  it('posts at once when the conditions it was given differ from the computed ones, then waits for the period', async () => {
    const { clock, api, hb } = setup({ statusReportMs: 60_000 });
    hb.add('n1', 'u1', nodeConditions(T0, undefined, { notReady: 'container runtime is down' }));
    await run(clock, 65_000);
    expect(api.times('patch')).toEqual([0, 60_000]);
  });

  it('corrects what another component wrote on the Node (Ready Unknown) at the next beat', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeLeaseApi(clock);
    let seen = ready(T0);
    hb = new Heartbeats({ client: api.client(), clock, logger: recordingLogger(), observed: () => seen }, { ...OPTS, statusReportMs: 60_000 });
    hb.add('n1', 'u1', ready(T0));
    await run(clock, 15_000);
    expect(api.times('patch')).toEqual([]);
    seen = seen.map((c) => (c.type === 'Ready' ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' } : c));
    await run(clock, 10_000);
    expect(api.times('patch')).toEqual([20_000]);
    const body = api.calls.find((c) => c.op === 'patch')!.body as { status: { conditions: { type: string; status: string; reason: string }[] } };
    expect(body.status.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
  });

  it('counts the report period from the postedAt it is given', async () => {
    const { clock, api, hb } = setup({ statusReportMs: 60_000 });
    hb.add('n1', 'u1', ready(T0), T0 - 55_000);
    await run(clock, 15_000);
    expect(api.times('patch')).toEqual([10_000]);
  });

  it('a failed status patch is retried on the next beat', async () => {
    const { clock, api, logger, hb } = setup({ statusReportMs: 10_000 });
    let fail = true;
    api.failPatch = () => (fail ? internal('etcd is sad') : undefined);
    hb.add('n1', 'u1', ready(T0));
    await run(clock, 15_000);
    expect(api.times('patch')).toEqual([10_000]);
    expect(logger.warnings).toEqual([{ o: { node: 'n1', err: 'Internal error occurred: etcd is sad' }, msg: 'heartbeat failed' }]);
    fail = false;
    await run(clock, 10_000);
    expect(api.times('patch')).toEqual([10_000, 20_000]);
  });

  it.each<[string, Error]>([
    ['a conflict (someone else wrote the lease)', conflict({ group: 'coordination.k8s.io', resource: 'leases' }, 'n1')],
    ['invalid (the lease exists from an earlier run; an update needs its resourceVersion)', invalid('Lease', 'coordination.k8s.io', 'n1', [{ type: 'Required', field: 'metadata.resourceVersion' }])],
  ])('recovers from %s by reading the lease back and writing it with that resourceVersion', async (_name, error) => {
    const { clock, api, logger, hb } = setup();
    api.leases.set('n1', { metadata: { name: 'n1', namespace: 'kube-node-lease', resourceVersion: '77' } } as Lease);
    let failed = false;
    api.failUpdate = () => {
      if (failed) return undefined;
      failed = true;
      return error;
    };
    hb.add('n1', 'u1', ready(T0));
    await run(clock, 15_000);
    expect(api.calls.map((c) => `${c.op}@${c.at - T0}:${c.rv ?? ''}`)).toEqual(['update@0:', 'get@0:', 'update@0:77', 'update@10000:101']);
    expect(logger.warnings).toEqual([]);
  });

  it('any other lease error is logged and the next beat tries again', async () => {
    const { clock, api, logger, hb } = setup();
    let n = 0;
    api.failUpdate = () => (n++ === 0 ? internal('boom') : undefined);
    hb.add('n1', 'u1', ready(T0));
    await run(clock, 15_000);
    expect(api.times('get')).toEqual([]);
    expect(api.times('update')).toEqual([0, 10_000]);
    expect(logger.warnings.map((w) => w.msg)).toEqual(['heartbeat failed']);
  });

  it('remove() stops one node; the others go on; a NotFound for the removed node is not logged', async () => {
    const { clock, api, logger, hb } = setup();
    hb.add('a', 'ua', ready(T0));
    hb.add('b', 'ub', ready(T0));
    await run(clock, 5_000);
    api.failUpdate = (l) => (l.metadata?.name === 'a' ? notFound({ group: 'coordination.k8s.io', resource: 'leases' }, 'a') : undefined);
    api.hold = true;
    await run(clock, 5_000);
    hb.remove('a');
    api.hold = false;
    api.release();
    await run(clock, 25_000);
    expect(hb.names()).toEqual(['b']);
    expect(api.times('update', 'a')).toEqual([0, 10_000]);
    expect(api.times('update', 'b')).toEqual([0, 10_000, 20_000, 30_000]);
    expect(logger.warnings).toEqual([]);
  });

  it('a node removed and added again (recreated) beats once per interval under its new uid', async () => {
    const { clock, api, hb } = setup();
    hb.add('n1', 'old', ready(T0));
    await run(clock, 5_000);
    hb.remove('n1');
    hb.add('n1', 'new', ready(T0));
    await run(clock, 30_000);
    expect(api.times('update', 'n1')).toEqual([0, 5_000, 15_000, 25_000, 35_000]);
    const last = api.calls.filter((c) => c.op === 'update').at(-1)!.body as Lease;
    expect(last.metadata?.ownerReferences?.[0]?.uid).toBe('new');
  });

  it('add() of a node already heartbeating is ignored', async () => {
    const { clock, api, hb } = setup();
    hb.add('n1', 'u1', ready(T0));
    hb.add('n1', 'u2', ready(T0));
    await run(clock, 15_000);
    expect(api.times('update', 'n1')).toEqual([0, 10_000]);
    expect(api.calls.every((c) => c.op !== 'update' || (c.body as Lease).metadata?.ownerReferences?.[0]?.uid === 'u1')).toBe(true);
  });

  it('stop() ends the loop: no writes after it, no timer left', async () => {
    const { clock, api, hb } = setup();
    hb.add('a', 'ua', ready(T0));
    hb.add('b', 'ub', ready(T0));
    await run(clock, 15_000);
    const before = api.calls.length;
    hb.stop();
    await run(clock, 60_000);
    expect(api.calls.length).toBe(before);
    expect(clock.pending()).toBe(0);
    hb.add('c', 'uc', ready(T0));
    await run(clock, 10_000);
    expect(api.calls.length).toBe(before);
  });

  it('writes in flight at stop() finish, and schedule nothing more', async () => {
    const { clock, api, hb } = setup();
    api.hold = true;
    hb.add('a', 'ua', ready(T0));
    await run(clock, 1_000);
    hb.stop();
    api.hold = false;
    api.release();
    await run(clock, 30_000);
    expect(api.leases.get('a')?.metadata?.resourceVersion).toBe('101');
    expect(api.times('update')).toEqual([0]);
    expect(clock.pending()).toBe(0);
  });
});
