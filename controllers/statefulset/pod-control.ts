// Carries out a sync's plan against the API: claims before pods, deletes, identity and retention fixes, and their events.

import { R } from '../../apiserver/api/resources.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../apiserver/api/status.js';
import type { PersistentVolumeClaim, Pod, StatefulSet } from '../../apiserver/api/types.js';
import { keyOf, type Client, type EventRecorder, type Expectations, type Logger } from '../runtime/index.js';
import type { Action } from './control.js';
import { claimOwnerRefsForPolicy, claimsMatchRetentionPolicy, hasUnexpectedController, isClaimOwnerUpToDate } from './retention.js';
import { getOrdinal, getPersistentVolumeClaims, identityMatches, storageMatches, updateIdentity, updateStorage } from './util.js';

/** What the pod control writes with, and where it notes writes the caches must show before the next sync. */
export interface PodControlDeps {
  client: Client;
  recorder: EventRecorder;
  logger: Logger;
  /** A cached claim by namespace and name. */
  claim: (namespace: string | undefined, name: string) => PersistentVolumeClaim | undefined;
  expectations: Expectations;
}

const title = (verb: string): string => verb[0]!.toUpperCase() + verb.slice(1);
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The event's involved object: the set, with kind and apiVersion even when a watch left them out. */
function involved(set: StatefulSet): StatefulSet {
  return { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: set.metadata };
}

/**
 * Upstream StatefulPodControl. Assumptions / Invariants (stateful_pod_control.go): claims are created before their pod
 * and a claim being deleted blocks the pod; AlreadyExists on a pod create is silent; every pod write is followed by
 * `<verb> Pod <pod> in StatefulSet <set> successful` or a Warning `… failed error: <err>`; claim creates by `create Claim
 * <pvc> Pod <pod> in StatefulSet <set> success`. Deletes carry the cached pod's uid as a precondition, so a stale cache
 * never removes a newer pod of the same name (an addition: upstream deletes by name).
 */
export class StatefulPodControl {
  constructor(private readonly deps: PodControlDeps, private readonly setKey: string) {}

  /** Carries out one action. `set` is the live set, `updateSet` the set at the update revision. */
  async run(a: Action, set: StatefulSet, updateSet: StatefulSet): Promise<void> {
    switch (a.type) {
      case 'create':
        return this.createStatefulPod(set, a.pod);
      case 'createClaims':
        await this.createPersistentVolumeClaims(set, a.pod);
        return this.retentionOrEvent(set, a.pod);
      case 'delete':
        return this.deleteStatefulPod(set, a.pod);
      case 'update':
        return this.updateStatefulPod(updateSet, a.pod);
      case 'fixClaims':
        return this.updatePodClaimForRetentionPolicy(updateSet, a.pod);
    }
  }

  /** Claims, then the pod, then the claims' retention refs; the pod's event. */
  async createStatefulPod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.createPersistentVolumeClaims(set, pod);
    } catch (e) {
      this.recordPodEvent('create', set, pod, e);
      throw e;
    }
    let created: Pod;
    try {
      created = await this.deps.client.create<Pod>(R.pods, pod);
    } catch (e) {
      if (isAlreadyExists(e)) return;
      this.recordPodEvent('create', set, pod, e);
      throw e;
    }
    this.deps.expectations.expectCreated(this.setKey, 'pods', keyOf(pod));
    await this.retentionOrEvent(set, created);
    this.recordPodEvent('create', set, pod);
  }

  private async retentionOrEvent(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.updatePodClaimForRetentionPolicy(set, pod);
    } catch (e) {
      this.recordPodEvent('update', set, pod, e);
      throw e;
    }
  }

  /** Deletes the pod (uid precondition); NotFound is done already. */
  async deleteStatefulPod(set: StatefulSet, pod: Pod): Promise<void> {
    const uid = pod.metadata?.uid;
    try {
      await this.deps.client.delete(R.pods, pod.metadata?.namespace, pod.metadata?.name ?? '', uid ? { preconditions: { uid } } : {});
    } catch (e) {
      if (isNotFound(e)) return;
      if (!isConflict(e)) this.recordPodEvent('delete', set, pod, e);
      throw e;
    }
    this.deps.expectations.expectChanged(this.setKey, 'pods', keyOf(pod), pod);
    this.recordPodEvent('delete', set, pod);
  }

  /** Restores the pod's identity labels and claim volumes, and its claims' retention refs (upstream UpdateStatefulPod). */
  async updateStatefulPod(set: StatefulSet, pod: Pod): Promise<void> {
    let next = pod;
    let podDirty = false;
    let claimsDirty = false;
    try {
      if (!identityMatches(set, next)) {
        next = updateIdentity(set, next);
        podDirty = true;
      }
      if (!storageMatches(set, next)) {
        next = updateStorage(set, next);
        podDirty = true;
        await this.createPersistentVolumeClaims(set, next);
      }
      if (!claimsMatchRetentionPolicy(set, next, (name) => this.deps.claim(set.metadata?.namespace, name))) {
        await this.updatePodClaimForRetentionPolicy(set, next);
        claimsDirty = true;
      }
    } catch (e) {
      this.recordPodEvent('update', set, pod, e);
      throw e;
    }
    if (!podDirty && !claimsDirty) return;
    if (podDirty) {
      try {
        await this.deps.client.update(R.pods, next);
      } catch (e) {
        this.recordPodEvent('update', set, pod, e);
        throw e;
      }
      this.deps.expectations.expectChanged(this.setKey, 'pods', keyOf(pod), pod);
    }
    this.recordPodEvent('update', set, pod);
  }

  /** Creates each claim of the pod missing from the cache; a claim being deleted is an error (upstream createPersistentVolumeClaims). */
  async createPersistentVolumeClaims(set: StatefulSet, pod: Pod): Promise<void> {
    const errs: string[] = [];
    for (const claim of getPersistentVolumeClaims(set, getOrdinal(pod)).values()) {
      const name = claim.metadata!.name!;
      const cached = this.deps.claim(claim.metadata?.namespace, name);
      if (cached) {
        if (cached.metadata?.deletionTimestamp) errs.push(`pvc ${name} is being deleted`);
        continue;
      }
      try {
        await this.deps.client.create(R.persistentvolumeclaims, claim);
        this.deps.expectations.expectCreated(this.setKey, 'persistentvolumeclaims', keyOf(claim));
        this.recordClaimEvent(set, pod, name);
      } catch (e) {
        if (isAlreadyExists(e)) continue; // created by an earlier sync; the cache has not caught up yet
        errs.push(`failed to create PVC ${name}: ${messageOf(e)}`);
        this.recordClaimEvent(set, pod, name, e);
      }
    }
    if (errs.length) throw new Error(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
  }

  /** Rewrites the ownerReferences of the pod's claims that disagree with the retention policy. */
  async updatePodClaimForRetentionPolicy(set: StatefulSet, pod: Pod): Promise<void> {
    for (const c of getPersistentVolumeClaims(set, getOrdinal(pod)).values()) {
      const name = c.metadata!.name!;
      const claim = this.deps.claim(c.metadata?.namespace, name);
      if (!claim) continue; // picked up by a later sync
      if (hasUnexpectedController(claim, set, pod)) {
        this.deps.recorder.event(involved(set), 'Warning', 'ConflictingController',
          `PersistentVolumeClaim ${name} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim`);
      }
      if (isClaimOwnerUpToDate(claim, set, pod)) continue;
      const next = { ...claim, metadata: { ...claim.metadata, ownerReferences: claimOwnerRefsForPolicy(claim, set, pod) } };
      try {
        await this.deps.client.update(R.persistentvolumeclaims, next);
      } catch (e) {
        throw new Error(`could not update claim ${name} for delete policy ownerRefs: ${messageOf(e)}`);
      }
      this.deps.expectations.expectChanged(this.setKey, 'persistentvolumeclaims', keyOf(claim), claim);
    }
  }

  /** Upstream recordPodEvent. */
  recordPodEvent(verb: 'create' | 'delete' | 'update', set: StatefulSet, pod: Pod, err?: unknown): void {
    const p = pod.metadata?.name ?? '';
    const s = set.metadata?.name ?? '';
    if (err === undefined) this.deps.recorder.event(involved(set), 'Normal', `Successful${title(verb)}`, `${verb} Pod ${p} in StatefulSet ${s} successful`);
    else this.deps.recorder.event(involved(set), 'Warning', `Failed${title(verb)}`, `${verb} Pod ${p} in StatefulSet ${s} failed error: ${messageOf(err)}`);
  }

  /** Upstream recordClaimEvent for a create. */
  private recordClaimEvent(set: StatefulSet, pod: Pod, claim: string, err?: unknown): void {
    const p = pod.metadata?.name ?? '';
    const s = set.metadata?.name ?? '';
    if (err === undefined) this.deps.recorder.event(involved(set), 'Normal', 'SuccessfulCreate', `create Claim ${claim} Pod ${p} in StatefulSet ${s} success`);
    else this.deps.recorder.event(involved(set), 'Warning', 'FailedCreate', `create Claim ${claim} for Pod ${p} in StatefulSet ${s} failed error: ${messageOf(err)}`);
  }
}

/**
 * Runs a plan's steps in order, the actions of one step at once. Assumptions / Invariants (upstream runForAll and
 * slowStartBatch): the first step with a failure ends the sync with that error, so no later write happens.
 */
export async function runSteps(ctl: StatefulPodControl, steps: readonly Action[][], set: StatefulSet, updateSet: StatefulSet): Promise<void> {
  for (const step of steps) {
    const results = await Promise.allSettled(step.map((a) => ctl.run(a, set, updateSet)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
