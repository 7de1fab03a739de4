// Object ⇄ stored bytes: JSON without resourceVersion, which is always derived from the storage revision.

import type { KObject } from '../api/types.js';

/** Encodes an object for storage; metadata.resourceVersion is never stored (it is the key's modRevision). */
export function encode(obj: KObject): Uint8Array {
  const rv = obj.metadata.resourceVersion;
  if (rv === undefined) return Buffer.from(JSON.stringify(obj));
  delete obj.metadata.resourceVersion;
  try {
    return Buffer.from(JSON.stringify(obj));
  } finally {
    obj.metadata.resourceVersion = rv;
  }
}

/** Decodes stored bytes and stamps the resourceVersion of the revision they were read at. */
export function decode(value: Uint8Array, modRevision: number): KObject {
  const obj = JSON.parse(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8')) as KObject;
  obj.metadata.resourceVersion = String(modRevision);
  return obj;
}

/** Byte equality, used to detect writes that change nothing. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
