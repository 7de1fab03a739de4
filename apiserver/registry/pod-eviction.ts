// pods/eviction: deleting a pod subject to its PodDisruptionBudget, as upstream's EvictionREST.

import * as S from '../api/status.js';
import { R } from '../api/resources.js';
import { isPlainObject, type KObject } from '../api/types.js';
import { isEverything, matches, selectorFromLabelSelector } from '../api/labels.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { timestamp } from './prepare.js';
import { isPodReady, setPodCondition } from './pod-conditions.js';
import { updateDisruptionAllowed } from './pdb-status.js';
import type { DeleteOptions, Registry } from './store.js';

/** Upstream MaxDisruptedPodSize. */
const MAX_DISRUPTED_PODS = 2000;
/** Upstream EvictionsRetry.Steps: conflicts are retried this many times. */
const RETRIES = 20;

const BUDGET_MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget.";

/** What an eviction needs from the server. */
export interface EvictionDeps {
  registry: Registry;
  now: () => Date;
}

type Obj = Record<string, unknown>;
const statusOf = (o: KObject): Obj => (isPlainObject(o.status) ? o.status : {});
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** 429 with the DisruptionBudget cause (upstream createTooManyRequestsError and checkAndDecrement). */
function budgetError(cause: string, retryAfterSeconds: number): S.ApiError {
  const e = S.tooManyRequests(BUDGET_MESSAGE, retryAfterSeconds > 0 ? retryAfterSeconds : undefined);
  e.status.details = { ...e.status.details, causes: [{ reason: 'DisruptionBudget', message: cause }] };
  return e;
}

const stillProcessing = (pdb: string): S.ApiError => budgetError(`The disruption budget ${pdb} is still being processed by the server.`, 10);

/** Upstream canIgnorePDB: terminal, pending and terminating pods are deleted without looking at budgets. */
function canIgnoreBudget(pod: KObject): boolean {
  const phase = statusOf(pod).phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp;
}

/** Upstream shouldEnforceResourceVersion: pods that could still turn ready are deleted at the revision checked. */
function enforceResourceVersion(pod: KObject): boolean {
  const phase = statusOf(pod).phase;
  return !(phase === 'Succeeded' || phase === 'Failed' || !!pod.metadata.deletionTimestamp);
}

function withResourceVersion(opts: DeleteOptions, rv: string | undefined): DeleteOptions {
  return { ...opts, preconditions: { ...(opts.preconditions ?? {}), resourceVersion: rv ?? '' } };
}

/** The budgets whose (non-empty, valid) selector matches the pod (upstream getPodDisruptionBudgets). */
async function budgetsOf(registry: Registry, pod: KObject): Promise<KObject[]> {
  const list = await registry.list(R.poddisruptionbudgets, pod.metadata.namespace);
  return list.items.filter((pdb) => {
    const spec = isPlainObject(pdb.spec) ? pdb.spec : {};
    try {
      const sel = selectorFromLabelSelector(spec.selector as LabelSelector | undefined);
      return !isEverything(sel) && matches(sel, pod.metadata.labels);
    } catch {
      return false;
    }
  });
}

/**
 * Upstream checkAndDecrement, on the latest budget: a budget its controller has not observed yet is 429 (retry
 * after 10 s); a negative or overfull one is 403; none left is 429; otherwise disruptionsAllowed goes down by one,
 * the pod is recorded in disruptedPods and the status written (nothing is written on dry-run).
 */
async function checkAndDecrement(deps: EvictionDeps, pdbName: string, pod: KObject, dryRun: boolean): Promise<void> {
  const ns = pod.metadata.namespace;
  const forbidden = (why: string): S.ApiError => S.forbidden({ group: 'policy', resource: 'poddisruptionbudget' }, pdbName, why);
  const decide = (pdb: KObject): KObject => {
    const st = statusOf(pdb);
    if (num(st.observedGeneration) < num(pdb.metadata.generation)) throw stillProcessing(pdbName);
    if (num(st.disruptionsAllowed) < 0) throw forbidden('pdb disruptions allowed is negative');
    if (Object.keys(isPlainObject(st.disruptedPods) ? st.disruptedPods : {}).length > MAX_DISRUPTED_PODS) {
      throw forbidden('DisruptedPods map too big - too many evictions not confirmed by PDB controller');
    }
    if (num(st.disruptionsAllowed) === 0) {
      throw budgetError(`The disruption budget ${pdbName} needs ${num(st.desiredHealthy)} healthy pods and has ${num(st.currentHealthy)} currently`, 0);
    }
    const now = timestamp(deps.now());
    const next: Obj = { ...st, disruptionsAllowed: num(st.disruptionsAllowed) - 1 };
    if (next.disruptionsAllowed === 0) updateDisruptionAllowed(next, now);
    next.disruptedPods = { ...(isPlainObject(st.disruptedPods) ? st.disruptedPods : {}), [pod.metadata.name ?? '']: now };
    pdb.status = next;
    return pdb;
  };
  if (dryRun) {
    decide(await deps.registry.get(R.poddisruptionbudgets, ns, pdbName));
    return;
  }
  await deps.registry.guaranteedUpdate(R.poddisruptionbudgets, ns, pdbName, decide, { subresource: 'status' });
}

/**
 * Upstream addConditionAndDeletePod: outside dry-run the pod first gets the DisruptionTarget condition (a status
 * write checked against the preconditions, whose resourceVersion then follows the write), then it is deleted.
 */
async function markAndDelete(deps: EvictionDeps, ns: string, name: string, opts: DeleteOptions): Promise<void> {
  let options = opts;
  if (!opts.dryRun) {
    const updated = await deps.registry.guaranteedUpdate(R.pods, ns, name, (pod) => {
      const p = opts.preconditions;
      const conflict = (why: string): S.ApiError => S.conflict({ group: '', resource: 'Pod' }, name, why);
      if (p?.uid && p.uid !== pod.metadata.uid) {
        throw conflict(`the UID in the precondition (${p.uid}) does not match the UID in record (${pod.metadata.uid ?? ''}). The object might have been deleted and then recreated`);
      }
      if (p?.resourceVersion && p.resourceVersion !== pod.metadata.resourceVersion) {
        throw conflict(`the ResourceVersion in the precondition (${p.resourceVersion}) does not match the ResourceVersion in record (${pod.metadata.resourceVersion ?? ''}). The object might have been modified`);
      }
      setPodCondition(pod, { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' }, timestamp(deps.now()));
      return pod;
    }, { subresource: 'status' });
    if (opts.preconditions?.resourceVersion) options = withResourceVersion(opts, updated.metadata.resourceVersion);
  }
  await deps.registry.delete(R.pods, ns, name, options);
}

/** Deletes a pod whose budget need not be checked (retrying conflicts unless the caller gave a resourceVersion); `deleted` is false when its budget must be checked. */
async function evictIgnoringBudgets(deps: EvictionDeps, ns: string, name: string, opts: DeleteOptions): Promise<{ pod: KObject; deleted: boolean }> {
  const userRV = !!opts.preconditions?.resourceVersion;
  for (let attempt = 1; ; attempt++) {
    const pod = await deps.registry.get(R.pods, ns, name);
    if (!canIgnoreBudget(pod)) return { pod, deleted: false };
    const options = enforceResourceVersion(pod) && !userRV ? withResourceVersion(opts, pod.metadata.resourceVersion) : opts;
    try {
      await markAndDelete(deps, ns, name, options);
      return { pod, deleted: true };
    } catch (e) {
      if (!S.isConflict(e) || userRV || attempt >= RETRIES) throw e;
    }
  }
}

/**
 * Evicts a pod (upstream EvictionREST.Create). Invariants: pods that are terminal, pending or already terminating
 * are deleted at once; otherwise the one budget selecting the pod must allow a disruption (more than one budget is a
 * 500); an unready pod is deleted without spending the budget while the budget is healthy (or its policy is
 * AlwaysAllow), at the resourceVersion it was judged at (a conflict then is a 429 so the client retries).
 */
export async function evictPod(deps: EvictionDeps, ns: string, name: string, opts: DeleteOptions): Promise<S.Status> {
  const success: S.Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
  const first = await evictIgnoringBudgets(deps, ns, name, opts);
  if (first.deleted) return success;
  const pod = first.pod;
  const pdbs = await budgetsOf(deps.registry, pod);
  if (pdbs.length > 1) {
    throw new S.ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', code: 500 });
  }
  let judgedAt: string | undefined;
  const pdb = pdbs[0];
  if (pdb) {
    const spec = isPlainObject(pdb.spec) ? pdb.spec : {};
    const st = statusOf(pdb);
    const unhealthyOk = spec.unhealthyPodEvictionPolicy === 'AlwaysAllow' || (num(st.currentHealthy) >= num(st.desiredHealthy) && num(st.desiredHealthy) > 0);
    if (!isPodReady(pod) && unhealthyOk) judgedAt = pod.metadata.resourceVersion;
    else await checkAndDecrement(deps, pdb.metadata.name ?? '', pod, !!opts.dryRun);
  }
  const options = judgedAt !== undefined ? withResourceVersion(opts, judgedAt) : opts;
  try {
    await markAndDelete(deps, ns, name, options);
  } catch (e) {
    if (S.isConflict(e) && judgedAt !== undefined && !opts.preconditions?.resourceVersion && pdb) throw stillProcessing(pdb.metadata.name ?? '');
    throw e;
  }
  return success;
}
