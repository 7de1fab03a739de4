// Test fixtures for the scheduler's pure algorithm: nodes, pods, snapshots, and single-filter evaluation.

import type { Node, Pod, Taint } from '../../apiserver/api/types.js';
import { newCycle, type FilterPlugin, type Status } from './cycle.js';
import { addPod, newNodeInfo, type NodeInfo, type Snapshot } from './node-info.js';

/** Options for a test node. */
export interface NodeOpts {
  labels?: Record<string, string>;
  taints?: Taint[];
  cpu?: string;
  memory?: string;
  pods?: string;
  unschedulable?: boolean;
  images?: Array<{ names: string[]; sizeBytes: number }>;
}

/** A Ready node with allocatable cpu 4, memory 8Gi, pods 110 unless overridden; hostname label set. */
export function mkNode(name: string, o: NodeOpts = {}): Node {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: {
      allocatable: { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', 'ephemeral-storage': '100Gi' },
      ...(o.images ? { images: o.images } : {}),
    },
  };
}

let uidSeq = 0;

/** A pod with one container; `spec` fields are merged over the defaults. */
export function mkPod(name: string, o: { ns?: string; labels?: Record<string, string>; cpu?: string; memory?: string; spec?: Partial<NonNullable<Pod['spec']>>; phase?: string; terminating?: boolean } = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests['cpu'] = o.cpu;
  if (o.memory) requests['memory'] = o.memory;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: o.ns ?? 'default', uid: `uid-${name}-${++uidSeq}`,
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.terminating ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}),
    },
    spec: {
      containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.9', ...(o.cpu || o.memory ? { resources: { requests } } : {}) }],
      ...o.spec,
    },
    status: { phase: o.phase ?? 'Pending' },
  };
}

/** A snapshot over the nodes; `placed` maps node name → pods already there. */
export function mkSnap(nodes: Node[], placed: Record<string, Pod[]> = {}, nsLabels: Record<string, Record<string, string>> = {}): Snapshot {
  const infos: NodeInfo[] = nodes.map((n) => {
    const info = newNodeInfo(n);
    for (const p of placed[n.metadata?.name ?? ''] ?? []) addPod(info, p);
    return info;
  });
  return { nodes: infos, namespaceLabels: (ns) => nsLabels[ns] };
}

/** Runs one filter plugin for the pod on every node of the snapshot: node name → status (null = passes). */
export function runFilter(plugin: FilterPlugin, pod: Pod, snap: Snapshot): Record<string, Status | null> {
  const f = plugin.prepare(newCycle(pod, snap));
  const out: Record<string, Status | null> = {};
  for (const info of snap.nodes) out[info.node.metadata!.name!] = f ? f(info) : null;
  return out;
}
