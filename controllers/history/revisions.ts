// ControllerRevision objects: building a new one, ordering, the next number, history clean-up, the stored template.

import { R } from '../../apiserver/api/resources.js';
import { isAlreadyExists, isNotFound } from '../../apiserver/api/status.js';
import { olderFirst } from '../../apiserver/api/time.js';
import type { ControllerRevision, DaemonSet, PodTemplateSpec, StatefulSet } from '../../apiserver/api/types.js';
import { isPlainObject } from '../../apiserver/api/types.js';
import type { HistoryClient } from './writer.js';
import { controllerRef, type OwnerKind } from './controller-ref.js';
import { dataOf } from './go-json.js';

/**
 * The pod label naming the revision a pod was made from (apps.ControllerRevisionHashLabelKey, also
 * DefaultDaemonSetUniqueLabelKey and StatefulSetRevisionLabel); a DaemonSet's revisions carry it too.
 */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';

/** The longest owner-name prefix of a revision name (upstream ControllerRevisionName). */
const MAX_PREFIX = 223;

/** `<prefix>-<hash>`, the prefix cut to 223 characters. */
export function revisionName(prefix: string, hash: string): string {
  return `${prefix.slice(0, MAX_PREFIX)}-${hash}`;
}

/**
 * A new (not yet created) revision of `owner` (DaemonSet `snapshot`, StatefulSet `newRevision`): labels are the
 * template's plus the hash label, annotations a copy of the owner's (so `kubernetes.io/change-cause` shows in
 * `rollout history`), a controller reference, the data object and the revision number.
 */
export function newRevision(o: { owner: DaemonSet | StatefulSet; kind: OwnerKind; data: string; hash: string; revision: number; hashLabel: string }): ControllerRevision {
  const meta = o.owner.metadata ?? {};
  const name = revisionName(meta.name ?? '', o.hash);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name,
      namespace: meta.namespace,
      labels: { ...(o.owner.spec?.template?.metadata?.labels ?? {}), [o.hashLabel]: o.hash },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ownerReferences: [controllerRef(o.owner, o.kind)],
    },
    data: JSON.parse(o.data) as object,
    revision: o.revision,
  };
}

/** Revisions ordered by (revision, creationTimestamp, name), as upstream's `history.SortControllerRevisions`. */
export function sortRevisions(crs: readonly ControllerRevision[]): ControllerRevision[] {
  return [...crs].sort(
    (a, b) => a.revision - b.revision || olderFirst(a, b),
  );
}

/** The highest revision number, 0 when there is none. */
export function maxRevision(crs: readonly ControllerRevision[]): number {
  return crs.reduce((m, cr) => Math.max(m, cr.revision), 0);
}

/**
 * The old revisions to delete so at most `limit` remain (DaemonSet `cleanupHistory`, StatefulSet `truncateHistory`):
 * oldest revision first, never one that `isLive` (a pod or the owner's status still points at it).
 */
export function revisionsToDelete(old: readonly ControllerRevision[], limit: number, isLive: (cr: ControllerRevision) => boolean): ControllerRevision[] {
  let toKill = old.length - Math.max(0, limit);
  const out: ControllerRevision[] = [];
  for (const cr of sortRevisions(old)) {
    if (toKill <= 0) break;
    if (isLive(cr)) continue;
    out.push(cr);
    toKill--;
  }
  return out;
}

/** The pod template a revision stores (its data's `spec.template`, without the `$patch` directive). */
export function templateOf(cr: ControllerRevision): PodTemplateSpec {
  const data = isPlainObject(cr.data) ? cr.data : {};
  const spec = isPlainObject(data.spec) ? data.spec : {};
  const t = isPlainObject(spec.template) ? { ...spec.template } : {};
  delete t.$patch;
  return structuredClone(t) as PodTemplateSpec;
}

/** What createRevision found: the revision it created, an existing one with the same data, or a hash collision. */
export type CreateRevisionResult =
  | { kind: 'created'; revision: ControllerRevision }
  | { kind: 'existing'; revision: ControllerRevision }
  | { kind: 'collision'; existing: ControllerRevision; error: unknown };

/**
 * Creates `cr` (DaemonSet `snapshot`, StatefulSet `CreateControllerRevision` without its retry). When the name is
 * taken (AlreadyExists), the revision of that name is read: with data bytes equal to `data` it is the revision
 * (`existing`); otherwise it is a hash collision, which the caller resolves (raising collisionCount) with the
 * AlreadyExists error at hand. Other errors are thrown.
 */
export async function createRevision(client: HistoryClient, cr: ControllerRevision, data: string): Promise<CreateRevisionResult> {
  try {
    return { kind: 'created', revision: await client.create<ControllerRevision>(R.controllerrevisions, cr) };
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
    const existing = await client.get<ControllerRevision>(R.controllerrevisions, cr.metadata?.namespace, cr.metadata?.name ?? '');
    if (dataOf(existing) === data) return { kind: 'existing', revision: existing };
    return { kind: 'collision', existing, error: e };
  }
}

/** Deletes revisions one at a time; one already gone (NotFound) is fine. */
export async function deleteRevisions(client: HistoryClient, crs: readonly ControllerRevision[]): Promise<void> {
  for (const cr of crs) {
    try {
      await client.delete(R.controllerrevisions, cr.metadata?.namespace, cr.metadata?.name ?? '');
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
