// Which pods and revisions a DaemonSet owns: adopt matching orphans, release what stopped matching (ControllerRefManager).

import { selectorFromLabelSelector, type Selector } from '../../apiserver/api/labels.js';
import type { ResourceInfo } from '../../apiserver/api/resources.js';
import { R } from '../../apiserver/api/resources.js';
import type { ControllerRevision, DaemonSet, ObjectMeta, Pod } from '../../apiserver/api/types.js';
import { applyClaim, canAdoptOnce, claim } from '../history/index.js';
import type { DaemonSetDeps } from './deps.js';

/**
 * Claims `objs` for `ds` (upstream ClaimPods / ClaimControllerRevisions): the objects it controls and still selects,
 * plus the orphans it selects once adopted (their patched versions); objects it controls but no longer selects are
 * released.
 */
function claimAll<T extends { metadata?: ObjectMeta }>(deps: DaemonSetDeps, ds: DaemonSet, r: ResourceInfo, selector: Selector, objs: readonly T[]): Promise<T[]> {
  return applyClaim(deps.client, r, ds, 'DaemonSet', claim(ds, selector, objs), canAdoptOnce(deps.client, R.daemonsets, ds, 'DaemonSet'));
}

/** The DaemonSet's pods (upstream getDaemonPods), claimed from every pod of its namespace in the cache. */
export function getDaemonPods(deps: DaemonSetDeps, ds: DaemonSet): Promise<Pod[]> {
  const selector = selectorFromLabelSelector(ds.spec?.selector);
  return claimAll(deps, ds, R.pods, selector, deps.pods.list(ds.metadata?.namespace ?? ''));
}

/** The DaemonSet's revisions (upstream controlledHistories), claimed from every revision of its namespace in the cache. */
export function controlledHistories(deps: DaemonSetDeps, ds: DaemonSet): Promise<ControllerRevision[]> {
  const selector = selectorFromLabelSelector(ds.spec?.selector);
  return claimAll(deps, ds, R.controllerrevisions, selector, deps.revisions.list(ds.metadata?.namespace ?? ''));
}
