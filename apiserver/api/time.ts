// Timestamps as the API writes them: metav1.Time (RFC 3339, whole seconds) and metav1.MicroTime (microseconds).

/** metav1.Time: RFC 3339 in UTC, truncated to whole seconds (`2026-01-02T03:04:05Z`). */
export function metaTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** metav1.MicroTime: RFC 3339 in UTC with six fractional digits (`2026-01-02T03:04:05.123000Z`). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
