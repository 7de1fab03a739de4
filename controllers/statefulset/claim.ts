// Which pods and ControllerRevisions a StatefulSet owns: adopting matching orphans and releasing strays, as upstream.

import { R } from '../../apiserver/api/resources.js';
import type { ControllerRevision, Pod, StatefulSet } from '../../apiserver/api/types.js';
import type { Selector } from '../../apiserver/api/labels.js';
import { matches } from '../../apiserver/api/labels.js';
import { applyClaim, claim, controllerOf, type Claim } from '../history/index.js';
import type { Client } from '../runtime/index.js';
import { isMemberOf } from './util.js';

/**
 * The set's pods (upstream getPodsForStatefulSet): `candidates` are the namespace's pods whose names parse as members.
 * Assumptions / Invariants (ControllerRefManager.ClaimPods with the isMemberOf filter): pods controlled by the set are
 * kept while they match its selector and released otherwise; orphans that match and are not terminating are adopted
 * (after canAdopt); pods of another controller are never touched. Adopted pods are part of the result, after the
 * owned ones; releases are sent first (history applyClaim).
 */
export function getPodsForStatefulSet(client: Client, set: StatefulSet, selector: Selector, candidates: readonly Pod[], canAdopt: () => Promise<void>): Promise<Pod[]> {
  return applyClaim(client, R.pods, set, 'StatefulSet', claim(set, selector, candidates, (p) => isMemberOf(set, p)), canAdopt);
}

/**
 * The set's revisions (upstream ListRevisions after adoptOrphanRevisions): revisions of the namespace matching the
 * selector that the set controls or that have no controller; the orphans are adopted (after canAdopt), none released.
 */
export function listRevisions(client: Client, set: StatefulSet, selector: Selector, inNamespace: readonly ControllerRevision[], canAdopt: () => Promise<void>): Promise<ControllerRevision[]> {
  const c: Claim<ControllerRevision> = { owned: [], adopt: [], release: [] };
  for (const cr of inNamespace) {
    if (!matches(selector, cr.metadata?.labels)) continue;
    const ref = controllerOf(cr);
    if (!ref) c.adopt.push(cr);
    else if (ref.uid === set.metadata?.uid) c.owned.push(cr);
  }
  return applyClaim(client, R.controllerrevisions, set, 'StatefulSet', c, canAdopt);
}
