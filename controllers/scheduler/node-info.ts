// NodeInfo: one node with the pods bound or assumed on it and their aggregated requests, maintained incrementally.

import { isPodTerminal } from '../../apiserver/api/pod-state.js';
import type { Node, Pod } from '../../apiserver/api/types.js';
import { hasAnyAffinity, hasScoringTerms, podAffinityInfo, type PodAffinityInfo } from './affinity-terms.js';
import { addResources, emptyResources, nodeAllocatable, podRequests, type Resources } from './resources.js';

/** Bookkeeping for one pod on a node, so removal subtracts exactly what was added. */
interface PodEntry {
  pod: Pod;
  requested: Resources;
  nonZero: Resources;
  ports: string[];
  affinity: PodAffinityInfo | undefined;
}

/**
 * The scheduler's view of one node (upstream framework.NodeInfo).
 *
 * Invariants: `requested`/`nonZeroRequested`/`portCounts`/`affinityPods` always equal the aggregate over `pods`;
 * terminal (Succeeded/Failed) pods are never added.
 */
export interface NodeInfo {
  node: Node;
  pods: Pod[];
  requested: Resources;
  /** Requests with the 100m / 200Mi defaults for containers without requests (scoring). */
  nonZeroRequested: Resources;
  allocatable: Resources;
  allowedPodNumber: number;
  /** Pods with at least one affinity or anti-affinity term, parsed. */
  affinityPods: PodAffinityInfo[];
  /** Number of pods with a required anti-affinity term. */
  requiredAntiAffinityPods: number;
  /** Number of pods with required affinity or preferred (anti-)affinity terms (InterPodAffinity score). */
  scoringAffinityPods: number;
  /** topologyKey → number of required anti-affinity terms using it, over the pods of this node. */
  antiAffinityKeys: Map<string, number>;
  /** Normalised image name → size in bytes (node.status.images). */
  imageSizes: Map<string, number>;
  entries: Map<string, PodEntry>;
  /**
   * Reference counts of the host ports in use, by exact key (`PROTOCOL/hostIP/hostPort`, hostIP defaulting to
   * 0.0.0.0; upstream UsedPorts) and by `PROTOCOL/*\/port` wildcard.
   */
  portCounts: Map<string, number>;
}

/** The cluster as one scheduling cycle sees it. */
export interface Snapshot {
  /** Every node of the cluster, in a stable order. */
  nodes: NodeInfo[];
  /** Labels of a namespace (for namespaceSelector in pod affinity terms); undefined when unknown. */
  namespaceLabels(ns: string): Record<string, string> | undefined;
}

/** Upstream normalizedImageName: appends `:latest` when the name carries no tag or digest. */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

/** Identity of a pod inside a NodeInfo: its uid, else namespace/name. */
export function podKey(pod: Pod): string {
  return pod.metadata?.uid || `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/** Host ports of the pod's containers as `PROTOCOL/hostIP/port` (upstream schedutil.GetContainerPorts). */
export function podHostPorts(pod: Pod): string[] {
  const out: string[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      const ip = p.hostIP && p.hostIP !== '' ? p.hostIP : '0.0.0.0';
      out.push(`${p.protocol || 'TCP'}/${ip}/${p.hostPort}`);
    }
  }
  return out;
}

/** The wildcard key (`TCP/*\/80`) of a port key. */
export function portWildcard(key: string): string {
  const first = key.indexOf('/');
  const last = key.lastIndexOf('/');
  return `${key.slice(0, first)}/*${key.slice(last)}`;
}

/** A NodeInfo for a node with no pods. */
export function newNodeInfo(node: Node): NodeInfo {
  const info: NodeInfo = {
    node, pods: [], requested: emptyResources(),
    nonZeroRequested: emptyResources(), allocatable: emptyResources(), allowedPodNumber: 0,
    affinityPods: [], requiredAntiAffinityPods: 0, antiAffinityKeys: new Map(), scoringAffinityPods: 0, imageSizes: new Map(), entries: new Map(), portCounts: new Map(),
  };
  setNode(info, node);
  return info;
}

/** Replaces the node object (labels, taints, allocatable, images may have changed); pods stay. */
export function setNode(info: NodeInfo, node: Node): void {
  info.node = node;
  const alloc = nodeAllocatable(node);
  info.allocatable = alloc.resources;
  info.allowedPodNumber = alloc.pods;
  info.imageSizes = new Map();
  for (const img of node.status?.images ?? []) {
    for (const n of img.names ?? []) info.imageSizes.set(normalizedImageName(n), img.sizeBytes ?? 0);
  }
}

function bump(counts: Map<string, number>, key: string, by: number): number {
  const n = (counts.get(key) ?? 0) + by;
  if (n <= 0) counts.delete(key);
  else counts.set(key, n);
  return n;
}

/**
 * Adds a pod (bound or assumed) to the node; a pod already present (same uid) is replaced. Terminal pods are
 * ignored: they hold no resources (spec edge case 50). Terminating pods count.
 */
export function addPod(info: NodeInfo, pod: Pod): void {
  removePod(info, pod);
  if (isPodTerminal(pod)) return;
  const aff = podAffinityInfo(pod);
  const entry: PodEntry = {
    pod, requested: podRequests(pod), nonZero: podRequests(pod, true), ports: podHostPorts(pod),
    affinity: hasAnyAffinity(aff) ? aff : undefined,
  };
  info.entries.set(podKey(pod), entry);
  info.pods.push(pod);
  addResources(info.requested, entry.requested);
  addResources(info.nonZeroRequested, entry.nonZero);
  for (const p of entry.ports) {
    bump(info.portCounts, p, 1);
    bump(info.portCounts, portWildcard(p), 1);
  }
  if (entry.affinity) {
    info.affinityPods.push(entry.affinity);
    if (entry.affinity.requiredAntiAffinity.length > 0) info.requiredAntiAffinityPods++;
    if (hasScoringTerms(entry.affinity)) info.scoringAffinityPods++;
    for (const t of entry.affinity.requiredAntiAffinity) bump(info.antiAffinityKeys, t.topologyKey, 1);
  }
}

/** Removes the pod with the same uid; false when it was not on this node. */
export function removePod(info: NodeInfo, pod: Pod): boolean {
  const key = podKey(pod);
  const entry = info.entries.get(key);
  if (!entry) return false;
  info.entries.delete(key);
  const idx = info.pods.indexOf(entry.pod);
  if (idx >= 0) info.pods.splice(idx, 1);
  addResources(info.requested, entry.requested, -1);
  addResources(info.nonZeroRequested, entry.nonZero, -1);
  for (const p of entry.ports) {
    bump(info.portCounts, p, -1);
    bump(info.portCounts, portWildcard(p), -1);
  }
  if (entry.affinity) {
    const ai = info.affinityPods.indexOf(entry.affinity);
    if (ai >= 0) info.affinityPods.splice(ai, 1);
    if (entry.affinity.requiredAntiAffinity.length > 0) info.requiredAntiAffinityPods--;
    if (hasScoringTerms(entry.affinity)) info.scoringAffinityPods--;
    for (const t of entry.affinity.requiredAntiAffinity) bump(info.antiAffinityKeys, t.topologyKey, -1);
  }
  return true;
}
