// Revision hashes: FNV over the revision data, printed in apimachinery's "safe" alphabet.

// Assumptions / Invariants: upstream prints a uint32 hash as its decimal string mapped through
// rand.SafeEncodeString (alphabet "bcdfghjklmnpqrstvwxz2456789", byte % 27), so hashes only use 456789bcdf.
// The StatefulSet hash is FNV-1 (not 1a) over the data bytes followed by the decimal collisionCount
// (controller_history.go HashControllerRevision) — the same bytes give upstream's hash. The DaemonSet hash is
// upstream's FNV-1a over a Go `spew` dump, which cannot be reproduced outside Go: kubeling takes FNV-1a over the
// same data bytes plus the collision count, so only equality of hashes carries meaning.

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
const OFFSET = 0x811c9dc5;
const PRIME = 0x01000193;
const encoder = new TextEncoder();

/** `rand.SafeEncodeString(fmt.Sprint(n))` for a uint32 `n`. */
export function safeEncode(n: number): string {
  let out = '';
  for (const ch of String(n >>> 0)) out += ALPHANUMS[ch.charCodeAt(0) % ALPHANUMS.length];
  return out;
}

/** FNV-1 32-bit over `bytes`, continuing from `h`. */
export function fnv1(bytes: Uint8Array, h = OFFSET): number {
  for (const b of bytes) h = (Math.imul(h, PRIME) ^ b) >>> 0;
  return h;
}

/** FNV-1a 32-bit over `bytes`, continuing from `h`. */
export function fnv1a(bytes: Uint8Array, h = OFFSET): number {
  for (const b of bytes) h = Math.imul(h ^ b, PRIME) >>> 0;
  return h;
}

/** A DaemonSet revision's hash: the data, then the collision count (uint32 little-endian + 4 zero bytes) when set. */
export function daemonSetHash(data: string, collisionCount?: number): string {
  let h = fnv1a(encoder.encode(data));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv1a(b, h);
  }
  return safeEncode(h);
}

/** A StatefulSet revision's hash, as upstream: FNV-1 over the data bytes and the decimal collision count (0 when unset). */
export function statefulSetHash(data: string, collisionCount?: number): string {
  const h = fnv1(encoder.encode(String(collisionCount ?? 0)), fnv1(encoder.encode(data)));
  return safeEncode(h);
}
