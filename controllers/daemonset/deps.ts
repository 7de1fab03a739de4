// What a DaemonSet sync reads and writes through: the caches, the client, the clock, events, and its in-memory state.

import type { ControllerRevision, DaemonSet, Node, Pod } from '../../apiserver/api/types.js';
import type { Client, Clock, EventRecorder, Expectations, Logger } from '../runtime/index.js';
import type { Backoff } from './backoff.js';
import type { PodCacheView } from './expectations.js';

/** The read-only caches a sync plans from (objects must not be changed). */
export interface DaemonSetCaches {
  dsets: { get(namespace: string, name: string): DaemonSet | undefined };
  pods: PodCacheView & { list(namespace: string): Pod[] };
  nodes: { list(): Node[] };
  revisions: { list(namespace: string): ControllerRevision[] };
}

/** Everything syncDaemonSet uses. */
export interface DaemonSetDeps extends DaemonSetCaches {
  client: Client;
  clock: Clock;
  logger: Logger;
  recorder: EventRecorder;
  expectations: Expectations;
  backoff: Backoff;
  /** Upstream burstReplicas: at most this many creates and this many deletes per sync (250). */
  burstReplicas: number;
}

/** The controller's name in logs. */
export const CONTROLLER = 'daemonset-controller';
