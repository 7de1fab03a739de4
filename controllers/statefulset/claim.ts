// Which pods and ControllerRevisions a StatefulSet owns: adopting matching orphans and releasing strays, as upstream.

import { R } from '../../apiserver/api/resources.js';
import { isInvalid, isNotFound } from '../../apiserver/api/status.js';
import type { ControllerRevision, Pod, StatefulSet } from '../../apiserver/api/types.js';
import type { Selector } from '../../apiserver/api/labels.js';
import { matches } from '../../apiserver/api/labels.js';
import { adoptPatch, claim, controllerOf, releasePatch } from '../history/index.js';
import type { Client } from '../runtime/index.js';
import { isMemberOf } from './util.js';

/**
 * The set's pods (upstream getPodsForStatefulSet): `candidates` are the namespace's pods whose names parse as members.
 * Assumptions / Invariants (ControllerRefManager.ClaimPods with the isMemberOf filter): pods controlled by the set are
 * kept while they match its selector and released otherwise; orphans that match and are not terminating are adopted
 * (after canAdopt); pods of another controller are never touched. Adopted pods are part of the result.
 */
export async function getPodsForStatefulSet(client: Client, set: StatefulSet, selector: Selector, candidates: readonly Pod[], canAdopt: () => Promise<void>): Promise<Pod[]> {
  const c = claim(set, selector, candidates, (p) => isMemberOf(set, p));
  const owned = [...c.owned];
  for (const pod of c.adopt) {
    await canAdopt();
    try {
      owned.push(await client.patch<Pod>(R.pods, pod.metadata?.namespace, pod.metadata?.name ?? '', 'strategic', adoptPatch(set, 'StatefulSet', pod)));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  for (const pod of c.release) {
    try {
      await client.patch(R.pods, pod.metadata?.namespace, pod.metadata?.name ?? '', 'strategic', releasePatch(set, pod));
    } catch (e) {
      if (!isNotFound(e) && !isInvalid(e)) throw e;
    }
  }
  return owned;
}

/**
 * The set's revisions (upstream ListRevisions after adoptOrphanRevisions): revisions of the namespace matching the
 * selector that the set controls or that have no controller; the orphans are adopted first.
 */
export async function listRevisions(client: Client, set: StatefulSet, selector: Selector, inNamespace: readonly ControllerRevision[], canAdopt: () => Promise<void>): Promise<ControllerRevision[]> {
  const out: ControllerRevision[] = [];
  for (const cr of inNamespace) {
    if (!matches(selector, cr.metadata?.labels)) continue;
    const ref = controllerOf(cr);
    if (ref) {
      if (ref.uid === set.metadata?.uid) out.push(cr);
      continue;
    }
    await canAdopt();
    try {
      out.push(await client.patch<ControllerRevision>(R.controllerrevisions, cr.metadata?.namespace, cr.metadata?.name ?? '', 'strategic', adoptPatch(set, 'StatefulSet', cr)));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  return out;
}
