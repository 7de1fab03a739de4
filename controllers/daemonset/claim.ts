// Which pods and revisions a DaemonSet owns: adopt matching orphans, release what stopped matching (ControllerRefManager).

import { selectorFromLabelSelector, type Selector } from '../../apiserver/api/labels.js';
import type { ResourceInfo } from '../../apiserver/api/resources.js';
import { R } from '../../apiserver/api/resources.js';
import { isNotFound } from '../../apiserver/api/status.js';
import type { ControllerRevision, DaemonSet, ObjectMeta, Pod } from '../../apiserver/api/types.js';
import { adoptPatch, canAdoptOnce, claim, releasePatch } from '../history/index.js';
import type { DaemonSetDeps } from './deps.js';

type Owned = { metadata?: ObjectMeta };

/** Sends an adopt or release patch; a NotFound answer (the object went away) gives undefined. */
async function patchRef<T>(deps: DaemonSetDeps, r: ResourceInfo, obj: Owned, body: object): Promise<T | undefined> {
  try {
    return await deps.client.patch<T>(r, obj.metadata?.namespace, obj.metadata?.name ?? '', 'strategic', body);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/**
 * Claims `objs` for `ds` (upstream ClaimPods / ClaimControllerRevisions): the objects it controls and still selects,
 * plus the orphans it selects once adopted (their patched versions); objects it controls but no longer selects are
 * released.
 */
async function claimAll<T extends Owned>(deps: DaemonSetDeps, ds: DaemonSet, r: ResourceInfo, selector: Selector, objs: readonly T[]): Promise<T[]> {
  const c = claim(ds, selector, objs);
  await Promise.all(c.release.map((o) => patchRef<T>(deps, r, o, releasePatch(ds, o))));
  if (c.adopt.length === 0) return c.owned;
  await canAdoptOnce(deps.client, R.daemonsets, ds, 'DaemonSet')();
  const out = [...c.owned];
  const adopted = await Promise.all(c.adopt.map((o) => patchRef<T>(deps, r, o, adoptPatch(ds, 'DaemonSet', o))));
  for (const o of adopted) if (o !== undefined) out.push(o as T);
  return out;
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
