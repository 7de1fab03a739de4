// JSON values from request bodies: the nesting limit they are held to, and the iterative walk that enforces it.

/**
 * The deepest nesting of objects and arrays a request body, a patch or a patched object may have. Upstream's
 * decoders allow 10,000 levels; kubeling allows fewer because code on the request path recurses once per level
 * (the yaml composer and `yaml.stringify`, the strategic merge patch, JSON patch equality). At the default V8
 * stack those give out between 660 and 940 levels, and a stack overflow inside V8's regexp compiler is fatal,
 * so the limit keeps them under a fifth of the stack (app.test.ts proves it with a third of the stack).
 */
export const MAX_NESTING_DEPTH = 128;

/** What {@link sanitizeJson} found: the bracket of the first container past the limit, or a value JSON cannot hold. */
export interface JsonProblem {
  tooDeep?: '{' | '[';
  /** Go's rendering of a value json.Marshal refuses (`+Inf`, `NaN`), or the JS type of a non-JSON value. */
  unsupported?: string;
}

function unsupportedValue(v: unknown): string | undefined {
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return undefined;
    return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
  }
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return undefined;
  if (typeof v !== 'object') return typeof v;
  if (Array.isArray(v)) return undefined;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null ? undefined : (v.constructor?.name ?? 'object');
}

/**
 * Walks a decoded value: removes every own `__proto__` key (so no later `obj[key] = …` can reach a prototype, and
 * the key cannot disable the rest of a patch), and reports the first container nested deeper than `limit` and,
 * when `strict`, the first value JSON cannot represent (YAML's `.inf`, tagged types). The recursion stops at
 * `limit`, so it is never deeper than the limit itself.
 */
export function sanitizeJson(value: unknown, limit = MAX_NESTING_DEPTH, strict = false): JsonProblem | undefined {
  return walk(value, 0, limit, strict);
}

function walk(v: unknown, depth: number, limit: number, strict: boolean): JsonProblem | undefined {
  if (strict) {
    const bad = unsupportedValue(v);
    if (bad) return { unsupported: bad };
  }
  if (typeof v !== 'object' || v === null) return undefined;
  if (depth + 1 > limit) return { tooDeep: Array.isArray(v) ? '[' : '{' };
  if (Array.isArray(v)) {
    for (const item of v) {
      const p = walkChild(item, depth, limit, strict);
      if (p) return p;
    }
    return undefined;
  }
  const o = v as Record<string, unknown>;
  if (Object.hasOwn(o, '__proto__')) delete o['__proto__'];
  for (const k in o) {
    const p = walkChild(o[k], depth, limit, strict);
    if (p) return p;
  }
  return undefined;
}

/** One child of a container: scalars are checked in place (no call), containers walked one level deeper. */
function walkChild(item: unknown, depth: number, limit: number, strict: boolean): JsonProblem | undefined {
  if (typeof item === 'object' && item !== null) return walk(item, depth + 1, limit, strict);
  const bad = strict ? unsupportedValue(item) : undefined;
  return bad ? { unsupported: bad } : undefined;
}

/**
 * Scans JSON text for nesting deeper than `limit` before it is parsed, as Go's scanner does (`exceeded max
 * depth`): returns the bracket that went past the limit, or undefined. Brackets inside strings do not count.
 */
export function jsonTextTooDeep(text: Uint8Array, limit = MAX_NESTING_DEPTH): '{' | '[' | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return c === 0x7b ? '{' : '[';
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}
