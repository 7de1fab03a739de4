// Table tests for NoExecute toleration matching and the eviction delay it implies.

import { describe, expect, it } from 'vitest';
import type { Taint, Toleration } from '../../apiserver/api/types.js';
import { matchingTolerations, minTolerationMs, toleratesTaint } from './tolerations.js';

const UR: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
const NR: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' };

describe('toleratesTaint', () => {
  it.each<[string, Toleration, Taint, boolean]>([
    ['Exists on the key', { key: UR.key, operator: 'Exists' }, UR, true],
    ['Exists with the effect', { key: UR.key, operator: 'Exists', effect: 'NoExecute' }, UR, true],
    ['another effect', { key: UR.key, operator: 'Exists', effect: 'NoSchedule' }, UR, false],
    ['another key', { key: NR.key, operator: 'Exists' }, UR, false],
    ['empty key with Exists tolerates everything', { operator: 'Exists' }, { key: 'x', value: 'y', effect: 'NoExecute' }, true],
    ['Equal with the value', { key: 'k', value: 'v', operator: 'Equal' }, { key: 'k', value: 'v', effect: 'NoExecute' }, true],
    ['Equal is the default operator', { key: 'k', value: 'v' }, { key: 'k', value: 'v', effect: 'NoExecute' }, true],
    ['Equal with another value', { key: 'k', value: 'w' }, { key: 'k', value: 'v', effect: 'NoExecute' }, false],
    ['Equal, both values empty', { key: 'k' }, { key: 'k', effect: 'NoExecute' }, true],
    ['an unknown operator', { key: 'k', operator: 'Lt' }, { key: 'k', effect: 'NoExecute' }, false],
  ])('%s', (_name, tol, taint, want) => {
    expect(toleratesTaint(tol, taint)).toBe(want);
  });
});

describe('matchingTolerations and minTolerationMs', () => {
  const t = (key: string, seconds?: number): Toleration => ({ key, operator: 'Exists', effect: 'NoExecute', ...(seconds === undefined ? {} : { tolerationSeconds: seconds }) });
  it.each<[string, Taint[], Toleration[], boolean, number]>([
    ['no taints: tolerated, forever', [], [], true, -1],
    ['no tolerations: not tolerated', [UR], [], false, -1],
    ['tolerated for 2 s', [UR], [t(UR.key, 2)], true, 2000],
    ['tolerated forever', [UR], [t(UR.key)], true, -1],
    ['two taints: the smallest seconds', [UR, NR], [t(NR.key, 300), t(UR.key, 5)], true, 5000],
    ['one taint forever, one for 7 s → 7 s', [UR, NR], [t(UR.key), t(NR.key, 7)], true, 7000],
    ['one taint untolerated', [UR, NR], [t(UR.key, 5)], false, -1],
    ['the first matching toleration is used', [UR], [t(UR.key), t(UR.key, 1)], true, -1],
    ['negative seconds mean now', [UR], [t(UR.key, -3)], true, 0],
  ])('%s', (_name, taints, tols, tolerated, ms) => {
    const m = matchingTolerations(taints, tols);
    expect(m.tolerated).toBe(tolerated);
    expect(minTolerationMs(m.used)).toBe(ms);
  });
});
