// Content negotiation: decoding request bodies (JSON, YAML) and reading what the client accepts (JSON, YAML, Table).

import * as S from '../api/status.js';
import { isPlainObject } from '../api/types.js';
import { yamlLib } from '../api/yaml-lib.js';
import { jsonKind } from '../api/go-text.js';
import { BodyError, parseJsonText, parseYamlKeepingDuplicates, parseYamlText } from './body.js';
import { PROTOBUF, ProtobufBodyError, decodeProtobufObject } from './protobuf/decode.js';

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

/** The text of a body that does not parse: the decoder's message, or rethrows anything unexpected. */
function bodyErrorText(e: unknown): string {
  if (e instanceof BodyError) return e.message;
  throw e;
}

/** Parses a JSON body (nesting limited, `__proto__` dropped); a syntax error is a 400 BadRequest. */
export function parseJson(raw: Buffer, kind = 'Object'): unknown {
  try {
    return parseJsonText(raw);
  } catch (e) {
    throw unrecognized(kind, `couldn't get version/kind; json parse error: ${bodyErrorText(e)}`, raw);
  }
}

/** Parses a YAML body (one document, nesting and aliases limited); an error is a 400 BadRequest. */
export function parseYaml(raw: Buffer, kind = 'Object', onDuplicates?: (duplicates: string[]) => void): unknown {
  try {
    if (!onDuplicates) return parseYamlText(raw);
    const { value, duplicates } = parseYamlKeepingDuplicates(raw);
    onDuplicates(duplicates);
    return value;
  } catch (e) {
    throw unrecognized(kind, `error converting YAML to JSON: ${bodyErrorText(e)}`, raw);
  }
}

/** Go's text for the anonymous struct upstream decodes apiVersion and kind into (runtime SimpleMetaFactory). */
const TYPE_META_STRUCT = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

/**
 * Upstream's first decoding step (SimpleMetaFactory.Interpret): the body must be an object whose apiVersion and
 * kind, when present, are strings. Returns the error text after `json parse error: `, or undefined.
 */
export function typeMetaError(value: unknown): string | undefined {
  if (!isPlainObject(value)) return value === null ? undefined : `json: cannot unmarshal ${jsonKind(value)} into Go value of type ${TYPE_META_STRUCT}`;
  for (const key of Object.keys(value)) {
    const v = value[key];
    if ((key === 'apiVersion' || key === 'kind') && v !== null && typeof v !== 'string') {
      return `json: cannot unmarshal ${jsonKind(v)} into Go struct field .${key} of type string`;
    }
  }
  return undefined;
}

/** The 400 for a body whose apiVersion or kind cannot be read (raw: the bytes summarized in the message). */
export function unreadableTypeMeta(kind: string, detail: string, raw: Buffer): S.ApiError {
  return unrecognized(kind, `couldn't get version/kind; json parse error: ${detail}`, raw);
}

/** A protobuf body as an object; undecodable bytes are upstream's 400 (naming the kind once the envelope decoded). */
function parseProtobuf(raw: Buffer, gv: string, kind: string): Record<string, unknown> {
  try {
    return decodeProtobufObject(raw, gv, kind);
  } catch (e) {
    if (!(e instanceof ProtobufBodyError)) throw e;
    if (!e.object) throw unrecognized(kind, e.message, raw);
    throw S.badRequest(`${e.object.kind} in version "${e.object.version}" cannot be handled as a ${kind}: ${e.message}`);
  }
}

/** Decodes a create/update body by its Content-Type into a plain object (`gv`, `kind`: the endpoint's). */
export function decodeObjectBody(
  contentType: string | undefined, raw: unknown, kind: string, gv: string, onYamlDuplicates?: (duplicates: string[]) => void,
): Record<string, unknown> {
  const type = mediaType(contentType);
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
  let value: unknown;
  if (type === 'application/json' || type === '') value = parseJson(buf, kind);
  else if (type === 'application/yaml') value = parseYaml(buf, kind, onYamlDuplicates) ?? {};
  else if (type === PROTOBUF) value = parseProtobuf(buf, gv, kind);
  else throw S.unsupportedMediaType(type, ACCEPTED_BODY_TYPES);
  const err = typeMetaError(value);
  if (err) throw unreadableTypeMeta(kind, err, buf);
  return isPlainObject(value) ? value : {};
}

// ---- Accept ----

/** The media types resource and discovery responses can be written in (upstream's list, in its order). */
export const OUTPUT_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const CONVERSIONS = new Set(['Table', 'PartialObjectMetadata', 'PartialObjectMetadataList', 'APIGroupDiscoveryList']);

interface Clause {
  type: string;
  q: number;
  specificity: number;
  order: number;
  params: Map<string, string>;
}

function parseClause(text: string, order: number): Clause {
  const [range = '', ...rest] = text.split(';').map((p) => p.trim());
  const params = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim());
  }
  const q = params.has('q') ? Number(params.get('q')) : 1;
  const type = range.toLowerCase();
  const specificity = type === '*/*' ? 0 : type.endsWith('/*') ? 1 : 2;
  return { type, q: Number.isFinite(q) ? q : 0, specificity, order, params };
}

/** The offered type a clause selects, if any (wildcards pick JSON; `as=` must name a conversion we serve). */
function offered(c: Clause): string | undefined {
  const as = c.params.get('as');
  if (as !== undefined && !CONVERSIONS.has(as)) return undefined;
  if (c.type === '*/*' || c.type === 'application/*') return 'application/json';
  return OUTPUT_TYPES.includes(c.type) ? c.type : undefined;
}

/**
 * What an Accept header asks for, as upstream's negotiation (goautoneg: by q, then specificity): `json` (also for
 * protobuf, which kubeling answers in JSON), `yaml`, or undefined when no clause names a type we write (406).
 */
export function outputFormat(accept: string | undefined): 'json' | 'yaml' | undefined {
  if (!accept || accept.trim() === '') return 'json';
  const clauses = accept.split(',').map((c, i) => parseClause(c, i)).filter((c) => c.q > 0 && c.type !== '');
  clauses.sort((a, b) => b.q - a.q || b.specificity - a.specificity || a.order - b.order);
  for (const c of clauses) {
    const type = offered(c);
    if (type) return type === 'application/yaml' ? 'yaml' : 'json';
  }
  return undefined;
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

/** JSON text as YAML the way sigs.k8s.io/yaml writes it: keys sorted, sequences not indented, YAML 1.1 quoting. */
export function jsonTextToYaml(jsonText: string): string {
  return yamlLib().stringify(JSON.parse(jsonText) as unknown, { sortMapEntries: true, indentSeq: false, lineWidth: 0, version: '1.1' });
}
