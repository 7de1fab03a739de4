// Table-driven tests of the Node printer: STATUS, ROLES, VERSION and the wide node-info cells.

import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types.js';
import { nodeConvertor } from './nodes.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');

function node(p: { labels?: Record<string, string>; conditions?: Array<{ type: string; status: string }>; unschedulable?: boolean; status?: Record<string, unknown> } = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1', creationTimestamp: '2026-11-20T12:00:00Z', ...(p.labels ? { labels: p.labels } : {}) },
    spec: p.unschedulable === undefined ? {} : { unschedulable: p.unschedulable },
    status: { conditions: p.conditions ?? [], ...p.status },
  };
}

describe('nodeConvertor STATUS', () => {
  it.each([
    ['Ready', [{ type: 'Ready', status: 'True' }], undefined, 'Ready'],
    ['NotReady', [{ type: 'Ready', status: 'False' }], undefined, 'NotReady'],
    ['Ready=Unknown prints NotReady', [{ type: 'Ready', status: 'Unknown' }], undefined, 'NotReady'],
    ['other conditions ignored', [{ type: 'MemoryPressure', status: 'True' }], undefined, 'Unknown'],
    ['no conditions', [], undefined, 'Unknown'],
    ['cordoned', [{ type: 'Ready', status: 'True' }], true, 'Ready,SchedulingDisabled'],
    ['cordoned without conditions', [], true, 'Unknown,SchedulingDisabled'],
    ['explicitly schedulable', [{ type: 'Ready', status: 'True' }], false, 'Ready'],
  ])('%s', (_d, conditions, unschedulable, want) => {
    expect(nodeConvertor.cells(node({ conditions, ...(unschedulable === undefined ? {} : { unschedulable }) }), NOW)[1]).toBe(want);
  });
});

describe('nodeConvertor ROLES', () => {
  it.each([
    ['no labels', undefined, '<none>'],
    ['unrelated labels', { 'kubernetes.io/hostname': 'node-1' }, '<none>'],
    ['control-plane', { 'node-role.kubernetes.io/control-plane': '' }, 'control-plane'],
    ['sorted and joined', { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': 'true' }, 'control-plane,worker'],
    ['legacy kubernetes.io/role value', { 'kubernetes.io/role': 'master' }, 'master'],
    ['legacy role with an empty value', { 'kubernetes.io/role': '' }, '<none>'],
    ['empty suffix ignored', { 'node-role.kubernetes.io/': '' }, '<none>'],
    ['duplicates collapse', { 'node-role.kubernetes.io/master': '', 'kubernetes.io/role': 'master' }, 'master'],
  ])('%s', (_d, labels, want) => {
    expect(nodeConvertor.cells(node(labels ? { labels } : {}), NOW)[2]).toBe(want);
  });
});

describe('nodeConvertor row', () => {
  it('prints version and wide node info', () => {
    const obj = node({
      conditions: [{ type: 'Ready', status: 'True' }],
      labels: { 'node-role.kubernetes.io/control-plane': '' },
      status: {
        addresses: [
          { type: 'Hostname', address: 'node-1' },
          { type: 'InternalIP', address: '10.0.0.1' },
          { type: 'InternalIP', address: '10.0.0.9' },
          { type: 'ExternalIP', address: '203.0.113.4' },
        ],
        nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Ubuntu 24.04', kernelVersion: '6.8.0', containerRuntimeVersion: 'containerd://1.7.0' },
      },
    });
    expect(nodeConvertor.cells(obj, NOW)).toEqual([
      'node-1', 'Ready', 'control-plane', '2d', 'v1.32.0', '10.0.0.1', '203.0.113.4', 'Ubuntu 24.04', '6.8.0', 'containerd://1.7.0',
    ]);
  });

  it('fills the gaps like upstream', () => {
    expect(nodeConvertor.cells(node(), NOW).slice(4)).toEqual(['', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
  });

  it('has the upstream columns', () => {
    expect(nodeConvertor.columns.map((c) => `${c.name}:${c.priority}`)).toEqual([
      'Name:0', 'Status:0', 'Roles:0', 'Age:0', 'Version:0', 'Internal-IP:1', 'External-IP:1', 'OS-Image:1', 'Kernel-Version:1', 'Container-Runtime:1',
    ]);
  });
});
