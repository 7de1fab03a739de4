// ControllerRevision history shared by the DaemonSet and StatefulSet controllers: data, hashes, revisions, claims.

export { goJSON, canonicalTemplate, revisionData, dataOf, cachedRevisionData, cachedDataOf } from './go-json.js';
export { safeEncode, fnv1, fnv1a, daemonSetHash, statefulSetHash } from './hash.js';
export { CONTROLLER_REVISION_HASH_LABEL, revisionName, newRevision, sortRevisions, maxRevision, revisionsToDelete, templateOf, createRevision, deleteRevisions, type CreateRevisionResult } from './revisions.js';
export { controllerRef, controllerOf, resolveControllerRef, ownerSelects, ownerKeys, claim, adoptPatch, releasePatch, canAdoptOnce, applyClaim, type Claim, type OwnerLister, type OwnerKind, type RefKind } from './controller-ref.js';
