// Table tests for node planning: which names and address indexes a simulator takes given the cluster's Nodes and Leases.

import { describe, expect, it } from 'vitest';
import type { Lease, Node } from '../apiserver/api/types.js';
import { DEFAULT_SIM_FLAGS, type SimFlags } from './node-config.js';
import { addressesFor, SIMULATED_BY_ANNOTATION } from './node-object.js';
import { adoptionConfig, choosePlan } from './plan.js';
import { microTime } from '../apiserver/api/time.js';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
const ME = 'sim-me';
const OTHER = 'sim-other';
const CP = 'kubeling-control-plane';
const W1 = 'kubeling-worker';
const W2 = 'kubeling-worker2';

/** A Node with an InternalIP of address index `index` (none when undefined), simulated by `by` (none when undefined). */
function node(name: string, index: number | undefined, by?: string): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, ...(by !== undefined ? { annotations: { [SIMULATED_BY_ANNOTATION]: by } } : {}) },
    status: index === undefined ? {} : { addresses: [{ type: 'InternalIP', address: addressesFor(index).hostIP }, { type: 'Hostname', address: name }] },
  } as Node;
}

/** A node Lease renewed `ageMs` before NOW. */
function lease(name: string, ageMs: number): Lease {
  return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name, renewTime: microTime(NOW - ageMs) } } as Lease;
}

const flags = (over: Partial<SimFlags> = {}): SimFlags => ({ ...DEFAULT_SIM_FLAGS, ...over });
const brief = (plan: ReturnType<typeof choosePlan>): string[] => plan.map((c) => `${c.name}@${c.index}`);

describe('choosePlan', () => {
  it.each<[string, Node[], Lease[], string[]]>([
    ['an empty cluster: kind names, indexes from 0', [], [], [`${CP}@0`, `${W1}@1`, `${W2}@2`]],
    [
      'live nodes of another simulator are skipped; new names and the next free indexes follow',
      [node(CP, 0, OTHER), node(W1, 1, OTHER), node(W2, 2, OTHER)],
      [lease(CP, 1_000), lease(W1, 1_000), lease(W2, 39_999)],
      ['kubeling-control-plane2@3', 'kubeling-worker3@4', 'kubeling-worker4@5'],
    ],
    [
      'a node of another simulator whose lease is stale (≥ 40 s) is taken over with its own index',
      [node(CP, 0, OTHER), node(W1, 7, OTHER), node(W2, 2, OTHER)],
      [lease(CP, 1_000), lease(W1, 40_000), lease(W2, 1_000)],
      ['kubeling-control-plane2@1', `${W1}@7`, 'kubeling-worker3@3'],
    ],
    [
      'a node of another simulator without any lease is taken over',
      [node(W1, 5, OTHER)],
      [],
      [`${CP}@0`, `${W1}@5`, `${W2}@1`],
    ],
    [
      'this simulator\'s own nodes are taken back even with a fresh lease (a restart), keeping their indexes',
      [node(CP, 4, ME), node(W1, 0, ME), node(W2, 9, ME)],
      [lease(CP, 0), lease(W1, 0), lease(W2, 0)],
      [`${CP}@4`, `${W1}@0`, `${W2}@9`],
    ],
    [
      'a Node nobody simulates (no annotation) is never taken, even with no lease',
      [node(W1, 3)],
      [],
      [`${CP}@0`, `${W2}@1`, 'kubeling-worker3@2'],
    ],
    [
      'address indexes are the lowest ones no Node uses',
      [node('user-a', 0), node('user-b', 2), node('user-c', 4)],
      [],
      [`${CP}@1`, `${W1}@3`, `${W2}@5`],
    ],
    [
      'a taken-over node without an InternalIP gets the next free index',
      [node(W1, undefined, ME), node('user-a', 0)],
      [],
      [`${CP}@1`, `${W1}@2`, `${W2}@3`],
    ],
    [
      'a lease with an unparsable renewTime counts as stale',
      [node(W1, 6, OTHER)],
      [{ metadata: { name: W1, namespace: 'kube-node-lease' }, spec: { renewTime: 'not a time' } } as Lease],
      [`${CP}@0`, `${W1}@6`, `${W2}@1`],
    ],
  ])('%s', (_name, existing, leases, want) => {
    expect(brief(choosePlan(flags(), existing, leases, ME, NOW))).toEqual(want);
  });

  it('keeps the roles and counts of the flags when names are skipped', () => {
    const existing = [node(CP, 0, OTHER), node(W1, 1, OTHER)];
    const plan = choosePlan(flags({ nodes: 4, controlPlanes: 2 }), existing, [lease(CP, 0), lease(W1, 0)], ME, NOW);
    expect(plan.map((c) => `${c.role}:${c.name}`)).toEqual(['control-plane:kubeling-control-plane2', 'control-plane:kubeling-control-plane3', 'worker:kubeling-worker2', 'worker:kubeling-worker3']);
    expect(plan.map((c) => c.index)).toEqual([2, 3, 4, 5]);
    expect(plan[0]!.labels['node-role.kubernetes.io/control-plane']).toBe('');
    expect(plan[2]!.labels['kubernetes.io/hostname']).toBe('kubeling-worker2');
  });

  it('never hands out one index twice, even when a taken-over node holds an index a new node would get', () => {
    const plan = choosePlan(flags({ nodes: 5 }), [node(W2, 0, ME)], [], ME, NOW);
    const indexes = plan.map((c) => c.index);
    expect(new Set(indexes).size).toBe(indexes.length);
    expect(brief(plan)).toEqual([`${CP}@1`, `${W1}@2`, `${W2}@0`, 'kubeling-worker3@3', 'kubeling-worker4@4']);
  });

  it('plans nothing for --nodes 0', () => {
    expect(choosePlan(flags({ nodes: 0, controlPlanes: 0 }), [node(CP, 0, OTHER)], [], ME, NOW)).toEqual([]);
  });
});

describe('adoptionConfig', () => {
  it.each<[string, number[], number]>([
    ['nothing used', [], 0],
    ['a gap', [0, 1, 3], 2],
    ['0 free', [1, 2], 0],
    ['dense', [2, 0, 1], 3],
  ])('picks the lowest unused index (%s)', (_name, used, want) => {
    expect(adoptionConfig(flags(), 'my-node', used).index).toBe(want);
  });

  it('is a worker of the flags\' shape under its own name, in the first zone', () => {
    const cfg = adoptionConfig(flags({ cpu: '8', labels: { team: 'a' } }), 'my-node', new Set([0]));
    expect(cfg).toMatchObject({ name: 'my-node', role: 'worker', zone: 'zone-a', index: 1, taints: [] });
    expect(cfg.capacity.cpu).toBe('8');
    expect(cfg.labels).toMatchObject({ 'kubernetes.io/hostname': 'my-node', 'topology.kubernetes.io/zone': 'zone-a', team: 'a' });
    expect(cfg.labels['node-role.kubernetes.io/control-plane']).toBeUndefined();
  });
});
