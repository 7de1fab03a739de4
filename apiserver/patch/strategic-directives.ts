// Strategic-merge-patch directive names, directive-key parsing, and stripping directives from values taken verbatim.

import { errPrimitiveListFormat, errSetElementOrderFormat, isMap, type JsonMap } from './strategic-errors.js';

/** `$patch`: replace | delete (on a map or a list element); merge is refused, as upstream. */
export const PATCH = '$patch';
/** `$retainKeys: [...]`: keys of the live map to keep. */
export const RETAIN_KEYS = '$retainKeys';
/** `$setElementOrder/<field>: [...]`: the final order of a merged list. */
export const SET_ORDER = '$setElementOrder';
/** `$deleteFromPrimitiveList/<field>: [...]`: values to remove from a primitive list. */
export const DELETE_FROM = '$deleteFromPrimitiveList';

/** Sets a key as an own property, even `__proto__`. */
export function put(m: JsonMap, key: string, value: unknown): void {
  Object.defineProperty(m, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * The field a `$setElementOrder/<field>` or `$deleteFromPrimitiveList/<field>` key names. Upstream splits
 * on the first `/` and requires the part before it to be exactly the prefix.
 */
export function directiveField(key: string, prefix: typeof SET_ORDER | typeof DELETE_FROM): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw prefix === SET_ORDER ? errSetElementOrderFormat() : errPrimitiveListFormat();
  }
  return key.slice(slash + 1);
}

function isDirectiveKey(key: string): boolean {
  return key === RETAIN_KEYS || key.startsWith(SET_ORDER) || key.startsWith(DELETE_FROM);
}

const DROP: unique symbol = Symbol('drop');

function strip(v: unknown): unknown {
  if (Array.isArray(v)) return stripList(v);
  if (!isMap(v)) return v;
  if (Object.hasOwn(v, PATCH)) return DROP;
  return stripMap(v);
}

/** A list's elements with directives stripped; elements carrying `$patch` are dropped (upstream removeDirectives). */
export function stripList(list: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of list) {
    const s = strip(v);
    if (s !== DROP) out.push(s);
  }
  return out;
}

/**
 * A map taken verbatim from the patch (no live counterpart), cleaned as upstream does: null values
 * discarded, nested maps carrying `$patch` dropped. Also drops `$retainKeys`, `$setElementOrder/…` and
 * `$deleteFromPrimitiveList/…` keys, which upstream leaves to its typed decoder to discard.
 */
export function stripMap(m: JsonMap): JsonMap {
  const out: JsonMap = {};
  for (const [k, v] of Object.entries(m)) {
    if (v === null || isDirectiveKey(k)) continue;
    const s = strip(v);
    if (s !== DROP) put(out, k, s);
  }
  return out;
}

/** Cleans a value taken verbatim from the patch; `undefined` when upstream would drop the key. */
export function stripValue(v: unknown): unknown {
  const s = strip(v);
  return s === DROP ? undefined : s;
}
