// Resource quantities for simulated nodes: parse the --cpu/--memory/… flag values, derive capacity and allocatable.

import { parseQuantity } from '../apiserver/api/quantity.js';

/**
 * A flag value that must be a positive quantity; throws an Error naming the flag otherwise.
 * `integer` additionally requires a plain non-negative decimal integer (`--max-pods`).
 */
export function positiveQuantity(flag: string, value: string, integer = false): number {
  const v = integer ? (/^\d+$/.test(value) ? Number(value) : undefined) : parseQuantity(value);
  if (v === undefined || !Number.isSafeInteger(Math.ceil(v))) {
    const what = integer ? 'a whole number' : 'a quantity such as 500m, 4, 16Gi or 1e9';
    throw new Error(`invalid value ${JSON.stringify(value)} for --${flag}: expected ${what}`);
  }
  if (v <= 0) throw new Error(`invalid value ${JSON.stringify(value)} for --${flag}: must be greater than zero`);
  return v;
}

/** Bytes written the way kubelet reports node memory and disk: whole kibibytes (`16777216Ki`). */
export function kibibytes(bytes: number): string {
  return `${Math.floor(bytes / 1024)}Ki`;
}

/** Memory the kubelet holds back from allocatable: the default hard eviction threshold `memory.available<100Mi`. */
export const MEMORY_EVICTION_BYTES = 100 * 2 ** 20;

/** The resource lists of one simulated node. */
export interface NodeResources {
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
}

/**
 * Capacity and allocatable for a node with the given cpu (quantity string), memory and disk (bytes) and pod limit.
 *
 * Assumptions / Invariants (kubelet `nodestatus.MachineInfo` and `GetNodeAllocatable` with kubeadm's defaults:
 * no system-reserved or kube-reserved, hard eviction `memory.available<100Mi` and `nodefs.available<10%`):
 * - cpu and pods: allocatable equals capacity; hugepages-1Gi and hugepages-2Mi are "0" in both lists.
 * - memory: capacity in whole Ki; allocatable is capacity minus 100Mi (never below zero), also in Ki.
 * - ephemeral-storage: capacity in whole Ki; allocatable is 90% of it written as plain bytes, as real
 *   kubelets do because the percentage rarely lands on a Ki boundary.
 * - Keys appear in the order Go's JSON encoder writes a map: sorted.
 */
export function nodeResources(cpu: string, memoryBytes: number, ephemeralBytes: number, pods: number): NodeResources {
  const memKi = Math.floor(memoryBytes / 1024);
  const diskKi = Math.floor(ephemeralBytes / 1024);
  const allocMemKi = Math.max(0, memKi - MEMORY_EVICTION_BYTES / 1024);
  const allocDisk = Math.floor((diskKi * 1024 * 9) / 10);
  return {
    capacity: {
      cpu,
      'ephemeral-storage': kibibytes(diskKi * 1024),
      'hugepages-1Gi': '0',
      'hugepages-2Mi': '0',
      memory: kibibytes(memKi * 1024),
      pods: String(pods),
    },
    allocatable: {
      cpu,
      'ephemeral-storage': String(allocDisk),
      'hugepages-1Gi': '0',
      'hugepages-2Mi': '0',
      memory: `${allocMemKi}Ki`,
      pods: String(pods),
    },
  };
}
