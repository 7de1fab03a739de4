// Table tests for the QoS class (upstream qos.ComputePodQOS) and quantity parsing.

import { describe, expect, it } from 'vitest';
import { podQOSClass, quantityValue } from './qos.js';

type Json = Record<string, unknown>;
const c = (resources: Json): Json => ({ name: 'c', image: 'x', resources });

describe('quantityValue', () => {
  it.each<[unknown, number | undefined]>([
    ['500m', 0.5], ['1', 1], ['1.5', 1.5], ['1Gi', 2 ** 30], ['128Mi', 128 * 2 ** 20], ['1k', 1000], ['2e3', 2000], ['1E', 1e18],
    [3, 3], ['0', 0], ['abc', undefined], ['1Qi', undefined], [null, undefined],
  ])('%j → %j', (q, want) => {
    expect(quantityValue(q)).toBe(want);
  });
});

describe('podQOSClass', () => {
  it.each<[string, Json, string]>([
    ['no resources', { containers: [c({})] }, 'BestEffort'],
    ['only ephemeral-storage', { containers: [c({ requests: { 'ephemeral-storage': '1Gi' } })] }, 'BestEffort'],
    ['zero requests', { containers: [c({ requests: { cpu: '0', memory: '0' } })] }, 'BestEffort'],
    ['equal requests and limits', { containers: [c({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } })] }, 'Guaranteed'],
    ['equal in other units', { containers: [c({ requests: { cpu: '1000m', memory: '1024Mi' }, limits: { cpu: '1', memory: '1Gi' } })] }, 'Guaranteed'],
    ['limits without cpu', { containers: [c({ requests: { memory: '1Gi' }, limits: { memory: '1Gi' } })] }, 'Burstable'],
    ['requests below limits', { containers: [c({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } })] }, 'Burstable'],
    ['one guaranteed container, one best-effort', { containers: [c({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }), c({})] }, 'Burstable'],
    ['an init container counts', { containers: [c({})], initContainers: [c({ requests: { cpu: '1' } })] }, 'Burstable'],
  ])('%s → %s', (_name, spec, want) => {
    expect(podQOSClass(spec)).toBe(want);
  });
});
