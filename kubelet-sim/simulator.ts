// One simulator process: its nodes (registered, adopted, heartbeating), the pods bound to them, static pods and logs.

import { R } from '../apiserver/api/resources.js';
import type { Lease, Node, Pod } from '../apiserver/api/types.js';
import { KUBERNETES_VERSION } from '../apiserver/api/version.js';
import type { Runtime } from '../controllers/runtime/index.js';
import { keyOf } from '../controllers/runtime/index.js';
import { DEFAULT_HEARTBEAT, Heartbeats, type HeartbeatOptions } from './heartbeat.js';
import { startLogServer, type LogServer } from './log-server.js';
import { ManifestDir } from './manifest-dir.js';
import type { NodeSpecConfig, SimFlags } from './node-config.js';
import { NodeSet } from './nodes.js';
import { recorderSink, type PodEventSink } from './pod-events.js';
import { PodPlayer } from './pods.js';
import { adoptionConfig, choosePlan } from './plan.js';
import { indexFromAddresses } from './node-object.js';
import { isMirrorPod } from './static-pods.js';
import { StaticPods } from './static-sync.js';

/** How a simulator runs. */
export interface SimulatorOptions {
  flags: SimFlags;
  /** The manifest directory (`<dir>/<node>/` per node, files in `<dir>` on every node); none when undefined. */
  manifestDir?: string;
  /** Manifest directory rescan period (fs events are also watched). */
  manifestRescanMs?: number;
  /** Where the kubelet endpoint (logs) listens. */
  bind: string;
  port: number;
  /** Identifies this process on the nodes it simulates (`kubeling.io/simulated-by`). */
  simulatorId: string;
  heartbeat?: Partial<HeartbeatOptions>;
  /** Adopt Nodes created through the API with `kubeling.io/simulate: "true"`. */
  adopt: boolean;
  /** Write kubelet events for pods and node registration (on by default). */
  events: boolean;
  /** Pods handled at once. */
  workers: number;
}

/** A running simulator. */
export interface Simulator {
  nodes: NodeSet;
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts a simulator on a runtime whose informers it creates and starts; resolves once its nodes are registered. */
export async function startSimulator(rt: Runtime, opts: SimulatorOptions, signal: AbortSignal): Promise<Simulator> {
  const { client, clock, logger } = rt;
  const pods = rt.informer<Pod>(R.pods, { fieldSelector: 'spec.nodeName!=' });
  const nodeInformer = rt.informer<Node>(R.nodes);
  const observed = (name: string): NonNullable<NonNullable<Node['status']>['conditions']> | undefined => nodeInformer.get(undefined, name)?.status?.conditions;
  const heartbeats = new Heartbeats({ client, clock, logger, observed }, { ...DEFAULT_HEARTBEAT, ...opts.heartbeat });
  // one recorder for every node of the process: a deep queue and parallel writes stand in for N kubelets' own
  const recorder = opts.events ? rt.recorder('kubelet', undefined, { queueSize: 20_000, concurrency: 8 }) : undefined;
  const events: PodEventSink = recorder ? recorderSink(recorder) : { emit: () => undefined };
  let enqueue: (key: string) => void = () => undefined;
  let player!: PodPlayer;
  let statics!: StaticPods;
  let manifests: ManifestDir | undefined;
  let logs: LogServer | undefined;
  const lookup = (ns: string, name: string): ReturnType<PodPlayer['lookup']> => {
    const key = `${ns}/${name}`;
    const s = statics.lookup(key);
    return s ? { ...s, node: s.pod.spec?.nodeName ?? '' } : player.lookup(key);
  };
  logs = await startLogServer({ bind: opts.bind, port: opts.port, lookup, clock, logger });
  const nodes = new NodeSet({
    client, clock, logger, heartbeats,
    endpoint: logs.url,
    kubeletPort: Number(new URL(logs.url).port),
    simulatorId: opts.simulatorId,
    kubeletVersion: KUBERNETES_VERSION,
    recorder: recorder && opts.flags.nodes <= 100 ? recorder : undefined,
    onAdded: (n) => {
      void manifests?.addNode(n.name);
      const onNode = pods.byIndex('node', n.name);
      // pods already running here (a restarted simulator) keep their IPs, so new pods never get one of them
      for (const p of onNode) {
        const ip = p.status?.podIP;
        if (ip && p.spec?.hostNetwork !== true && p.metadata?.uid) n.ips.restore(p.metadata.uid, ip);
      }
      for (const p of onNode) enqueue(keyOf(p));
    },
    onRemoved: (name) => {
      player.forgetNode(name);
      statics.forgetNode(name);
      manifests?.removeNode(name);
    },
  });
  player = new PodPlayer({ client, clock, logger, nodes, pods, events });
  statics = new StaticPods({ client, clock, logger, nodes, pods, recorder, events, enqueue: (k) => enqueue(k) });
  pods.addIndex('node', (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
  const mine = (p: Pod): string[] => (nodes.has(p.spec?.nodeName ?? '') ? [keyOf(p)] : []);
  const controller = rt.controller({
    name: 'kubelet-sim',
    workers: opts.workers,
    sources: [{ informer: pods, toKeys: (p: Pod) => (isMirrorPod(p) || player.ours(p) ? mine(p) : []) }],
    reconcile: (key) => {
      const cached = pods.getByKey(key);
      return statics.owns(key) || (cached && isMirrorPod(cached)) ? statics.reconcile(key) : player.reconcile(key);
    },
  });
  enqueue = (key) => controller.queue.add(key);
  const planFor = (name: string): NodeSpecConfig => adoptionConfig(opts.flags, name, nodeInformer.list().map(indexFromAddresses).filter((i): i is number => i !== undefined));
  nodeInformer.addEventHandler({
    add: (n) => (opts.adopt ? void nodes.maybeAdopt(n, planFor) : undefined),
    update: (_o, n) => (opts.adopt ? void nodes.maybeAdopt(n, planFor) : undefined),
    delete: (n) => nodes.forget(n.metadata?.name ?? ''),
  });
  rt.start(signal);
  await rt.waitForSync(signal);
  const leases = await client.listAll<Lease>(R.leases, { namespace: 'kube-node-lease' });
  const plan = choosePlan(opts.flags, nodeInformer.list(), leases.items, opts.simulatorId, clock.now());
  await nodes.register(plan);
  const running = controller.run(signal);
  if (opts.manifestDir) {
    manifests = new ManifestDir(opts.manifestDir, () => nodes.names(), (node, byFile) => statics.onManifests(node, byFile), opts.manifestRescanMs === undefined ? undefined : { rescanMs: opts.manifestRescanMs });
    await manifests.start();
  }
  return {
    nodes,
    endpoint: logs.url,
    async stop() {
      heartbeats.stop();
      manifests?.stop();
      await logs?.close();
      await running.catch(() => undefined);
      await recorder?.flush();
    },
  };
}
