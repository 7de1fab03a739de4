// Kubernetes Status errors: ApiError carries a meta/v1 Status; factories reproduce upstream's reasons and messages.

/** One field-level cause of an Invalid error (JSON key for the type is `reason`, as upstream). */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** The meta/v1 Status object, as sent on the wire. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; uid?: string; causes?: StatusCause[]; retryAfterSeconds?: number };
  /** Always set on failures; upstream omits it on a DELETE's Success. */
  code?: number;
}

/** An error that is a Kubernetes Status; the server answers it verbatim, the client rebuilds it from a Status. */
export class ApiError extends Error {
  readonly status: Status;
  constructor(status: Status) {
    super(status.message ?? status.reason ?? 'unknown error');
    this.name = 'ApiError';
    this.status = status;
  }
  get code(): number {
    return this.status.code ?? 500;
  }
  get reason(): string {
    return this.status.reason ?? '';
  }
}

/** Identifies a resource in messages: `pods`, `daemonsets.apps`. */
export interface QualifiedResource {
  group: string;
  resource: string;
}

function qualified(qr: QualifiedResource): string {
  return qr.group ? `${qr.resource}.${qr.group}` : qr.resource;
}

function failure(code: number, reason: string, message: string, details?: Status['details']): ApiError {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) status.details = details;
  return new ApiError(status);
}

function resourceDetails(qr: QualifiedResource, name: string): NonNullable<Status['details']> {
  const d: NonNullable<Status['details']> = { name };
  if (qr.group) d.group = qr.group;
  d.kind = qr.resource;
  return d;
}

/** 404 `pods "x" not found`. */
export function notFound(qr: QualifiedResource, name: string): ApiError {
  return failure(404, 'NotFound', `${qualified(qr)} "${name}" not found`, resourceDetails(qr, name));
}

/** 404 for a path that names no resource. */
export function pathNotFound(): ApiError {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** 409 `pods "x" already exists`. */
export function alreadyExists(qr: QualifiedResource, name: string): ApiError {
  return failure(409, 'AlreadyExists', `${qualified(qr)} "${name}" already exists`, resourceDetails(qr, name));
}

/** 409 optimistic-concurrency conflict, with upstream's exact advice text. */
export function conflict(qr: QualifiedResource, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): ApiError {
  return failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(qr)} "${name}": ${why}`, resourceDetails(qr, name));
}

/** Field error types and the words upstream prints for them (apimachinery field.ErrorType). */
export const FieldErrorType = {
  NotFound: ['FieldValueNotFound', 'Not found'],
  Required: ['FieldValueRequired', 'Required value'],
  Duplicate: ['FieldValueDuplicate', 'Duplicate value'],
  Invalid: ['FieldValueInvalid', 'Invalid value'],
  NotSupported: ['FieldValueNotSupported', 'Unsupported value'],
  Forbidden: ['FieldValueForbidden', 'Forbidden'],
  TooLong: ['FieldValueTooLong', 'Too long'],
  TooMany: ['FieldValueTooMany', 'Too many'],
  TypeInvalid: ['FieldValueTypeInvalid', 'Invalid value'],
} as const;
export type FieldErrorKind = keyof typeof FieldErrorType;

/** One validation failure on a field (apimachinery field.Error). */
export interface FieldError {
  type: FieldErrorKind;
  field: string;
  /** The offending value; omitted for Required/Forbidden/TooLong, as upstream. */
  value?: unknown;
  detail?: string;
  /** For NotSupported: the accepted values. */
  supported?: string[];
  /** The bad value already rendered the Go way (e.g. `[]string{"foo"}`), used instead of `value`. */
  valueText?: string;
}

/** Go's %q-ish rendering of a bad value in field errors. */
function renderValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null) return 'null';
  return JSON.stringify(v);
}

/** The text after `field: ` (upstream ErrorBody). */
export function fieldErrorBody(e: FieldError): string {
  const [, words] = FieldErrorType[e.type];
  let s: string;
  if (e.type === 'Required' || e.type === 'Forbidden' || e.type === 'TooLong' || !('value' in e || 'valueText' in e)) s = words;
  else s = `${words}: ${e.valueText ?? renderValue(e.value)}`;
  let detail = e.detail;
  if (e.type === 'NotSupported' && e.supported && e.supported.length) {
    detail = `supported values: ${e.supported.map((x) => JSON.stringify(x)).join(', ')}`;
  }
  if (detail) s += `: ${detail}`;
  return s;
}

/** `field: body`, as upstream field.Error.Error(). */
export function fieldErrorString(e: FieldError): string {
  return e.field ? `${e.field}: ${fieldErrorBody(e)}` : fieldErrorBody(e);
}

/**
 * 422 `Pod "x" is invalid: …` with causes; details.kind is the Kind, as upstream NewInvalid. Every error is a cause;
 * the message lists each distinct one once (ErrorList.ToAggregate drops repeated messages).
 */
export function invalid(kind: string, group: string, name: string, errs: FieldError[]): ApiError {
  const list = [...new Set(errs.map(fieldErrorString))];
  const joined = list.length === 1 ? list[0]! : `[${list.join(', ')}]`;
  const details: NonNullable<Status['details']> = {};
  if (name) details.name = name;
  if (group) details.group = group;
  if (kind) details.kind = kind;
  details.causes = errs.map((e) => ({ reason: FieldErrorType[e.type][0], message: fieldErrorBody(e), field: e.field }));
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  return failure(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${joined}`, details);
}

/**
 * 422 Invalid as upstream's NewGenericServerResponse builds it (JSON patch failures, lists of lists in a strategic
 * merge patch): a fixed message, the real text only in the one cause.
 */
export function invalidRequest(serverMessage: string): ApiError {
  const details: NonNullable<Status['details']> = serverMessage ? { causes: [{ reason: 'UnexpectedServerResponse', message: serverMessage }] } : {};
  return failure(422, 'Invalid', 'the server rejected our request due to an error in our request', details);
}

/** 406 for an Accept header that names none of the media types the server writes. */
export function notAcceptable(accepted: string[]): ApiError {
  return failure(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);
}

/** 400 BadRequest with the given message. */
export function badRequest(message: string): ApiError {
  return failure(400, 'BadRequest', message, {});
}

/** 410 Expired: a resourceVersion older than what is kept. */
export function expired(message: string): ApiError {
  return failure(410, 'Expired', message, {});
}

/** 405: the route exists, the method does not. */
export function methodNotSupported(): ApiError {
  return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

/** 415 for a body in a format the server does not read. */
export function unsupportedMediaType(contentType: string, accepted: string[]): ApiError {
  void contentType;
  return failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`, {});
}

/** 413 for a body over the limit (or another size limit, given as upstream's message text). */
export function requestEntityTooLarge(limit: number | string): ApiError {
  const what = typeof limit === 'number' ? `limit is ${limit}` : limit;
  return failure(413, 'RequestEntityTooLarge', `Request entity too large: ${what}`, {});
}

/** 429, e.g. an eviction blocked by a disruption budget. */
export function tooManyRequests(message: string, retryAfterSeconds?: number): ApiError {
  return failure(429, 'TooManyRequests', message, retryAfterSeconds === undefined ? {} : { retryAfterSeconds });
}

/** 403 Forbidden (e.g. creating in a terminating namespace). */
export function forbidden(qr: QualifiedResource, name: string, why: string, causes?: StatusCause[]): ApiError {
  const msg = name ? `${qualified(qr)} "${name}" is forbidden: ${why}` : `${qualified(qr)} is forbidden: ${why}`;
  const details = resourceDetails(qr, name);
  if (causes) details.causes = causes;
  return failure(403, 'Forbidden', msg, details);
}

/** 500 InternalError wrapping an unexpected failure. */
export function internal(message: string): ApiError {
  return failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** A Success Status (DELETE of a resource answered with a Status, with the uid kubectl waits on). */
export function success(qr: QualifiedResource, name: string, uid?: string): Status {
  const details: NonNullable<Status['details']> = resourceDetails(qr, name);
  if (uid) details.uid = uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

/** Rebuilds an ApiError from any response body (a Status or not), as client-go does. */
export function fromResponse(code: number, body: unknown): ApiError {
  if (body && typeof body === 'object' && (body as { kind?: unknown }).kind === 'Status') {
    const s = body as Status;
    return new ApiError({ ...s, code: s.code || code });
  }
  const reason = code === 404 ? 'NotFound' : code === 409 ? 'Conflict' : code === 422 ? 'Invalid' : code === 410 ? 'Expired' : code >= 500 ? 'InternalError' : 'BadRequest';
  return failure(code, reason, typeof body === 'string' && body ? body : `the server responded with the status code ${code}`);
}

export const isNotFound = (e: unknown): boolean => e instanceof ApiError && e.reason === 'NotFound';
export const isAlreadyExists = (e: unknown): boolean => e instanceof ApiError && e.reason === 'AlreadyExists';
export const isConflict = (e: unknown): boolean => e instanceof ApiError && e.reason === 'Conflict';
export const isInvalid = (e: unknown): boolean => e instanceof ApiError && e.reason === 'Invalid';
export const isExpired = (e: unknown): boolean => e instanceof ApiError && (e.reason === 'Expired' || e.reason === 'Gone' || e.code === 410);
