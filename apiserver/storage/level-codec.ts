// The LevelDB layout of the level backend: key scheme and the compact binary encoding of objects and log entries.
//
// Keys (UTF-8, so LevelDB's byte order is the code point order of the in-memory index):
//   'o' + key                        → object, one of two formats:
//                                       u8 1 | f64 createRevision | f64 modRevision | value bytes   (a full row)
//                                       u8 2 | f64 createRevision | f64 modRevision                 (a pointer row: the
//                                       value is the one in the log entry at modRevision, so a write stores it once;
//                                       a pointer row becomes a full row before that log entry is trimmed)
//   'l' + revision (16 digits, 0-padded) → log entry: u8 type (1 create, 2 update, 3 delete)
//                                         | f64 createRevision | f64 prevModRevision (0 for create)
//                                         | u32 keyLength | key UTF-8 | u32 valueLength | value
//                                         | prev value (update only; for a delete `value` is the last value)
//   'meta/rev'                       → f64 current revision (written in every batch)
// Numbers are big-endian; f64 holds integers exactly up to 2^53, the limit of a JS revision anyway.
import type { KV, StorageEvent } from './types.js';

/** The key under which the current revision is stored. */
export const META_REVISION_KEY = 'meta/rev';
/** Iterator bounds of all object keys. */
export const OBJECT_RANGE = { gte: 'o', lt: 'p' } as const;
/** Iterator bounds of all log keys ('l' + digits; ':' follows '9'). */
export const LOG_RANGE = { gte: 'l0', lt: 'l:' } as const;

const LOG_DIGITS = 16;
const FULL_ROW = 1;
const POINTER_ROW = 2;
const OBJECT_HEADER = 17;
const TYPE_CODES = { create: 1, update: 2, delete: 3 } as const;
const TYPES = [undefined, 'create', 'update', 'delete'] as const;

/** The LevelDB key of an object. */
export function objectKey(key: string): string {
  return 'o' + key;
}

/** The LevelDB key of the log entry at `revision`. */
export function logKey(revision: number): string {
  return 'l' + String(revision).padStart(LOG_DIGITS, '0');
}

/** The revision a log key names. */
export function revisionOfLogKey(k: string): number {
  return Number(k.slice(1));
}

/** Encodes the current revision for META_REVISION_KEY. */
export function encodeRevision(revision: number): Uint8Array {
  const b = Buffer.allocUnsafe(8);
  b.writeDoubleBE(revision, 0);
  return b;
}

/** Decodes META_REVISION_KEY's value. */
export function decodeRevision(bytes: Uint8Array): number {
  return view(bytes).readDoubleBE(0);
}

/** Encodes an object as a full row: header and value. */
export function encodeObject(kv: KV): Uint8Array {
  const b = objectHeader(FULL_ROW, kv, kv.value.length);
  b.set(kv.value, OBJECT_HEADER);
  return b;
}

/** Encodes an object as a pointer row: its value is in the log entry at its modRevision. */
export function encodePointer(kv: KV): Uint8Array {
  return objectHeader(POINTER_ROW, kv, 0);
}

function objectHeader(format: number, kv: KV, extra: number): Buffer {
  const b = Buffer.allocUnsafe(OBJECT_HEADER + extra);
  b.writeUInt8(format, 0);
  b.writeDoubleBE(kv.createRevision, 1);
  b.writeDoubleBE(kv.modRevision, 9);
  return b;
}

/** A decoded object row: a full row's KV, or a pointer row's revisions (the value is in the log at modRevision). */
export type ObjectRow = { kv: KV; pointer: false } | { kv: Omit<KV, 'value'>; pointer: true };

/** Decodes an object row; a full row's value is a view into `bytes` (no copy). */
export function decodeObject(key: string, bytes: Uint8Array): ObjectRow {
  const b = view(bytes);
  const format = b.length >= OBJECT_HEADER ? b.readUInt8(0) : 0;
  const createRevision = format ? b.readDoubleBE(1) : 0;
  const modRevision = format ? b.readDoubleBE(9) : 0;
  if (format === POINTER_ROW && b.length === OBJECT_HEADER) return { kv: { key, createRevision, modRevision }, pointer: true };
  if (format !== FULL_ROW) throw new Error(`corrupt object record for ${key}`);
  const value = new Uint8Array(b.buffer, b.byteOffset + OBJECT_HEADER, b.length - OBJECT_HEADER);
  return { kv: { key, value, createRevision, modRevision }, pointer: false };
}

/** Encodes one change for the log. */
export function encodeLogEntry(ev: StorageEvent): Uint8Array {
  const key = Buffer.from(ev.kv.key, 'utf8');
  const value = ev.kv.value;
  const prevValue = ev.type === 'update' && ev.prev ? ev.prev.value : undefined;
  const b = Buffer.allocUnsafe(25 + key.length + value.length + (prevValue?.length ?? 0));
  b.writeUInt8(TYPE_CODES[ev.type], 0);
  b.writeDoubleBE(ev.kv.createRevision, 1);
  b.writeDoubleBE(ev.prev?.modRevision ?? 0, 9);
  b.writeUInt32BE(key.length, 17);
  b.set(key, 21);
  let at = 21 + key.length;
  b.writeUInt32BE(value.length, at);
  b.set(value, at + 4);
  at += 4 + value.length;
  if (prevValue) b.set(prevValue, at);
  return b;
}

/** Decodes the log entry stored at `revision` back into the event a watcher sees. */
export function decodeLogEntry(revision: number, bytes: Uint8Array): StorageEvent {
  const b = view(bytes);
  const type = TYPES[b.readUInt8(0)];
  if (!type) throw new Error(`corrupt log entry at revision ${revision}`);
  const createRevision = b.readDoubleBE(1);
  const prevModRevision = b.readDoubleBE(9);
  const keyEnd = 21 + b.readUInt32BE(17);
  const key = b.toString('utf8', 21, keyEnd);
  const valueEnd = keyEnd + 4 + b.readUInt32BE(keyEnd);
  const value = sub(b, keyEnd + 4, valueEnd);
  const kv: KV = { key, value, createRevision, modRevision: revision };
  if (type === 'create') return { type, kv, revision };
  const prevValue = type === 'update' ? sub(b, valueEnd, b.length) : value;
  return { type, kv, prev: { key, value: prevValue, createRevision, modRevision: prevModRevision }, revision };
}

function view(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function sub(b: Buffer, start: number, end: number): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset + start, end - start);
}
