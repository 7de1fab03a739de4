// Kubernetes protobuf bodies (`k8s\0` + runtime.Unknown) decoded into the JSON objects a JSON body would carry.

import * as S from '../../api/status.js';
import { OBJECT_KINDS } from './descriptors.js';
import { messageJson } from './go-json.js';
import { pbType } from './types.js';
import { WireError, checkWire } from './wire-check.js';

/** The media type of Kubernetes protobuf bodies. */
export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/**
 * A protobuf body that does not decode. `object` is set when the envelope decoded and only the object inside
 * failed (upstream then names its kind and version in the message); the message is upstream's decoder text.
 */
export class ProtobufBodyError extends Error {
  constructor(message: string, readonly object?: { version: string; kind: string }) {
    super(message);
    this.name = 'ProtobufBodyError';
  }
}

/** The runtime.Unknown envelope of a body: the object's apiVersion and kind (possibly empty) and its bytes. */
export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
}

const asBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** Decodes checked bytes of message `name` into its Go JSON form; wire errors carry upstream's text. */
export function decodeMessage(name: string, bytes: Uint8Array): Record<string, unknown> {
  checkWire(bytes, name);
  let decoded: Record<string, unknown>;
  try {
    // A Buffer makes protobufjs decode strings as Node does: invalid UTF-8 becomes U+FFFD, as Go's JSON writes it.
    decoded = pbType(name).decode(asBuffer(bytes)) as unknown as Record<string, unknown>;
  } catch (e) {
    throw new WireError(`proto: ${name}: ${(e as Error).message}`);
  }
  return messageJson(name, decoded) as Record<string, unknown>;
}

/**
 * The envelope of a body, with upstream's errors: `empty data`, the missing-prefix message, `empty body`,
 * or the Unknown message's wire error.
 */
export function openEnvelope(body: Uint8Array): Envelope {
  if (body.length === 0) throw new ProtobufBodyError('empty data');
  if (body.length < MAGIC.length || !MAGIC.equals(body.subarray(0, MAGIC.length))) {
    throw new ProtobufBodyError(`provided data does not appear to be a protobuf message, expected prefix [${[...MAGIC].join(' ')}]`);
  }
  if (body.length === MAGIC.length) throw new ProtobufBodyError('empty body');
  const bytes = body.subarray(MAGIC.length);
  try {
    checkWire(bytes, 'Unknown');
    const unknown = pbType('Unknown').decode(asBuffer(bytes)) as unknown as { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array };
    return { apiVersion: unknown.typeMeta?.apiVersion ?? '', kind: unknown.typeMeta?.kind ?? '', raw: unknown.raw ?? new Uint8Array(0) };
  } catch (e) {
    throw new ProtobufBodyError(e instanceof WireError ? e.message : 'unexpected EOF');
  }
}

/** The object's apiVersion and kind, then its fields (the order JSON bodies have). */
function withTypeMeta(env: Envelope, fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (env.apiVersion !== '') out.apiVersion = env.apiVersion;
  if (env.kind !== '') out.kind = env.kind;
  return Object.assign(out, fields);
}

/** Decodes the object of an envelope as message `name`; failures name the kind and version (as upstream). */
function decodeObject(env: Envelope, name: string, defaultVersion: string): Record<string, unknown> {
  try {
    return withTypeMeta(env, decodeMessage(name, env.raw));
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    const version = env.apiVersion === '' ? defaultVersion : env.apiVersion.split('/').pop()!;
    throw new ProtobufBodyError(e.message, { version, kind: env.kind || name });
  }
}

/**
 * The JSON object of a protobuf create/update body for an endpoint of `kind` (in group version `gv`). Kinds
 * without a descriptor are 415 (kubeling decodes their JSON and YAML only). An envelope naming another kind or
 * version yields only its apiVersion and kind, which the endpoint's kind check then refuses as upstream does.
 * Throws ProtobufBodyError for bytes that do not decode.
 */
export function decodeProtobufObject(body: Uint8Array, gv: string, kind: string): Record<string, unknown> {
  const name = OBJECT_KINDS.get(`${gv}/${kind}`);
  if (!name) throw S.unsupportedMediaType(PROTOBUF, ['application/json', 'application/yaml']);
  const env = openEnvelope(body);
  const sameKind = (env.kind === '' || env.kind === kind) && (env.apiVersion === '' || env.apiVersion === gv);
  if (!sameKind) return withTypeMeta(env, {});
  return decodeObject(env, name, gv.split('/').pop()!);
}

/** The JSON form of a protobuf DeleteOptions body (apiVersion and kind as the envelope gives them). */
export function decodeProtobufDeleteOptions(body: Uint8Array): Record<string, unknown> {
  const env = openEnvelope(body);
  try {
    return withTypeMeta(env, env.kind === '' || env.kind === 'DeleteOptions' ? decodeMessage('DeleteOptions', env.raw) : {});
  } catch (e) {
    if (e instanceof WireError) throw new ProtobufBodyError(e.message);
    throw e;
  }
}
