// Tests for simulated Node objects: address plan, pod IPs, registration object, conditions and adoption.

import { describe, expect, it } from 'vitest';
import type { NodeCondition } from 'kubernetes-types/core/v1.js';
import type { Node } from '../apiserver/api/types.js';
import { DEFAULT_SIM_FLAGS, planNodes } from './node-config.js';
import {
  MAX_NODE_INDEX,
  PodIPAllocator,
  SIMULATED_BY_ANNOTATION,
  addressesFor,
  adoptedNodeStatus,
  conditionsChanged,
  indexFromAddresses,
  indexFromIP,
  nodeConditions,
  nodeObject,
  podIPFor,
} from './node-object.js';
import { metaTime as rfc3339 } from '../apiserver/api/time.js';

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
const OPTS = { kubeletPort: 10250, kubeletVersion: 'v1.32.4', simulatorId: 'sim-1' };

describe('address plan', () => {
  it.each([
    [0, '172.18.0.2', '10.128.0.0/24'],
    [1, '172.18.0.3', '10.128.1.0/24'],
    [252, '172.18.0.254', '10.128.252.0/24'],
    [253, '172.18.1.1', '10.128.253.0/24'],
    [256, '172.18.1.4', '10.129.0.0/24'],
    [506, '172.18.1.254', '10.129.250.0/24'],
    [507, '172.18.2.1', '10.129.251.0/24'],
    [20_000, '172.18.78.190', '10.206.32.0/24'],
    [MAX_NODE_INDEX, '172.18.129.3', '10.255.255.0/24'],
  ])('index %i → %s, %s', (index, ip, cidr) => {
    expect(addressesFor(index)).toEqual({ hostIP: ip, podCIDR: cidr });
    expect(indexFromIP(ip)).toBe(index);
  });

  it('keeps 20,000+ indexes unique, free of .0/.255 host parts, and invertible', () => {
    const ips = new Set<string>();
    const cidrs = new Set<string>();
    for (let i = 0; i <= MAX_NODE_INDEX; i++) {
      const { hostIP, podCIDR } = addressesFor(i);
      ips.add(hostIP);
      cidrs.add(podCIDR);
      const last = Number(hostIP.split('.')[3]);
      if (last === 0 || last === 255 || indexFromIP(hostIP) !== i) throw new Error(`bad address for ${i}: ${hostIP}`);
    }
    expect(MAX_NODE_INDEX + 1).toBeGreaterThanOrEqual(20_000);
    expect(ips.size).toBe(MAX_NODE_INDEX + 1);
    expect(cidrs.size).toBe(MAX_NODE_INDEX + 1);
  });

  it.each([[-1], [MAX_NODE_INDEX + 1], [1.5]])('rejects index %s', (i) => {
    expect(() => addressesFor(i)).toThrow(RangeError);
  });

  it.each(['172.18.0.1', '172.18.0.255', '172.18.3.0', '172.17.0.2', '172.19.0.2', '172.18.200.1', '10.0.0.1', 'nonsense'])('indexFromIP(%s) is undefined', (ip) => {
    expect(indexFromIP(ip)).toBeUndefined();
  });

  it('reads the index from a Node InternalIP', () => {
    const node: Node = { status: { addresses: [{ type: 'Hostname', address: 'n' }, { type: 'InternalIP', address: '172.18.0.9' }] } };
    expect(indexFromAddresses(node)).toBe(7);
    expect(indexFromAddresses({ status: {} })).toBeUndefined();
  });
});

describe('pod IPs', () => {
  it.each([
    ['10.128.3.0/24', 1, '10.128.3.2'],
    ['10.128.3.0/24', 253, '10.128.3.254'],
    ['10.244.0.0/16', 300, '10.244.1.45'],
  ])('podIPFor(%s, %i) = %s', (cidr, slot, ip) => {
    expect(podIPFor(cidr, slot)).toBe(ip);
  });

  it.each([
    ['10.128.3.0/24', 0],
    ['10.128.3.0/24', 254],
  ])('podIPFor(%s, %i) throws', (cidr, slot) => {
    expect(() => podIPFor(cidr, slot)).toThrow(RangeError);
  });

  it.each(['fd00::/64', '10.0.0.0/31', '300.1.1.0/24', 'x'])('rejects CIDR %s', (cidr) => {
    expect(() => new PodIPAllocator(cidr)).toThrow(/unsupported pod CIDR/);
  });

  it('hands out unique addresses until the range is full', () => {
    const a = new PodIPAllocator('10.128.0.0/24');
    const ips = new Set(Array.from({ length: 253 }, (_, i) => a.allocate(`uid-${i}`)));
    expect(ips.size).toBe(253);
    expect(ips.has('10.128.0.1')).toBe(false);
    expect(ips.has('10.128.0.255')).toBe(false);
    expect(() => a.allocate('one-more')).toThrow(/no free pod IP/);
    expect(a.allocate('uid-5')).toBe('10.128.0.7');
  });

  it('reuses a released address last (round-robin)', () => {
    const a = new PodIPAllocator('10.128.0.0/24');
    expect(a.allocate('a')).toBe('10.128.0.2');
    expect(a.allocate('b')).toBe('10.128.0.3');
    a.release('a');
    expect(a.ipOf('a')).toBeUndefined();
    expect(a.allocate('c')).toBe('10.128.0.4');
    for (let i = 0; i < 250; i++) a.allocate(`x${i}`);
    expect(a.allocate('d')).toBe('10.128.0.2');
    expect(a.size).toBe(253);
  });

  it('restores addresses seen after a restart', () => {
    const a = new PodIPAllocator('10.128.0.0/24');
    expect(a.restore('a', '10.128.0.2')).toBe(true);
    expect(a.restore('b', '10.128.0.2')).toBe(false);
    expect(a.restore('c', '10.129.0.2')).toBe(false);
    expect(a.allocate('d')).toBe('10.128.0.3');
    expect(a.ipOf('a')).toBe('10.128.0.2');
  });
});

describe('nodeObject', () => {
  const [cp, worker] = planNodes(DEFAULT_SIM_FLAGS);
  const node = nodeObject(cp!, addressesFor(0), T0, OPTS);

  it('has the registration metadata and spec', () => {
    expect(node.metadata).toEqual({
      name: 'kubeling-control-plane',
      labels: cp!.labels,
      annotations: {
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        'node.alpha.kubernetes.io/ttl': '0',
        'kubeling.io/simulated-by': 'sim-1',
      },
    });
    expect(node.spec).toEqual({
      podCIDR: '10.128.0.0/24',
      podCIDRs: ['10.128.0.0/24'],
      providerID: 'kubeling://kubeling-control-plane',
      taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
    });
    expect(nodeObject(worker!, addressesFor(1), T0, OPTS).spec?.taints).toBeUndefined();
  });

  it('reports conditions in kubelet order with heartbeat and transition times', () => {
    expect(node.status?.conditions).toEqual([
      { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: '2025-01-02T03:04:05Z', lastTransitionTime: '2025-01-02T03:04:05Z', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
      { type: 'DiskPressure', status: 'False', lastHeartbeatTime: '2025-01-02T03:04:05Z', lastTransitionTime: '2025-01-02T03:04:05Z', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
      { type: 'PIDPressure', status: 'False', lastHeartbeatTime: '2025-01-02T03:04:05Z', lastTransitionTime: '2025-01-02T03:04:05Z', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
      { type: 'Ready', status: 'True', lastHeartbeatTime: '2025-01-02T03:04:05Z', lastTransitionTime: '2025-01-02T03:04:05Z', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
    ]);
  });

  it('reports addresses, endpoints, resources and nodeInfo', () => {
    const s = node.status!;
    expect(s.addresses).toEqual([{ type: 'InternalIP', address: '172.18.0.2' }, { type: 'Hostname', address: 'kubeling-control-plane' }]);
    expect(s.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10250 } });
    expect(s.capacity).toEqual(cp!.capacity);
    expect(s.allocatable).toEqual(cp!.allocatable);
    expect(s.images).toEqual([]);
    expect(s.nodeInfo).toMatchObject({
      kernelVersion: '6.8.0-kubeling',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      containerRuntimeVersion: 'containerd://1.7.24',
      kubeletVersion: 'v1.32.4',
      kubeProxyVersion: 'v1.32.4',
      operatingSystem: 'linux',
      architecture: 'amd64',
    });
    expect(s.nodeInfo?.machineID).toMatch(/^[0-9a-f]{32}$/);
    expect(s.nodeInfo?.systemUUID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(s.nodeInfo?.bootID).not.toBe(s.nodeInfo?.systemUUID);
    const other = nodeObject(worker!, addressesFor(1), T0, OPTS).status?.nodeInfo;
    expect(other?.machineID).not.toBe(s.nodeInfo?.machineID);
    expect(nodeObject(cp!, addressesFor(0), T0 + 1000, OPTS).status?.nodeInfo).toEqual(s.nodeInfo);
  });
});

describe('nodeConditions', () => {
  const first = nodeConditions(T0);
  const at = (l: NodeCondition[], type: string): NodeCondition => l.find((c) => c.type === type)!;

  it.each<[string, Parameters<typeof nodeConditions>[2], string, string, string]>([
    ['unchanged', {}, 'Ready', 'True', '2025-01-02T03:04:05Z'],
    ['not ready', { notReady: 'container runtime is down' }, 'Ready', 'False', '2025-01-02T03:05:05Z'],
    ['memory pressure', { memoryPressure: true }, 'MemoryPressure', 'True', '2025-01-02T03:05:05Z'],
    ['no memory pressure', { memoryPressure: false }, 'MemoryPressure', 'False', '2025-01-02T03:04:05Z'],
    ['disk pressure', { diskPressure: true }, 'DiskPressure', 'True', '2025-01-02T03:05:05Z'],
    ['pid pressure', { pidPressure: true }, 'PIDPressure', 'True', '2025-01-02T03:05:05Z'],
  ])('%s: transition time moves only with the status', (_name, opts, type, status, transition) => {
    const next = nodeConditions(T0 + 60_000, first, opts);
    expect(at(next, type)).toMatchObject({ status, lastHeartbeatTime: '2025-01-02T03:05:05Z', lastTransitionTime: transition });
    expect(next.map((c) => c.type)).toEqual(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
  });

  it('gives reasons and messages for bad states', () => {
    const next = nodeConditions(T0, undefined, { notReady: 'PLEG is not healthy', memoryPressure: true });
    expect(at(next, 'Ready')).toMatchObject({ reason: 'KubeletNotReady', message: 'PLEG is not healthy' });
    expect(at(next, 'MemoryPressure')).toMatchObject({ reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' });
  });

  it('updates conditions in place and keeps foreign ones', () => {
    const prev: NodeCondition[] = [
      { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: 'x', lastTransitionTime: '2020-01-01T00:00:00Z' },
      { type: 'KernelDeadlock', status: 'False', reason: 'KernelHasNoDeadlock', message: 'kernel has no deadlock' },
    ];
    const next = nodeConditions(T0, prev);
    expect(next.map((c) => c.type)).toEqual(['Ready', 'KernelDeadlock', 'MemoryPressure', 'DiskPressure', 'PIDPressure']);
    expect(next[0]).toMatchObject({ status: 'True', lastTransitionTime: '2025-01-02T03:04:05Z' });
    expect(next[1]).toEqual(prev[1]);
  });

  it('adds NetworkUnavailable first when asked', () => {
    const next = nodeConditions(T0, first, { networkUnavailable: false });
    expect(next[0]).toEqual({ type: 'NetworkUnavailable', status: 'False', lastHeartbeatTime: '2025-01-02T03:04:05Z', lastTransitionTime: '2025-01-02T03:04:05Z', reason: 'RouteCreated', message: 'RouteController created a route' });
    expect(nodeConditions(T0, next).map((c) => c.type)).toEqual(['NetworkUnavailable', 'MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
  });

  it('tells a heartbeat apart from a change', () => {
    expect(conditionsChanged(first, nodeConditions(T0 + 10_000, first))).toBe(false);
    expect(conditionsChanged(first, nodeConditions(T0 + 10_000, first, { notReady: 'x' }))).toBe(true);
  });

  it.each([
    [0, '1970-01-01T00:00:00Z'],
    [T0, '2025-01-02T03:04:05Z'],
  ])('rfc3339(%i) = %s', (ms, text) => {
    expect(rfc3339(ms)).toBe(text);
  });
});

describe('adoptedNodeStatus', () => {
  const [, worker] = planNodes(DEFAULT_SIM_FLAGS);
  const id = addressesFor(1);

  it('reconciles default labels and keeps the user’s labels, taints, podCIDR and resources', () => {
    const existing: Node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'kubeling-worker',
        uid: 'u1',
        resourceVersion: '42',
        labels: { 'kubernetes.io/hostname': 'wrong', 'kubernetes.io/os': 'windows', team: 'a', 'topology.kubernetes.io/zone': 'mine' },
        annotations: { 'kubeling.io/simulate': 'true', 'node.alpha.kubernetes.io/ttl': '15' },
      },
      spec: { podCIDR: '10.0.5.0/24', podCIDRs: ['10.0.5.0/24'], taints: [{ key: 'k', effect: 'NoSchedule' }] },
      status: { capacity: { cpu: '32', pods: '500' }, allocatable: { cpu: '31' } },
    };
    const n = adoptedNodeStatus(existing, worker!, id, T0, OPTS);
    expect(n.metadata).toMatchObject({ name: 'kubeling-worker', uid: 'u1', resourceVersion: '42' });
    expect(n.metadata?.labels).toEqual({
      'kubernetes.io/hostname': 'kubeling-worker',
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/os': 'linux',
      'beta.kubernetes.io/arch': 'amd64',
      team: 'a',
      'topology.kubernetes.io/zone': 'mine',
      'topology.kubernetes.io/region': 'local',
    });
    expect(n.metadata?.annotations).toEqual({
      'kubeling.io/simulate': 'true',
      'node.alpha.kubernetes.io/ttl': '15',
      'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      [SIMULATED_BY_ANNOTATION]: 'sim-1',
    });
    expect(n.spec).toEqual({ podCIDR: '10.0.5.0/24', podCIDRs: ['10.0.5.0/24'], taints: [{ key: 'k', effect: 'NoSchedule' }], providerID: 'kubeling://kubeling-worker' });
    expect(n.status?.capacity).toMatchObject({ cpu: '32', pods: '500', memory: '16777216Ki' });
    expect(n.status?.allocatable).toMatchObject({ cpu: '31', pods: '500', memory: '16674816Ki' });
    expect(n.status?.conditions?.map((c) => c.type)).toEqual(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
    expect(n.status?.addresses?.[0]).toEqual({ type: 'InternalIP', address: '172.18.0.3' });
    expect(existing.metadata?.labels?.['kubernetes.io/os']).toBe('windows');
  });

  it('fills podCIDR and conditions of a bare Node, preserving transition times on re-adoption', () => {
    const bare: Node = { metadata: { name: 'kubeling-worker' } };
    const first = adoptedNodeStatus(bare, worker!, id, T0, OPTS);
    expect(first.spec).toEqual({ podCIDR: id.podCIDR, podCIDRs: [id.podCIDR], providerID: 'kubeling://kubeling-worker' });
    expect(first.status?.capacity).toEqual(worker!.capacity);
    const again = adoptedNodeStatus(first, worker!, id, T0 + 60_000, OPTS);
    expect(again.status?.conditions?.[3]).toMatchObject({ type: 'Ready', lastTransitionTime: '2025-01-02T03:04:05Z', lastHeartbeatTime: '2025-01-02T03:05:05Z' });
  });
});
