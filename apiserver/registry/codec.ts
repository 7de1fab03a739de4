// Object ⇄ stored bytes: JSON without resourceVersion (always derived from the storage revision), serialized once.

import { escapeHTML } from '../api/html-escape.js';
import type { KObject } from '../api/types.js';

/** The JSON text each encoded object was stored as (without resourceVersion), so responses need no second stringify. */
const storedText = new WeakMap<KObject, string>();

/**
 * The stored JSON text of an object: apiVersion, kind and metadata first (so the first `"metadata":{` in the text is
 * the object's own), metadata.resourceVersion left out.
 */
export function encodeText(obj: KObject): string {
  const meta = obj.metadata;
  const rv = meta.resourceVersion;
  if (rv !== undefined) delete meta.resourceVersion;
  let text: string;
  try {
    text = JSON.stringify(inStoredOrder(obj) ? obj : { apiVersion: obj.apiVersion, kind: obj.kind, ...obj });
  } finally {
    if (rv !== undefined) meta.resourceVersion = rv;
  }
  text = escapeHTML(text);
  storedText.set(obj, text);
  return text;
}

/** True when the object's first keys are apiVersion, kind, metadata (the registry builds objects that way). */
function inStoredOrder(obj: KObject): boolean {
  let i = 0;
  for (const k in obj) {
    if (k !== (i === 0 ? 'apiVersion' : i === 1 ? 'kind' : 'metadata')) return false;
    if (++i === 3) return true;
  }
  return false;
}

/** Encodes an object for storage. */
export function encode(obj: KObject): Uint8Array {
  return Buffer.from(encodeText(obj));
}

/** The UTF-8 text of stored bytes. */
export function textOf(value: Uint8Array): string {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
}

/**
 * Inserts `"resourceVersion":"<rv>"` into stored text. Invariant: the text came from encodeText, whose first
 * `"metadata":{` is the top-level metadata (inside JSON strings every quote is escaped, so it cannot match there).
 */
export function withResourceVersion(text: string, rv: string | number): string {
  const at = text.indexOf('"metadata":{');
  if (at < 0) return text;
  const open = at + '"metadata":{'.length;
  const sep = text[open] === '}' ? '' : ',';
  return `${text.slice(0, open)}"resourceVersion":"${rv}"${sep}${text.slice(open)}`;
}

/**
 * The JSON of an object for a response: its stored text with the resourceVersion spliced in when the object was just
 * encoded and only its resourceVersion changed since (the registry's create and update results); otherwise stringify.
 */
export function serialize(obj: KObject): string {
  const text = storedText.get(obj);
  const rv = text === undefined ? undefined : obj.metadata.resourceVersion;
  if (text !== undefined && rv !== undefined) return withResourceVersion(text, rv);
  return JSON.stringify(obj);
}

/** Decodes stored bytes and stamps the resourceVersion of the revision they were read at. */
export function decode(value: Uint8Array, modRevision: number): KObject {
  return decodeText(textOf(value), modRevision);
}

/** Decodes stored text and stamps the resourceVersion of the revision it was read at. */
export function decodeText(text: string, modRevision: number): KObject {
  const obj = JSON.parse(text) as KObject;
  obj.metadata.resourceVersion = String(modRevision);
  return obj;
}

/** Byte equality, used to detect writes that change nothing. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
