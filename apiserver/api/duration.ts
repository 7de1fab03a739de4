// Human-readable ages ("45s", "7h59m", "2y") as kubectl and the Table printers show them.

/**
 * Assumptions / Invariants — reproduces apimachinery `duration.HumanDuration` and
 * `duration.ShortHumanDuration` (k8s.io/apimachinery/pkg/util/duration):
 * - Every unit is integer division truncated toward zero, as Go's `int(d / unit)`.
 * - A duration whose whole seconds (truncated toward zero) is below -1 is `<invalid>`;
 *   one that is only slightly negative (-1.999s … -0.001s) prints `0s`. That is the
 *   "up to ~2s of clock skew counts as now" tolerance of upstream.
 * - Years are 365 days; there is no month unit.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY_HOURS = 24;
const YEAR_HOURS = 24 * 365;

/** The zero `metav1.Time` (0001-01-01T00:00:00Z), which upstream prints as `<unknown>`. */
const GO_ZERO_TIME_MS = -62_135_596_800_000;

/** Go's `int(x)` for a float: truncation toward zero. */
function trunc(x: number): number {
  return Math.trunc(x);
}

/** The sign-tolerance prefix both formats share; undefined when the duration is non-negative. */
function negativePrefix(ms: number): string | undefined {
  const seconds = trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  return undefined;
}

/** Formats `x` followed by `y` only when `y` is non-zero: `3h`, `3h5m`. */
function pair(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor === 0 ? `${major}${majorUnit}` : `${major}${majorUnit}${minor}${minorUnit}`;
}

/**
 * A succinct duration with ~2–3 significant figures, exactly as apimachinery's
 * `HumanDuration`: `119s`, `2m`, `9m59s`, `179m`, `3h`, `7h59m`, `47h`, `2d`, `7d23h`,
 * `729d`, `2y`, `7y364d`, `8y`; `<invalid>` when more than ~1s negative.
 */
export function humanDuration(ms: number): string {
  const neg = negativePrefix(ms);
  if (neg !== undefined) return neg;
  const seconds = trunc(ms / SECOND);
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = trunc(ms / MINUTE);
  if (minutes < 10) return pair(minutes, 'm', seconds % 60, 's');
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = trunc(ms / HOUR);
  if (hours < 8) return pair(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  if (hours < DAY_HOURS * 8) return pair(trunc(hours / DAY_HOURS), 'd', hours % DAY_HOURS, 'h');
  if (hours < YEAR_HOURS * 2) return `${trunc(hours / DAY_HOURS)}d`;
  if (hours < YEAR_HOURS * 8) {
    const days = trunc(hours / DAY_HOURS);
    return pair(trunc(days / 365), 'y', days % 365, 'd');
  }
  return `${trunc(hours / YEAR_HOURS)}y`;
}

/**
 * The one-unit variant, as apimachinery's `ShortHumanDuration`: `59s`, `59m`, `23h`,
 * `364d`, `1y`; `<invalid>` when more than ~1s negative.
 */
export function shortHumanDuration(ms: number): string {
  const neg = negativePrefix(ms);
  if (neg !== undefined) return neg;
  const seconds = trunc(ms / SECOND);
  if (seconds < 60) return `${seconds}s`;
  const minutes = trunc(ms / MINUTE);
  if (minutes < 60) return `${minutes}m`;
  const hours = trunc(ms / HOUR);
  if (hours < 24) return `${hours}h`;
  if (hours < YEAR_HOURS) return `${trunc(hours / DAY_HOURS)}d`;
  return `${trunc(ms / HOUR / DAY_HOURS / 365)}y`;
}

/**
 * Parses a `metav1.Time` / `metav1.MicroTime` wire value into epoch milliseconds.
 * Returns undefined for a missing, unparseable or zero (`0001-01-01T00:00:00Z`) time,
 * which upstream treats alike (`IsZero()`).
 */
export function parseTimestamp(ts: unknown): number | undefined {
  if (typeof ts !== 'string' || ts === '') return undefined;
  const ms = Date.parse(ts);
  if (Number.isNaN(ms) || ms === GO_ZERO_TIME_MS) return undefined;
  return ms;
}

/**
 * The age of a timestamp at `now` (epoch ms), as the printers' `translateTimestampSince`:
 * `<unknown>` when there is no timestamp, otherwise {@link humanDuration} of `now - ts`
 * (so `<invalid>` once it lies 2s or more in the future).
 */
export function translateTimestampSince(ts: string | undefined | null, now: number): string {
  const at = parseTimestamp(ts);
  if (at === undefined) return '<unknown>';
  return humanDuration(now - at);
}

const GO_UNITS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A Go duration string in milliseconds (time.ParseDuration: `1h30m`, `500ms`, `1.5s`, `-2m`, `0`), or undefined when
 * it does not parse.
 */
export function parseGoDuration(s: string): number | undefined {
  const m = /^([-+]?)(.*)$/.exec(s.trim());
  const body = m?.[2] ?? '';
  if (body === '0') return 0;
  if (body === '') return undefined;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  while (at < body.length) {
    re.lastIndex = at;
    const part = re.exec(body);
    if (!part) return undefined;
    total += Number(part[1]) * GO_UNITS[part[2]!]!;
    at = re.lastIndex;
  }
  return m?.[1] === '-' ? -total : total;
}
