// protobufjs reflection types built once from our descriptors (descriptors.ts), used to decode checked bytes.

import protobuf from 'protobufjs';
import { MESSAGES, type FieldDesc } from './descriptors.js';

function toField(fd: FieldDesc): protobuf.FieldBase {
  if (fd.map) return new protobuf.MapField(fd.json, fd.id, 'string', fd.type);
  return new protobuf.Field(fd.json, fd.id, fd.type, fd.repeated ? 'repeated' : 'optional');
}

function buildRoot(): protobuf.Root {
  const root = new protobuf.Root();
  for (const m of MESSAGES) {
    const type = new protobuf.Type(m.name);
    for (const fd of m.fields) type.add(toField(fd));
    root.add(type);
  }
  root.resolveAll();
  return root;
}

let root: protobuf.Root | undefined;

/** The protobufjs type of a message of the descriptor table (built on first use). */
export function pbType(name: string): protobuf.Type {
  root ??= buildRoot();
  return root.lookupType(name);
}
