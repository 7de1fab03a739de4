// DeleteOptions of a DELETE: decoded from the body (JSON or YAML) or, without a body, from the query, then validated.

import * as S from '../api/status.js';
import { decodeError } from '../api/go-decode.js';
import { DELETE_OPTIONS } from '../api/go-types.js';
import { groupVersions } from '../api/resources.js';
import { isPlainObject } from '../api/types.js';
import type { DeleteOptions } from '../registry/store.js';
import { BodyError, parseJsonText, parseYamlText } from './body.js';
import { mediaType, typeMetaError } from './negotiate.js';
import { PROTOBUF, ProtobufBodyError, decodeProtobufDeleteOptions } from './protobuf/decode.js';
import { boolParam, intParam, queryValues, type Query } from './query.js';

/** The DeleteOptions of a request, plus whether orphanDependents was false (upstream then answers 202 when pending). */
export interface RequestedDelete {
  opts: DeleteOptions;
  orphanDependentsFalse: boolean;
}

type Policy = NonNullable<DeleteOptions['propagationPolicy']>;

/** The fields as the request gave them, before validation. */
interface RawOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  orphanDependents?: boolean;
  propagationPolicy?: string;
  dryRun?: string[];
}

const ACCEPTED = ['application/json', 'application/yaml', PROTOBUF];
/** Where upstream's meta scheme is registered (named in "no kind is registered" errors). */
const META_SCHEME = 'pkg/apis/meta/internalversion/scheme/register.go:27';
const DELETE_OPTIONS_VERSIONS = new Set(['v1', 'meta.k8s.io/v1', 'meta.k8s.io/v1beta1', ...groupVersions().map((gv) => (gv.group ? `${gv.group}/${gv.version}` : gv.version))]);

/** 400 as kube-apiserver ≥ 1.35 answers an undecodable DeleteOptions body (1.32 answered 500). */
const undecodable = (message: string): S.ApiError => S.badRequest(message);

function parseBody(type: string, raw: Buffer): unknown {
  try {
    if (type === PROTOBUF) return decodeProtobufDeleteOptions(raw);
    return type === 'application/yaml' ? parseYamlText(raw) : parseJsonText(raw);
  } catch (e) {
    if (e instanceof ProtobufBodyError) throw undecodable(e.message);
    if (!(e instanceof BodyError)) throw e;
    throw undecodable(type === 'application/yaml' ? `error converting YAML to JSON: ${e.message}` : `couldn't get version/kind; json parse error: ${e.message}`);
  }
}

/** apiVersion and kind must name DeleteOptions in a version the server serves (absent ones default). */
function checkKind(body: Record<string, unknown>): void {
  const kind = typeof body.kind === 'string' && body.kind !== '' ? body.kind : 'DeleteOptions';
  const version = typeof body.apiVersion === 'string' && body.apiVersion !== '' ? body.apiVersion : 'meta.k8s.io/v1';
  if (kind !== 'DeleteOptions' || !DELETE_OPTIONS_VERSIONS.has(version)) {
    throw undecodable(`no kind "${kind}" is registered for version "${version}" in scheme "${META_SCHEME}"`);
  }
}

/** DeleteOptions from a non-empty body (JSON, YAML, or protobuf as kubectl's typed client sends it). */
function fromBody(contentType: string | undefined, raw: Buffer): RawOptions {
  const type = mediaType(contentType) || 'application/json';
  if (type !== 'application/json' && type !== 'application/yaml' && type !== PROTOBUF) throw S.unsupportedMediaType(type, ACCEPTED);
  const body = parseBody(type, raw);
  const metaErr = typeMetaError(body);
  if (metaErr) throw undecodable(`couldn't get version/kind; json parse error: ${metaErr}`);
  if (!isPlainObject(body)) return {};
  checkKind(body);
  const err = decodeError(body, DELETE_OPTIONS);
  if (err) throw undecodable(err);
  return body as RawOptions;
}

/** DeleteOptions from the query (upstream reads the query only when there is no body). */
function fromQuery(q: Query): RawOptions {
  const out: RawOptions = {};
  const grace = intParam(q, 'gracePeriodSeconds');
  if (grace !== undefined) out.gracePeriodSeconds = grace;
  if (q.propagationPolicy !== undefined) out.propagationPolicy = q.propagationPolicy;
  if (q.orphanDependents !== undefined && q.orphanDependents !== '') out.orphanDependents = boolParam(q, 'orphanDependents');
  const dryRun = queryValues(q, 'dryRun');
  if (dryRun.length) out.dryRun = [...dryRun];
  return out;
}

/** Upstream ValidateDeleteOptions: 422 `DeleteOptions.meta.k8s.io "" is invalid: …`. */
function validate(o: RawOptions): void {
  const errs: S.FieldError[] = [];
  if (o.orphanDependents !== undefined && o.propagationPolicy !== undefined) {
    errs.push({ type: 'Invalid', field: 'propagationPolicy', value: o.propagationPolicy, detail: 'orphanDependents and deletionPropagation cannot be both set' });
  }
  const policy = o.propagationPolicy;
  if (policy !== undefined && policy !== 'Foreground' && policy !== 'Background' && policy !== 'Orphan') {
    errs.push({ type: 'NotSupported', field: 'propagationPolicy', value: policy, supported: ['Foreground', 'Background', 'Orphan', 'nil'] });
  }
  if (o.dryRun && o.dryRun.some((v) => v !== 'All')) {
    errs.push({ type: 'NotSupported', field: 'dryRun', valueText: `[]string{${o.dryRun.map((v) => JSON.stringify(v)).join(', ')}}`, supported: ['All'] });
  }
  if (errs.length) throw S.invalid('DeleteOptions', 'meta.k8s.io', '', errs);
}

function toOptions(o: RawOptions): DeleteOptions {
  const opts: DeleteOptions = { dryRun: (o.dryRun ?? []).length > 0 };
  if (o.gracePeriodSeconds !== undefined) opts.gracePeriodSeconds = o.gracePeriodSeconds;
  if (o.orphanDependents !== undefined) opts.propagationPolicy = o.orphanDependents ? 'Orphan' : 'Background';
  else if (o.propagationPolicy !== undefined) opts.propagationPolicy = o.propagationPolicy as Policy;
  if (o.preconditions) {
    opts.preconditions = {};
    if (o.preconditions.uid !== undefined) opts.preconditions.uid = o.preconditions.uid;
    if (o.preconditions.resourceVersion !== undefined) opts.preconditions.resourceVersion = o.preconditions.resourceVersion;
  }
  return opts;
}

/**
 * The DeleteOptions of a DELETE, as upstream's handler reads them: a non-empty body is decoded (JSON, YAML or
 * protobuf; other types are 415) and the query is then ignored;
 * without a body the query is read. Undecodable bodies are 400, invalid options 422.
 */
export function requestedDelete(contentType: string | undefined, raw: unknown, q: Query): RequestedDelete {
  const body = Buffer.isBuffer(raw) && raw.length > 0 ? raw : undefined;
  const given = body ? fromBody(contentType, body) : fromQuery(q);
  validate(given);
  return { opts: toOptions(given), orphanDependentsFalse: given.orphanDependents === false };
}
