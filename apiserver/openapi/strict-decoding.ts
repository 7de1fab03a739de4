// Unknown and duplicate fields, found as Go's strict JSON decoder finds them (sigs.k8s.io/json UnmarshalStrict).

import type { FieldNode } from './field-tree.js';

/** Upstream keeps at most this many strict errors per decode. */
const MAX_ERRORS = 100;

/** A path being walked: keys and list indexes, joined only when an error is reported. */
type Segment = string | number;

/**
 * Upstream's path text: keys joined with `.`, indexes as `[i]` (`spec.containers[0].bogus`, `[0].op`).
 */
function pathText(path: readonly Segment[], last: string): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out === '' ? last : `${out}.${last}`;
}

/** Go's strconv.Quote for the texts that occur here (field names): escapes quotes, backslashes and control runes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c === 0x07) out += '\\a';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0b) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0x80 && c < 0xa0) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return `${out}"`;
}

/** Collects errors as upstream does: in document order, each text once, at most MAX_ERRORS. */
class Errors {
  readonly list: string[] = [];
  /** Created with the first error: most bodies have none. */
  private seen: Set<string> | undefined;

  add(kind: 'unknown field' | 'duplicate field', path: readonly Segment[], key: string): void {
    if (this.list.length >= MAX_ERRORS) return;
    const text = `${kind} ${goQuote(pathText(path, key))}`;
    this.seen ??= new Set();
    if (this.seen.has(text)) return;
    this.seen.add(text);
    this.list.push(text);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The number of object keys in a parsed value (compared with the text's count to spot duplicates cheaply). */
function countKeys(value: unknown): number {
  if (Array.isArray(value)) {
    let n = 0;
    for (const v of value) if (typeof v === 'object' && v !== null) n += countKeys(v);
    return n;
  }
  if (!isObject(value)) return 0;
  let n = 0;
  for (const k in value) {
    n++;
    const v = value[k];
    if (typeof v === 'object' && v !== null) n += countKeys(v);
  }
  return n;
}

/**
 * Walks a parsed value against its tree, reporting unknown fields in key order and, when `prune`, deleting them (as
 * decoding into the Go type drops them); returns the number of object keys seen (all of them, checked or not).
 */
function walkParsed(node: FieldNode, value: unknown, path: Segment[], errs: Errors, prune: boolean): number {
  if (typeof value !== 'object' || value === null) return 0;
  switch (node.t) {
    case 'struct': {
      if (!isObject(value)) return countKeys(value);
      let n = 0;
      for (const k in value) {
        n++;
        const field = node.fields.get(k);
        const v = value[k];
        if (field === undefined) {
          errs.add('unknown field', path, k);
          if (typeof v === 'object' && v !== null) n += countKeys(v);
          if (prune) delete value[k];
        } else if (typeof v === 'object' && v !== null) {
          path.push(k);
          n += walkParsed(field, v, path, errs, prune);
          path.pop();
        }
      }
      return n;
    }
    case 'map': {
      if (!isObject(value)) return countKeys(value);
      let n = 0;
      for (const k in value) {
        n++;
        const v = value[k];
        if (typeof v === 'object' && v !== null) {
          path.push(k);
          n += walkParsed(node.elem, v, path, errs, prune);
          path.pop();
        }
      }
      return n;
    }
    case 'list': {
      if (!Array.isArray(value)) return countKeys(value);
      let n = 0;
      for (let i = 0; i < value.length; i++) {
        const v = value[i];
        if (typeof v === 'object' && v !== null) {
          path.push(i);
          n += walkParsed(node.elem, v, path, errs, prune);
          path.pop();
        }
      }
      return n;
    }
    default:
      return countKeys(value);
  }
}

/** The number of object keys in JSON text: strings followed by `:` (the text is valid JSON, it parsed). */
export function countTextKeys(text: Uint8Array): number {
  let n = 0;
  let i = 0;
  const len = text.length;
  while (i < len) {
    if (text[i++] !== 0x22) continue;
    while (i < len) {
      const c = text[i++];
      if (c === 0x5c) i++;
      else if (c === 0x22) break;
    }
    while (i < len) {
      const c = text[i];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    if (text[i] === 0x3a) n++;
  }
  return n;
}

/**
 * A scan of JSON text that sees every key, repeated ones included (JSON.parse keeps only the last), with the same
 * rules as the parsed walk. Used only when the key counts say a key repeats.
 */
class TextScan {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly errs: Errors,
  ) {}

  private ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++;
      else break;
    }
  }

  private readString(): string {
    const s = this.s;
    const start = this.i++;
    let escaped = false;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i++);
      if (c === 0x5c) {
        escaped = true;
        this.i++;
      } else if (c === 0x22) break;
    }
    const raw = s.slice(start, this.i);
    return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  }

  /** Skips one value of any kind. */
  private skip(): void {
    this.ws();
    const s = this.s;
    const c = s[this.i];
    if (c === '"') {
      this.readString();
      return;
    }
    if (c !== '{' && c !== '[') {
      while (this.i < s.length && !',}] \n\r\t'.includes(s[this.i]!)) this.i++;
      return;
    }
    let depth = 0;
    while (this.i < s.length) {
      const d = s[this.i];
      if (d === '"') {
        this.readString();
        continue;
      }
      this.i++;
      if (d === '{' || d === '[') depth++;
      else if ((d === '}' || d === ']') && --depth === 0) return;
    }
  }

  /** Reads one value as the tree says; `path` is where it sits. */
  value(node: FieldNode, path: Segment[]): void {
    this.ws();
    const c = this.s[this.i];
    if (c === '{' && (node.t === 'struct' || node.t === 'map' || node.t === 'free')) this.object(node, path);
    else if (c === '[' && (node.t === 'list' || node.t === 'free')) this.array(node.t === 'list' ? node.elem : node, path);
    else this.skip();
  }

  private object(node: FieldNode & { t: 'struct' | 'map' | 'free' }, path: Segment[]): void {
    const seen = new Set<string>();
    this.i++;
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return;
      }
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      const key = this.readString();
      this.ws();
      this.i++; // ':'
      const field = node.t === 'struct' ? node.fields.get(key) : node.t === 'map' ? node.elem : node;
      if (field === undefined) {
        this.errs.add('unknown field', path, key);
        this.skip();
        continue;
      }
      if (seen.has(key)) this.errs.add('duplicate field', path, key);
      else seen.add(key);
      path.push(key);
      this.value(field, path);
      path.pop();
    }
  }

  private array(elem: FieldNode, path: Segment[]): void {
    this.i++;
    for (let index = 0; ; ) {
      this.ws();
      const c = this.s[this.i];
      if (c === ']') {
        this.i++;
        return;
      }
      if (c === ',') {
        this.i++;
        continue;
      }
      path.push(index++);
      this.value(elem, path);
      path.pop();
    }
  }
}

/**
 * The strict decoding errors of a body decoded into `node`'s type, as upstream words them (`unknown field
 * "spec.bogus"`, `duplicate field "x"`), in document order. `value` is the parsed body; `text`, when the body was JSON,
 * is its bytes: duplicates (which parsing hides) are looked for only when its key count differs from the value's.
 * With `prune`, unknown fields are deleted from `value` (duplicates already hold their last value, as upstream).
 *
 * Assumptions (sigs.k8s.io/json with DisallowUnknownFields, DisallowDuplicateFields, CaseSensitive): an unknown
 * field's value is skipped unread; a struct field or map key given twice is reported at its second occurrence and
 * both values are read; types with their own decoding hide their content; at most 100 distinct errors.
 */
export function strictDecodingErrors(node: FieldNode, value: unknown, text?: Uint8Array, prune = false): string[] {
  const errs = new Errors();
  const keys = walkParsed(node, value, [], errs, prune);
  if (text === undefined || countTextKeys(text) === keys) return errs.list;
  const scanErrs = new Errors();
  new TextScan(Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8'), scanErrs).value(node, []);
  return scanErrs.list;
}

/**
 * Deletes the fields `node`'s type does not know from `value`, reporting nothing: what decoding into the Go type
 * does with fieldValidation=Ignore. The lean twin of the walk above (no paths, no counts, no texts).
 */
export function dropUnknownFields(node: FieldNode, value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  switch (node.t) {
    case 'struct': {
      if (Array.isArray(value)) return;
      const obj = value as Record<string, unknown>;
      for (const k in obj) {
        const field = node.fields.get(k);
        if (field === undefined) delete obj[k];
        else dropUnknownFields(field, obj[k]);
      }
      return;
    }
    case 'map':
      if (Array.isArray(value)) return;
      for (const k in value) dropUnknownFields(node.elem, (value as Record<string, unknown>)[k]);
      return;
    case 'list':
      if (Array.isArray(value)) for (const v of value) dropUnknownFields(node.elem, v);
      return;
    default:
      return;
  }
}
