// Which nodes one simulator process runs: names, roles, labels, taints, zones and resources, planned from its flags.

import type { Taint } from '../apiserver/api/types.js';
import { MAX_NODE_INDEX } from './node-addresses.js';
import { nodeName, validateSimFlags } from './node-flags.js';
import type { SimFlags } from './node-flags.js';
import { nodeResources, positiveQuantity } from './node-quantity.js';

export { DEFAULT_SIM_FLAGS, parseSimFlags, parseLabelList, parseTaintList, validateSimFlags, TAINT_EFFECTS } from './node-flags.js';
export type { SimFlags, FlagValues } from './node-flags.js';

/** One simulated node as planned: everything needed to build its Node object except addresses and clock. */
export interface NodeSpecConfig {
  name: string;
  /** Global address index: picks the node's InternalIP and podCIDR (see node-object.ts addressesFor). */
  index: number;
  role: 'control-plane' | 'worker';
  labels: Record<string, string>;
  taints: Taint[];
  /** cpu, ephemeral-storage, hugepages-1Gi, hugepages-2Mi, memory, pods. */
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  zone: string;
}

/** The node's hostname label (kubelet). */
export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
/** Operating system label (kubelet). */
export const LABEL_OS = 'kubernetes.io/os';
/** CPU architecture label (kubelet). */
export const LABEL_ARCH = 'kubernetes.io/arch';
/** Deprecated twin of LABEL_OS, still written by kubelet. */
export const LABEL_BETA_OS = 'beta.kubernetes.io/os';
/** Deprecated twin of LABEL_ARCH, still written by kubelet. */
export const LABEL_BETA_ARCH = 'beta.kubernetes.io/arch';
/** Zone label (cloud provider). */
export const LABEL_ZONE = 'topology.kubernetes.io/zone';
/** Region label (cloud provider). */
export const LABEL_REGION = 'topology.kubernetes.io/region';
/** kubeadm's control-plane role label, also the key of its NoSchedule taint. */
export const LABEL_CONTROL_PLANE = 'node-role.kubernetes.io/control-plane';
/** kubeadm keeps control planes out of external load balancers with this label. */
export const LABEL_EXCLUDE_LB = 'node.kubernetes.io/exclude-from-external-load-balancers';

/** The labels kubelet itself sets on registration and re-asserts on an existing Node (hostname, os, arch). */
export function kubeletDefaultLabels(name: string): Record<string, string> {
  return { [LABEL_HOSTNAME]: name, [LABEL_OS]: 'linux', [LABEL_ARCH]: 'amd64', [LABEL_BETA_OS]: 'linux', [LABEL_BETA_ARCH]: 'amd64' };
}

/**
 * The configuration of one node with the given name, role, address index and zone.
 *
 * Assumptions / Invariants (kubelet `initialNode` in kubelet_node_status.go, kubeadm's mark-control-plane phase):
 * - labels: hostname/os/arch (and the beta os/arch twins), then zone and region as a cloud provider would set them,
 *   then kubeadm's control-plane labels, then `flags.labels`, which win over everything before them, as
 *   `--node-labels` does in kubelet.
 * - taints: control planes get kubeadm's `node-role.kubernetes.io/control-plane:NoSchedule` only; workers get
 *   `flags.taints` (`--register-with-taints`).
 */
export function nodeConfigFor(flags: SimFlags, name: string, role: NodeSpecConfig['role'], index: number, zone: string): NodeSpecConfig {
  const labels: Record<string, string> = { ...kubeletDefaultLabels(name), [LABEL_ZONE]: zone, [LABEL_REGION]: flags.region };
  if (role === 'control-plane') {
    labels[LABEL_CONTROL_PLANE] = '';
    labels[LABEL_EXCLUDE_LB] = '';
  }
  Object.assign(labels, flags.labels);
  const taints: Taint[] = role === 'control-plane' ? [{ key: LABEL_CONTROL_PLANE, effect: 'NoSchedule' }] : flags.taints.map((t) => ({ ...t }));
  const res = nodeResources(
    flags.cpu,
    Math.ceil(positiveQuantity('memory', flags.memory)),
    Math.ceil(positiveQuantity('ephemeral-storage', flags.ephemeralStorage)),
    positiveQuantity('max-pods', flags.pods, true),
  );
  return { name, index, role, labels, taints, capacity: res.capacity, allocatable: res.allocatable, zone };
}

/**
 * Every node the flags describe, control planes first, with consecutive address indexes from `firstIndex`.
 * Names are kind's: `<prefix>-control-plane`, `<prefix>-control-plane2`, …, `<prefix>-worker`, `<prefix>-worker2`, ….
 * Control planes all sit in the first zone; workers go round-robin over `flags.zones` by worker ordinal.
 * Throws (validateSimFlags) on invalid flags.
 */
export function planNodes(flags: SimFlags, firstIndex = 0): NodeSpecConfig[] {
  validateSimFlags(flags);
  if (!Number.isSafeInteger(firstIndex) || firstIndex < 0 || firstIndex + flags.nodes - 1 > MAX_NODE_INDEX) {
    throw new RangeError(`node indexes ${firstIndex}..${firstIndex + flags.nodes - 1} exceed the address plan (0..${MAX_NODE_INDEX})`);
  }
  const out: NodeSpecConfig[] = [];
  const firstZone = flags.zones[0]!;
  for (let i = 1; i <= flags.controlPlanes; i++) {
    out.push(nodeConfigFor(flags, nodeName(flags.namePrefix, 'control-plane', i), 'control-plane', firstIndex + out.length, firstZone));
  }
  const workers = flags.nodes - flags.controlPlanes;
  for (let i = 1; i <= workers; i++) {
    const zone = flags.zones[(i - 1) % flags.zones.length]!;
    out.push(nodeConfigFor(flags, nodeName(flags.namePrefix, 'worker', i), 'worker', firstIndex + out.length, zone));
  }
  return out;
}
