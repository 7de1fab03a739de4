// Timestamps as the API writes them: metav1.Time (RFC 3339, whole seconds) and metav1.MicroTime (microseconds).

/** metav1.Time: RFC 3339 in UTC, truncated to whole seconds (`2026-01-02T03:04:05Z`). */
export function metaTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** metav1.MicroTime: RFC 3339 in UTC with six fractional digits (`2026-01-02T03:04:05.123000Z`). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Older objects first (by `creationTimestamp`), then by name as Go compares strings (bytes, not locale): the tie-break
 * upstream's sorts of pods and revisions share. A missing or unreadable timestamp counts as the oldest.
 */
export function olderFirst(a: { metadata?: { creationTimestamp?: string; name?: string } }, b: { metadata?: { creationTimestamp?: string; name?: string } }): number {
  const ta = Date.parse(a.metadata?.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata?.creationTimestamp ?? '') || 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata?.name ?? '';
  const nb = b.metadata?.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}
