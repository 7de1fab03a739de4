// The finalizers of cascading deletion, which the API server sets and the garbage collector acts on.

/** meta/v1 FinalizerDeleteDependents: a foreground deletion waits for the dependents that block it. */
export const FOREGROUND_FINALIZER = 'foregroundDeletion';
/** meta/v1 FinalizerOrphanDependents: the dependents are released before the owner goes. */
export const ORPHAN_FINALIZER = 'orphan';
