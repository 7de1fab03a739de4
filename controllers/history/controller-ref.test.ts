// canAdoptOnce: one live read of the owner per sync, refusing an owner that was replaced or is being deleted.

import { describe, expect, it } from 'vitest';
import { R } from '../../apiserver/api/resources.js';
import type { DaemonSet } from '../../apiserver/api/types.js';
import type { Client } from '../runtime/index.js';
import { canAdoptOnce } from './controller-ref.js';

const cached: DaemonSet = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { namespace: 'ns', name: 'ds', uid: 'u1' } } as DaemonSet;

function client(answer: () => DaemonSet): { client: Client; reads: () => number } {
  let reads = 0;
  const get = async (): Promise<DaemonSet> => {
    reads++;
    return answer();
  };
  return { client: { get } as unknown as Client, reads: () => reads };
}

describe('canAdoptOnce', () => {
  it('reads the owner once, however often it is asked', async () => {
    const c = client(() => cached);
    const check = canAdoptOnce(c.client, R.daemonsets, cached, 'DaemonSet');
    await Promise.all([check(), check(), check()]);
    expect(c.reads()).toBe(1);
  });

  it.each([
    ['replaced by another object of the name', { ...cached, metadata: { ...cached.metadata, uid: 'u2' } }, 'original DaemonSet ns/ds is gone: got uid u2, wanted u1'],
    ['being deleted', { ...cached, metadata: { ...cached.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } }, 'ns/ds has just been deleted at 2026-01-01T00:00:00Z'],
  ])('refuses an owner %s', async (_what, fresh, message) => {
    await expect(canAdoptOnce(client(() => fresh as DaemonSet).client, R.daemonsets, cached, 'DaemonSet')()).rejects.toThrow(message);
  });

  it('says when the owner cannot be read', async () => {
    const c = client(() => {
      throw new Error('connection refused');
    });
    await expect(canAdoptOnce(c.client, R.daemonsets, cached, 'DaemonSet')()).rejects.toThrow("can't recheck DeletionTimestamp: connection refused");
  });
});
