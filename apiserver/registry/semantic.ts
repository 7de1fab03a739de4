// Semantic equality of decoded JSON values, as apimachinery's equality.Semantic.DeepEqual compares typed objects.

/**
 * True when a and b are the same object once decoded into Go types.
 *
 * Assumptions / Invariants (apimachinery third_party/forked/golang/reflect DeepEqual, used by equality.Semantic):
 * map key order never matters; an empty or null slice/map equals an absent one (Semantic.DeepEqual equates nil and
 * empty); null equals absent; `""`, `0` and `false` equal absent (the zero value of a Go string, number or bool field
 * is what an absent field decodes to). Without the Go types a pointer field cannot be told from a value field, so
 * `{}` or `false` in a pointer field also equals absent here, where Go would tell them apart; both sides are
 * defaulted alike before every comparison the registry makes (generation bumps, template changes, pod updates).
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isEmpty(a) && isEmpty(b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!semanticEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  for (const k in ao) if (!semanticEqual(ao[k], bo[k])) return false;
  for (const k in bo) if (!(k in ao) && !isEmpty(bo[k])) return false;
  return true;
}

/** Absent, null, `[]`, `{}` and the scalar zero values: what decodes to Go's zero value or nil. */
function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.length === 0;
  for (const _ in v as object) return false;
  return true;
}
