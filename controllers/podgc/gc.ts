// The pod GC pass: delete terminated pods over the threshold, stuck terminating pods, and pods of deleted nodes.

import { isPodTerminated } from '../../apiserver/api/pod-state.js';
import { R } from '../../apiserver/api/resources.js';
import { isNotFound } from '../../apiserver/api/status.js';
import type { Node, Pod } from '../../apiserver/api/types.js';
import { keyOf, patchPodStatus, withTransitionTime, type Client, type Clock, type Logger } from '../runtime/index.js';
import { missingNodes, Quarantine, terminatedToDelete, terminatingOutOfService, unscheduledTerminating } from './select.js';

/** The part of the client pod GC uses (tests pass a recording fake). */
export type GCClient = Pick<Client, 'get' | 'patch' | 'delete'>;

/** Dependencies of a pod GC pass. */
export interface PodGCDeps {
  client: GCClient;
  clock: Clock;
  logger: Logger;
  pods(): Pod[];
  nodes(): Node[];
  node(name: string): Node | undefined;
}

/** Settled options of pod GC. */
export interface PodGCConfig {
  terminatedThreshold: number;
  quarantineMs: number;
}

const CONTROLLER = 'podgc';

/** A pod condition as upstream's PodGC writes it. */
const ORPHANED = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' };

/**
 * Upstream PodGCController.gc, one pass over the caches, in upstream's order: gcTerminated, gcTerminating,
 * gcOrphaned, gcUnscheduledTerminating.
 * Assumptions / Invariants:
 * - A pod is force-deleted (grace 0) after, when not yet terminal, its status was patched to phase Failed (plus
 *   DisruptionTarget/DeletionByPodGC for orphans), so an orphan never stays Running with no kubelet to end it.
 * - A node counts as deleted only once it has been missing from the cache for the quarantine and a live GET
 *   answers NotFound; the node is queued again by a later pass if pods still name it.
 * - NotFound on any write means someone else finished the job; other errors are logged and retried next pass.
 */
export class PodGC {
  private readonly quarantine: Quarantine;

  constructor(private readonly deps: PodGCDeps, private readonly cfg: PodGCConfig) {
    this.quarantine = new Quarantine(cfg.quarantineMs);
  }

  /** Names of missing nodes still in quarantine (for tests). */
  quarantined(): string[] {
    return this.quarantine.waiting();
  }

  /** One pass. */
  async gc(): Promise<void> {
    const pods = this.deps.pods();
    for (const p of terminatedToDelete(pods, this.cfg.terminatedThreshold)) await this.markFailedAndDelete(p, 'terminated');
    for (const p of terminatingOutOfService(pods, this.deps.node)) await this.markFailedAndDelete(p, 'terminating on an out-of-service node');
    await this.gcOrphaned(pods);
    for (const p of unscheduledTerminating(pods)) await this.markFailedAndDelete(p, 'unscheduled and terminating');
  }

  private async gcOrphaned(pods: readonly Pod[]): Promise<void> {
    const { clock, client, logger } = this.deps;
    const existing = new Set(this.deps.nodes().map((n) => n.metadata?.name ?? ''));
    this.quarantine.add(missingNodes(pods, existing), clock.now());
    const deleted = new Set<string>();
    for (const name of this.quarantine.due(clock.now())) {
      if (existing.has(name)) continue;
      try {
        await client.get(R.nodes, undefined, name);
      } catch (err) {
        if (isNotFound(err)) deleted.add(name);
        else logger.warn({ controller: CONTROLLER, node: name, err }, 'checking a missing node failed');
      }
    }
    if (deleted.size === 0) return;
    for (const p of pods) {
      if (!deleted.has(p.spec?.nodeName ?? '')) continue;
      await this.markFailedAndDelete(p, `orphaned: node ${p.spec?.nodeName ?? ''} no longer exists`, ORPHANED);
    }
  }

  /** Upstream markFailedAndDeletePodWithCondition. */
  private async markFailedAndDelete(pod: Pod, why: string, condition?: typeof ORPHANED): Promise<void> {
    const { client, clock, logger } = this.deps;
    const key = keyOf(pod);
    const ns = pod.metadata?.namespace;
    const name = pod.metadata?.name ?? '';
    logger.info({ controller: CONTROLLER, key, reason: why }, 'force deleting pod');
    try {
      if (!isPodTerminated(pod)) {
        const status: Record<string, unknown> = { phase: 'Failed' };
        if (condition) status.conditions = [withTransitionTime(pod, condition, clock.now())];
        await patchPodStatus(client, pod, status);
      }
      await client.delete(R.pods, ns, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } });
    } catch (err) {
      if (isNotFound(err)) return;
      logger.error({ controller: CONTROLLER, key, err }, 'force deleting pod failed; retrying next pass');
    }
  }
}
