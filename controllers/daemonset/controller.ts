// The DaemonSet controller: syncDaemonSet (history, manage, rolling update, clean-up, status) and its sync loop.

import { isEverything, selectorFromLabelSelector } from '../../apiserver/api/labels.js';
import { R } from '../../apiserver/api/resources.js';
import type { ControllerRevision, DaemonSet, Node, Pod } from '../../apiserver/api/types.js';
import { claim } from '../history/index.js';
import { keyOf, splitKey, updateStatusRetrying, type Controller, type ReconcileResult, type Runtime } from '../runtime/index.js';
import { Backoff } from './backoff.js';
import { getDaemonPods } from './claim.js';
import { CONTROLLER, type DaemonSetDeps } from './deps.js';
import { newPodExpectations, podWritesSeen } from './expectations.js';
import { nodeAddKeys, nodeUpdateKeys, ownerKeys, readyResync, type DaemonSetLister } from './handlers.js';
import { cleanupHistory, constructHistory, hashOf } from './history.js';
import { syncNodes } from './pod-control.js';
import { calculateStatus, statusUpToDate, withStatus } from './status.js';
import { manage, type Plan } from './sync.js';
import { rollingUpdate } from './update.js';

const minMs = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined ? b : b === undefined ? a : Math.min(a, b));

/** The pods in the cache that `ds` controls and selects (no adoption: for status). */
export function ownedPods(deps: DaemonSetDeps, ds: DaemonSet): Pod[] {
  return claim(ds, selectorFromLabelSelector(ds.spec?.selector), deps.pods.list(ds.metadata?.namespace ?? '')).owned;
}

/** Writes the plan: its events, then its creates and deletes (podsToDelete are names of `pods`). */
async function execute(deps: DaemonSetDeps, ds: DaemonSet, key: string, plan: Plan, pods: readonly Pod[], hash: string): Promise<void> {
  for (const e of plan.events) deps.recorder.event(ds, e.type, e.reason, e.message);
  const byName = new Map(pods.map((p) => [p.metadata?.name ?? '', p]));
  const toDelete = [...new Set(plan.podsToDelete)].map((n) => byName.get(n)).filter((p): p is Pod => p !== undefined);
  if (toDelete.length > 0 || plan.nodesNeedingDaemonPods.length > 0) await syncNodes(deps, ds, key, toDelete, plan.nodesNeedingDaemonPods, hash);
}

/** Status PUTs per write (upstream storeDaemonSetStatus: StatusUpdateRetries = 1 retry, on any error). */
const STATUS_ATTEMPTS = 2;

/**
 * Recomputes the status and writes it when it changed (upstream updateDaemonSetStatus + storeDaemonSetStatus): a
 * PUT of /status, once more on a fresh read if it fails. Returns when to look again while pods wait out
 * minReadySeconds.
 */
export async function updateDaemonSetStatus(deps: DaemonSetDeps, ds: DaemonSet, hash: string, updateObservedGen: boolean): Promise<number | undefined> {
  const counts = calculateStatus(ds, deps.nodes.list(), ownedPods(deps, ds), hash, deps.clock.now());
  if (!statusUpToDate(ds, counts)) {
    const observed = updateObservedGen ? (ds.metadata?.generation ?? 0) : undefined;
    await updateStatusRetrying(deps.client, R.daemonsets, ds, (cur) => withStatus(cur, counts, observed), { attempts: STATUS_ATTEMPTS });
  }
  const minReady = ds.spec?.minReadySeconds ?? 0;
  return minReady > 0 && counts.numberReady !== counts.numberAvailable ? minReady * 1000 : undefined;
}

/**
 * Upstream updateDaemonSet: manage, then (when manage wrote nothing, so the pods read are still current, and the
 * strategy is RollingUpdate) the rolling update, then the history clean-up. Returns the back-off requeue, if any.
 */
async function updateDaemonSet(deps: DaemonSetDeps, ds: DaemonSet, key: string, hash: string, old: readonly ControllerRevision[]): Promise<number | undefined> {
  const pods = await getDaemonPods(deps, ds);
  const nodes = deps.nodes.list();
  const now = deps.clock.now();
  const plan = manage({ ds, hash, now, backoff: deps.backoff }, nodes, pods);
  await execute(deps, ds, key, plan, pods, hash);
  const wrote = plan.podsToDelete.length > 0 || plan.nodesNeedingDaemonPods.length > 0;
  if (!wrote && (ds.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
    await execute(deps, ds, key, rollingUpdate(ds, nodes, pods, hash, now), pods, hash);
  }
  await cleanupHistory(deps, ds, old, pods).catch((e: unknown) => {
    throw new Error(`failed to clean up revisions of DaemonSet: ${(e as Error).message}`);
  });
  return plan.requeueAfterMs;
}

/**
 * Reconciles one DaemonSet (upstream syncDaemonSet).
 *
 * Assumptions / Invariants (daemon_controller.go): a DaemonSet gone from the cache only has its expectations
 * dropped; one selecting everything gets a SelectingAll warning; one being deleted is left to the garbage
 * collector (no pod work, no status). History comes first (the current hash). While earlier creates or deletes are
 * not in the cache yet, only the status is written, without raising observedGeneration. Otherwise pods are
 * managed, and the status is written with observedGeneration even if that failed (the failure is then thrown).
 */
export async function syncDaemonSet(deps: DaemonSetDeps, key: string): Promise<ReconcileResult> {
  const { namespace = '', name } = splitKey(key);
  const ds = deps.dsets.get(namespace, name);
  if (!ds) {
    deps.expectations.forget(key);
    return;
  }
  if (ds.spec?.selector && isEverything(selectorFromLabelSelector(ds.spec.selector))) {
    deps.recorder.event(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
    return;
  }
  if (ds.metadata?.deletionTimestamp) return;
  deps.backoff.gc(deps.clock.now());
  const { cur, old } = await constructHistory(deps, ds);
  const hash = hashOf(cur);
  if (!podWritesSeen(deps.expectations, key, namespace, deps.pods)) {
    const after = await updateDaemonSetStatus(deps, ds, hash, false);
    return after === undefined ? undefined : { requeueAfterMs: after };
  }
  let backoff: number | undefined;
  let failure: unknown;
  try {
    backoff = await updateDaemonSet(deps, ds, key, hash, old);
  } catch (e) {
    failure = e;
  }
  let after: number | undefined;
  try {
    after = await updateDaemonSetStatus(deps, ds, hash, true);
  } catch (e) {
    if (failure === undefined) throw e;
    deps.logger.error({ controller: CONTROLLER, key, err: e }, 'failed to update status');
  }
  if (failure !== undefined) throw failure;
  const requeueAfterMs = minMs(backoff, after);
  return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
}

/** Options of the DaemonSet controller. */
export interface DaemonSetControllerOptions {
  /** Concurrent syncs (kube-controller-manager --concurrent-daemonset-syncs, default 2). */
  workers?: number;
  /** Creates and deletes per sync (upstream BurstReplicas, 250). */
  burstReplicas?: number;
}

const BY_NAMESPACE = 'namespace';
const namespaceOf = (o: { metadata?: { namespace?: string } }): string[] => [o.metadata?.namespace ?? ''];

/**
 * Builds the DaemonSet controller on `rt`: shared informers for daemonsets, pods, nodes and controllerrevisions (all
 * but nodes indexed by namespace), the handlers that turn their changes into DaemonSet keys, and
 * `reconcile = syncDaemonSet`. Upstream has no node-delete handler; here a deleted node resyncs every DaemonSet, so
 * the status and unscheduled pods aimed at the node follow at once.
 */
export function newDaemonSetController(rt: Runtime, opts: DaemonSetControllerOptions = {}): Controller {
  const dsets = rt.informer<DaemonSet>(R.daemonsets);
  const pods = rt.informer<Pod>(R.pods);
  const nodes = rt.informer<Node>(R.nodes);
  const revisions = rt.informer<ControllerRevision>(R.controllerrevisions);
  dsets.addIndex(BY_NAMESPACE, namespaceOf);
  pods.addIndex(BY_NAMESPACE, namespaceOf);
  revisions.addIndex(BY_NAMESPACE, namespaceOf);
  const lister: DaemonSetLister = { get: (ns, name) => dsets.get(ns, name), inNamespace: (ns) => dsets.byIndex(BY_NAMESPACE, ns), list: () => dsets.list() };
  const deps: DaemonSetDeps = {
    client: rt.client,
    clock: rt.clock,
    logger: rt.logger,
    recorder: rt.recorder('daemonset-controller'),
    expectations: newPodExpectations(() => rt.clock.now()),
    backoff: new Backoff(rt.clock),
    burstReplicas: opts.burstReplicas ?? 250,
    dsets: lister,
    pods: { list: (ns) => pods.byIndex(BY_NAMESPACE, ns), get: (ns, name) => pods.get(ns, name), resourceVersion: () => pods.lastSyncResourceVersion },
    nodes: { list: () => nodes.list() },
    revisions: { list: (ns) => revisions.byIndex(BY_NAMESPACE, ns) },
  };
  const controller = rt.controller({
    name: 'daemonset',
    workers: opts.workers ?? 2,
    sources: [
      { informer: dsets, toKeys: (ds: DaemonSet) => [keyOf(ds)] },
      { informer: pods, toKeys: (p: Pod) => ownerKeys(lister, p) },
      { informer: revisions, toKeys: (cr: ControllerRevision) => ownerKeys(lister, cr) },
      { informer: nodes, toKeys: () => [] },
    ],
    reconcile: (key) => syncDaemonSet(deps, key),
  });
  const add = (keys: string[]): void => keys.forEach((k) => controller.queue.add(k));
  nodes.addEventHandler({ add: (n) => add(nodeAddKeys(lister, n)), update: (o, n) => add(nodeUpdateKeys(lister, o, n)), delete: () => add(dsets.list().map(keyOf)) });
  pods.addEventHandler({
    update: (o, n) => {
      const r = readyResync(lister, o, n);
      if (r) controller.queue.addAfter(r.key, r.afterMs);
    },
  });
  return controller;
}
