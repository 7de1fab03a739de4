// End-to-end: the official JavaScript client (@kubernetes/client-node) watching `kubeling apiserver` — an informer sees
// every change in order and carries on across a restart; a watch resumed after SIGKILL gets exactly the changes after N.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api, KubeConfig, Watch, makeInformer, type V1ConfigMap } from '@kubernetes/client-node';
import { freePort, startCli, tempDir, waitFor, type Started } from './support/cluster.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NS = 'default';
const PATH = `/api/v1/namespaces/${NS}/configmaps`;

describe('client-node informer and watch against kubeling apiserver', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let port: number;
  let server: Started | undefined;
  let base: string;
  let kc: KubeConfig;

  const start = async (): Promise<void> => {
    server = await startCli(['apiserver', '--port', String(port), '--data-dir', join(dir, 'data')], /"ready":true/);
  };

  /** A write through the API; returns the object (or Status) the server answered with. */
  const call = async (method: string, path: string, body?: unknown, type = 'application/json'): Promise<Json> => {
    const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': type }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await res.json()) as Json;
    expect(res.status, JSON.stringify(json)).toBeLessThan(300);
    return json;
  };
  const create = (name: string): Promise<Json> => call('POST', PATH, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v: '0' } });
  const modify = (name: string, v: string): Promise<Json> => call('PATCH', `${PATH}/${name}`, { data: { v } }, 'application/merge-patch+json');
  const remove = async (name: string): Promise<string> => {
    await call('DELETE', `${PATH}/${name}`);
    const list = await call('GET', PATH);
    return String(list.metadata.resourceVersion); // the delete is the latest write: its revision is the list's
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('kubeling-watch-client-'));
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    await start();
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 't', server: base, skipTLSVerify: true }],
      users: [{ name: 't' }],
      contexts: [{ name: 't', cluster: 't', user: 't', namespace: NS }],
      currentContext: 't',
    });
  });

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await cleanup?.();
  });

  it('makeInformer sees ADDED/MODIFIED/DELETED in order with their resourceVersions, and carries on across a restart', async () => {
    const api = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer<V1ConfigMap>(kc, PATH, () => api.listNamespacedConfigMap({ namespace: NS }));
    const seen: string[] = [];
    const record = (verb: string) => (o: V1ConfigMap): void => {
      if (o.metadata?.name?.startsWith('inf-')) seen.push(`${verb} ${o.metadata.name} ${o.metadata.resourceVersion}`);
    };
    informer.on('add', record('add'));
    informer.on('update', record('update'));
    informer.on('delete', record('delete'));
    // client-node leaves restarting after a failed watch to its user: retry until the server answers again.
    let stopped = false;
    informer.on('error', () => {
      if (!stopped) setTimeout(() => void informer.start().catch(() => undefined), 100);
    });
    await informer.start();
    const want: string[] = [];
    const a = await create('inf-a');
    want.push(`add inf-a ${a.metadata.resourceVersion}`);
    const b = await create('inf-b');
    want.push(`add inf-b ${b.metadata.resourceVersion}`);
    const a2 = await modify('inf-a', '1');
    want.push(`update inf-a ${a2.metadata.resourceVersion}`);
    want.push(`delete inf-b ${await remove('inf-b')}`);
    await waitFor(() => seen.length >= want.length, 15_000, 'informer events before the restart');
    expect(seen).toEqual(want);

    await server!.stop('SIGTERM');
    await start();
    const c = await create('inf-c');
    want.push(`add inf-c ${c.metadata.resourceVersion}`);
    const a3 = await modify('inf-a', '2');
    want.push(`update inf-a ${a3.metadata.resourceVersion}`);
    want.push(`delete inf-a ${await remove('inf-a')}`);
    await waitFor(() => seen.length >= want.length, 20_000, `informer events after the restart (seen ${seen.join(', ')})`);
    expect(seen).toEqual(want);
    expect(informer.list().map((o) => o.metadata?.name).filter((n) => n?.startsWith('inf-'))).toEqual(['inf-c']);
    stopped = true;
    await informer.stop();
  });

  it('a watch resumed with resourceVersion=N after SIGKILL and a restart receives exactly the changes after N', async () => {
    const n = String((await create('kill-0')).metadata.resourceVersion);
    const after: string[] = [];
    after.push(`ADDED kill-1 ${(await create('kill-1')).metadata.resourceVersion}`);
    after.push(`MODIFIED kill-0 ${(await modify('kill-0', 'x')).metadata.resourceVersion}`);
    after.push(`DELETED kill-1 ${await remove('kill-1')}`);
    await server!.stop('SIGKILL');
    await start();
    const got: string[] = [];
    let ended = false;
    const watch = new Watch(kc);
    const ctl = await watch.watch(PATH, { resourceVersion: n }, (type, obj: Json) => got.push(`${type} ${obj.metadata.name} ${obj.metadata.resourceVersion}`), () => (ended = true));
    await waitFor(() => got.length >= after.length, 15_000, 'resumed events');
    // One more change after the restart: it must follow directly (nothing replayed twice, nothing before N).
    const live = await create('kill-2');
    await waitFor(() => got.length >= after.length + 1, 15_000, 'the live event');
    expect(got).toEqual([...after, `ADDED kill-2 ${live.metadata.resourceVersion}`]);
    expect(ended).toBe(false);
    ctl.abort();
  });
});
