// A structural check of protobuf bytes against our descriptors, failing with the errors upstream's generated code gives.

import { goFieldName, isMessageType, message, type FieldDesc, type MessageDesc } from './descriptors.js';

/** Bytes that do not decode as the message; the text is upstream's (gogo-generated Unmarshal) error. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

const EOF = 'unexpected EOF';
const NEGATIVE = 'proto: negative length found during unmarshaling';
const OVERFLOW = 'proto: integer overflow';
/** Nesting of known messages beyond this is refused (their messages nest a few levels; checking recurses). */
const MAX_DEPTH = 64;

/** A cursor over one message's bytes. */
class Cursor {
  constructor(readonly buf: Uint8Array, public pos: number, readonly end: number) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint as a number (values above 2^53 lose precision; only their size matters here). */
  varint(): number {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      if (shift >= 64) throw new WireError(OVERFLOW);
      if (this.pos >= this.end) throw new WireError(EOF);
      const b = this.buf[this.pos++]!;
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
  }

  /** A length prefix and the end of the bytes it covers (Go reads it as a signed int). */
  span(): number {
    const len = this.varint();
    if (len >= 2 ** 63) throw new WireError(NEGATIVE);
    const end = this.pos + len;
    if (end > this.end) throw new WireError(EOF);
    return end;
  }

  skip(n: number): void {
    if (this.pos + n > this.end) throw new WireError(EOF);
    this.pos += n;
  }
}

/** Skips a field of unknown number by its wire type (groups included), as upstream's skipGenerated. */
function skipUnknown(c: Cursor, wire: number): void {
  let depth = 0;
  for (;;) {
    if (wire === 0) c.varint();
    else if (wire === 1) c.skip(8);
    else if (wire === 2) c.pos = c.span();
    else if (wire === 5) c.skip(4);
    else if (wire === 3) depth++;
    else if (wire === 4) {
      if (depth === 0) throw new WireError('proto: unexpected end of group');
      depth--;
    } else throw new WireError(`proto: illegal wireType ${wire}`);
    if (depth === 0) return;
    wire = c.varint() % 8;
  }
}

/** The wire type a declared field must arrive in. */
function expectedWire(field: FieldDesc): number {
  if (field.map || field.repeated || field.type === 'string' || field.type === 'bytes' || isMessageType(field.type)) return 2;
  return 0;
}

/**
 * A map entry: key 1 and a string, bytes or message value 2 are read as length-delimited whatever their wire type
 * (upstream's generated map code does not look at it, and neither does protobufjs); a message value is checked
 * inside; other fields are skipped.
 */
function checkMapEntry(c: Cursor, field: FieldDesc, depth: number): void {
  while (!c.done) {
    const tag = c.varint();
    const num = Math.floor(tag / 8);
    if (num !== 1 && num !== 2) {
      skipUnknown(c, tag % 8);
      continue;
    }
    const end = c.span();
    if (num === 2 && isMessageType(field.type)) checkFields(new Cursor(c.buf, c.pos, end), message(field.type), depth + 1);
    c.pos = end;
  }
}

function checkField(c: Cursor, field: FieldDesc, wire: number, depth: number): void {
  if (wire !== expectedWire(field)) throw new WireError(`proto: wrong wireType = ${wire} for field ${goFieldName(field)}`);
  if (wire === 0) {
    c.varint();
    return;
  }
  const end = c.span();
  const inner = new Cursor(c.buf, c.pos, end);
  if (field.map) checkMapEntry(inner, field, depth);
  else if (isMessageType(field.type)) checkFields(inner, message(field.type), depth + 1);
  c.pos = end;
}

function checkFields(c: Cursor, msg: MessageDesc, depth: number): void {
  // metav1.Time unmarshals through its Timestamp message, which upstream's errors name.
  const goName = msg.name === 'Time' ? 'Timestamp' : msg.name;
  if (depth > MAX_DEPTH) throw new WireError(`proto: ${goName}: nested too deeply`);
  while (!c.done) {
    const tag = c.varint();
    const num = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === 4) throw new WireError(`proto: ${goName}: wiretype end group for non-group`);
    if (num <= 0) throw new WireError(`proto: ${goName}: illegal tag ${num} (wire type ${wire})`);
    const field = msg.fields.find((fd) => fd.id === num);
    if (field) checkField(c, field, wire, depth);
    else skipUnknown(c, wire);
  }
}

/**
 * Checks that `bytes` decode as the message `name`: every tag well formed, every known field in its wire type,
 * every length inside the bytes, nested messages recursively. Throws WireError with upstream's text.
 * Assumptions: upstream's generated Unmarshal checks exactly these and skips unknown fields (groups included).
 */
export function checkWire(bytes: Uint8Array, name: string): void {
  checkFields(new Cursor(bytes, 0, bytes.length), message(name), 0);
}
