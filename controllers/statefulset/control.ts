// The StatefulSet planner (upstream updateStatefulSet): from the set, its revisions and pods, the writes of one sync.

import { isTerminating } from '../../apiserver/api/pod-state.js';
import type { PersistentVolumeClaim, Pod, StatefulSet } from '../../apiserver/api/types.js';
import { claimsMatchRetentionPolicy, podClaimIsStale } from './retention.js';
import { newStatus, type SetStatus } from './status.js';
import {
  allowsBurst, claimNames, getOrdinal, getPodName, getPodRevision, getStartOrdinal, identityMatches, isCreated, isFailed,
  isHealthy, isPending, isRunningAndAvailable, isRunningAndReady, isSucceeded, newVersionedStatefulSetPod,
  podInOrdinalRange, replicasOf, storageMatches, type VersionedSet,
} from './util.js';

/** One write of a sync. `set` is the set whose template/claims the write follows (the live set or the update set). */
export type Action =
  /** Create the pod's missing claims, then the pod (upstream CreateStatefulPod). */
  | { type: 'create'; pod: Pod }
  /** A Pending pod: create its missing claims and fix their retention refs (createMissingPersistentVolumeClaims). */
  | { type: 'createClaims'; pod: Pod }
  /** Delete a failed, condemned or outdated pod. */
  | { type: 'delete'; pod: Pod; why: 'failed' | 'condemned' | 'update' }
  /** Restore identity labels, storage volumes and claim retention refs (UpdateStatefulPod, with the update set). */
  | { type: 'update'; pod: Pod }
  /** A condemned pod's claims: retention refs (UpdatePodClaimForRetentionPolicy, with the update set). */
  | { type: 'fixClaims'; pod: Pod };

/** What updateStatefulSet reads. */
export interface UpdateInput {
  set: StatefulSet;
  current: VersionedSet;
  update: VersionedSet;
  collisionCount: number;
  /** The set's pods (claimed, members by name). */
  pods: readonly Pod[];
  /** A claim of the set's namespace by name, from the cache. */
  claims: (name: string) => PersistentVolumeClaim | undefined;
  now: number;
}

/** The plan of one sync: the status to publish, and steps run in order (a step's actions at once; a failure ends the sync). */
export interface UpdatePlan {
  status: SetStatus;
  steps: Action[][];
}

/** Upstream's MaxBatchSize for Parallel slow-start batches. */
const MAX_BATCH = 500;

/** Slow-start batches 1, 2, 4, … (at most 500) over `actions` (upstream slowStartBatch). */
export function slowStartBatches(actions: Action[]): Action[][] {
  const out: Action[][] = [];
  let size = 1;
  for (let i = 0; i < actions.length; i += size, size = Math.min(size * 2, MAX_BATCH)) out.push(actions.slice(i, i + size));
  return out;
}

/**
 * Replicas by index (ordinal − start), the condemned pods by descending ordinal. A gap holds a placeholder with only
 * the pod's name (no phase: not created); the pod itself is built when it is to be created, so a sync of a large set
 * with few pods does not build every missing pod (upstream builds them all with newVersionedStatefulSetPod).
 */
export function partitionPods(input: UpdateInput): { replicas: Pod[]; condemned: Pod[] } {
  const { set } = input;
  const start = getStartOrdinal(set);
  const replicas: Array<Pod | undefined> = new Array(replicasOf(set)).fill(undefined);
  const condemned: Pod[] = [];
  for (const pod of input.pods) {
    if (podInOrdinalRange(pod, set)) replicas[getOrdinal(pod) - start] = pod;
    else if (getOrdinal(pod) >= 0) condemned.push(pod);
  }
  const filled = replicas.map((p, i) => p ?? { metadata: { name: getPodName(set, i + start), namespace: set.metadata?.namespace } });
  condemned.sort((a, b) => getOrdinal(b) - getOrdinal(a));
  return { replicas: filled, condemned };
}

/** What the replica pass decided for one replica: actions, and whether an OrderedReady sync stops there. */
interface Step {
  actions: Action[];
  exit: boolean;
}

function claimsMissing(set: StatefulSet, pod: Pod, claims: UpdateInput['claims']): boolean {
  return claimNames(set, getOrdinal(pod)).some((name) => !claims(name));
}

/**
 * One replica (upstream processReplica). Assumptions / Invariants: a Failed or Succeeded pod is deleted and recreated
 * by a later sync under the same name; a missing pod is created (unless a stale claim of an earlier pod blocks it);
 * with OrderedReady the pass stops at a created pod, at a terminating one, and at one not Running+Ready+available.
 */
function processReplica(input: UpdateInput, monotonic: boolean, pod: Pod): Step {
  const { set, claims, now } = input;
  const updateSet = input.update.set;
  if (isFailed(pod) || isSucceeded(pod)) return { actions: isTerminating(pod) ? [] : [{ type: 'delete', pod, why: 'failed' }], exit: true };
  if (!isCreated(pod)) {
    if (podClaimIsStale(set, pod, claims)) return { actions: [], exit: true };
    return { actions: [{ type: 'create', pod: newVersionedStatefulSetPod(input.current, input.update, getOrdinal(pod)) }], exit: monotonic };
  }
  const actions: Action[] = [];
  if (isPending(pod) && (claimsMissing(set, pod, claims) || !claimsMatchRetentionPolicy(set, pod, claims))) actions.push({ type: 'createClaims', pod });
  if (monotonic && (isTerminating(pod) || !isRunningAndReady(pod) || !isRunningAndAvailable(pod, set.spec?.minReadySeconds ?? 0, now))) return { actions, exit: true };
  const retentionMatch = claimsMatchRetentionPolicy(updateSet, pod, claims);
  if (!(identityMatches(set, pod) && storageMatches(set, pod) && retentionMatch)) actions.push({ type: 'update', pod });
  return { actions, exit: false };
}

/**
 * One condemned pod (upstream processCondemned). With OrderedReady only one is deleted per sync, highest ordinal first,
 * and only once every other pod is Running+Ready+available (the first unhealthy pod itself may go).
 */
function processCondemned(input: UpdateInput, monotonic: boolean, pod: Pod, firstUnhealthy: Pod | undefined): Step {
  if (isTerminating(pod)) return { actions: [], exit: monotonic };
  if (monotonic && pod !== firstUnhealthy && (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, input.set.spec?.minReadySeconds ?? 0, input.now))) return { actions: [], exit: true };
  return { actions: [{ type: 'delete', pod, why: 'condemned' }], exit: monotonic };
}

/** Runs `fn` over `pods`: OrderedReady one at a time until an exit, Parallel over all (exits ignored) in slow-start batches. */
function runForAll(pods: readonly Pod[], monotonic: boolean, fn: (pod: Pod) => Step, steps: Action[][]): boolean {
  if (!monotonic) {
    steps.push(...slowStartBatches(pods.flatMap((p) => fn(p).actions)));
    return false;
  }
  for (const pod of pods) {
    const r = fn(pod);
    for (const a of r.actions) steps.push([a]);
    if (r.exit) return true;
  }
  return false;
}

/**
 * The writes of one sync (upstream updateStatefulSet, with MaxUnavailableStatefulSet off as in 1.32).
 * Assumptions / Invariants: observedGeneration is always raised; replicas are processed before condemned pods, and
 * scaling takes precedence over updates; a RollingUpdate deletes the highest-ordinal pod at or above the partition
 * whose revision is not the update revision — one per sync, only once every higher one is healthy. OnDelete and a
 * deleting set update nothing.
 */
export function updateStatefulSet(input: UpdateInput): UpdatePlan {
  const { set } = input;
  const status = newStatus(set, input.current.revision, input.update.revision, input.collisionCount, input.pods, input.now);
  const { replicas, condemned } = partitionPods(input);
  const firstUnhealthy = replicas.find((p) => !isHealthy(p)) ?? [...condemned].reverse().find((p) => !isHealthy(p));
  const steps: Action[][] = [];
  const plan = { status, steps };
  if (set.metadata?.deletionTimestamp) return plan;
  const monotonic = !allowsBurst(set);
  if (runForAll(replicas, monotonic, (p) => processReplica(input, monotonic, p), steps)) return plan;
  const fixClaims = (pod: Pod): Step => ({ actions: claimsMatchRetentionPolicy(input.update.set, pod, input.claims) ? [] : [{ type: 'fixClaims', pod }], exit: false });
  runForAll(condemned, monotonic, fixClaims, steps);
  if (runForAll(condemned, monotonic, (p) => processCondemned(input, monotonic, p, firstUnhealthy), steps)) return plan;
  if (set.spec?.updateStrategy?.type === 'OnDelete') return plan;
  rollingUpdate(input, replicas, status, steps);
  return plan;
}

/** The rolling-update tail of updateStatefulSet: one outdated pod deleted, from the highest index down to the partition. */
function rollingUpdate(input: UpdateInput, replicas: Pod[], status: SetStatus, steps: Action[][]): void {
  const ru = input.set.spec?.updateStrategy?.rollingUpdate;
  const updateMin = ru ? (ru.partition ?? 0) : 0;
  for (let target = replicas.length - 1; target >= updateMin; target--) {
    const pod = replicas[target]!;
    if (isCreated(pod) && getPodRevision(pod) !== input.update.revision && !isTerminating(pod)) {
      steps.push([{ type: 'delete', pod, why: 'update' }]);
      status.currentReplicas--;
      return;
    }
    if (!isHealthy(pod)) return;
  }
}
