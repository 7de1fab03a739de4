// Go library behaviour that upstream error messages quote: strconv, base64, time.Parse(RFC3339), path.Clean.

/** The JSON kind of a decoded value as Go's json decoder names it in UnmarshalTypeError (`number`, `object`, …). */
export function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

/** Go's `strconv.ParseInt(s, 10, 64)`: the number, or the error text upstream quotes. */
export function parseInt64(s: string, fn = 'ParseInt'): { value: number } | { error: string } {
  if (!/^[+-]?\d+$/.test(s)) return { error: `strconv.${fn}: parsing ${JSON.stringify(s)}: invalid syntax` };
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return { error: `strconv.${fn}: parsing ${JSON.stringify(s)}: value out of range` };
  return { value: Number(n) };
}

const STD = /^[A-Za-z0-9+/]$/;
const URL_SAFE = /^[A-Za-z0-9_-]$/;
const NL = (c: string | undefined): boolean => c === '\n' || c === '\r';

/**
 * The index Go's base64 decoder reports as `illegal base64 data at input byte N`, or undefined when `s` decodes.
 * Ports encoding/base64 decodeQuantum: `\r` and `\n` are skipped; with padding a partial quantum must be padded.
 */
export function base64ErrorIndex(s: string, encoding: 'std' | 'raw-url'): number | undefined {
  const valid = encoding === 'std' ? STD : URL_SAFE;
  const padded = encoding === 'std';
  let si = 0;
  while (si < s.length) {
    for (let j = 0; j < 4; j++) {
      if (si === s.length) return j === 0 || (j > 1 && !padded) ? undefined : si - j;
      const c = s[si++]!;
      if (valid.test(c)) continue;
      if (NL(c)) {
        j--;
        continue;
      }
      if (!padded || c !== '=' || j < 2) return si - 1;
      return paddingError(s, si, j);
    }
  }
  return undefined;
}

/** The rest of decodeQuantum once a `=` was read at quantum position j (2 or 3). */
function paddingError(s: string, start: number, j: number): number | undefined {
  let si = start;
  if (j === 2) {
    while (si < s.length && NL(s[si])) si++;
    if (si === s.length) return s.length;
    if (s[si] !== '=') return si - 1;
    si++;
  }
  while (si < s.length && NL(s[si])) si++;
  return si < s.length ? si : undefined;
}

/** Go's time-package quote(): non-ASCII and control bytes as `\xNN`, quotes and backslashes escaped. */
export function goTimeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x80 || code < 0x20) {
      for (const b of Buffer.from(ch, 'utf8')) out += `\\x${b.toString(16).padStart(2, '0')}`;
    } else out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
  }
  return `${out}"`;
}

const RFC3339 = '2006-01-02T15:04:05Z07:00';
/** One element of the RFC 3339 layout: its layout text, how to read it, and the range Go checks. */
type Step = { std: string; read: (v: string) => { rest: string; n?: number } | undefined; range?: [string, number, number] };

const digit = (v: string, i: number): boolean => v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57;

/** Go's getnum: one or two digits (exactly two when fixed). */
function getnum(v: string, fixed: boolean): { rest: string; n: number } | undefined {
  if (!digit(v, 0)) return undefined;
  if (!digit(v, 1)) return fixed ? undefined : { rest: v.slice(1), n: Number(v[0]) };
  return { rest: v.slice(2), n: Number(v.slice(0, 2)) };
}

function seconds(v: string): { rest: string; n: number } | undefined {
  const r = getnum(v, true);
  if (!r) return undefined;
  let rest = r.rest;
  if (rest.length >= 2 && (rest[0] === '.' || rest[0] === ',') && digit(rest, 1)) {
    let n = 2;
    while (n < rest.length && digit(rest, n)) n++;
    rest = rest.slice(n);
  }
  return { rest, n: r.n };
}

function zone(v: string): { rest: string } | undefined {
  if (v.startsWith('Z')) return { rest: v.slice(1) };
  if (v.length < 6 || v[3] !== ':' || (v[0] !== '+' && v[0] !== '-')) return undefined;
  if (!getnum(v.slice(1, 3), true) || !getnum(v.slice(4, 6), true)) return undefined;
  return { rest: v.slice(6) };
}

const STEPS: Array<[string, Step]> = [
  ['', { std: '2006', read: (v) => (/^\d{4}/.test(v) ? { rest: v.slice(4), n: Number(v.slice(0, 4)) } : undefined) }],
  ['-', { std: '01', read: (v) => getnum(v, true), range: ['month', 1, 12] }],
  ['-', { std: '02', read: (v) => getnum(v, true) }],
  ['T', { std: '15', read: (v) => getnum(v, false), range: ['hour', 0, 23] }],
  [':', { std: '04', read: (v) => getnum(v, true), range: ['minute', 0, 59] }],
  [':', { std: '05', read: seconds, range: ['second', 0, 59] }],
  ['', { std: 'Z07:00', read: zone }],
];

function daysIn(month: number, year: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Go's `time.Parse(time.RFC3339, s)` error text, or undefined when `s` parses (what metav1.Time accepts). */
export function rfc3339Error(s: string): string | undefined {
  const head = `parsing time ${goTimeQuote(s)}`;
  const nums: number[] = [];
  let v = s;
  for (const [prefix, step] of STEPS) {
    if (!v.startsWith(prefix)) return `${head} as "${RFC3339}": cannot parse ${goTimeQuote(v)} as ${goTimeQuote(prefix)}`;
    v = v.slice(prefix.length);
    const r = step.read(v);
    if (!r) return `${head} as "${RFC3339}": cannot parse ${goTimeQuote(v)} as "${step.std}"`;
    if (step.range && r.n !== undefined && (r.n < step.range[1] || r.n > step.range[2])) return `${head}: ${step.range[0]} out of range`;
    nums.push(r.n ?? 0);
    v = r.rest;
  }
  if (v !== '') return `${head}: extra text: ${goTimeQuote(v)}`;
  const [year = 0, month = 1, day = 1] = nums;
  if (day < 1 || day > daysIn(month, year)) return `${head}: day out of range`;
  return undefined;
}

/** True when `p` is already what Go's path.Clean returns for it (no empty, `.` or `..` elements, no trailing slash). */
export function isCleanPath(p: string): boolean {
  if (p === '/') return true;
  if (!p.startsWith('/') || p.endsWith('/')) return false;
  return p.slice(1).split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

const GO_JSON_SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Go's quoteChar for a byte of JSON text: `'x'`, with escapes for quotes, controls and non-printable Latin-1. */
function quoteByte(b: number): string {
  if (b === 0x27) return `'\\''`;
  if (b === 0x22) return `'"'`;
  const named: Record<number, string> = { 0x07: '\\a', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v', 0x5c: '\\\\' };
  if (named[b]) return `'${named[b]}'`;
  if (b < 0x20 || b === 0x7f) return `'\\x${b.toString(16).padStart(2, '0')}'`;
  if (b >= 0x80 && (b < 0xa0 || b === 0xad)) return `'\\u${b.toString(16).padStart(4, '0')}'`;
  return `'${String.fromCharCode(b)}'`;
}

/**
 * Go's encoding/json syntax error for text that does not even start a value (`unexpected end of JSON input`,
 * `invalid character 'g' looking for beginning of value`); `fallback` (the JS parser's message) otherwise.
 */
export function goJsonSyntaxError(text: Uint8Array, fallback: string): string {
  let i = 0;
  while (i < text.length && GO_JSON_SPACE.has(text[i]!)) i++;
  if (i === text.length) return 'unexpected end of JSON input';
  const b = text[i]!;
  if (b === 0x7b || b === 0x5b || b === 0x22 || b === 0x2d || (b >= 0x30 && b <= 0x39) || b === 0x74 || b === 0x66 || b === 0x6e) return fallback;
  return `invalid character ${quoteByte(b)} looking for beginning of value`;
}
