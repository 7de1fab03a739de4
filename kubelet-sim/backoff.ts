// Kubelet back-off arithmetic (restart and image pull: 10 s doubling to 5 min) and Go duration text.

/** First back-off of a failing container or image pull (kubelet `backOffPeriod`). */
export const BACKOFF_INITIAL_MS = 10_000;
/** Ceiling of both back-offs (kubelet `MaxContainerBackOff`). */
export const BACKOFF_MAX_MS = 300_000;
/**
 * A back-off entry older than this is forgotten: a container that ran longer than twice the
 * maximum back-off before dying restarts at once, and its back-off starts again at 10 s
 * (flowcontrol.Backoff `hasExpired`).
 */
export const BACKOFF_RESET_MS = 2 * BACKOFF_MAX_MS;

/** The back-off after one more failure: 10 s first, then doubled, capped at 5 min. */
export function nextBackoff(current: number | undefined): number {
  if (current === undefined) return BACKOFF_INITIAL_MS;
  return Math.min(current * 2, BACKOFF_MAX_MS);
}

/**
 * What the kubelet does with a container that just died and must be restarted, given the
 * back-off entry it holds (`backoffMs`) and when the dead instance started and finished.
 *
 * Assumptions / Invariants — reproduces kuberuntime `doBackOff` over flowcontrol.Backoff:
 * - No entry (first death) or an expired entry (the instance ran > 10 min): restart at once,
 *   and the entry becomes 10 s.
 * - Otherwise wait until `finishedAt + backoffMs` (status: CrashLoopBackOff "back-off <d>"),
 *   and the entry doubles (≤ 5 min) when that restart happens.
 */
export function restartPlan(backoffMs: number | undefined, startedAt: number, finishedAt: number): { immediate: boolean; backoffMs: number } {
  if (backoffMs === undefined || finishedAt - startedAt > BACKOFF_RESET_MS) return { immediate: true, backoffMs: BACKOFF_INITIAL_MS };
  return { immediate: false, backoffMs };
}

/** Go's `time.Duration.String()` for whole milliseconds: `0s`, `500ms`, `10s`, `1m20s`, `5m0s`, `1h0m0s`, `1.5s`. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms));
  if (rest < 1000) return `${sign}${rest}ms`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const whole = Math.floor(rest / 1000);
  const frac = rest % 1000;
  const seconds = frac === 0 ? `${whole}` : `${whole}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a non-negative duration as Go's `time.ParseDuration` does (`1m30s`, `500ms`, `1.5h`),
 * or a plain number of seconds (`5`, `2.5`). Rounded to whole milliseconds; undefined when
 * the text is neither (or negative).
 */
export function parseGoDuration(text: string): number | undefined {
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  if (s === '0') return 0;
  const body = s.startsWith('+') ? s.slice(1) : s;
  if (!/^((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/.test(body)) return undefined;
  let total = 0;
  for (const m of body.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? Number.NaN);
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}
