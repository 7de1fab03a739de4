// Addresses of simulated nodes: InternalIP and podCIDR from a global node index, its inverse, and pod IP allocation.

import type { Node } from '../apiserver/api/types.js';

/** A node's network identity: the InternalIP it reports and the pod range its pods take IPs from. */
export interface NodeIdentity {
  hostIP: string;
  podCIDR: string;
}

/**
 * Assumptions / Invariants of the address plan (documented here, relied on by indexFromAddresses):
 * - InternalIP: the host addresses of 172.18.0.0/16 (kind's docker network) taken in order, each /24 contributing
 *   .1–.254 (never a .0 or .255 host part), with 172.18.0.1 left out as docker's gateway — so index 0 →
 *   172.18.0.2 as in a kind cluster, index 252 → 172.18.0.254, index 253 → 172.18.1.1, the last index → 172.18.129.3.
 * - podCIDR: one /24 per node inside 10.128.0.0/9: index i → 10.(128 + i>>8).(i & 255).0/24. That range stays clear
 *   of kind's service range 10.96.0.0/12 and bounds the plan at 32,768 nodes (MAX_NODE_INDEX).
 */
export const MAX_NODE_INDEX = 128 * 256 - 1;

const HOSTS_PER_BLOCK = 254;

/** The InternalIP and podCIDR of the node with this global index (0 … MAX_NODE_INDEX). */
export function addressesFor(index: number): NodeIdentity {
  if (!Number.isSafeInteger(index) || index < 0 || index > MAX_NODE_INDEX) {
    throw new RangeError(`node index ${index} is outside 0..${MAX_NODE_INDEX}`);
  }
  const p = index + 1;
  const block = Math.floor(p / HOSTS_PER_BLOCK);
  const host = (p % HOSTS_PER_BLOCK) + 1;
  const hostIP = `172.18.${block}.${host}`;
  const podCIDR = `10.${128 + (index >> 8)}.${index & 255}.0/24`;
  return { hostIP, podCIDR };
}

/** The index whose InternalIP is `ip`, or undefined when `ip` is not an address of the plan. */
export function indexFromIP(ip: string): number | undefined {
  const m = /^172\.18\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const [block, host] = [Number(m[1]), Number(m[2])];
  if (block > 255 || host < 1 || host > HOSTS_PER_BLOCK) return undefined;
  const index = block * HOSTS_PER_BLOCK + (host - 1) - 1;
  return index >= 0 && index <= MAX_NODE_INDEX ? index : undefined;
}

/** The index behind a Node's first InternalIP (so a restarted process can tell which indexes are taken). */
export function indexFromAddresses(node: Node): number | undefined {
  const addr = node.status?.addresses?.find((a) => a.type === 'InternalIP');
  return addr === undefined ? undefined : indexFromIP(addr.address);
}

interface Cidr {
  network: number;
  /** Number of pod slots: every address but the network, the gateway (.1) and the broadcast. */
  slots: number;
}

function parseCidr(cidr: string): Cidr {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = m ? [m[1], m[2], m[3], m[4]].map(Number) : [];
  const bits = m ? Number(m[5]) : -1;
  if (!m || octets.some((o) => o > 255) || bits < 8 || bits > 30) throw new Error(`unsupported pod CIDR ${JSON.stringify(cidr)}: expected IPv4 a.b.c.d/8 … /30`);
  const addr = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  return { network: addr - (addr % size), slots: size - 3 };
}

function ipString(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Pod IP number `slot` (1-based) of a pod CIDR: slot 1 → .2, the first address after the gateway. */
export function podIPFor(podCIDR: string, slot: number): string {
  const c = parseCidr(podCIDR);
  if (!Number.isSafeInteger(slot) || slot < 1 || slot > c.slots) throw new RangeError(`pod IP slot ${slot} is outside 1..${c.slots} of ${podCIDR}`);
  return ipString(c.network + slot + 1);
}

/**
 * Hands out pod IPs of one node, unique within it.
 * Assumptions / Invariants: a pod keeps its IP until released; allocation walks the range round-robin from where it
 * last stopped, so a just-freed address is reused last (as host-local IPAM does, which limits confusion between an
 * old pod's IP and a new pod's); calling allocate twice for one uid returns the same IP.
 */
export class PodIPAllocator {
  private readonly cidr: Cidr;
  private readonly byUid = new Map<string, number>();
  private readonly taken = new Set<number>();
  private cursor = 1;

  /** @param podCIDR the node's IPv4 pod range, e.g. `10.128.3.0/24` (throws on anything else). */
  constructor(readonly podCIDR: string) {
    this.cidr = parseCidr(podCIDR);
  }

  /** Addresses this range can hand out. */
  get capacity(): number {
    return this.cidr.slots;
  }

  /** Addresses currently handed out. */
  get size(): number {
    return this.taken.size;
  }

  /** The IP of pod `uid`, allocating one if it has none; throws when the range is exhausted. */
  allocate(uid: string): string {
    const had = this.byUid.get(uid);
    if (had !== undefined) return podIPFor(this.podCIDR, had);
    if (this.taken.size >= this.cidr.slots) throw new Error(`no free pod IP left in ${this.podCIDR}`);
    let slot = this.cursor;
    while (this.taken.has(slot)) slot = (slot % this.cidr.slots) + 1;
    this.cursor = (slot % this.cidr.slots) + 1;
    this.taken.add(slot);
    this.byUid.set(uid, slot);
    return podIPFor(this.podCIDR, slot);
  }

  /** Frees pod `uid`'s address (no-op when it has none). */
  release(uid: string): void {
    const slot = this.byUid.get(uid);
    if (slot === undefined) return;
    this.byUid.delete(uid);
    this.taken.delete(slot);
  }

  /** The IP held by `uid`, if any. */
  ipOf(uid: string): string | undefined {
    const slot = this.byUid.get(uid);
    return slot === undefined ? undefined : podIPFor(this.podCIDR, slot);
  }

  /**
   * Records an address a pod already has (seen in its status after a restart). False, and nothing recorded, when
   * `ip` is outside the range or held by another pod.
   */
  restore(uid: string, ip: string): boolean {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
    if (!m) return false;
    const n = [m[1], m[2], m[3], m[4]].map(Number).reduce((acc, o) => acc * 256 + o, 0);
    const slot = n - this.cidr.network - 1;
    if (slot < 1 || slot > this.cidr.slots) return false;
    const had = this.byUid.get(uid);
    if (had === slot) return true;
    if (this.taken.has(slot)) return false;
    if (had !== undefined) this.taken.delete(had);
    this.taken.add(slot);
    this.byUid.set(uid, slot);
    return true;
  }
}
