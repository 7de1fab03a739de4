// resource.Quantity strings: parsing, comparison (`1Gi` ≥ `500Mi`), and the milli/whole values the scheduler sums.

/** Multipliers of the resource.Quantity suffixes (decimal SI, binary SI). */
const SUFFIX: Readonly<Record<string, number>> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** Upstream's quantity grammar: a signed decimal number, then a suffix or an exponent. */
const QUANTITY_RE = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|))$/;

/**
 * The value of a quantity (`500m` → 0.5, `1Gi` → 1073741824, `1e3`; a JSON number as is), or undefined when
 * resource.ParseQuantity would refuse it. Precision is a double's: enough to order volume sizes.
 */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  if (typeof q !== 'string') return undefined;
  const m = QUANTITY_RE.exec(q);
  if (!m) return undefined;
  const base = Number(m[1]);
  const mult = m[2] !== undefined ? 10 ** Number(m[2].slice(1)) : SUFFIX[m[3] ?? ''];
  if (mult === undefined) return undefined;
  const v = base * mult;
  return Number.isFinite(v) ? v : undefined;
}

/** Quantity.Cmp: -1, 0 or 1; an unparsable quantity counts as zero (the zero Quantity of a missing map key). */
export function compareQuantities(a: unknown, b: unknown): number {
  const x = parseQuantity(a) ?? 0;
  const y = parseQuantity(b) ?? 0;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Rounds up as Quantity.Value/MilliValue do, forgiving binary floating-point noise (`0.1` × 1000 is 100). */
function ceilExact(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) < 1e-6 ? r : Math.ceil(x);
}

/** Quantity.MilliValue: `100m` → 100, `1` → 1000; unparsable → 0. */
export function milliValue(q: unknown): number {
  const v = parseQuantity(q);
  return v === undefined ? 0 : ceilExact(v * 1000);
}

/** Quantity.Value (rounded up): `1Ki` → 1024, `500m` → 1; unparsable → 0. */
export function wholeValue(q: unknown): number {
  const v = parseQuantity(q);
  return v === undefined ? 0 : ceilExact(v);
}
