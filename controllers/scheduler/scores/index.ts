// The default profile's Score plugins with their weights (spec §5.2).

import type { ScorePlugin } from '../cycle.js';
import { imageLocalityScore } from './image-locality.js';
import { interPodAffinityScore } from './inter-pod-affinity.js';
import { nodeAffinityScore } from './node-affinity.js';
import { balancedAllocationScore, leastAllocatedScore } from './node-resources.js';
import { podTopologySpreadScore } from './pod-topology-spread.js';
import { taintTolerationScore } from './taint-toleration.js';

/** Score plugins in profile order: TaintToleration 3, NodeAffinity 2, NodeResourcesFit 1, PodTopologySpread 2,
 * InterPodAffinity 2, NodeResourcesBalancedAllocation 1, ImageLocality 1. */
export const SCORE_PLUGINS: readonly ScorePlugin[] = [
  taintTolerationScore, nodeAffinityScore, leastAllocatedScore, podTopologySpreadScore, interPodAffinityScore,
  balancedAllocationScore, imageLocalityScore,
];
