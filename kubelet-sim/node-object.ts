// The Node objects a simulated kubelet registers and keeps up to date: initial object, conditions, adoption.

import { metaTime as rfc3339 } from '../apiserver/api/time.js';
import { createHash } from 'node:crypto';
import type { NodeCondition, NodeStatus, NodeSystemInfo } from 'kubernetes-types/core/v1.js';
import type { Node } from '../apiserver/api/types.js';
import { LABEL_REGION, LABEL_ZONE, kubeletDefaultLabels } from './node-config.js';
import type { NodeSpecConfig } from './node-config.js';
import type { NodeIdentity } from './node-addresses.js';

export { addressesFor, indexFromAddresses, indexFromIP, podIPFor, PodIPAllocator, MAX_NODE_INDEX } from './node-addresses.js';
export type { NodeIdentity } from './node-addresses.js';

/** A Node created through the API with this annotation set to "true" is adopted and run by a simulator. */
export const SIMULATE_ANNOTATION = 'kubeling.io/simulate';
/** The id of the simulator process that runs a Node. */
export const SIMULATED_BY_ANNOTATION = 'kubeling.io/simulated-by';
/** kubelet's marker that the attach/detach controller owns volume attachment for this node. */
export const CONTROLLER_MANAGED_ATTACH_DETACH_ANNOTATION = 'volumes.kubernetes.io/controller-managed-attach-detach';
/** The TTL controller's annotation (seconds kubelets may cache objects); "0" on small clusters. */
export const NODE_TTL_ANNOTATION = 'node.alpha.kubernetes.io/ttl';

/** What the simulator reports about itself on every Node it registers. */
export interface NodeObjectOptions {
  /** Port in `status.daemonEndpoints.kubeletEndpoint` (kubelet's default is 10250). */
  kubeletPort: number;
  /** e.g. `v1.32.4`; also reported as kubeProxyVersion. */
  kubeletVersion: string;
  /** Written to the `kubeling.io/simulated-by` annotation. */
  simulatorId: string;
}

/** Overrides for the computed conditions (failure injection, network plugin). */
export interface NodeConditionOptions {
  /** Adds or updates a NetworkUnavailable condition (route controller's); left alone when undefined. */
  networkUnavailable?: boolean;
  memoryPressure?: boolean;
  diskPressure?: boolean;
  pidPressure?: boolean;
  /** When set, Ready is False with reason KubeletNotReady and this message. */
  notReady?: string;
}

/** RFC 3339 with whole seconds in UTC, as metav1.Time serialises. */

type Desired = Pick<NodeCondition, 'type' | 'status' | 'reason' | 'message'>;

function pressure(type: string, on: boolean | undefined, okReason: string, okMsg: string, badReason: string, badMsg: string): Desired {
  return on === true ? { type, status: 'True', reason: badReason, message: badMsg } : { type, status: 'False', reason: okReason, message: okMsg };
}

function kubeletConditions(opts: NodeConditionOptions): Desired[] {
  return [
    pressure('MemoryPressure', opts.memoryPressure, 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available'),
    pressure('DiskPressure', opts.diskPressure, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', 'KubeletHasDiskPressure', 'kubelet has disk pressure'),
    pressure('PIDPressure', opts.pidPressure, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', 'KubeletHasInsufficientPID', 'kubelet has insufficient PID available'),
    opts.notReady === undefined
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
      : { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: opts.notReady },
  ];
}

/**
 * The node's conditions as the kubelet would post them at `now`.
 *
 * Assumptions / Invariants (kubelet `nodestatus` setters in kubelet_node_status.go / nodestatus/setters.go):
 * - kubelet owns MemoryPressure, DiskPressure, PIDPressure and Ready, created in that order; an existing condition
 *   of one of those types is updated where it stands, a missing one appended; conditions of other types (written
 *   by other components, e.g. node-problem-detector) are kept untouched.
 * - lastHeartbeatTime is `now` on every kubelet condition; lastTransitionTime changes only when the status does.
 * - NetworkUnavailable belongs to the route controller / network plugin: only written when asked, placed first
 *   when new (it usually predates the kubelet's first status), `False RouteCreated` when the network is fine.
 * - Field order follows the Go struct: type, status, lastHeartbeatTime, lastTransitionTime, reason, message.
 */
export function nodeConditions(now: number, previous?: readonly NodeCondition[], opts: NodeConditionOptions = {}): NodeCondition[] {
  const ts = rfc3339(now);
  const out: NodeCondition[] = (previous ?? []).map((c) => ({ ...c }));
  const put = (d: Desired, atFront: boolean): void => {
    const i = out.findIndex((c) => c.type === d.type);
    const old = i < 0 ? undefined : out[i];
    const transition = old !== undefined && old.status === d.status && old.lastTransitionTime !== undefined ? old.lastTransitionTime : ts;
    const next: NodeCondition = { type: d.type, status: d.status, lastHeartbeatTime: ts, lastTransitionTime: transition, reason: d.reason, message: d.message };
    if (i >= 0) out[i] = next;
    else if (atFront) out.unshift(next);
    else out.push(next);
  };
  if (opts.networkUnavailable !== undefined) {
    put(
      opts.networkUnavailable
        ? { type: 'NetworkUnavailable', status: 'True', reason: 'NoRouteCreated', message: 'Node created without a route' }
        : { type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated', message: 'RouteController created a route' },
      true,
    );
  }
  for (const d of kubeletConditions(opts)) put(d, false);
  return out;
}

/** True when two condition lists differ in anything but lastHeartbeatTime (a status PATCH is then due at once). */
export function conditionsChanged(a: readonly NodeCondition[] | undefined, b: readonly NodeCondition[] | undefined): boolean {
  const strip = (l: readonly NodeCondition[] | undefined): string => JSON.stringify((l ?? []).map(({ lastHeartbeatTime: _hb, ...rest }) => rest));
  return strip(a) !== strip(b);
}

function hex(seed: string): string {
  return createHash('md5').update(seed).digest('hex');
}

function uuid(seed: string): string {
  const h = hex(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** nodeInfo with ids derived from the node name: stable across simulator restarts, distinct between nodes. */
export function nodeSystemInfo(name: string, kubeletVersion: string): NodeSystemInfo {
  return {
    machineID: hex(`machine-id/${name}`),
    systemUUID: uuid(`system-uuid/${name}`),
    bootID: uuid(`boot-id/${name}`),
    kernelVersion: '6.8.0-kubeling',
    osImage: 'Debian GNU/Linux 12 (bookworm)',
    containerRuntimeVersion: 'containerd://1.7.24',
    kubeletVersion,
    kubeProxyVersion: kubeletVersion,
    operatingSystem: 'linux',
    architecture: 'amd64',
  };
}

function status(name: string, capacity: Record<string, string>, allocatable: Record<string, string>, conditions: NodeCondition[], id: NodeIdentity, opts: NodeObjectOptions): NodeStatus {
  return {
    capacity,
    allocatable,
    conditions,
    addresses: [
      { type: 'InternalIP', address: id.hostIP },
      { type: 'Hostname', address: name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: opts.kubeletPort } },
    nodeInfo: nodeSystemInfo(name, opts.kubeletVersion),
    images: [],
  };
}

/**
 * The Node to POST when registering `cfg` (kubelet `initialNode`): labels and taints as planned, podCIDR and
 * providerID set by us because no IPAM controller or cloud provider does it in kubeling, status complete.
 */
export function nodeObject(cfg: NodeSpecConfig, id: NodeIdentity, now: number, opts: NodeObjectOptions): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: cfg.name,
      labels: { ...cfg.labels },
      annotations: {
        [CONTROLLER_MANAGED_ATTACH_DETACH_ANNOTATION]: 'true',
        [NODE_TTL_ANNOTATION]: '0',
        [SIMULATED_BY_ANNOTATION]: opts.simulatorId,
      },
    },
    spec: {
      podCIDR: id.podCIDR,
      podCIDRs: [id.podCIDR],
      providerID: `kubeling://${cfg.name}`,
      ...(cfg.taints.length > 0 ? { taints: cfg.taints.map((t) => ({ ...t })) } : {}),
    },
    status: status(cfg.name, { ...cfg.capacity }, { ...cfg.allocatable }, nodeConditions(now), id, opts),
  };
}

/**
 * The Node to PUT when a simulator takes over an existing Node: after its own restart (POST got AlreadyExists) or
 * for a Node created through the API with `kubeling.io/simulate: "true"`. `cfg` supplies the defaults.
 *
 * Assumptions / Invariants (kubelet `tryRegisterWithAPIServer` → `updateDefaultLabels`,
 * `reconcileCMADAnnotationWithExistingNode`; kwok's handling of user-written Node status):
 * - metadata (uid, resourceVersion, …) is kept; hostname/os/arch labels are re-asserted, zone/region filled only
 *   when missing; every other label, and the taints, stay as the user or the previous run left them.
 * - podCIDR(s) and providerID are immutable once set, so they are only filled in when empty; the caller should
 *   allocate pod IPs from `spec.podCIDR` of the result, and pass the identity decoded from the Node's InternalIP
 *   when it has one (indexFromAddresses).
 * - capacity and allocatable written by the user win, resource by resource; a resource with only a capacity gets
 *   the same allocatable; the rest comes from `cfg`.
 * - conditions are recomputed from the existing ones (lastTransitionTime kept where the status holds); addresses,
 *   daemonEndpoints and nodeInfo are the simulator's.
 */
export function adoptedNodeStatus(existing: Node, cfg: NodeSpecConfig, id: NodeIdentity, now: number, opts: NodeObjectOptions): Node {
  const name = existing.metadata?.name ?? cfg.name;
  const labels: Record<string, string> = { ...existing.metadata?.labels, ...kubeletDefaultLabels(name) };
  if (labels[LABEL_ZONE] === undefined) labels[LABEL_ZONE] = cfg.zone;
  if (labels[LABEL_REGION] === undefined && cfg.labels[LABEL_REGION] !== undefined) labels[LABEL_REGION] = cfg.labels[LABEL_REGION];
  const annotations: Record<string, string> = { ...existing.metadata?.annotations, [CONTROLLER_MANAGED_ATTACH_DETACH_ANNOTATION]: 'true', [SIMULATED_BY_ANNOTATION]: opts.simulatorId };
  if (annotations[NODE_TTL_ANNOTATION] === undefined) annotations[NODE_TTL_ANNOTATION] = '0';
  const spec = structuredClone(existing.spec ?? {});
  if (!spec.podCIDR) {
    spec.podCIDR = id.podCIDR;
    spec.podCIDRs = [id.podCIDR];
  }
  if (!spec.providerID) spec.providerID = `kubeling://${name}`;
  const userCap = existing.status?.capacity ?? {};
  const userAlloc = existing.status?.allocatable ?? {};
  const capacity = { ...cfg.capacity, ...userCap };
  const allocatable: Record<string, string> = {};
  for (const key of Object.keys(capacity)) {
    const v = userAlloc[key] ?? (userCap[key] !== undefined ? userCap[key] : cfg.allocatable[key]);
    if (v !== undefined) allocatable[key] = v;
  }
  for (const [key, v] of Object.entries(userAlloc)) if (allocatable[key] === undefined) allocatable[key] = v;
  const st = status(name, capacity, allocatable, nodeConditions(now, existing.status?.conditions), id, opts);
  if (existing.status?.images !== undefined) st.images = structuredClone(existing.status.images);
  return {
    ...structuredClone(existing),
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { ...structuredClone(existing.metadata ?? {}), name, labels, annotations },
    spec,
    status: st,
  };
}
