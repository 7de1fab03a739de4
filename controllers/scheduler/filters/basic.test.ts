// Tests for NodeUnschedulable, NodeName, TaintToleration, NodePorts and NodeResourcesFit with upstream reasons.

import { describe, expect, it } from 'vitest';
import type { Taint, Toleration } from '../../../apiserver/api/types.js';
import { mkNode, mkPod, mkSnap, runFilter } from '../fixtures.test.support.js';
import { toleratesTaint } from '../../../apiserver/api/tolerations.js';
import { nodeName } from './node-name.js';
import { nodePorts } from './node-ports.js';
import { nodeResourcesFit } from './node-resources-fit.js';
import { nodeUnschedulable } from './node-unschedulable.js';
import { taintToleration } from './taint-toleration.js';

const UU = 'UnschedulableAndUnresolvable';

describe('NodeUnschedulable', () => {
  // Tolerations from test/fixtures/examples/pod-with-toleration.yaml.
  const exampleTol: Toleration[] = [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }];
  it.each([
    ['cordoned, no toleration', true, [], { code: UU, reasons: ['node(s) were unschedulable'] }],
    ['cordoned, example toleration', true, exampleTol, null],
    ['cordoned, tolerate-everything', true, [{ operator: 'Exists' }], null],
    ['cordoned, NoExecute-only toleration', true, [{ operator: 'Exists', effect: 'NoExecute' }], { code: UU, reasons: ['node(s) were unschedulable'] }],
    ['schedulable', false, [], null],
  ] as const)('%s', (_n, cordoned, tolerations, want) => {
    const snap = mkSnap([mkNode('n1', { unschedulable: cordoned })]);
    const pod = mkPod('p', { spec: { tolerations: [...tolerations] as Toleration[] } });
    expect(runFilter(nodeUnschedulable, pod, snap)['n1']).toEqual(want);
  });
});

describe('NodeName', () => {
  it('passes only the named node', () => {
    const snap = mkSnap([mkNode('a'), mkNode('b')]);
    const r = runFilter(nodeName, mkPod('p', { spec: { nodeName: 'b' } }), snap);
    expect(r).toEqual({ a: { code: UU, reasons: ["node(s) didn't match the requested node name"] }, b: null });
  });
});

describe('toleration matching (spec §5.3 / edge case 45)', () => {
  const t = (key: string, value: string | undefined, effect: string): Taint => ({ key, ...(value !== undefined ? { value } : {}), effect });
  it.each<[string, Toleration, Taint, boolean]>([
    ['Equal same value', { key: 'k', operator: 'Equal', value: 'v' }, t('k', 'v', 'NoSchedule'), true],
    ['Equal other value', { key: 'k', operator: 'Equal', value: 'v' }, t('k', 'w', 'NoSchedule'), false],
    ['empty operator is Equal', { key: 'k', value: 'v' }, t('k', 'v', 'NoExecute'), true],
    ['Exists any value', { key: 'k', operator: 'Exists' }, t('k', 'w', 'NoSchedule'), true],
    ['Exists any effect', { key: 'k', operator: 'Exists' }, t('k', 'w', 'NoExecute'), true],
    ['Exists other key', { key: 'k', operator: 'Exists' }, t('j', 'w', 'NoSchedule'), false],
    ['empty key Exists NoSchedule', { operator: 'Exists', effect: 'NoSchedule' }, t('x', 'y', 'NoSchedule'), true],
    ['empty key Exists NoSchedule vs NoExecute', { operator: 'Exists', effect: 'NoSchedule' }, t('x', 'y', 'NoExecute'), false],
    ['effect mismatch', { key: 'k', operator: 'Equal', value: 'v', effect: 'NoExecute' }, t('k', 'v', 'NoSchedule'), false],
    ['empty value equals missing value', { key: 'k', operator: 'Equal', value: '' }, t('k', undefined, 'NoSchedule'), true],
    ['unknown operator', { key: 'k', operator: 'Bogus', value: 'v' }, t('k', 'v', 'NoSchedule'), false],
  ])('%s', (_n, tol, taint, want) => {
    expect(toleratesTaint(tol, taint)).toBe(want);
  });
});

describe('TaintToleration filter', () => {
  it.each<[string, Taint[], Toleration[], string | null]>([
    ['untolerated NoSchedule', [{ key: 'k', value: 'v', effect: 'NoSchedule' }], [], 'node(s) had untolerated taint {k: v}'],
    ['empty value printed empty', [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }], [],
      'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
    ['PreferNoSchedule does not filter', [{ key: 'k', value: 'v', effect: 'PreferNoSchedule' }], [], null],
    ['NoExecute filters', [{ key: 'k', value: 'v', effect: 'NoExecute' }], [], 'node(s) had untolerated taint {k: v}'],
    ['first untolerated reported', [{ key: 'a', value: '1', effect: 'NoSchedule' }, { key: 'b', value: '2', effect: 'NoSchedule' }],
      [{ key: 'a', operator: 'Exists' }], 'node(s) had untolerated taint {b: 2}'],
    ['Equal v does not tolerate w', [{ key: 'k', value: 'w', effect: 'NoSchedule' }], [{ key: 'k', operator: 'Equal', value: 'v' }],
      'node(s) had untolerated taint {k: w}'],
    ['all tolerated', [{ key: 'k', value: 'w', effect: 'NoSchedule' }], [{ key: 'k', operator: 'Exists' }], null],
  ])('%s', (_n, taints, tolerations, reason) => {
    const snap = mkSnap([mkNode('n', { taints })]);
    const got = runFilter(taintToleration, mkPod('p', { spec: { tolerations } }), snap)['n'];
    expect(got).toEqual(reason === null ? null : { code: UU, reasons: [reason] });
  });
});

describe('NodePorts', () => {
  const portPod = (name: string, hostPort: number, hostIP?: string, protocol?: string) =>
    mkPod(name, { spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort, ...(hostIP ? { hostIP } : {}), ...(protocol ? { protocol } : {}) }] }] } });
  it.each<[string, [number, string?, string?], [number, string?, string?], boolean]>([
    ['same port, default IPs', [80], [80], false],
    ['different port', [80], [81], true],
    ['same port, other protocol', [80, undefined, 'UDP'], [80], true],
    ['specific IPs differ', [80, '10.0.0.1'], [80, '10.0.0.2'], true],
    ['specific IP vs wildcard existing', [80], [80, '10.0.0.2'], false],
    ['wildcard vs specific existing', [80, '10.0.0.1'], [80], false],
    ['same specific IP', [80, '10.0.0.1'], [80, '10.0.0.1'], false],
  ])('%s', (_n, existing, wanted, fits) => {
    const snap = mkSnap([mkNode('n')], { n: [portPod('e', ...existing)] });
    const got = runFilter(nodePorts, portPod('p', ...wanted), snap)['n'];
    expect(got).toEqual(fits ? null : { code: 'Unschedulable', reasons: ["node(s) didn't have free ports for the requested pod ports"] });
  });
});

describe('NodeResourcesFit', () => {
  it.each<[string, { cpu?: string; memory?: string; pods?: string }, Array<{ cpu?: string; memory?: string }>, { cpu?: string; memory?: string }, string[]]>([
    ['fits', {}, [{ cpu: '1' }], { cpu: '3' }, []],
    ['insufficient cpu', { cpu: '2' }, [{ cpu: '1500m' }], { cpu: '600m' }, ['Insufficient cpu']],
    ['insufficient cpu and memory', { cpu: '1', memory: '1Gi' }, [], { cpu: '2', memory: '2Gi' }, ['Insufficient cpu', 'Insufficient memory']],
    ['too many pods (edge 49)', { pods: '2' }, [{}, {}], {}, ['Too many pods']],
    ['too many pods plus cpu', { pods: '1', cpu: '1' }, [{ cpu: '1' }], { cpu: '1' }, ['Too many pods', 'Insufficient cpu']],
    ['no requests: only pod count', { cpu: '0' }, [], {}, []],
    ['exact fit', { cpu: '1' }, [{ cpu: '500m' }], { cpu: '500m' }, []],
  ])('%s', (_n, node, existing, req, reasons) => {
    const snap = mkSnap([mkNode('n', node)], { n: existing.map((r, i) => mkPod(`e${i}`, r)) });
    const got = runFilter(nodeResourcesFit, mkPod('p', req), snap)['n'];
    expect(got).toEqual(reasons.length ? { code: 'Unschedulable', reasons } : null);
  });

  it('reports extended resources by name', () => {
    const n = mkNode('n');
    (n.status!.allocatable as Record<string, string>)['example.com/gpu'] = '1';
    const pod = mkPod('p', { spec: { containers: [{ name: 'c', resources: { requests: { 'example.com/gpu': '2' } } }] } });
    expect(runFilter(nodeResourcesFit, pod, mkSnap([n]))['n']).toEqual({ code: 'Unschedulable', reasons: ['Insufficient example.com/gpu'] });
  });

  it('Succeeded pods free resources, terminating pods do not (edge case 50)', () => {
    const done = mkPod('done', { cpu: '3', phase: 'Succeeded' });
    const leaving = mkPod('leaving', { cpu: '3', phase: 'Running', terminating: true });
    const snap = mkSnap([mkNode('a'), mkNode('b')], { a: [done], b: [leaving] });
    const r = runFilter(nodeResourcesFit, mkPod('p', { cpu: '2' }), snap);
    expect(r['a']).toBeNull();
    expect(r['b']).toEqual({ code: 'Unschedulable', reasons: ['Insufficient cpu'] });
  });
});
