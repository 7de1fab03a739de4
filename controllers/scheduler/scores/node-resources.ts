// Score NodeResourcesFit LeastAllocated and NodeResourcesBalancedAllocation (weight 1 each), over cpu and memory.

import type { ScorePlugin } from '../cycle.js';
import { podRequests } from '../resources.js';
import { MAX_NODE_SCORE } from './normalize.js';

/** Upstream leastRequestedScore: free share of capacity × 100 (integer), 0 when over-committed or no capacity. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/**
 * Assumptions / Invariants (upstream plugins/noderesources/least_allocated.go, resource_allocation.go):
 * requested = node's non-zero requests (100m / 200Mi per container lacking a request) + the pod's; cpu and
 * memory weigh 1 each; resources with zero allocatable are left out; integer average.
 */
export const leastAllocatedScore: ScorePlugin = {
  name: 'NodeResourcesFit',
  weight: 1,
  score(ctx, feasible) {
    const pod = podRequests(ctx.pod, true);
    return feasible.map((info) => {
      let sum = 0;
      let weights = 0;
      const pairs: Array<[number, number]> = [
        [info.nonZeroRequested.milliCPU + pod.milliCPU, info.allocatable.milliCPU],
        [info.nonZeroRequested.memory + pod.memory, info.allocatable.memory],
      ];
      for (const [req, alloc] of pairs) {
        if (alloc === 0) continue;
        sum += leastRequestedScore(req, alloc);
        weights++;
      }
      return weights === 0 ? 0 : Math.trunc(sum / weights);
    });
  },
};

/**
 * Assumptions / Invariants (upstream plugins/noderesources/balanced_allocation.go, 1.30–1.32): uses the actual
 * requests (no non-zero defaults) of node + pod; fractions capped at 1; with two resources the score is
 * (1 − |f_cpu − f_mem| / 2) × 100, truncated; one resource scores 100; no Skip for best-effort pods.
 */
export const balancedAllocationScore: ScorePlugin = {
  name: 'NodeResourcesBalancedAllocation',
  weight: 1,
  score(ctx, feasible) {
    return feasible.map((info) => {
      const fractions: number[] = [];
      const pairs: Array<[number, number]> = [
        [info.requested.milliCPU + ctx.requests.milliCPU, info.allocatable.milliCPU],
        [info.requested.memory + ctx.requests.memory, info.allocatable.memory],
      ];
      for (const [req, alloc] of pairs) if (alloc !== 0) fractions.push(Math.min(1, req / alloc));
      const std = fractions.length === 2 ? Math.abs((fractions[0]! - fractions[1]!) / 2) : 0;
      return Math.trunc((1 - std) * MAX_NODE_SCORE);
    });
  },
};
