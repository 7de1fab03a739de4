// Filter NodeResourcesFit: pod count and requested cpu/memory/ephemeral-storage/scalars must fit the node.

import type { FilterPlugin } from '../cycle.js';
import { reject } from '../cycle.js';

/** Upstream noderesources reason for the pod-count check. */
export const REASON_TOO_MANY_PODS = 'Too many pods';

/**
 * Assumptions / Invariants (upstream plugins/noderesources/fit.go fitsRequest, 1.30–1.32): every check is
 * collected (cpu, memory, ephemeral-storage, then scalars by name); a resource is checked only when requested
 * (> 0); a pod requesting nothing gets only the pod-count check; always U (never UU).
 */
export const nodeResourcesFit: FilterPlugin = {
  name: 'NodeResourcesFit',
  prepare(ctx) {
    const r = ctx.requests;
    const scalars = Object.entries(r.scalar).filter(([, v]) => v > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const requestsAny = r.milliCPU > 0 || r.memory > 0 || r.ephemeralStorage > 0 || scalars.length > 0;
    return (info) => {
      const reasons: string[] = [];
      if (info.pods.length + 1 > info.allowedPodNumber) reasons.push(REASON_TOO_MANY_PODS);
      if (requestsAny) {
        const a = info.allocatable;
        const u = info.requested;
        if (r.milliCPU > 0 && r.milliCPU > a.milliCPU - u.milliCPU) reasons.push('Insufficient cpu');
        if (r.memory > 0 && r.memory > a.memory - u.memory) reasons.push('Insufficient memory');
        if (r.ephemeralStorage > 0 && r.ephemeralStorage > a.ephemeralStorage - u.ephemeralStorage) {
          reasons.push('Insufficient ephemeral-storage');
        }
        for (const [name, v] of scalars) {
          if (v > (a.scalar[name] ?? 0) - (u.scalar[name] ?? 0)) reasons.push(`Insufficient ${name}`);
        }
      }
      return reasons.length ? reject('Unschedulable', ...reasons) : null;
    };
  },
};
