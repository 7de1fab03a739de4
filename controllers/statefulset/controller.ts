// The StatefulSet controller's wiring: informers for sets, pods, revisions and claims, and which changes queue which set.

import { R } from '../../apiserver/api/resources.js';
import type { ControllerRevision, PersistentVolumeClaim, Pod, StatefulSet } from '../../apiserver/api/types.js';
import { controllerOf, ownerKeys, type OwnerLister } from '../history/index.js';
import { Expectations, keyOf, type Controller, type EventRecorder, type Runtime } from '../runtime/index.js';
import { MEMBER_INDEX, NAMESPACE_INDEX, syncStatefulSet, type SyncDeps } from './sync.js';
import { getParentNameAndOrdinal } from './util.js';

/** Options of the controller. */
export interface StatefulSetControllerOptions {
  /** Sets synced at once (--concurrent-statefulset-syncs, default 5). */
  workers?: number;
  /** Where events go (default: the runtime's recorder for `statefulset-controller`). */
  recorder?: EventRecorder;
}

const ns = (o: { metadata?: { namespace?: string } }): string => o.metadata?.namespace ?? '';

/**
 * Builds the controller on `rt` (shared informers). Assumptions / Invariants (upstream stateful_set.go handlers): a pod
 * change queues its controlling StatefulSet only when that is the cached set with the referenced uid (upstream
 * resolveControllerRef), an orphan's change queues every set of its namespace whose selector matches (an empty or
 * invalid selector matches nothing); revisions queue their controller, under the same rule; besides, any change of
 * an object a set is waiting to see (its own write) queues that set.
 */
export function newStatefulSetController(rt: Runtime, opts: StatefulSetControllerOptions = {}): { controller: Controller; deps: SyncDeps } {
  const sets = rt.informer<StatefulSet>(R.statefulsets);
  const pods = rt.informer<Pod>(R.pods);
  const revisions = rt.informer<ControllerRevision>(R.controllerrevisions);
  const claims = rt.informer<PersistentVolumeClaim>(R.persistentvolumeclaims);
  sets.addIndex(NAMESPACE_INDEX, (s) => [ns(s)]);
  revisions.addIndex(NAMESPACE_INDEX, (cr) => [ns(cr)]);
  pods.addIndex(MEMBER_INDEX, (p) => {
    const { parent, ordinal } = getParentNameAndOrdinal(p.metadata?.name);
    return ordinal >= 0 ? [`${ns(p)}/${parent}`] : [];
  });
  const expectations = new Expectations(() => rt.clock.now());
  const deps: SyncDeps = { client: rt.client, clock: rt.clock, logger: rt.logger, recorder: opts.recorder ?? rt.recorder('statefulset-controller'), sets, pods, revisions, claims, expectations };

  const owners: OwnerLister<StatefulSet> = { get: (n, name) => sets.get(n, name), inNamespace: (n) => sets.byIndex(NAMESPACE_INDEX, n) };
  const podKeys = (pod: Pod): string[] => [...ownerKeys(owners, 'StatefulSet', pod), ...expectations.waiting('pods', keyOf(pod))];
  // Orphan revisions queue no set (they are adopted on the set's next sync).
  const revisionKeys = (cr: ControllerRevision): string[] => [
    ...(controllerOf(cr) ? ownerKeys(owners, 'StatefulSet', cr) : []),
    ...expectations.waiting('controllerrevisions', keyOf(cr)),
  ];

  const controller = rt.controller({
    name: 'statefulset',
    workers: opts.workers ?? 5,
    sources: [
      { informer: sets, toKeys: (s: StatefulSet) => [keyOf(s)] },
      { informer: pods, toKeys: podKeys },
      { informer: revisions, toKeys: revisionKeys },
      { informer: claims, toKeys: (c: PersistentVolumeClaim) => expectations.waiting('persistentvolumeclaims', keyOf(c)) },
    ],
    reconcile: (key) => syncStatefulSet(deps, key),
  });
  return { controller, deps };
}
