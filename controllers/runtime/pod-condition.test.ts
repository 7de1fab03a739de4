// One pod condition written through pods/status: skipped when present, lastTransitionTime kept unless the status changes.

import { describe, expect, it } from 'vitest';
import type { Pod } from '../../apiserver/api/types.js';
import { hasPodCondition, patchPodCondition, patchPodStatus, withTransitionTime, type PodStatusClient } from './pod-condition.js';

const NOW = Date.parse('2024-05-01T10:00:00Z');

function recording(): { client: PodStatusClient; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const client = { patch: async (...args: unknown[]) => (calls.push(args), {}) } as unknown as PodStatusClient;
  return { client, calls };
}

const pod = (conditions: NonNullable<Pod['status']>['conditions'] = []): Pod => ({ metadata: { name: 'p', namespace: 'ns', uid: 'u1' }, status: { conditions } });

describe('pod conditions', () => {
  it('patches the condition alone, with the uid, as a strategic merge of pods/status; lastTransitionTime now on a status change', async () => {
    const { client, calls } = recording();
    const p = pod([{ type: 'Ready', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }]);
    expect(await patchPodCondition(client, p, { type: 'Ready', status: 'False' }, NOW)).toBe(true);
    expect(calls).toHaveLength(1);
    const [r, ns, name, type, body, opts] = calls[0]!;
    expect([(r as { plural: string }).plural, ns, name, type, opts]).toEqual(['pods', 'ns', 'p', 'strategic', { subresource: 'status' }]);
    expect(body).toEqual({ metadata: { uid: 'u1' }, status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: '2024-05-01T10:00:00Z' }] } });
  });

  it('keeps lastTransitionTime when only reason or message change; writes nothing when all match', async () => {
    const { client, calls } = recording();
    const p = pod([{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'old', lastTransitionTime: '2024-01-01T00:00:00Z' }]);
    const cond = { type: 'PodScheduled', status: 'False', lastProbeTime: null, reason: 'Unschedulable', message: 'new' };
    expect(await patchPodCondition(client, p, cond, NOW)).toBe(true);
    expect((calls[0]![4] as { status: unknown }).status).toEqual({ conditions: [{ ...cond, lastTransitionTime: '2024-01-01T00:00:00Z' }] });
    expect(await patchPodCondition(client, p, { ...cond, message: 'old' }, NOW)).toBe(false);
    expect(calls).toHaveLength(1);
  });

  it('hasPodCondition ignores reason and message when not given; withTransitionTime and patchPodStatus compose', async () => {
    const p = pod([{ type: 'Ready', status: 'False', reason: 'X' }]);
    expect(hasPodCondition(p, { type: 'Ready', status: 'False' })).toBe(true);
    expect(hasPodCondition(p, { type: 'Ready', status: 'False', reason: 'Y' })).toBe(false);
    expect(hasPodCondition(p, { type: 'Ready', status: 'True' })).toBe(false);
    const { client, calls } = recording();
    await patchPodStatus(client, p, { phase: 'Failed', conditions: [withTransitionTime(p, { type: 'DisruptionTarget', status: 'True' }, NOW)] });
    expect(calls[0]![4]).toEqual({ metadata: { uid: 'u1' }, status: { phase: 'Failed', conditions: [{ type: 'DisruptionTarget', status: 'True', lastTransitionTime: '2024-05-01T10:00:00Z' }] } });
  });
});
