// Table tests for one node health check: probe refreshes (heartbeat, lease), grace periods, the Unknown conditions.

import { describe, expect, it } from 'vitest';
import { metaTime } from '../../apiserver/api/time.js';
import type { Node } from '../../apiserver/api/types.js';
import { assessNodeHealth, markConditionsUnknown, type NodeHealth } from './health.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const s = (sec: number): string => metaTime(T0 + sec * 1000);
const GRACE = { gracePeriodMs: 40_000, startupGracePeriodMs: 60_000 };
const KUBELET_CONDS = (hb: string, status = 'True'): NonNullable<Node['status']>['conditions'] => [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: hb, lastTransitionTime: s(0) },
  { type: 'Ready', status, reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: hb, lastTransitionTime: s(0) },
];
const node = (conditions: NonNullable<Node['status']>['conditions'] | undefined): Node => ({
  metadata: { name: 'n', creationTimestamp: s(0) },
  status: conditions ? { conditions } : {},
});
const saved = (probeSec: number, hb: string, leaseSec?: number): NodeHealth => ({
  probeTimestamp: T0 + probeSec * 1000, readyTransitionTimestamp: T0, ready: { lastHeartbeatTime: hb, lastTransitionTime: s(0) },
  ...(leaseSec === undefined ? {} : { leaseRenew: T0 + leaseSec * 1000 }),
});

describe('assessNodeHealth', () => {
  it.each<[string, Node, NodeHealth | undefined, string | undefined, number, { probe: number; write: boolean; grace: number }]>([
    ['first sight of a Ready node: probed now', node(KUBELET_CONDS(s(0))), undefined, undefined, 100, { probe: 100, write: false, grace: 40 }],
    ['same heartbeat, within grace', node(KUBELET_CONDS(s(0))), saved(10, s(0)), undefined, 45, { probe: 10, write: false, grace: 40 }],
    ['same heartbeat, past grace → Unknown', node(KUBELET_CONDS(s(0))), saved(10, s(0)), undefined, 51, { probe: 10, write: true, grace: 40 }],
    ['exactly at the grace is not past it', node(KUBELET_CONDS(s(0))), saved(10, s(0)), undefined, 50, { probe: 10, write: false, grace: 40 }],
    ['a new heartbeat refreshes the probe', node(KUBELET_CONDS(s(30))), saved(10, s(0)), undefined, 55, { probe: 55, write: false, grace: 40 }],
    ['a renewed lease refreshes the probe', node(KUBELET_CONDS(s(0))), saved(10, s(0), 20), s(50), 55, { probe: 55, write: false, grace: 40 }],
    ['the same lease does not', node(KUBELET_CONDS(s(0))), saved(10, s(0), 20), s(20), 55, { probe: 10, write: true, grace: 40 }],
    ['never posted Ready: startup grace from creation', node(undefined), undefined, undefined, 59, { probe: 0, write: false, grace: 60 }],
    ['never posted Ready: past the startup grace', node(undefined), undefined, undefined, 61, { probe: 0, write: true, grace: 60 }],
    ['never posted Ready but renewing its lease: healthy', node(undefined), undefined, s(60), 61, { probe: 61, write: false, grace: 60 }],
  ])('%s', (_name, n, prev, lease, nowSec, want) => {
    const a = assessNodeHealth(n, prev, lease, T0 + nowSec * 1000, GRACE);
    expect(a.health.probeTimestamp).toBe(T0 + want.probe * 1000);
    expect(a.gracePeriodMs).toBe(want.grace * 1000);
    expect(a.conditions !== undefined).toBe(want.write);
  });

  it('past the grace: Ready and pressures Unknown with upstream reasons; observed keeps the old Ready', () => {
    const a = assessNodeHealth(node(KUBELET_CONDS(s(0))), saved(0, s(0)), undefined, T0 + 41_000, GRACE);
    expect(a.observed.status).toBe('True');
    expect(a.current).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: s(41), lastHeartbeatTime: s(0) });
    expect(a.conditions!.map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual([
      'MemoryPressure=Unknown/NodeStatusUnknown', 'Ready=Unknown/NodeStatusUnknown', 'DiskPressure=Unknown/NodeStatusNeverUpdated', 'PIDPressure=Unknown/NodeStatusNeverUpdated',
    ]);
    expect(a.healthAfterWrite).toMatchObject({ readyTransitionTimestamp: T0 + 41_000, ready: { lastHeartbeatTime: s(0), lastTransitionTime: s(41) } });
  });

  it('already Unknown: nothing more to write, and no new probe from the unchanged heartbeat', () => {
    const conds = markConditionsUnknown(KUBELET_CONDS(s(0))!, s(0), s(41));
    const h: NodeHealth = { probeTimestamp: T0, readyTransitionTimestamp: T0 + 41_000, ready: { lastHeartbeatTime: s(0), lastTransitionTime: s(41) } };
    const a = assessNodeHealth(node(conds), h, undefined, T0 + 90_000, GRACE);
    expect(a.conditions).toBeUndefined();
    expect(a.current?.status).toBe('Unknown');
    expect(a.observed.status).toBe('Unknown');
  });

  it('a never-posted node gets NodeStatusNeverUpdated conditions, heartbeat = creation', () => {
    const a = assessNodeHealth(node(undefined), undefined, undefined, T0 + 61_000, GRACE);
    expect(a.observed).toMatchObject({ type: 'Ready', status: 'Unknown' });
    expect(a.conditions!.map((c) => [c.type, c.status, c.reason, c.message, c.lastHeartbeatTime, c.lastTransitionTime])).toEqual(
      ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'].map((t) => [t, 'Unknown', 'NodeStatusNeverUpdated', 'Kubelet never posted node status.', s(0), s(61)]),
    );
  });

  it('NetworkUnavailable is left alone', () => {
    const conds = [{ type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated' }, ...KUBELET_CONDS(s(0))!];
    const out = markConditionsUnknown(conds, s(0), s(41));
    expect(out[0]).toEqual(conds[0]);
  });
});
