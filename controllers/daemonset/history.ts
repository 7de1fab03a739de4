// A DaemonSet's ControllerRevisions (upstream constructHistory, snapshot, dedupCurHistories, cleanupHistory).

import { R } from '../../apiserver/api/resources.js';
import type { ControllerRevision, DaemonSet, Pod } from '../../apiserver/api/types.js';
import { cachedDataOf, cachedRevisionData, CONTROLLER_REVISION_HASH_LABEL, createRevision, daemonSetHash, deleteRevisions, maxRevision, newRevision, revisionsToDelete } from '../history/index.js';
import { controlledHistories, getDaemonPods } from './claim.js';
import type { DaemonSetDeps } from './deps.js';
import { targetNodeName } from './util.js';

/** The current revision and the others. */
export interface History {
  cur: ControllerRevision;
  old: ControllerRevision[];
}

/** The hash a revision carries in its label. */
export const hashOf = (cr: ControllerRevision): string => cr.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';

/** Labels a revision made before hash labels existed with its own name (upstream: no hash is recomputed). */
async function ensureHashLabel(deps: DaemonSetDeps, cr: ControllerRevision): Promise<ControllerRevision> {
  if (cr.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] !== undefined) return cr;
  const toUpdate = structuredClone(cr);
  toUpdate.metadata = { ...toUpdate.metadata, labels: { ...(toUpdate.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: toUpdate.metadata?.name ?? '' } };
  return deps.client.update<ControllerRevision>(R.controllerrevisions, toUpdate);
}

/**
 * Creates the revision for the DaemonSet's current template (upstream snapshot).
 *
 * Assumptions / Invariants: the name is `<ds>-<hash>` with the hash over the data and `status.collisionCount`. If
 * that name exists with the same data it is the revision; with other data it is a hash collision: unless the
 * DaemonSet's collisionCount moved meanwhile, it is raised by one through /status and the sync fails, so the next
 * one computes a new name.
 */
async function snapshot(deps: DaemonSetDeps, ds: DaemonSet, data: string, revision: number): Promise<ControllerRevision> {
  const collisionCount = ds.status?.collisionCount ?? undefined;
  const hash = daemonSetHash(data, collisionCount);
  const cr = newRevision({ owner: ds, kind: 'DaemonSet', data, hash, revision, hashLabel: CONTROLLER_REVISION_HASH_LABEL });
  const made = await createRevision(deps.client, cr, data);
  if (made.kind !== 'collision') return made.revision;
  const ns = ds.metadata?.namespace;
  const current = await deps.client.get<DaemonSet>(R.daemonsets, ns, ds.metadata?.name ?? '');
  const now = current.status?.collisionCount ?? undefined;
  if (now !== collisionCount) {
    throw new Error(`found a stale collision count (${collisionCount}, expected ${now}) of DaemonSet "${ds.metadata?.name}" while processing; will retry until it is updated`);
  }
  const bumped = { ...current, status: { ...(current.status ?? {}), collisionCount: (now ?? 0) + 1 } } as DaemonSet;
  await deps.client.update(R.daemonsets, bumped, { subresource: 'status' });
  deps.logger.info({ controller: 'daemonset', key: `${ns}/${ds.metadata?.name}`, collisionCount: (now ?? 0) + 1 }, 'found a hash collision; bumping collisionCount');
  throw made.error;
}

/**
 * Keeps one of several revisions with the current data (upstream dedupCurHistories): the highest revision (the last
 * seen on ties); pods with another hash label are relabelled to its hash, then the duplicates are deleted.
 */
async function dedupCurHistories(deps: DaemonSetDeps, ds: DaemonSet, current: ControllerRevision[]): Promise<ControllerRevision> {
  if (current.length === 1) return current[0]!;
  let keep = current[0]!;
  for (const cr of current) if (cr.revision >= keep.revision) keep = cr;
  const keepHash = hashOf(keep);
  // Upstream reads the daemon pods once per duplicate; one read relabels each stale pod once, then all duplicates go.
  const pods = await getDaemonPods(deps, ds);
  const stale = pods.filter((p) => p.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] !== keepHash);
  await Promise.all(stale.map((p) => deps.client.patch(R.pods, p.metadata?.namespace, p.metadata?.name ?? '', 'strategic', { metadata: { labels: { [CONTROLLER_REVISION_HASH_LABEL]: keepHash } } })));
  await deleteRevisions(deps.client, current.filter((cr) => cr.metadata?.name !== keep.metadata?.name));
  return keep;
}

/**
 * Upstream constructHistory: claims the DaemonSet's revisions, splits them by whether their data is the current
 * template's (byte comparison), creates the current one if missing, and otherwise gives it the next revision
 * number when an older one is current again (a rollback renumbers the revision it reuses).
 */
export async function constructHistory(deps: DaemonSetDeps, ds: DaemonSet): Promise<History> {
  const histories = await controlledHistories(deps, ds);
  const data = cachedRevisionData(ds);
  const current: ControllerRevision[] = [];
  const old: ControllerRevision[] = [];
  for (const h of histories) {
    const labelled = await ensureHashLabel(deps, h);
    if (cachedDataOf(labelled) === data) current.push(labelled);
    else old.push(labelled);
  }
  const next = maxRevision(old) + 1;
  if (current.length === 0) return { cur: await snapshot(deps, ds, data, next), old };
  const cur = await dedupCurHistories(deps, ds, current);
  if (cur.revision < next) {
    const renumbered = await deps.client.update<ControllerRevision>(R.controllerrevisions, { ...structuredClone(cur), revision: next });
    return { cur: renumbered, old };
  }
  return { cur, old };
}

/**
 * Upstream cleanupHistory: deletes old revisions beyond `revisionHistoryLimit`, lowest revision first, never one
 * whose hash a daemon pod still carries (terminal pods being deleted included).
 */
export async function cleanupHistory(deps: DaemonSetDeps, ds: DaemonSet, old: readonly ControllerRevision[], pods: readonly Pod[]): Promise<void> {
  const limit = ds.spec?.revisionHistoryLimit ?? 10;
  if (old.length <= limit) return;
  const live = new Set<string>();
  for (const p of pods) {
    const h = p.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL];
    if (h && targetNodeName(p) !== undefined) live.add(h);
  }
  await deleteRevisions(deps.client, revisionsToDelete(old, limit, (c) => live.has(hashOf(c))));
}
