// ControllerRevision history shared by the DaemonSet and StatefulSet controllers: data, hashes, revisions, claims.

export { goJSON, canonicalTemplate, revisionData, dataOf } from './go-json.js';
export { safeEncode, fnv1, fnv1a, daemonSetHash, statefulSetHash } from './hash.js';
export { revisionName, newRevision, sortRevisions, maxRevision, revisionsToDelete, templateOf } from './revisions.js';
export { controllerRef, controllerOf, isControlledBy, claim, adoptPatch, releasePatch, canAdoptOnce, type Claim, type OwnerKind } from './controller-ref.js';
