// JSON merge patch (RFC 7386) as kube-apiserver applies it: gopkg.in/evanphx/json-patch.v4 MergePatch semantics.
//
// Ours rather than the json-merge-patch package: that package stops at a key named `constructor` or `prototype`
// and silently drops the rest of the patch, and calls `target.hasOwnProperty`, which a key of that name shadows —
// all three are legal ConfigMap keys. RFC 7386 is a few lines; these are they.

type Doc = Record<string, unknown>;

const isDoc = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A patch body MergePatch refuses (`Invalid JSON Patch`, answered 400): null, a string, a number, a boolean. */
export class MergePatchError extends Error {
  constructor() {
    super('Invalid JSON Patch');
    this.name = 'MergePatchError';
  }
}

function put(d: Doc, key: string, value: unknown): void {
  Object.defineProperty(d, key, { value, writable: true, enumerable: true, configurable: true });
}

/** pruneNulls: null-valued keys removed from objects, also inside arrays (null array elements stay). */
function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(pruneNulls);
  if (!isDoc(v)) return v;
  const out: Doc = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) put(out, k, pruneNulls(x));
  return out;
}

/** merge(cur, patch): objects merge key by key; anything else is replaced by the patch value. */
function mergeValue(cur: unknown, patch: unknown): unknown {
  if (!isDoc(cur)) return pruneNulls(patch);
  if (!isDoc(patch)) return patch;
  mergeDocs(cur, patch);
  return cur;
}

function mergeDocs(doc: Doc, patch: Doc): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete doc[k];
      continue;
    }
    const cur = Object.hasOwn(doc, k) ? doc[k] : null;
    put(doc, k, cur === null ? pruneNulls(v) : mergeValue(cur, v));
  }
}

/**
 * Applies a merge patch to a document (modified in place; pass a copy). Every key is an ordinary key, including
 * `constructor`; a patch object is merged, a patch array replaces the document (nulls pruned inside), anything
 * else throws MergePatchError.
 */
export function applyMergePatch(doc: Doc, patch: unknown): unknown {
  if (Array.isArray(patch)) return pruneNulls(patch);
  if (!isDoc(patch)) throw new MergePatchError();
  mergeDocs(doc, patch);
  return doc;
}
