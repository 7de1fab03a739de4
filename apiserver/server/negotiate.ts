// Content negotiation: decoding request bodies (JSON, YAML) and reading what the client accepts (JSON, Table).

import { parseDocument } from 'yaml';
import * as S from '../api/status.js';
import { isPlainObject } from '../api/types.js';

/** The media types a write body may use. */
export const ACCEPTED_BODY_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/** The media type without parameters, lower-cased. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Upstream's summary of an undecodable body: up to 30 bytes, as text when it looks like JSON, else hex. */
function summarize(raw: Buffer): string {
  if (raw.length === 0) return '<empty>';
  const head = raw.subarray(0, 30);
  const more = raw.length > 30 ? ' ...' : '';
  return raw[0] === 0x7b ? `${head.toString('utf8')}${more}` : `${head.toString('hex')}${more}`;
}

/** The 400 upstream gives for a body it cannot decode into the endpoint's kind. */
function unrecognized(kind: string, detail: string, raw: Buffer): S.ApiError {
  return S.badRequest(`the object provided is unrecognized (must be of type ${kind}): ${detail} (${summarize(raw)})`);
}

/** Parses a JSON body; a syntax error is a 400 BadRequest. */
export function parseJson(raw: Buffer, kind = 'Object'): unknown {
  try {
    if (raw.length === 0) throw new Error('unexpected end of JSON input');
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (e) {
    throw unrecognized(kind, `couldn't get version/kind; json parse error: ${(e as Error).message}`, raw);
  }
}

/** Parses a YAML body (one document); a syntax error is a 400 BadRequest. */
export function parseYaml(raw: Buffer, kind = 'Object'): unknown {
  const doc = parseDocument(raw.toString('utf8'), { uniqueKeys: true });
  if (doc.errors.length) {
    throw unrecognized(kind, `error converting YAML to JSON: yaml: ${doc.errors[0]!.message.split('\n')[0]}`, raw);
  }
  return doc.toJS({ maxAliasCount: 100 }) as unknown;
}

/** Decodes a create/update body by its Content-Type into a plain object. */
export function decodeObjectBody(contentType: string | undefined, raw: unknown, kind: string): Record<string, unknown> {
  const type = mediaType(contentType);
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
  let value: unknown;
  if (type === 'application/json' || type === '') value = parseJson(buf, kind);
  else if (type === 'application/yaml') value = parseYaml(buf, kind) ?? {};
  else throw S.unsupportedMediaType(type, ACCEPTED_BODY_TYPES);
  if (!isPlainObject(value)) {
    throw unrecognized(kind, `couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`, buf);
  }
  return value;
}

/** The Table version asked for in Accept (`v1` or `v1beta1`), or undefined for plain JSON. */
export function wantsTable(accept: string | undefined): 'v1' | 'v1beta1' | undefined {
  if (!accept || !accept.includes('as=Table')) return undefined;
  for (const part of accept.split(',')) {
    const params = part.split(';').map((p) => p.trim());
    if (!params.includes('as=Table') || !params.includes('g=meta.k8s.io')) continue;
    if (params.includes('v=v1')) return 'v1';
    if (params.includes('v=v1beta1')) return 'v1beta1';
  }
  return undefined;
}
