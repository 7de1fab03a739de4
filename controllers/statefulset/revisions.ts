// A StatefulSet's ControllerRevisions: which revision is current and which is the update, new ones, rollback, truncation.

import type { ControllerRevision, Pod, StatefulSet } from '../../apiserver/api/types.js';
import { cachedDataOf, cachedRevisionData, maxRevision, newRevision, revisionsToDelete, sortRevisions, statefulSetHash, templateOf } from '../history/index.js';
import { CR_HASH_LABEL, getPodRevision, type VersionedSet } from './util.js';

/** What getStatefulSetRevisions must do for the update revision. */
export type RevisionPlan =
  | { kind: 'unchanged'; revision: ControllerRevision }
  | { kind: 'renumber'; revision: ControllerRevision; to: number }
  | { kind: 'create'; data: string; next: number };

/**
 * The update revision of `set` against its sorted revisions (upstream getStatefulSetRevisions).
 * Assumptions / Invariants: revisions are compared by their data bytes only (upstream's EqualRevision also compares
 * hash labels, but parses them as integers, which fails for safe-encoded hashes). If the newest revision equal to the
 * set's template is the newest revision overall, nothing changes; an older equal one is a rollback and is renumbered to
 * max+1 (same name); otherwise a new revision max+1 is created.
 */
export function planUpdateRevision(set: StatefulSet, revisions: readonly ControllerRevision[]): RevisionPlan {
  const data = cachedRevisionData(set);
  const next = maxRevision(revisions) + 1;
  const sorted = sortRevisions(revisions);
  const equal = sorted.filter((r) => cachedDataOf(r) === data);
  const lastEqual = equal[equal.length - 1];
  if (lastEqual && lastEqual === sorted[sorted.length - 1]) return { kind: 'unchanged', revision: lastEqual };
  if (lastEqual) return { kind: 'renumber', revision: lastEqual, to: next };
  return { kind: 'create', data, next };
}

/** A revision to create for `set` with `data` under `collisionCount` (upstream newRevision + HashControllerRevision). */
export function buildRevision(set: StatefulSet, data: string, revision: number, collisionCount: number): ControllerRevision {
  const hash = statefulSetHash(data, collisionCount);
  return newRevision({ owner: set, kind: 'StatefulSet', data, hash, revision, hashLabel: CR_HASH_LABEL });
}

/** The revision named by status.currentRevision, or `update` when there is none (a new history starts there). */
export function currentRevisionOf(set: StatefulSet, revisions: readonly ControllerRevision[], update: ControllerRevision): ControllerRevision {
  return revisions.find((r) => r.metadata?.name === set.status?.currentRevision) ?? update;
}

/** The set at a revision (upstream ApplyRevision): the live set, the revision's template. */
export function applyRevision(set: StatefulSet, cr: ControllerRevision): VersionedSet {
  return { set, template: templateOf(cr), revision: cr.metadata?.name ?? '' };
}

/**
 * Revisions to delete (upstream truncateHistory). Assumptions / Invariants: live = current, update and every revision a
 * pod of the set is labelled with; among the others, the oldest go until revisionHistoryLimit remain; a negative
 * limit keeps everything.
 */
export function truncateHistory(set: StatefulSet, pods: readonly Pod[], revisions: readonly ControllerRevision[], current?: ControllerRevision, update?: ControllerRevision): ControllerRevision[] {
  const limit = set.spec?.revisionHistoryLimit ?? 10;
  if (limit < 0) return [];
  const live = new Set<string>(pods.map(getPodRevision));
  if (current?.metadata?.name) live.add(current.metadata.name);
  if (update?.metadata?.name) live.add(update.metadata.name);
  const history = revisions.filter((r) => !live.has(r.metadata?.name ?? ''));
  return revisionsToDelete(history, limit, () => false);
}
