// Tests for node planning, flag parsing and resource lists of simulated nodes.

import { describe, expect, it } from 'vitest';
import { DEFAULT_SIM_FLAGS, parseSimFlags, planNodes } from './node-config.js';
import type { SimFlags } from './node-config.js';
import { parseQuantity } from '../apiserver/api/quantity.js';
import { nodeResources } from './node-quantity.js';

const flags = (over: Partial<SimFlags> = {}): SimFlags => ({ ...DEFAULT_SIM_FLAGS, ...over });

describe('planNodes', () => {
  it.each([
    [flags(), ['kubeling-control-plane', 'kubeling-worker', 'kubeling-worker2']],
    [flags({ nodes: 5, controlPlanes: 3, namePrefix: 'kl' }), ['kl-control-plane', 'kl-control-plane2', 'kl-control-plane3', 'kl-worker', 'kl-worker2']],
    [flags({ nodes: 2, controlPlanes: 0 }), ['kubeling-worker', 'kubeling-worker2']],
    [flags({ nodes: 0, controlPlanes: 0 }), []],
  ])('names nodes kind-style (%#)', (f, names) => {
    expect(planNodes(f).map((n) => n.name)).toEqual(names);
  });

  it('gives consecutive indexes from firstIndex, control planes first', () => {
    expect(planNodes(flags({ nodes: 4 }), 10).map((n) => [n.role, n.index])).toEqual([
      ['control-plane', 10],
      ['worker', 11],
      ['worker', 12],
      ['worker', 13],
    ]);
  });

  it('spreads workers round-robin over the zones; control planes sit in the first zone', () => {
    const plan = planNodes(flags({ nodes: 6, controlPlanes: 2, zones: ['a', 'b', 'c'] }));
    expect(plan.map((n) => [n.name, n.zone, n.labels['topology.kubernetes.io/zone']])).toEqual([
      ['kubeling-control-plane', 'a', 'a'],
      ['kubeling-control-plane2', 'a', 'a'],
      ['kubeling-worker', 'a', 'a'],
      ['kubeling-worker2', 'b', 'b'],
      ['kubeling-worker3', 'c', 'c'],
      ['kubeling-worker4', 'a', 'a'],
    ]);
  });

  it('labels and taints a control plane as kubeadm does', () => {
    const [cp] = planNodes(flags({ taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] }));
    expect(cp!.labels).toEqual({
      'kubernetes.io/hostname': 'kubeling-control-plane',
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/os': 'linux',
      'beta.kubernetes.io/arch': 'amd64',
      'topology.kubernetes.io/zone': 'zone-a',
      'topology.kubernetes.io/region': 'local',
      'node-role.kubernetes.io/control-plane': '',
      'node.kubernetes.io/exclude-from-external-load-balancers': '',
    });
    expect(cp!.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
  });

  it('gives workers the flag taints and labels, no role label, and lets flag labels win', () => {
    const plan = planNodes(flags({ labels: { tier: 'gold', 'topology.kubernetes.io/region': 'eu' }, taints: [{ key: 'dedicated', effect: 'NoExecute' }] }));
    const w = plan[1]!;
    expect(w.labels['node-role.kubernetes.io/control-plane']).toBeUndefined();
    expect(w.labels).toMatchObject({ 'kubernetes.io/hostname': 'kubeling-worker', tier: 'gold', 'topology.kubernetes.io/region': 'eu' });
    expect(w.taints).toEqual([{ key: 'dedicated', effect: 'NoExecute' }]);
    expect(plan[0]!.labels.tier).toBe('gold');
  });

  it('reports capacity in Ki and derives allocatable', () => {
    const [n] = planNodes(flags());
    expect(n!.capacity).toEqual({ cpu: '4', 'ephemeral-storage': '104857600Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '16777216Ki', pods: '110' });
    expect(n!.allocatable).toEqual({ cpu: '4', 'ephemeral-storage': '96636764160', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '16674816Ki', pods: '110' });
  });

  it('rejects index ranges beyond the address plan', () => {
    expect(() => planNodes(flags({ nodes: 10 }), 32_760)).toThrow(/exceed the address plan/);
  });
});

describe('parseSimFlags', () => {
  it('returns the defaults for no flags', () => {
    expect(parseSimFlags({})).toEqual(DEFAULT_SIM_FLAGS);
  });

  it.each<[Record<string, string | boolean | undefined>, Partial<SimFlags>]>([
    [{ nodes: '10' }, { nodes: 10 }],
    [{ '--nodes': '7', '--control-planes': '0' }, { nodes: 7, controlPlanes: 0 }],
    [{ nodes: '0' }, { nodes: 0, controlPlanes: 0 }],
    [{ 'name-prefix': 'sim' }, { namePrefix: 'sim' }],
    [{ zones: 'eu-1a, eu-1b' }, { zones: ['eu-1a', 'eu-1b'] }],
    [{ region: 'eu-1' }, { region: 'eu-1' }],
    [{ 'node-labels': 'tier=gold,example.com/team=a,empty=' }, { labels: { tier: 'gold', 'example.com/team': 'a', empty: '' } }],
    [{ 'node-labels': '' }, { labels: {} }],
    [{ 'register-with-taints': 'dedicated=infra:NoSchedule,gpu:NoExecute,soft=x:PreferNoSchedule' }, {
      taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }, { key: 'gpu', effect: 'NoExecute' }, { key: 'soft', value: 'x', effect: 'PreferNoSchedule' }],
    }],
    [{ cpu: '500m', memory: '2048Mi', 'max-pods': '250', 'ephemeral-storage': '1e12' }, { cpu: '500m', memory: '2048Mi', pods: '250', ephemeralStorage: '1e12' }],
    [{ unrelated: 'x', verbose: true }, {}],
  ])('parses %j', (argv, expected) => {
    expect(parseSimFlags(argv)).toEqual({ ...DEFAULT_SIM_FLAGS, ...expected });
  });

  it.each<[Record<string, string | boolean | undefined>, RegExp]>([
    [{ nodes: 'three' }, /--nodes: expected a whole number/],
    [{ nodes: '-1' }, /--nodes/],
    [{ nodes: true }, /flag --nodes needs a value/],
    [{ nodes: '2', 'control-planes': '3' }, /--control-planes 3: .*no larger than --nodes \(2\)/],
    [{ nodes: '40000' }, /at most 32768 nodes/],
    [{ 'name-prefix': 'Bad_Prefix' }, /invalid --name-prefix "Bad_Prefix"/],
    [{ 'name-prefix': 'x'.repeat(60) }, /must be no more than 63 characters/],
    [{ zones: '' }, /invalid zone "" in --zones/],
    [{ zones: 'a,bad zone' }, /invalid zone "bad zone"/],
    [{ region: '-eu' }, /invalid --region/],
    [{ 'node-labels': 'novalue' }, /expected key=value/],
    [{ 'node-labels': 'bad key=v' }, /invalid label key "bad key"/],
    [{ 'node-labels': 'k=bad value' }, /invalid label value "bad value"/],
    [{ 'register-with-taints': 'k=v' }, /expected key=value:Effect/],
    [{ 'register-with-taints': 'k=v:NoRun' }, /effect "NoRun" must be one of NoSchedule, PreferNoSchedule, NoExecute/],
    [{ 'register-with-taints': 'bad/key/x:NoSchedule' }, /invalid taint key/],
    [{ 'register-with-taints': 'k=-v-:NoSchedule' }, /invalid taint value "-v-"/],
    [{ cpu: 'four' }, /invalid value "four" for --cpu: expected a quantity/],
    [{ cpu: '0' }, /--cpu: must be greater than zero/],
    [{ memory: '16GB' }, /invalid value "16GB" for --memory/],
    [{ 'max-pods': '1.5' }, /--max-pods: expected a whole number/],
    [{ 'ephemeral-storage': '-1Gi' }, /--ephemeral-storage: must be greater than zero/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseSimFlags(argv)).toThrow(message);
  });
});

describe('quantities', () => {
  it.each<[string, number | undefined]>([
    ['4', 4],
    ['500m', 0.5],
    ['16Gi', 16 * 2 ** 30],
    ['1e3', 1000],
    ['2k', 2000],
    ['.5', 0.5],
    ['16GB', undefined],
    ['', undefined],
    ['Gi', undefined],
  ])('parseQuantity(%j) = %s', (q, v) => {
    expect(parseQuantity(q)).toBe(v);
  });

  it('never reports negative allocatable memory', () => {
    expect(nodeResources('1', 50 * 2 ** 20, 2 ** 30, 10).allocatable.memory).toBe('0Ki');
  });
});
