// Score ImageLocality (weight 1): prefer nodes that already hold the pod's images, scaled by how widespread they are.

import type { ScorePlugin } from '../cycle.js';
import { normalizedImageName } from '../node-info.js';
import { MAX_NODE_SCORE } from './normalize.js';

const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/**
 * Assumptions / Invariants (upstream plugins/imagelocality/image_locality.go): per container (init and
 * regular) whose image the node has, add size × (nodes having it / all nodes); clamp to
 * [23 MB, 1000 MB × containers] and scale to 0..100. Nodes without `status.images` score 0.
 */
export const imageLocalityScore: ScorePlugin = {
  name: 'ImageLocality',
  weight: 1,
  score(ctx, feasible) {
    const spec = ctx.pod.spec;
    const images = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => normalizedImageName(c.image ?? ''));
    if (!feasible.some((info) => info.imageSizes.size > 0 && images.some((i) => info.imageSizes.has(i)))) {
      return feasible.map(() => 0);
    }
    const spread = new Map<string, number>();
    for (const img of new Set(images)) {
      let n = 0;
      for (const info of ctx.snap.nodes) if (info.imageSizes.has(img)) n++;
      spread.set(img, n);
    }
    const total = ctx.snap.nodes.length;
    const maxThreshold = MAX_CONTAINER_THRESHOLD * images.length;
    return feasible.map((info) => {
      let sum = 0;
      for (const img of images) {
        const size = info.imageSizes.get(img);
        if (size !== undefined) sum += Math.trunc((size * (spread.get(img) ?? 0)) / total);
      }
      const clamped = Math.min(maxThreshold, Math.max(MIN_THRESHOLD, sum));
      return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
    });
  },
};
