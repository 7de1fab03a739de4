// A pod's quality-of-service class from its containers' cpu and memory requests and limits (upstream qos.ComputePodQOS).

import { parseQuantity } from '../api/quantity.js';
import { isPlainObject } from '../api/types.js';

/** Parsed quantities: the same few strings recur in every pod (bounded). */
const PARSED = new Map<string, number | undefined>();

/** The value of a resource.Quantity (`500m`, `1Gi`, `2e3`, 3), or undefined when it does not parse. */
export function quantityValue(q: unknown): number | undefined {
  if (typeof q !== 'string') return parseQuantity(q);
  if (PARSED.has(q)) return PARSED.get(q);
  const v = parseQuantity(q);
  if (PARSED.size >= 1024) PARSED.clear();
  PARSED.set(q, v);
  return v;
}

const QOS_RESOURCES = ['cpu', 'memory'] as const;

/**
 * Upstream ComputePodQOS (PodLevelResources off): positive cpu/memory requests and limits summed over containers and
 * init containers; BestEffort when there are none; Guaranteed when every container limits both cpu and memory and the
 * summed requests equal the summed limits for every resource; Burstable otherwise. Run after SetDefaults_Pod, which
 * copies limits into missing requests.
 */
export function podQOSClass(spec: Record<string, unknown>): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  const containers = [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers : [])];
  for (const c of containers) {
    const res = isPlainObject(c) && isPlainObject(c.resources) ? c.resources : {};
    const req = isPlainObject(res.requests) ? res.requests : {};
    const lim = isPlainObject(res.limits) ? res.limits : {};
    let limited = 0;
    for (const r of QOS_RESOURCES) {
      const rq = quantityValue(req[r]);
      if (rq !== undefined && rq > 0) requests.set(r, (requests.get(r) ?? 0) + rq);
      const lm = quantityValue(lim[r]);
      if (lm !== undefined && lm > 0) {
        limits.set(r, (limits.get(r) ?? 0) + lm);
        limited++;
      }
    }
    if (limited < QOS_RESOURCES.length) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [r, v] of requests) {
      const l = limits.get(r);
      if (l === undefined || Math.abs(l - v) > Math.abs(v) * 1e-12) guaranteed = false;
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
