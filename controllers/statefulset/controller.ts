// The StatefulSet controller's wiring: informers for sets, pods, revisions and claims, and which changes queue which set.

import { R } from '../../apiserver/api/resources.js';
import { matches, safeSelector } from '../../apiserver/api/labels.js';
import type { ControllerRevision, PersistentVolumeClaim, Pod, StatefulSet } from '../../apiserver/api/types.js';
import { controllerOf } from '../history/index.js';
import { keyOf, type Controller, type EventRecorder, type Runtime } from '../runtime/index.js';
import { Expectations } from './expectations.js';
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
 * change queues its controlling StatefulSet (when that is the cached set with the referenced uid), an orphan's change
 * queues every set of its namespace whose selector matches; revisions queue their controller; besides, any change of an
 * object a set is waiting to see (its own write) queues that set.
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

  const ownerKey = (o: Pod | ControllerRevision): string[] => {
    const ref = controllerOf(o);
    if (!ref) return [];
    if (ref.kind !== 'StatefulSet' || !ref.apiVersion?.startsWith('apps/')) return [];
    const key = `${ns(o)}/${ref.name}`;
    const cached = sets.getByKey(key);
    return cached && cached.metadata?.uid !== ref.uid ? [] : [key];
  };
  const podKeys = (pod: Pod): string[] => {
    const waiting = expectations.waiting('pods', keyOf(pod));
    if (controllerOf(pod)) return [...ownerKey(pod), ...waiting];
    const matching = sets.byIndex(NAMESPACE_INDEX, ns(pod)).filter((s) => matches(safeSelector(s.spec?.selector), pod.metadata?.labels));
    return [...matching.map(keyOf), ...waiting];
  };

  const controller = rt.controller({
    name: 'statefulset',
    workers: opts.workers ?? 5,
    sources: [
      { informer: sets, toKeys: (s: StatefulSet) => [keyOf(s)] },
      { informer: pods, toKeys: podKeys },
      { informer: revisions, toKeys: (cr: ControllerRevision) => [...ownerKey(cr), ...expectations.waiting('controllerrevisions', keyOf(cr))] },
      { informer: claims, toKeys: (c: PersistentVolumeClaim) => expectations.waiting('persistentvolumeclaims', keyOf(c)) },
    ],
    reconcile: (key) => syncStatefulSet(deps, key),
  });
  return { controller, deps };
}
