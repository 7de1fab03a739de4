// newDaemonSetController's informer wiring: which keys a pod event queues, orphans looked up by namespace index.

import { afterEach, describe, expect, it } from 'vitest';
import { R } from '../../apiserver/api/resources.js';
import type { DaemonSet, KObject } from '../../apiserver/api/types.js';
import { createRuntime, FakeClock, silentLogger } from '../runtime/index.js';
import { drainQueue as drain, settle } from '../runtime/fake-api.test.support.js';
import { FakeCluster } from '../statefulset/fake-cluster.test.support.js';
import { newDaemonSetController } from './controller.js';
import { daemonSet } from './fake.test.support.js';

let stop: AbortController | undefined;
afterEach(() => stop?.abort());

const inNs = (ds: DaemonSet, namespace: string, uid: string): DaemonSet => ({ ...ds, metadata: { ...ds.metadata, namespace, uid } });

describe('newDaemonSetController wiring', () => {
  it('queues the owner of a pod only when cached with the same uid, and an orphan\'s matching DaemonSets of its namespace', async () => {
    const fake = new FakeCluster();
    fake.seed(R.daemonsets, inNs(daemonSet('d'), 'a', 'u-a'));
    fake.seed(R.daemonsets, inNs(daemonSet('d'), 'b', 'u-b'));
    const rt = createRuntime({ client: fake.client(), clock: new FakeClock(0), logger: silentLogger });
    const c = newDaemonSetController(rt);
    stop = new AbortController();
    rt.start(stop.signal);
    await rt.waitForSync(stop.signal);
    expect(await drain(c.queue)).toEqual(['a/d', 'b/d']);
    const client = fake.client();
    const pod = (name: string, ns: string, ref?: { name: string; uid: string }): KObject =>
      ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels: { app: 'd' }, ...(ref ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', controller: true, ...ref }] } : {}) } }) as KObject;
    await client.create(R.pods, pod('orphan', 'b'));
    await settle(10);
    expect(await drain(c.queue)).toEqual(['b/d']);
    await client.create(R.pods, pod('owned', 'a', { name: 'd', uid: 'u-a' }));
    await client.create(R.pods, pod('stale', 'a', { name: 'd', uid: 'old' }));
    await client.create(R.pods, pod('uncached', 'a', { name: 'gone', uid: 'u-gone' }));
    await settle(10);
    expect(await drain(c.queue)).toEqual(['a/d']);
  });
});
