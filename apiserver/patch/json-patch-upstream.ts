// JSON patch as kube-apiserver applies it (gopkg.in/evanphx/json-patch.v4): its tolerances and its error texts.

type Doc = Record<string, unknown>;
type Container = Doc | unknown[];

const isDoc = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);
const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

/*
 * Assumptions — evanphx/json-patch v4, which the API server uses for application/json-patch+json:
 * - A path is split on `/`; every token but the last must name an existing object or array (else "doc is missing
 *   path"); array indices may be negative (counted from the end).
 * - `replace` of a key missing from an existing object sets it (the library checks the key with a lookup that
 *   cannot fail on objects), and `test` of such a key passes against null.
 * - Failures read `<op> operation does not apply: …: missing value`, `error in <op> for path: '…': …`,
 *   `testing value … failed: test failed`, `Unexpected kind: …`.
 */

/** The container a path's last token lives in, and that token (upstream findObject); undefined when missing. */
function findObject(doc: Container, path: string): { con: Container; key: string } | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let cur: Container = doc;
  for (const raw of split.slice(1, -1)) {
    const next = get(cur, decodeKey(raw));
    if ('error' in next || !isContainer(next.value)) return undefined;
    cur = next.value;
  }
  return { con: cur, key: decodeKey(split[split.length - 1]!) };
}

const decodeKey = (k: string): string => k.replace(/~1/g, '/').replace(/~0/g, '~');

/** Go's strconv.Atoi: an optional sign and decimal digits, within int64. */
function atoi(key: string): number | { error: string } {
  if (!/^[+-]?\d+$/.test(key) || !Number.isSafeInteger(Number(key))) return { error: `strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax` };
  return Number(key);
}

const invalidIndex = (idx: number): string => `Unable to access invalid index: ${idx}: invalid index referenced`;

function get(con: Container, key: string): { value: unknown } | { error: string } {
  if (isDoc(con)) return { value: Object.hasOwn(con, key) ? con[key] : undefined };
  const idx = atoi(key);
  if (typeof idx !== 'number') return idx;
  const i = idx < 0 ? idx + con.length : idx;
  if (i < 0 || i >= con.length) return { error: invalidIndex(idx) };
  return { value: con[i] };
}

/** Why adding at `key` of `con` fails, or undefined. */
function addError(con: Container, key: string): string | undefined {
  if (isDoc(con) || key === '-') return undefined;
  const idx = atoi(key);
  if (typeof idx !== 'number') return `value was not a proper array index: '${key}': ${idx.error}`;
  const size = con.length + 1;
  if (idx >= size || idx < -size) return invalidIndex(idx);
  return undefined;
}

/** Why removing `key` from `con` fails, or undefined. */
function removeError(con: Container, key: string): string | undefined {
  if (isDoc(con)) return Object.hasOwn(con, key) ? undefined : `Unable to remove nonexistent key: ${key}: missing value`;
  const got = get(con, key);
  return 'error' in got ? got.error : undefined;
}

const opKind = (op: Doc): string => (typeof op.op === 'string' ? op.op : 'unknown');

function pathOf(op: Doc, field: 'path' | 'from'): string | { error: string } {
  const v = op[field];
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return { error: field === 'path' ? 'operation missing path field: missing value' : 'operation, missing from field: missing value' };
  return { error: `json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v} into Go value of type string` };
}

/**
 * The message the API server gives for an operation that does not apply to `doc` (the document before it), or
 * undefined when upstream would apply it (then the library's refusal is not upstream's: see {@link tolerated}).
 */
export function upstreamFailure(doc: Container, op: Doc): string | undefined {
  const kind = opKind(op);
  if (!['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(kind)) return `Unexpected kind: ${kind}`;
  if (kind === 'move' || kind === 'copy') return fromFailure(doc, op, kind);
  const path = pathOf(op, 'path');
  if (typeof path !== 'string') {
    return kind === 'add' || kind === 'remove' ? `${kind} operation failed to decode path: missing value` : `${kind} operation failed to decode path: ${path.error}`;
  }
  if (path === '' && (kind === 'replace' || kind === 'test')) return undefined;
  const found = findObject(doc, path);
  if (!found) {
    if (kind === 'test') return `test operation does not apply: is missing path: ${path}: missing value`;
    return kind === 'replace' ? `replace operation does not apply: doc is missing path: ${path}: missing value` : `${kind} operation does not apply: doc is missing path: "${path}": missing value`;
  }
  const { con, key } = found;
  if (kind === 'add') return wrap(`error in add for path: '${path}'`, addError(con, key));
  if (kind === 'remove') return wrap(`error in remove for path: '${path}'`, removeError(con, key));
  const got = get(con, key);
  if (kind === 'replace') return 'error' in got ? `replace operation does not apply: doc is missing key: ${path}: missing value` : undefined;
  if ('error' in got) return `error in test for path: '${path}': ${got.error}`;
  const want = op.value ?? null;
  return JSON.stringify(got.value ?? null) === JSON.stringify(want) ? undefined : `testing value ${path} failed: test failed`;
}

function wrap(prefix: string, why: string | undefined): string | undefined {
  return why === undefined ? undefined : `${prefix}: ${why}`;
}

function fromFailure(doc: Container, op: Doc, kind: 'move' | 'copy'): string | undefined {
  const from = pathOf(op, 'from');
  if (typeof from !== 'string') return `${kind} operation failed to decode from: ${from.error}`;
  const src = findObject(doc, from);
  if (!src) return `${kind} operation does not apply: doc is missing from path: ${from}: missing value`;
  const got = get(src.con, src.key);
  if ('error' in got) return kind === 'move' ? `error in move for path: '${src.key}': ${got.error}` : `error in copy for from: '${from}': ${got.error}`;
  if (kind === 'move' && isDoc(src.con) && !Object.hasOwn(src.con, src.key)) return `error in move for path: '${src.key}': Unable to remove nonexistent key: ${src.key}: missing value`;
  const path = pathOf(op, 'path');
  if (typeof path !== 'string') return kind === 'move' ? `move operation failed to decode path: ${path.error}` : 'copy operation failed to decode path: missing value';
  const dst = findObject(doc, path);
  if (!dst) return `${kind} operation does not apply: doc is missing destination path: ${path}: missing value`;
  const why = addError(dst.con, dst.key);
  return why === undefined ? undefined : kind === 'move' ? `error in move for path: '${path}': ${why}` : `error while adding value during copy: ${why}`;
}

/**
 * An operation upstream applies although RFC 6902 (and the library) refuse it, rewritten to what upstream does:
 * `replace` of a missing key of an object becomes `add`; `test` of a missing key against null passes (becomes no
 * operation: undefined). Any other operation is returned as is. (Upstream also copies null from a missing key;
 * kubeling refuses that, with the library's text, as it has no typed decoding yet to drop the null it would add.)
 */
export function tolerated(doc: Container, op: Doc): Doc | undefined {
  const kind = opKind(op);

  if ((kind !== 'replace' && kind !== 'test') || typeof op.path !== 'string' || op.path === '') return op;
  const found = findObject(doc, op.path);
  if (!found || !isDoc(found.con) || Object.hasOwn(found.con, found.key)) return op;
  if (kind === 'replace') return { ...op, op: 'add' };
  return (op.value ?? null) === null ? undefined : op;
}
