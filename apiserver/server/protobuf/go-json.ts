// A decoded protobuf message as Go's JSON encoding writes the Go struct it decodes into (names, omitempty, bytes, Time).

import { isMessageType, message, type FieldDesc } from './descriptors.js';
import { WireError } from './wire-check.js';

/** A message as protobufjs decodes it: fields present on the wire are own properties. */
type Decoded = Record<string, unknown>;

const has = (m: Decoded, key: string): boolean => Object.prototype.hasOwnProperty.call(m, key);

/** An int64 as protobufjs gives it (a number, or a Long with low and high halves) as a number. */
function int64(v: unknown): number {
  if (typeof v === 'number') return v;
  const { low, high } = v as { low: number; high: number };
  return Number(BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0)));
}

/** metav1.Time: an empty message is the zero time (JSON null); otherwise RFC 3339 in UTC, whole seconds. */
function timeJson(m: Decoded): string | null {
  if (!has(m, 'seconds') && !has(m, 'nanos')) return null;
  const seconds = has(m, 'seconds') ? int64(m.seconds) : 0;
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 0 || date.getUTCFullYear() > 9999) {
    throw new WireError('Time.MarshalJSON: year outside of range [0,9999]');
  }
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** metav1.FieldsV1: its raw bytes are the JSON itself. */
function fieldsV1Json(m: Decoded): unknown {
  const raw = has(m, 'Raw') ? Buffer.from(m.Raw as Uint8Array) : Buffer.alloc(0);
  if (raw.length === 0) return null;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw new WireError('json: error calling MarshalJSON for type *v1.FieldsV1: invalid character in raw JSON');
  }
}

/** intstr.IntOrString: the number when its type is 0 (Int), the string when 1 (String). */
function intOrStringJson(m: Decoded): number | string {
  const type = has(m, 'type') ? int64(m.type) : 0;
  if (type === 0) return has(m, 'intVal') ? (m.intVal as number) : 0;
  if (type === 1) return has(m, 'strVal') ? (m.strVal as string) : '';
  throw new WireError('json: error calling MarshalJSON for type intstr.IntOrString: impossible IntOrString.Type');
}

function scalarJson(type: string, v: unknown): unknown {
  if (type === 'bytes') return Buffer.from(v as Uint8Array).toString('base64');
  if (type === 'int64') return int64(v);
  return v;
}

function valueJson(type: string, v: unknown): unknown {
  // A map entry without its value decodes to null: Go has the zero value there.
  if (isMessageType(type)) return messageJson(type, (v ?? {}) as Decoded);
  return scalarJson(type, v ?? (type === 'bytes' ? new Uint8Array(0) : v));
}

/** Go's order of map keys when it writes JSON: by their UTF-8 bytes. */
const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Whether Go's omitempty leaves a value out, judged on its JSON form (bytes are base64, so empty is ""). */
function isEmptyJson(v: unknown): boolean {
  if (v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && v !== null && Object.keys(v).length === 0;
}

/** The JSON value of one field, or undefined when Go leaves it out. */
function fieldJson(fd: FieldDesc, m: Decoded): unknown {
  const present = has(m, fd.json);
  const v = m[fd.json];
  if (fd.map) {
    const entries = Object.keys((v ?? {}) as Decoded).sort(byUtf8);
    if (entries.length === 0) return undefined;
    return Object.fromEntries(entries.map((k) => [k, valueJson(fd.type, (v as Decoded)[k])]));
  }
  if (fd.repeated) return Array.isArray(v) && v.length > 0 ? v.map((x) => valueJson(fd.type, x)) : undefined;
  if (fd.go === 'struct') return valueJson(fd.type, present ? v : {});
  if (fd.go === 'pointer') return present ? valueJson(fd.type, v) : undefined;
  if (fd.go === 'always') return present ? valueJson(fd.type, v) : (fd.type === 'bool' ? false : fd.type === 'string' ? '' : 0);
  const json = present ? valueJson(fd.type, v) : undefined;
  return json === undefined || isEmptyJson(json) ? undefined : json;
}

/**
 * A decoded message as Go's encoding/json writes its Go struct: fields in the struct's order under their JSON
 * names, omitempty fields left out when zero, pointers written when present, structs always, bytes as base64,
 * int64 as numbers, map keys sorted, Time as RFC 3339 seconds (zero: null), FieldsV1 as its raw JSON,
 * IntOrString as its number or string.
 */
export function messageJson(name: string, m: Decoded): unknown {
  if (name === 'Time') return timeJson(m);
  if (name === 'FieldsV1') return fieldsV1Json(m);
  if (name === 'IntOrString') return intOrStringJson(m);
  const out: Record<string, unknown> = {};
  for (const fd of message(name).fields) {
    const v = fieldJson(fd, m);
    if (v !== undefined) out[fd.json] = v;
  }
  return out;
}
