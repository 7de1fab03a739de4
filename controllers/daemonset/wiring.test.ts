// newDaemonSetController's informer wiring: which keys a pod event queues, orphans looked up by namespace index.

import { afterEach, describe, expect, it } from 'vitest';
import { R } from '../../apiserver/api/resources.js';
import type { DaemonSet, KObject } from '../../apiserver/api/types.js';
import { createRuntime, FakeClock, silentLogger, type WorkQueue } from '../runtime/index.js';
import { FakeCluster } from '../statefulset/fake-cluster.test.support.js';
import { newDaemonSetController } from './controller.js';
import { daemonSet } from './fake.test.support.js';

const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

/** Takes every waiting key off the queue. */
async function drain(q: WorkQueue<string>): Promise<string[]> {
  const out: string[] = [];
  while (q.len() > 0) {
    const k = (await q.get())!;
    q.done(k);
    out.push(k);
  }
  return out.sort();
}

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
    await settle();
    expect(await drain(c.queue)).toEqual(['b/d']);
    await client.create(R.pods, pod('owned', 'a', { name: 'd', uid: 'u-a' }));
    await client.create(R.pods, pod('stale', 'a', { name: 'd', uid: 'old' }));
    await client.create(R.pods, pod('uncached', 'a', { name: 'gone', uid: 'u-gone' }));
    await settle();
    expect(await drain(c.queue)).toEqual(['a/d']);
  });
});
