// Tests for the node set against a real in-process API server: registering, taking over, adopting and forgetting Nodes.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KUBELET_ENDPOINT_ANNOTATION } from '../apiserver/api/annotations.js';
import { R } from '../apiserver/api/resources.js';
import type { Node } from '../apiserver/api/types.js';
import { Client, FakeClock, type EventRecorder, type Logger } from '../controllers/runtime/index.js';
import { startInProcess, stopInProcess, type InProcessServer } from '../test/support/in-process.js';
import type { Heartbeats } from './heartbeat.js';
import { DEFAULT_SIM_FLAGS, planNodes, type NodeSpecConfig } from './node-config.js';
import { addressesFor, SIMULATE_ANNOTATION, SIMULATED_BY_ANNOTATION } from './node-object.js';
import { NodeSet, type SimNode } from './nodes.js';
import { adoptionConfig } from './plan.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const ENDPOINT = 'http://127.0.0.1:10250';

let srv: InProcessServer;
let client: Client;

beforeAll(async () => {
  srv = await startInProcess();
  await srv.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = srv.app.server.address();
  client = new Client({ server: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` });
});

afterAll(async () => {
  await client?.close();
  if (srv) await stopInProcess(srv);
});

/** Every test starts with no Nodes. */
beforeEach(async () => {
  for (const n of (await client.listAll<Node>(R.nodes)).items) await client.delete(R.nodes, undefined, n.metadata!.name!);
});

interface Harness {
  set: NodeSet;
  added: SimNode[];
  removed: string[];
  beats: { op: 'add' | 'remove'; name: string; uid?: string; conditions?: unknown[]; postedAt?: number }[];
  events: [string, string, string, string][];
  infos: string[];
  warnings: string[];
  clock: FakeClock;
}

function harness(opts: { id?: string; recorder?: boolean; client?: Client } = {}): Harness {
  const h: Omit<Harness, 'set'> = { added: [], removed: [], beats: [], events: [], infos: [], warnings: [], clock: new FakeClock(T0) };
  const heartbeats = {
    add: (name: string, uid: string, conditions: unknown[], postedAt?: number) => void h.beats.push({ op: 'add', name, uid, conditions, postedAt }),
    remove: (name: string) => void h.beats.push({ op: 'remove', name }),
  } as unknown as Heartbeats;
  const recorder: EventRecorder = { event: (obj, type, reason, message) => void h.events.push([obj.metadata?.name ?? '', type, reason, message]), flush: async () => undefined };
  const logger: Logger = { info: (_o, msg) => void h.infos.push(msg ?? ''), warn: (_o, msg) => void h.warnings.push(msg ?? ''), error() {}, debug() {} };
  const set = new NodeSet({
    client: opts.client ?? client,
    clock: h.clock,
    logger,
    heartbeats,
    endpoint: ENDPOINT,
    kubeletPort: 10250,
    simulatorId: opts.id ?? 'sim-a',
    kubeletVersion: 'v1.32.4',
    ...(opts.recorder ? { recorder } : {}),
    onAdded: (n) => void h.added.push(n),
    onRemoved: (name) => void h.removed.push(name),
  });
  return { ...h, set };
}

const plan3 = (): NodeSpecConfig[] => planNodes(DEFAULT_SIM_FLAGS);
const getNode = (name: string): Promise<Node> => client.get<Node>(R.nodes, undefined, name);
const condBrief = (n: Node): string[] => (n.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`);
const planFor = (name: string): NodeSpecConfig => adoptionConfig(DEFAULT_SIM_FLAGS, name, [0, 1, 2]);

/** A Node as a user would create it to have a simulator adopt it. */
async function userNode(name: string, annotations: Record<string, string>, extra: Partial<Node> = {}): Promise<Node> {
  return client.create<Node>(R.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { team: 'blue' }, annotations }, ...extra });
}

describe('NodeSet.register', () => {
  it('creates every planned Node with its endpoint, simulator id and a fresh status, and starts heartbeating each', async () => {
    const h = harness();
    await h.set.register(plan3());
    expect(h.set.names().sort()).toEqual(['kubeling-control-plane', 'kubeling-worker', 'kubeling-worker2']);
    expect(h.set.size).toBe(3);
    const w = await getNode('kubeling-worker');
    expect(w.metadata?.annotations).toMatchObject({ [KUBELET_ENDPOINT_ANNOTATION]: ENDPOINT, [SIMULATED_BY_ANNOTATION]: 'sim-a' });
    expect(w.status?.addresses?.[0]).toEqual({ type: 'InternalIP', address: addressesFor(1).hostIP });
    expect(w.spec?.podCIDR).toBe(addressesFor(1).podCIDR);
    expect(condBrief(w)).toEqual(['NetworkUnavailable=False', 'MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True']);
    const sim = h.set.get('kubeling-worker')!;
    expect(sim).toMatchObject({ name: 'kubeling-worker', uid: w.metadata?.uid, hostIP: '172.18.0.3', podCIDR: '10.128.1.0/24' });
    expect(sim.ips.allocate('pod-1')).toBe('10.128.1.2');
    expect(h.added.map((n) => n.name).sort()).toEqual(h.set.names().sort());
    const beat = h.beats.find((b) => b.name === 'kubeling-worker')!;
    expect(beat).toMatchObject({ op: 'add', uid: w.metadata?.uid, postedAt: T0 });
    expect(beat.conditions).toEqual(w.status?.conditions);
    expect(h.infos.filter((m) => m === 'registered node')).toHaveLength(3);
  });

  it('writes the registration events only when it has a recorder', async () => {
    const quiet = harness();
    await quiet.set.register(plan3().slice(0, 1));
    expect(quiet.events).toEqual([]);
    await client.delete(R.nodes, undefined, 'kubeling-control-plane');
    const h = harness({ recorder: true });
    await h.set.register(plan3().slice(0, 1));
    const n = 'kubeling-control-plane';
    expect(h.events).toEqual([
      [n, 'Normal', 'Starting', 'Starting kubelet.'],
      [n, 'Normal', 'NodeHasSufficientMemory', `Node ${n} status is now: NodeHasSufficientMemory`],
      [n, 'Normal', 'NodeHasNoDiskPressure', `Node ${n} status is now: NodeHasNoDiskPressure`],
      [n, 'Normal', 'NodeHasSufficientPID', `Node ${n} status is now: NodeHasSufficientPID`],
      [n, 'Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods'],
      [n, 'Normal', 'NodeReady', `Node ${n} status is now: NodeReady`],
    ]);
  });

  it('takes over an existing Node: kubelet labels re-asserted, user labels, podCIDR and capacity kept, status rewritten', async () => {
    const existing = await client.create<Node>(R.nodes, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'kubeling-worker', labels: { team: 'blue', 'kubernetes.io/hostname': 'wrong' }, annotations: { [SIMULATED_BY_ANNOTATION]: 'old-sim' } },
      spec: { podCIDR: '10.200.7.0/24', podCIDRs: ['10.200.7.0/24'], providerID: 'aws://i-1' },
      status: { capacity: { cpu: '2', memory: '1Gi', pods: '10' }, conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown' }] },
    });
    const h = harness();
    await h.set.register(plan3().filter((c) => c.name === 'kubeling-worker'));
    const n = await getNode('kubeling-worker');
    expect(n.metadata?.uid).toBe(existing.metadata?.uid);
    expect(n.metadata?.labels).toMatchObject({ team: 'blue', 'kubernetes.io/hostname': 'kubeling-worker', 'kubernetes.io/os': 'linux', 'topology.kubernetes.io/zone': 'zone-a' });
    expect(n.metadata?.annotations).toMatchObject({ [SIMULATED_BY_ANNOTATION]: 'sim-a', [KUBELET_ENDPOINT_ANNOTATION]: ENDPOINT });
    expect(n.spec).toMatchObject({ podCIDR: '10.200.7.0/24', providerID: 'aws://i-1' });
    expect(n.status?.capacity).toEqual({ cpu: '2', memory: '1Gi', pods: '10' });
    expect(n.status?.allocatable).toEqual({ cpu: '2', memory: '1Gi', pods: '10' });
    expect(condBrief(n)).toEqual(['NetworkUnavailable=False', 'MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True']);
    expect(h.set.get('kubeling-worker')).toMatchObject({ uid: existing.metadata?.uid, podCIDR: '10.200.7.0/24' });
    expect(h.beats).toMatchObject([{ op: 'add', name: 'kubeling-worker', uid: existing.metadata?.uid }]);
    expect(h.infos).toEqual(['took over node']);
  });

  it('a restart of the same simulator takes its own Nodes back, unchanged in identity', async () => {
    await harness().set.register(plan3());
    const before = await getNode('kubeling-worker2');
    const again = harness();
    await again.set.register(plan3());
    expect(again.set.size).toBe(3);
    const after = await getNode('kubeling-worker2');
    expect(after.metadata?.uid).toBe(before.metadata?.uid);
    expect(after.spec?.podCIDR).toBe(before.spec?.podCIDR);
    expect(again.infos).toEqual(['took over node', 'took over node', 'took over node']);
  });

  it('rejects when the API refuses a Node for another reason than AlreadyExists', async () => {
    const bad = { ...plan3()[0]!, name: 'Not_A_DNS_Name' };
    const h = harness();
    await expect(h.set.register([bad])).rejects.toMatchObject({ reason: 'Invalid' });
    expect(h.set.size).toBe(0);
  });

  it('runs at most `concurrency` registrations at once', async () => {
    let inFlight = 0;
    let max = 0;
    const counting = new Proxy(client, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== 'create' || typeof v !== 'function') return typeof v === 'function' ? v.bind(target) : v;
        return async (...args: unknown[]) => {
          inFlight++;
          max = Math.max(max, inFlight);
          try {
            return await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          } finally {
            inFlight--;
          }
        };
      },
    });
    const h = harness({ client: counting });
    await h.set.register(planNodes({ ...DEFAULT_SIM_FLAGS, nodes: 7 }), 2);
    expect(h.set.size).toBe(7);
    expect(max).toBe(2);
  });
});

describe('NodeSet.maybeAdopt', () => {
  it('adopts a Node created with the simulate annotation: claims it, keeps its capacity, heartbeats it', async () => {
    const created = await userNode('edge-1', { [SIMULATE_ANNOTATION]: 'true' }, { status: { capacity: { cpu: '64', pods: '500' } } } as Partial<Node>);
    const h = harness();
    await h.set.maybeAdopt(created, planFor);
    expect(h.set.has('edge-1')).toBe(true);
    const n = await getNode('edge-1');
    expect(n.metadata?.annotations).toMatchObject({ [SIMULATED_BY_ANNOTATION]: 'sim-a', [KUBELET_ENDPOINT_ANNOTATION]: ENDPOINT });
    expect(n.metadata?.labels).toMatchObject({ team: 'blue', 'kubernetes.io/hostname': 'edge-1' });
    expect(n.spec?.podCIDR).toBe(addressesFor(3).podCIDR);
    expect(n.status?.capacity).toEqual({ cpu: '64', pods: '500' });
    expect(n.status?.addresses?.[0]?.address).toBe(addressesFor(3).hostIP);
    expect(h.added.map((s) => s.name)).toEqual(['edge-1']);
    expect(h.beats).toMatchObject([{ op: 'add', name: 'edge-1', uid: created.metadata?.uid }]);
    expect(h.infos).toEqual(['took over node', 'adopted node']);
  });

  it.each<[string, Record<string, string>]>([
    ['no simulate annotation', {}],
    ['simulate annotation not "true"', { [SIMULATE_ANNOTATION]: 'yes' }],
    ['claimed by another simulator', { [SIMULATE_ANNOTATION]: 'true', [SIMULATED_BY_ANNOTATION]: 'sim-b' }],
  ])('leaves a Node alone: %s', async (_name, annotations) => {
    const created = await userNode('edge-2', annotations);
    const h = harness();
    await h.set.maybeAdopt(created, planFor);
    expect(h.set.has('edge-2')).toBe(false);
    expect(h.added).toEqual([]);
    expect((await getNode('edge-2')).metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
  });

  it('takes a Node already claimed by its own id (a restart that saw it first through the watch)', async () => {
    const created = await userNode('edge-3', { [SIMULATE_ANNOTATION]: 'true', [SIMULATED_BY_ANNOTATION]: 'sim-a' });
    const h = harness();
    await h.set.maybeAdopt(created, planFor);
    expect(h.set.has('edge-3')).toBe(true);
  });

  it('leaves a Node that is being deleted alone', async () => {
    const created = await userNode('edge-4', { [SIMULATE_ANNOTATION]: 'true' });
    const h = harness();
    await h.set.maybeAdopt({ ...created, metadata: { ...created.metadata, deletionTimestamp: '2026-01-02T03:04:05Z' } } as Node, planFor);
    expect(h.set.has('edge-4')).toBe(false);
    expect((await getNode('edge-4')).metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
  });

  it('does nothing for a Node it already simulates', async () => {
    const created = await userNode('edge-5', { [SIMULATE_ANNOTATION]: 'true' });
    const h = harness();
    await h.set.maybeAdopt(created, planFor);
    const rv = (await getNode('edge-5')).metadata?.resourceVersion;
    await h.set.maybeAdopt(await getNode('edge-5'), planFor);
    expect((await getNode('edge-5')).metadata?.resourceVersion).toBe(rv);
    expect(h.added).toHaveLength(1);
  });

  it('claims a Node once when it is seen twice at the same time (add and update events)', async () => {
    const created = await userNode('edge-6', { [SIMULATE_ANNOTATION]: 'true' });
    const h = harness();
    await Promise.all([h.set.maybeAdopt(created, planFor), h.set.maybeAdopt(created, planFor)]);
    expect(h.added).toHaveLength(1);
    expect(h.beats).toHaveLength(1);
  });

  it('of two simulators racing for one Node version, exactly one wins (resourceVersion precondition)', async () => {
    const created = await userNode('edge-7', { [SIMULATE_ANNOTATION]: 'true' });
    const a = harness({ id: 'sim-a' });
    const b = harness({ id: 'sim-b' });
    await Promise.all([a.set.maybeAdopt(created, planFor), b.set.maybeAdopt(created, planFor)]);
    expect([a.set.has('edge-7'), b.set.has('edge-7')].filter(Boolean)).toHaveLength(1);
    const winner = a.set.has('edge-7') ? 'sim-a' : 'sim-b';
    expect((await getNode('edge-7')).metadata?.annotations?.[SIMULATED_BY_ANNOTATION]).toBe(winner);
    expect([...a.warnings, ...b.warnings]).toEqual([]);
  });

  it('a stale copy of the Node (modified since, e.g. tainted by a controller) is read again and adopted, keeping the change', async () => {
    const created = await userNode('edge-8', { [SIMULATE_ANNOTATION]: 'true' });
    await client.patch(R.nodes, undefined, 'edge-8', 'merge', { metadata: { labels: { team: 'red' } } });
    const h = harness();
    await h.set.maybeAdopt(created, planFor);
    expect(h.set.has('edge-8')).toBe(true);
    expect((await getNode('edge-8')).metadata?.labels?.team).toBe('red');
  });

  it('a stale copy is not adopted when the fresh read shows another simulator claimed it', async () => {
    const created = await userNode('edge-11', { [SIMULATE_ANNOTATION]: 'true' });
    await client.patch(R.nodes, undefined, 'edge-11', 'merge', { metadata: { annotations: { [SIMULATED_BY_ANNOTATION]: 'someone-else' } } });
    const h = harness();
    await h.set.maybeAdopt(created, planFor);
    expect(h.set.has('edge-11')).toBe(false);
    expect((await getNode('edge-11')).metadata?.annotations?.[SIMULATED_BY_ANNOTATION]).toBe('someone-else');
  });

  it('a Node deleted before the claim is not adopted, and nothing is thrown', async () => {
    const created = await userNode('edge-9', { [SIMULATE_ANNOTATION]: 'true' });
    await client.delete(R.nodes, undefined, 'edge-9');
    const h = harness();
    await h.set.maybeAdopt(created, planFor);
    expect(h.set.has('edge-9')).toBe(false);
  });

  it('logs, and does not throw, when planning the adoption fails', async () => {
    const created = await userNode('edge-10', { [SIMULATE_ANNOTATION]: 'true' });
    const h = harness();
    await h.set.maybeAdopt(created, () => {
      throw new Error('no free node address left');
    });
    expect(h.set.has('edge-10')).toBe(false);
    expect(h.warnings).toEqual(['adopting node failed']);
    // the claim is released: a later sighting may try again
    await h.set.maybeAdopt(created, planFor);
    expect(h.set.has('edge-10')).toBe(true);
  });
});

describe('NodeSet.forget', () => {
  it('stops simulating a deleted Node: heartbeats removed, onRemoved called once', async () => {
    const h = harness();
    await h.set.register(plan3());
    h.set.forget('kubeling-worker');
    h.set.forget('kubeling-worker');
    expect(h.set.has('kubeling-worker')).toBe(false);
    expect(h.set.size).toBe(2);
    expect(h.removed).toEqual(['kubeling-worker']);
    expect(h.beats.filter((b) => b.op === 'remove')).toEqual([{ op: 'remove', name: 'kubeling-worker' }]);
  });

  it('ignores a name it does not simulate', () => {
    const h = harness();
    h.set.forget('someone-else');
    expect(h.removed).toEqual([]);
    expect(h.beats).toEqual([]);
  });
});
