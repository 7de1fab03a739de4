// Pod status writes: a merge patch that turns the pod's current status into the wanted one, and a deep equality.

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => jsonEqual(ao[k], bo[k]));
}

/**
 * The JSON merge patch body that makes `current` status into `wanted`: every wanted field, and null for a top-level
 * field that must go (lists are replaced whole by a merge patch, which is what a status writer wants). The pod's uid
 * is a precondition, as the kubelet's status manager sends it, so a status never lands on a recreated pod.
 */
export function statusPatch(uid: string, current: Record<string, unknown> | undefined, wanted: Record<string, unknown>): Record<string, unknown> {
  const status: Record<string, unknown> = { ...wanted };
  for (const k of Object.keys(current ?? {})) if (!(k in wanted)) status[k] = null;
  return { metadata: { uid }, status };
}
