// The DaemonSet controller's pod writes (upstream syncNodes with RealPodControl): slow-start creates, deletes, events.

import { R } from '../../apiserver/api/resources.js';
import { ApiError, isNotFound } from '../../apiserver/api/status.js';
import type { DaemonSet, Pod } from '../../apiserver/api/types.js';
import { controllerRef } from '../history/index.js';
import type { DaemonSetDeps } from './deps.js';
import { expectPodCreated, expectPodDeleted } from './expectations.js';
import { createPodTemplate, podForNode, templateGeneration } from './util.js';

/** Upstream SlowStartInitialBatchSize. */
const SLOW_START_INITIAL_BATCH = 1;

/** True for the error of a create in a namespace being deleted (upstream: no event, no error). */
function namespaceTerminating(e: unknown): boolean {
  return e instanceof ApiError && (e.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}

/** One create; resolves with the error to report, if any. */
async function createOne(deps: DaemonSetDeps, ds: DaemonSet, key: string, pod: Pod): Promise<Error | undefined> {
  try {
    const created = await deps.client.create<Pod>(R.pods, pod, { namespace: ds.metadata?.namespace });
    expectPodCreated(deps.expectations, key, created);
    deps.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name ?? ''}`);
    return undefined;
  } catch (e) {
    if (namespaceTerminating(e)) return undefined;
    deps.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
    return e as Error;
  }
}

/** One delete; resolves with the error to report, if any (a pod already gone is fine). */
async function deleteOne(deps: DaemonSetDeps, ds: DaemonSet, key: string, pod: Pod): Promise<Error | undefined> {
  const name = pod.metadata?.name ?? '';
  try {
    await deps.client.delete(R.pods, pod.metadata?.namespace, name);
    expectPodDeleted(deps.expectations, key, pod);
    deps.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    return undefined;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    deps.recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${(e as Error).message}`);
    return new Error(`unable to delete pods: ${(e as Error).message}`);
  }
}

/** Throws one error for several (upstream utilerrors.NewAggregate's text). */
function aggregate(errs: Error[]): void {
  if (errs.length === 1) throw errs[0];
  if (errs.length > 1) throw new Error(`[${errs.map((e) => e.message).join(', ')}]`);
}

/**
 * Creates a daemon pod for each node in `nodes` and deletes the pods in `toDelete` (upstream syncNodes).
 *
 * Assumptions / Invariants: at most `burstReplicas` of each per call. Creates go in slow-start batches of 1, 2, 4, …
 * (each batch in parallel, the next after it ends); after a batch with a failure the rest is left for a later sync.
 * Deletes go all at once. Every write that succeeds is recorded in the expectations before the next sync can run;
 * events are upstream's (SuccessfulCreate, FailedCreate, SuccessfulDelete, FailedDelete). Failures are thrown
 * together at the end so the key is retried with back-off.
 */
export async function syncNodes(deps: DaemonSetDeps, ds: DaemonSet, key: string, toDelete: readonly Pod[], nodes: readonly string[], hash: string): Promise<void> {
  const createDiff = Math.min(nodes.length, deps.burstReplicas);
  const deleteDiff = Math.min(toDelete.length, deps.burstReplicas);
  const errors: Error[] = [];
  if (createDiff > 0) {
    const template = createPodTemplate(ds.spec?.template, templateGeneration(ds), hash);
    const ref = [controllerRef(ds, 'DaemonSet')];
    let batch = Math.min(createDiff, SLOW_START_INITIAL_BATCH);
    for (let pos = 0; pos < createDiff; pos += batch, batch = Math.min(2 * batch, createDiff - pos)) {
      const results = await Promise.all(nodes.slice(pos, pos + batch).map((n) => createOne(deps, ds, key, podForNode(ds, template, n, ref))));
      const failed = results.filter((e): e is Error => e !== undefined);
      errors.push(...failed);
      if (failed.length > 0) break;
    }
  }
  const deletes = await Promise.all(toDelete.slice(0, deleteDiff).map((p) => deleteOne(deps, ds, key, p)));
  errors.push(...deletes.filter((e): e is Error => e !== undefined));
  aggregate(errors);
}
