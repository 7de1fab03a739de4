// Tests for quantity parsing and pod request computation (containers, init containers, sidecars, overhead).

import { describe, expect, it } from 'vitest';
import type { Container } from '../../apiserver/api/types.js';
import { mkPod } from './fixtures.test.support.js';
import { milliValue, wholeValue } from '../../apiserver/api/quantity.js';
import { podRequests } from './resources.js';

describe('quantities', () => {
  it.each<[unknown, number, number]>([
    ['100m', 100, 1], ['1', 1000, 1], ['0.1', 100, 1], ['1.5', 1500, 2], ['2500u', 3, 1], ['1Ki', 1024000, 1024],
    ['1Gi', 1073741824000, 1073741824], ['1G', 1e12, 1e9], ['1e3', 1e6, 1000], [2, 2000, 2], ['bogus', 0, 0], [undefined, 0, 0],
  ])('%s', (q, milli, whole) => {
    expect(milliValue(q)).toBe(milli);
    expect(wholeValue(q)).toBe(whole);
  });
});

const c = (cpu?: string, memory?: string, restartPolicy?: string): Container => ({
  name: 'c', ...(cpu || memory ? { resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } } } : {}),
  ...(restartPolicy ? { restartPolicy } : {}),
});

describe('podRequests', () => {
  it.each<[string, Container[], Container[], Record<string, string> | undefined, number, number]>([
    ['containers sum', [c('100m', '1Mi'), c('200m', '2Mi')], [], undefined, 300, 3 * 2 ** 20],
    ['init container larger wins', [c('100m')], [c('1')], undefined, 1000, 0],
    ['init container smaller ignored', [c('1')], [c('100m')], undefined, 1000, 0],
    ['sidecar added to containers', [c('100m')], [c('50m', undefined, 'Always')], undefined, 150, 0],
    ['init after sidecar needs sidecar too', [c('100m')], [c('50m', undefined, 'Always'), c('500m')], undefined, 550, 0],
    ['init before sidecar does not', [c('100m')], [c('500m'), c('50m', undefined, 'Always')], undefined, 500, 0],
    ['overhead added', [c('100m', '1Mi')], [], { cpu: '250m', memory: '1Mi' }, 350, 2 * 2 ** 20],
    ['no requests', [c()], [], undefined, 0, 0],
  ])('%s', (_n, containers, initContainers, overhead, cpu, mem) => {
    const pod = mkPod('p', { spec: { containers, initContainers, ...(overhead ? { overhead } : {}) } });
    const r = podRequests(pod);
    expect([r.milliCPU, r.memory]).toEqual([cpu, mem]);
  });

  it('non-zero defaults for scoring: 100m / 200Mi per container lacking a request', () => {
    const r = podRequests(mkPod('p', { spec: { containers: [c(), c('1')] } }), true);
    expect([r.milliCPU, r.memory]).toEqual([1100, 400 * 2 ** 20]);
  });
});
