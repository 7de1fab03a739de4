// Encoding Kubernetes protobuf bodies from the same descriptors (the client side of decode.ts; tests build bodies with it).

import { pbType } from './types.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** The protobuf bytes of message `name` from a plain object in protobufjs form (field names as in descriptors.ts). */
export function encodeMessage(name: string, value: Record<string, unknown>): Uint8Array {
  const type = pbType(name);
  return type.encode(type.fromObject(value)).finish();
}

/**
 * A body as client-go writes it: the magic `k8s\0`, then runtime.Unknown with typeMeta, the object's bytes and
 * empty contentEncoding and contentType.
 */
export function encodeBody(apiVersion: string, kind: string, name: string, value: Record<string, unknown>): Buffer {
  const raw = encodeMessage(name, value);
  const unknown = encodeMessage('Unknown', { typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' });
  return Buffer.concat([MAGIC, unknown]);
}
