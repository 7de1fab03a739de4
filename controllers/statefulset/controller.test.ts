// newStatefulSetController's informer wiring: which keys pod and revision events queue (upstream resolveControllerRef).

import { afterEach, describe, expect, it } from 'vitest';
import { R } from '../../apiserver/api/resources.js';
import type { KObject, StatefulSet } from '../../apiserver/api/types.js';
import { createRuntime, FakeClock, silentLogger } from '../runtime/index.js';
import { drainQueue as drain, settle } from '../runtime/fake-api.test.support.js';
import { newStatefulSetController } from './controller.js';
import { FakeCluster } from './fake-cluster.test.support.js';
import { NOW, sts } from './fixtures.test.support.js';

let stop: AbortController | undefined;
afterEach(() => stop?.abort());

const inNs = (set: StatefulSet, namespace: string, uid: string): StatefulSet => ({ ...set, metadata: { ...set.metadata, namespace, uid } });

describe('newStatefulSetController wiring', () => {
  it('queues a controlled object\'s set only when cached with the same uid; an orphan pod, the matching sets of its namespace', async () => {
    const fake = new FakeCluster();
    fake.seed(R.statefulsets, inNs(sts(), 'a', 'u-a'));
    fake.seed(R.statefulsets, inNs(sts(), 'b', 'u-b'));
    const rt = createRuntime({ client: fake.client(), clock: new FakeClock(NOW), logger: silentLogger });
    const { controller: c } = newStatefulSetController(rt, { recorder: fake.recorder() });
    stop = new AbortController();
    rt.start(stop.signal);
    await rt.waitForSync(stop.signal);
    expect(await drain(c.queue)).toEqual(['a/web', 'b/web']);
    const client = fake.client();
    const meta = (name: string, ns: string, ref?: { name: string; uid: string }): object =>
      ({ name, namespace: ns, labels: { app: 'web' }, ...(ref ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', controller: true, ...ref }] } : {}) });
    const pod = (name: string, ns: string, ref?: { name: string; uid: string }): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: meta(name, ns, ref) }) as KObject;
    const rev = (name: string, ns: string, ref?: { name: string; uid: string }): KObject => ({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: meta(name, ns, ref), revision: 1 }) as KObject;

    await client.create(R.pods, pod('orphan', 'b'));
    await settle(10);
    expect(await drain(c.queue)).toEqual(['b/web']);

    await client.create(R.pods, pod('stale', 'a', { name: 'web', uid: 'old' }));
    await client.create(R.pods, pod('uncached', 'a', { name: 'gone', uid: 'u-gone' }));
    await client.create(R.controllerrevisions, rev('r-uncached', 'a', { name: 'gone', uid: 'u-gone' }));
    await client.create(R.controllerrevisions, rev('r-orphan', 'a'));
    await settle(10);
    expect(await drain(c.queue)).toEqual([]);

    await client.create(R.pods, pod('owned', 'a', { name: 'web', uid: 'u-a' }));
    await client.create(R.controllerrevisions, rev('r-owned', 'b', { name: 'web', uid: 'u-b' }));
    await settle(10);
    expect(await drain(c.queue)).toEqual(['a/web', 'b/web']);
  });
});
