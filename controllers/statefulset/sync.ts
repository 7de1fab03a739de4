// One StatefulSet sync: claim pods and revisions, settle the revisions, run the plan, write status, truncate history.

import { podAvailableAt } from '../../apiserver/api/pod-state.js';
import { R } from '../../apiserver/api/resources.js';
import { isConflict } from '../../apiserver/api/status.js';
import type { ControllerRevision, PersistentVolumeClaim, Pod, StatefulSet } from '../../apiserver/api/types.js';
import { selectorFromLabelSelector, type Selector } from '../../apiserver/api/labels.js';
import { canAdoptOnce, createRevision, deleteRevisions } from '../history/index.js';
import { keyOf, updateStatusRetrying, type Client, type Clock, type EventRecorder, type Expectations, type Informer, type Logger, type Observed, type ReconcileResult } from '../runtime/index.js';
import { getPodsForStatefulSet, listRevisions } from './claim.js';
import { updateStatefulSet } from './control.js';
import { runSteps, StatefulPodControl } from './pod-control.js';
import { applyRevision, buildRevision, currentRevisionOf, planUpdateRevision, truncateHistory } from './revisions.js';
import { completeRollingUpdate, inconsistentStatus, toWire, type SetStatus } from './status.js';
import { isRunningAndReady } from './util.js';

/** Index of pods by `<namespace>/<parent set name>` (names that parse as `<set>-<ordinal>`). */
export const MEMBER_INDEX = 'statefulset-member';
/** Index of objects by namespace. */
export const NAMESPACE_INDEX = 'namespace';

/** What a sync reads and writes with. */
export interface SyncDeps {
  client: Client;
  clock: Clock;
  logger: Logger;
  recorder: EventRecorder;
  sets: Informer<StatefulSet>;
  pods: Informer<Pod>;
  revisions: Informer<ControllerRevision>;
  claims: Informer<PersistentVolumeClaim>;
  expectations: Expectations;
}

const CONTROLLER = 'statefulset';

/** The cached object an expectation looks at. */
export function lookup(deps: SyncDeps, kind: string, key: string): Observed | undefined {
  switch (kind) {
    case 'pods':
      return deps.pods.getByKey(key);
    case 'persistentvolumeclaims':
      return deps.claims.getByKey(key);
    case 'controllerrevisions':
      return deps.revisions.getByKey(key);
    default:
      return deps.sets.getByKey(key);
  }
}

/**
 * Reconciles one StatefulSet (upstream StatefulSetController.sync). Waits while the caches have not yet shown this
 * controller's own earlier writes; an invalid selector is logged and not retried, as upstream.
 */
export async function syncStatefulSet(deps: SyncDeps, key: string): Promise<ReconcileResult> {
  const set = deps.sets.getByKey(key);
  if (!set) {
    deps.expectations.forget(key);
    return;
  }
  const wait = deps.expectations.pendingMs(key, (kind, k) => lookup(deps, kind, k));
  if (wait > 0) return { requeueAfterMs: wait };
  let selector: Selector;
  try {
    selector = selectorFromLabelSelector(set.spec?.selector);
  } catch (e) {
    deps.logger.error({ controller: CONTROLLER, key, err: e }, 'invalid selector; not retried');
    return;
  }
  const ns = set.metadata?.namespace ?? '';
  const canAdopt = canAdoptOnce(deps.client, R.statefulsets, set, 'StatefulSet');
  const revisions = await listRevisions(deps.client, set, selector, deps.revisions.byIndex(NAMESPACE_INDEX, ns), canAdopt);
  const pods = await getPodsForStatefulSet(deps.client, set, selector, deps.pods.byIndex(MEMBER_INDEX, `${ns}/${set.metadata?.name ?? ''}`), canAdopt);
  return updateAndRecord(deps, key, set, pods, revisions);
}

/** Upstream UpdateStatefulSet + performUpdate: revisions, plan, writes, status (even after a failed write), history. */
async function updateAndRecord(deps: SyncDeps, key: string, set: StatefulSet, pods: Pod[], revisions: ControllerRevision[]): Promise<ReconcileResult> {
  let collisionCount = set.status?.collisionCount ?? 0;
  let update: ControllerRevision;
  let current: ControllerRevision;
  try {
    const r = await getStatefulSetRevisions(deps, key, set, revisions, collisionCount);
    ({ update, collisionCount } = r);
    current = currentRevisionOf(set, revisions, update);
  } catch (e) {
    await deleteRevisions(deps.client, truncateHistory(set, pods, revisions));
    throw e;
  }
  const now = deps.clock.now();
  const currentSet = applyRevision(set, current);
  const updateSet = applyRevision(set, update);
  const claims = (name: string): PersistentVolumeClaim | undefined => deps.claims.get(set.metadata?.namespace, name);
  const plan = updateStatefulSet({ set, current: currentSet, update: updateSet, collisionCount, pods, claims, now });
  const ctl = new StatefulPodControl({ client: deps.client, recorder: deps.recorder, logger: deps.logger, claim: (n, name) => deps.claims.get(n, name), expectations: deps.expectations }, key);
  let failure: unknown;
  await runSteps(ctl, plan.steps, set, { ...set, spec: { ...set.spec!, template: updateSet.template ?? set.spec!.template } }).catch((e: unknown) => (failure = e));
  await updateStatefulSetStatus(deps, key, set, plan.status).catch((e: unknown) => (failure ??= e));
  await deleteRevisions(deps.client, truncateHistory(set, pods, revisions, current, update)).catch((e: unknown) => (failure ??= e));
  if (failure !== undefined) throw failure;
  return requeueForAvailability(set, pods, now);
}

/**
 * Upstream getStatefulSetRevisions: the update revision is the set's own (unchanged), an older equal one renumbered
 * to max+1 (a rollback), or a new one; a name taken by different data raises collisionCount and tries again.
 */
async function getStatefulSetRevisions(deps: SyncDeps, key: string, set: StatefulSet, revisions: ControllerRevision[], collisionCount: number): Promise<{ update: ControllerRevision; collisionCount: number }> {
  const plan = planUpdateRevision(set, revisions);
  if (plan.kind === 'unchanged') return { update: plan.revision, collisionCount };
  if (plan.kind === 'renumber') {
    const updated = await deps.client.update<ControllerRevision>(R.controllerrevisions, { ...plan.revision, revision: plan.to });
    deps.expectations.expectChanged(key, 'controllerrevisions', keyOf(plan.revision), plan.revision);
    return { update: updated, collisionCount };
  }
  for (;;) {
    const cr = buildRevision(set, plan.data, plan.next, collisionCount);
    const made = await createRevision(deps.client, cr, plan.data);
    if (made.kind === 'collision') {
      collisionCount++;
      continue;
    }
    if (made.kind === 'created') deps.expectations.expectCreated(key, 'controllerrevisions', keyOf(cr));
    return { update: made.revision, collisionCount };
  }
}

/** Status writes tried on conflicts (upstream retry.RetryOnConflict with DefaultRetry: 5 steps). */
const STATUS_ATTEMPTS = 5;

/**
 * Upstream updateStatefulSetStatus: complete a finished rolling update, then PUT /status only if something the
 * controller owns changed. A conflict (the set changed meanwhile) re-reads the set and writes the same status again.
 */
async function updateStatefulSetStatus(deps: SyncDeps, key: string, set: StatefulSet, status: SetStatus): Promise<void> {
  completeRollingUpdate(set, status);
  if (!inconsistentStatus(set, status)) return;
  const wire = toWire(status);
  // A re-read that finds another set of the name (uid changed) stops without writing.
  const build = (cur: StatefulSet): StatefulSet | undefined =>
    cur.metadata?.uid === set.metadata?.uid ? { ...cur, apiVersion: 'apps/v1', kind: 'StatefulSet', status: wire } : undefined;
  if (!(await updateStatusRetrying(deps.client, R.statefulsets, set, build, { attempts: STATUS_ATTEMPTS, retryIf: isConflict }))) return;
  deps.expectations.expectChanged(key, 'statefulsets', key, set);
}

/**
 * With minReadySeconds, a sync must run again when a Ready pod turns available (upstream re-queues after
 * minReadySeconds, and after minReadySeconds+1 s when a pod turns Ready); here: at the earliest such moment.
 */
function requeueForAvailability(set: StatefulSet, pods: readonly Pod[], now: number): ReconcileResult {
  const minReady = set.spec?.minReadySeconds ?? 0;
  if (minReady <= 0) return;
  let earliest = Infinity;
  for (const p of pods) {
    if (!isRunningAndReady(p)) continue;
    const at = podAvailableAt(p, minReady);
    if (at !== undefined && at >= now) earliest = Math.min(earliest, at);
  }
  return earliest === Infinity ? undefined : { requeueAfterMs: earliest - now + 50 };
}
