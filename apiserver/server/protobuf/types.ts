// protobufjs reflection types built once from our descriptors (descriptors.ts), used to decode checked bytes.

import { createRequire } from 'node:module';
import type protobufTypes from 'protobufjs';
import { MESSAGES, type FieldDesc } from './descriptors.js';

type Protobuf = typeof protobufTypes;

/** Loaded with the first protobuf body: kubectl sends JSON, so most API servers never need it. */
let protobuf: Protobuf;

function toField(fd: FieldDesc): protobufTypes.FieldBase {
  if (fd.map) return new protobuf.MapField(fd.json, fd.id, 'string', fd.type);
  return new protobuf.Field(fd.json, fd.id, fd.type, fd.repeated ? 'repeated' : 'optional');
}

function buildRoot(): protobufTypes.Root {
  protobuf = createRequire(import.meta.url)('protobufjs') as Protobuf;
  const root = new protobuf.Root();
  for (const m of MESSAGES) {
    const type = new protobuf.Type(m.name);
    for (const fd of m.fields) type.add(toField(fd));
    root.add(type);
  }
  root.resolveAll();
  return root;
}

let root: protobufTypes.Root | undefined;

/** The protobufjs type of a message of the descriptor table (built, and protobufjs loaded, on first use). */
export function pbType(name: string): protobufTypes.Type {
  root ??= buildRoot();
  return root.lookupType(name);
}
