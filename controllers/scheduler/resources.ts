// Pod resource requests and node allocatable, as the scheduler's NodeResourcesFit sees them.

import type { Container, Node, Pod } from '../../apiserver/api/types.js';
import { milliValue, wholeValue } from '../../apiserver/api/quantity.js';

/** Requested or allocatable amounts: cpu in millicores, memory and ephemeral storage in bytes, scalars in units. */
export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  scalar: Record<string, number>;
}

/** Upstream schedutil.DefaultMilliCPURequest / DefaultMemoryRequest: used for scoring when a container sets none. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** A zero Resources. */
export function emptyResources(): Resources {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: {} };
}

/** True for resource names tracked as scalars (extended resources, hugepages; upstream IsScalarResourceName). */
export function isScalarResource(name: string): boolean {
  return name.startsWith('hugepages-') || name.includes('/');
}

/** Adds a resource list (`{cpu: "100m", memory: "1Gi", …}`) into `into`. */
function addList(into: Resources, list: Readonly<Record<string, unknown>> | undefined): void {
  if (!list) return;
  for (const [name, q] of Object.entries(list)) {
    if (name === 'cpu') into.milliCPU += milliValue(q);
    else if (name === 'memory') into.memory += wholeValue(q);
    else if (name === 'ephemeral-storage') into.ephemeralStorage += wholeValue(q);
    else if (isScalarResource(name)) into.scalar[name] = (into.scalar[name] ?? 0) + wholeValue(q);
  }
}

/** `into += r`. */
export function addResources(into: Resources, r: Resources, sign = 1): void {
  into.milliCPU += sign * r.milliCPU;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  for (const [k, v] of Object.entries(r.scalar)) into.scalar[k] = (into.scalar[k] ?? 0) + sign * v;
}

/** `into = max(into, r)` per resource. */
function maxInto(into: Resources, r: Resources): void {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  for (const [k, v] of Object.entries(r.scalar)) into.scalar[k] = Math.max(into.scalar[k] ?? 0, v);
}

function clone(r: Resources): Resources {
  return { ...r, scalar: { ...r.scalar } };
}

/** One container's requests; with `nonZero`, a missing cpu/memory request counts as the scheduler default. */
function containerRequests(c: Container, nonZero: boolean): Resources {
  const r = emptyResources();
  const req = c.resources?.requests as Record<string, unknown> | undefined;
  addList(r, req);
  if (nonZero) {
    if (req?.['cpu'] === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (req?.['memory'] === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * The effective request of a pod (upstream component-helpers resource.PodRequests).
 *
 * Assumptions / Invariants (`k8s.io/component-helpers/resource/helpers.go`):
 * - regular containers are summed;
 * - init containers run in order: a restartable ("sidecar", restartPolicy Always) init container adds to a
 *   running sidecar sum and needs that sum; a regular init container needs its own request plus the sidecars
 *   started before it; the pod needs max(containers + all sidecars, every init container's need);
 * - `spec.overhead` is added last. Pod-level `spec.resources` and in-place resize status are not modelled.
 * - With `nonZero`, each container lacking a cpu/memory request counts 100m / 200Mi (scoring only).
 */
export function podRequests(pod: Pod, nonZero = false): Resources {
  const spec = pod.spec;
  const reqs = emptyResources();
  if (!spec) return reqs;
  for (const c of spec.containers ?? []) addResources(reqs, containerRequests(c, nonZero));
  const sidecars = emptyResources();
  const initMax = emptyResources();
  for (const c of spec.initContainers ?? []) {
    const own = containerRequests(c, nonZero);
    if (c.restartPolicy === 'Always') {
      addResources(sidecars, own);
      maxInto(initMax, sidecars);
    } else {
      const need = clone(own);
      addResources(need, sidecars);
      maxInto(initMax, need);
    }
  }
  addResources(reqs, sidecars);
  maxInto(reqs, initMax);
  addList(reqs, spec.overhead as Record<string, unknown> | undefined);
  return reqs;
}

/** A node's allocatable resources and pod count (upstream framework.NewResource(node.Status.Allocatable)). */
export function nodeAllocatable(node: Node): { resources: Resources; pods: number } {
  const resources = emptyResources();
  const alloc = node.status?.allocatable as Record<string, unknown> | undefined;
  addList(resources, alloc);
  return { resources, pods: wholeValue(alloc?.['pods']) };
}
