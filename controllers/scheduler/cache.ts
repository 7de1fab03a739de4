// The scheduler's view of the cluster: one NodeInfo per node with the pods bound or assumed on it.

import type { Node, Pod } from '../../apiserver/api/types.js';
import { nodeInfoInputsChanged } from './events.js';
import { addPod, newNodeInfo, removePod, setNode, type NodeInfo, type Snapshot } from './framework.js';

/**
 * Assumptions / Invariants (upstream internal/cache): a pod counts on its node from the moment it is assumed (before
 * the binding is confirmed), so a burst never overcommits a node; the informer's bound pod replaces the assumed
 * one; a failed binding forgets the assumption; terminal pods do not count (the informer excludes them).
 */
export class SchedulerCache {
  private readonly infos = new Map<string, NodeInfo>();
  /** uid → the node a pod counts on, and the pod object counted. */
  private readonly placed = new Map<string, { node: string; pod: Pod }>();
  private list: NodeInfo[] | undefined;
  /** Pods bound to a node not (yet) known: counted once it appears. */
  private readonly orphans = new Map<string, Pod>();

  /** A node added or changed. */
  upsertNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    const info = this.infos.get(name);
    if (info) {
      setNode(info, node);
      return;
    }
    const fresh = newNodeInfo(node);
    this.infos.set(name, fresh);
    this.list = undefined;
    for (const [uid, pod] of this.orphans) {
      if (pod.spec?.nodeName !== name) continue;
      this.orphans.delete(uid);
      this.addBound(pod);
    }
  }

  /** A node changed: only the object is replaced when allocatable and images are the same (no NodeInfo rebuild). */
  updateNode(old: Node, node: Node): void {
    const info = this.infos.get(node.metadata?.name ?? '');
    if (info && !nodeInfoInputsChanged(old, node)) info.node = node;
    else this.upsertNode(node);
  }

  /** A node deleted. */
  removeNode(name: string): void {
    const info = this.infos.get(name);
    if (!info) return;
    this.infos.delete(name);
    this.list = undefined;
    for (const p of info.pods) {
      const uid = p.metadata?.uid ?? '';
      this.placed.delete(uid);
      this.orphans.set(uid, p);
    }
  }

  /** A pod bound to a node, as the informer shows it (replaces an assumed copy or an older version). */
  addBound(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    const node = pod.spec?.nodeName ?? '';
    this.forget(uid);
    const info = this.infos.get(node);
    if (!info) {
      this.orphans.set(uid, pod);
      return;
    }
    addPod(info, pod);
    this.placed.set(uid, { node, pod });
  }

  /** Counts a pod on the node chosen for it, before its binding is confirmed. */
  assume(pod: Pod, node: string): void {
    const uid = pod.metadata?.uid ?? '';
    this.forget(uid);
    const info = this.infos.get(node);
    if (!info) return;
    const assumed: Pod = { ...pod, spec: { ...pod.spec!, nodeName: node } };
    addPod(info, assumed);
    this.placed.set(uid, { node, pod: assumed });
  }

  /** Stops counting a pod (deleted, terminal, or its binding failed). */
  forget(uid: string): void {
    this.orphans.delete(uid);
    const at = this.placed.get(uid);
    if (!at) return;
    this.placed.delete(uid);
    const info = this.infos.get(at.node);
    if (info) removePod(info, at.pod);
  }

  /** Whether a pod is counted on a node (bound or assumed). */
  isPlaced(uid: string): boolean {
    return this.placed.has(uid);
  }

  /** The nodes as the algorithm reads them. */
  snapshot(namespaceLabels: Snapshot['namespaceLabels']): Snapshot {
    this.list ??= [...this.infos.values()].sort((a, b) => (a.node.metadata?.name ?? '').localeCompare(b.node.metadata?.name ?? ''));
    return { nodes: this.list, namespaceLabels };
  }

  get nodeCount(): number {
    return this.infos.size;
  }
}
