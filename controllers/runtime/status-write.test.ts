// updateStatusRetrying: how many PUTs, when it re-reads, and what it writes after a re-read.

import { describe, expect, it } from 'vitest';
import { R } from '../../apiserver/api/resources.js';
import { conflict, notFound } from '../../apiserver/api/status.js';
import type { KObject } from '../../apiserver/api/types.js';
import type { Client } from './client.js';
import { updateStatusRetrying } from './status-write.js';

const qr = { group: 'apps', resource: 'statefulsets' };
const obj = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { namespace: 'ns', name: 'web', uid: 'u1', resourceVersion: '1' } } as KObject;

/** A client whose n-th PUT fails with `errors[n]` (none: succeeds) and whose GET answers `fresh(n)` for the n-th read. */
function fake(errors: Array<Error | undefined>, fresh: (n: number) => KObject = (n) => ({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(n + 2) } })) {
  const log: string[] = [];
  let puts = 0;
  let gets = 0;
  const client = {
    update: async (_r: unknown, body: KObject, opts: { subresource?: string }) => {
      log.push(`put ${opts.subresource} rv=${body.metadata.resourceVersion}`);
      const err = errors[puts++];
      if (err) throw err;
      return body;
    },
    get: async (_r: unknown, ns: string, name: string) => {
      log.push(`get ${ns}/${name}`);
      return fresh(gets++);
    },
  } as unknown as Client;
  return { client, log };
}

const build = (cur: KObject): object => ({ ...cur, status: { replicas: 1 } });

describe('updateStatusRetrying', () => {
  it('writes once when the first PUT succeeds', async () => {
    const f = fake([]);
    await expect(updateStatusRetrying(f.client, R.statefulsets, obj, build, { attempts: 2 })).resolves.toBe(true);
    expect(f.log).toEqual(['put status rv=1']);
  });

  it('re-reads after a failure and PUTs the status built on the fresh object (any error by default)', async () => {
    const f = fake([new Error('boom')]);
    await expect(updateStatusRetrying(f.client, R.statefulsets, obj, build, { attempts: 2 })).resolves.toBe(true);
    expect(f.log).toEqual(['put status rv=1', 'get ns/web', 'put status rv=2']);
  });

  it('throws the last PUT error once the attempts are used up', async () => {
    const f = fake([new Error('one'), new Error('two'), new Error('three')]);
    await expect(updateStatusRetrying(f.client, R.statefulsets, obj, build, { attempts: 2 })).rejects.toThrow('two');
    expect(f.log).toEqual(['put status rv=1', 'get ns/web', 'put status rv=2']);
  });

  it('only retries errors retryIf accepts, up to `attempts` PUTs', async () => {
    const isConflict = (e: unknown): boolean => e instanceof Error && /modified/.test(e.message);
    const other = fake([notFound(qr, 'web')]);
    await expect(updateStatusRetrying(other.client, R.statefulsets, obj, build, { attempts: 5, retryIf: isConflict })).rejects.toThrow('not found');
    expect(other.log).toEqual(['put status rv=1']);
    const conflicts = fake(Array.from({ length: 6 }, () => conflict(qr, 'web')));
    await expect(updateStatusRetrying(conflicts.client, R.statefulsets, obj, build, { attempts: 5, retryIf: isConflict })).rejects.toThrow('modified');
    expect(conflicts.log.filter((l) => l.startsWith('put'))).toHaveLength(5);
    expect(conflicts.log.filter((l) => l.startsWith('get'))).toHaveLength(4);
  });

  it('stops without writing when build declines the fresh object; a read error is thrown', async () => {
    const replaced = fake([new Error('boom')], () => ({ ...obj, metadata: { ...obj.metadata, uid: 'u2' } }));
    const sameUid = (cur: KObject): object | undefined => (cur.metadata.uid === 'u1' ? build(cur) : undefined);
    await expect(updateStatusRetrying(replaced.client, R.statefulsets, obj, sameUid, { attempts: 5 })).resolves.toBe(false);
    expect(replaced.log).toEqual(['put status rv=1', 'get ns/web']);
    const unreadable = fake([new Error('boom')], () => {
      throw new Error('read failed');
    });
    await expect(updateStatusRetrying(unreadable.client, R.statefulsets, obj, build, { attempts: 2 })).rejects.toThrow('read failed');
  });
});
