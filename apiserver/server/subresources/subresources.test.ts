// pods/binding, pods/eviction, pods/log and statefulsets/scale in process: buildApp on memory storage, via inject.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startInProcess, stopInProcess } from '../../../test/support/in-process.js';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import type { Registry } from '../../registry/store.js';
import { bootstrap } from '../../registry/bootstrap.js';
import type { LogSource, PodLogOptions } from '../../registry/pod-logs.js';

let app: FastifyInstance;
let registry: Registry;

beforeEach(async () => {
  ({ app, registry } = await startInProcess());
});
afterEach(() => stopInProcess({ app, registry }));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

async function req(method: string, url: string, body?: unknown, type = 'application/json'): Promise<{ code: number; body: Json; raw: string; headers: Json }> {
  const res = await app.inject({ method: method as 'GET', url, payload: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': type } });
  let parsed: Json = {};
  try {
    parsed = JSON.parse(res.body) as Json;
  } catch {
    // text
  }
  return { code: res.statusCode, body: parsed, raw: res.body, headers: res.headers };
}

const PODS = '/api/v1/namespaces/default/pods';
const STS = '/apis/apps/v1/namespaces/default/statefulsets';
const PDBS = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';

async function createPod(name: string, containers = ['c'], labels: Record<string, string> = {}): Promise<Json> {
  const res = await req('POST', PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: containers.map((c) => ({ name: c, image: 'busybox' })) } });
  expect(res.code).toBe(201);
  return res.body;
}

const binding = (pod: string, node: string, extra: Json = {}) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name: pod, ...extra }, target: { kind: 'Node', name: node } });
const eviction = (pod: string, deleteOptions?: Json) => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod }, ...(deleteOptions ? { deleteOptions } : {}) });

async function patchStatus(pod: string, status: Json): Promise<void> {
  const res = await req('PATCH', `${PODS}/${pod}/status`, { status }, 'application/merge-patch+json');
  expect(res.code).toBe(200);
}

const running = (c = 'c') => ({ phase: 'Running', containerStatuses: [{ name: c, ready: true, restartCount: 0, image: 'busybox', imageID: '', state: { running: { startedAt: '2024-01-01T00:00:00Z' } } }] });

describe('pods/binding', () => {
  it('sets spec.nodeName and PodScheduled, answers 201 Success, then refuses a second binding', async () => {
    const pod = await createPod('p');
    const res = await req('POST', `${PODS}/p/binding`, binding('p', 'n1', { uid: pod.metadata.uid, annotations: { a: 'b' } }));
    expect(res.code).toBe(201);
    expect(res.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    const got = (await req('GET', `${PODS}/p`)).body;
    expect(got.spec.nodeName).toBe('n1');
    expect(got.metadata.annotations).toEqual({ a: 'b' });
    expect(got.status.phase).toBe('Pending');
    expect(got.status.conditions).toEqual([{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: expect.stringMatching(/Z$/) }]);
    const again = await req('POST', `${PODS}/p/binding`, binding('p', 'n2'));
    expect(again.code).toBe(409);
    expect(again.body).toMatchObject({ reason: 'Conflict', message: 'Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "n1"', details: { name: 'p', kind: 'pods/binding' } });
  });

  it.each([
    ['a stale uid precondition', binding('p', 'n', { uid: 'other' }), 409, /^Operation cannot be fulfilled on pods "p": Precondition failed: UID in precondition: other, UID in object meta: /],
    ['a name unlike the URL', binding('q', 'n'), 400, /^name in URL does not match name in Binding object$/],
    ['a target of another kind', { ...binding('p', 'n'), target: { kind: 'Pod', name: 'n' } }, 500, /^target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"$/],
    ['no target name', { ...binding('p', 'n'), target: {} }, 500, /^target.name: Required value$/],
    ['another kind of body', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }, 400, /cannot be handled as a Binding/],
  ])('refuses %s', async (_what, body, code, message) => {
    await createPod('p');
    const res = await req('POST', `${PODS}/p/binding`, body);
    expect(res.code).toBe(code);
    expect(res.body.message).toMatch(message);
    expect((await req('GET', `${PODS}/p`)).body.spec.nodeName).toBeUndefined();
  });

  it('is NotFound for a missing pod, refuses a terminating pod, and writes nothing on dry-run', async () => {
    expect((await req('POST', `${PODS}/nope/binding`, binding('nope', 'n'))).body.message).toBe('pods "nope" not found');
    await createPod('p');
    expect((await req('POST', `${PODS}/p/binding?dryRun=All`, binding('p', 'n'))).code).toBe(201);
    expect((await req('GET', `${PODS}/p`)).body.spec.nodeName).toBeUndefined();
    expect((await req('GET', `${PODS}/p/binding`)).code).toBe(405);
    await req('POST', `${PODS}/p/binding`, binding('p', 'n'));
    await req('PATCH', `${PODS}/p`, { metadata: { finalizers: ['x/y'] } }, 'application/merge-patch+json');
    await createPod('t');
    await req('PATCH', `${PODS}/t`, { metadata: { finalizers: ['x/y'] } }, 'application/merge-patch+json');
    await req('DELETE', `${PODS}/t`);
    const res = await req('POST', `${PODS}/t/binding`, binding('t', 'n'));
    expect(res.body.message).toBe('Operation cannot be fulfilled on pods/binding "t": pod t is being deleted, cannot be assigned to a host');
  });
});

describe('pods/eviction', () => {
  it('deletes an unscheduled pod at once and answers 201 Success', async () => {
    await createPod('p');
    const res = await req('POST', `${PODS}/p/eviction`, eviction('p'));
    expect(res.code).toBe(201);
    expect(res.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    expect((await req('GET', `${PODS}/p`)).code).toBe(404);
    expect((await req('POST', `${PODS}/p/eviction`, eviction('p'))).body.message).toBe('pods "p" not found');
  });

  it('deletes a bound pod gracefully with the DisruptionTarget condition, honouring the grace period given', async () => {
    await createPod('p');
    await req('POST', `${PODS}/p/binding`, binding('p', 'n'));
    expect((await req('POST', `${PODS}/p/eviction`, eviction('p'))).code).toBe(201);
    const got = (await req('GET', `${PODS}/p`)).body;
    expect(got.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(got.status.conditions).toContainEqual(expect.objectContaining({ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' }));
    expect((await req('POST', `${PODS}/p/eviction`, { ...eviction('p', { gracePeriodSeconds: 0 }), apiVersion: 'policy/v1beta1' })).code).toBe(201);
    expect((await req('GET', `${PODS}/p`)).code).toBe(404);
  });

  it('honours a uid precondition and dry-run', async () => {
    await createPod('p');
    const stale = await req('POST', `${PODS}/p/eviction`, eviction('p', { preconditions: { uid: 'x' } }));
    expect(stale.code).toBe(409);
    expect(stale.body.message).toMatch(/^Operation cannot be fulfilled on Pod "p": the UID in the precondition \(x\) does not match the UID in record/);
    expect((await req('POST', `${PODS}/p/eviction?dryRun=All`, eviction('p'))).code).toBe(201);
    expect((await req('GET', `${PODS}/p`)).code).toBe(200);
    expect((await req('POST', `${PODS}/p/eviction`, eviction('x'))).body.message).toBe('name in URL does not match name in Eviction object');
  });

  describe('with a PodDisruptionBudget', () => {
    const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'budget' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'w' } } } };

    beforeEach(async () => {
      await createPod('w', ['c'], { app: 'w' });
      await req('POST', `${PODS}/w/binding`, binding('w', 'n'));
      await patchStatus('w', { ...running(), conditions: [{ type: 'Ready', status: 'True' }] });
      expect((await req('POST', PDBS, pdb)).code).toBe(201);
    });

    it('a budget its controller has not observed yet answers 429 with Retry-After 10', async () => {
      const created = (await req('GET', `${PDBS}/budget`)).body;
      expect(created.metadata.generation).toBe(1);
      expect(created.status).toEqual({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
      const res = await req('POST', `${PODS}/w/eviction`, eviction('w'));
      expect(res.code).toBe(429);
      expect(res.headers['retry-after']).toBe('10');
      expect(res.body).toMatchObject({
        reason: 'TooManyRequests',
        message: "Cannot evict pod as it would violate the pod's disruption budget.",
        details: { retryAfterSeconds: 10, causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget budget is still being processed by the server.' }] },
      });
      expect((await req('GET', `${PODS}/w`)).body.metadata.deletionTimestamp).toBeUndefined();
    });

    it('no disruption allowed is 429 without Retry-After; one allowed is spent and the pod deleted', async () => {
      const setStatus = (s: Json) => req('PATCH', `${PDBS}/budget/status`, { status: { observedGeneration: 1, ...s } }, 'application/merge-patch+json');
      await setStatus({ disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 });
      const blocked = await req('POST', `${PODS}/w/eviction`, eviction('w'));
      expect(blocked.code).toBe(429);
      expect(blocked.headers['retry-after']).toBeUndefined();
      expect(blocked.body.details).toEqual({ causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget budget needs 1 healthy pods and has 1 currently' }] });
      await setStatus({ disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
      expect((await req('POST', `${PODS}/w/eviction`, eviction('w'))).code).toBe(201);
      const after = (await req('GET', `${PDBS}/budget`)).body.status;
      expect(after.disruptionsAllowed).toBe(0);
      expect(Object.keys(after.disruptedPods)).toEqual(['w']);
      expect(after.conditions).toEqual([expect.objectContaining({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' })]);
      expect((await req('GET', `${PODS}/w`)).body.metadata.deletionTimestamp).toBeDefined();
    });

    it('two budgets selecting the pod are a 500', async () => {
      await req('POST', PDBS, { ...pdb, metadata: { name: 'second' } });
      const res = await req('POST', `${PODS}/w/eviction`, eviction('w'));
      expect(res.code).toBe(500);
      expect(res.body.message).toBe('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    });
  });
});

describe('pods/log', () => {
  it('an unscheduled pod has no log location: 204, empty', async () => {
    await createPod('p');
    const res = await req('GET', `${PODS}/p/log`);
    expect(res.code).toBe(204);
    expect(res.raw).toBe('');
  });

  it.each([
    ['', ['a', 'b'], 400, 'a container name must be specified for pod p, choose one of: [a b]'],
    ['?container=z', ['a', 'b'], 400, 'container z is not valid for pod p'],
    ['?tailLines=-1', ['c'], 422, 'PodLogOptions "p" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0'],
    ['?limitBytes=0', ['c'], 422, 'PodLogOptions "p" is invalid: limitBytes: Invalid value: 0: must be greater than 0'],
    ['?follow=maybe', ['c'], 400, 'strconv.ParseBool: parsing "maybe": invalid syntax'],
    ['?sinceTime=yesterday', ['c'], 400, 'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'],
    ['?sinceTime=2024-01-01T00:00:00Z&sinceSeconds=5', ['c'], 422, 'PodLogOptions "p" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified'],
  ])('%s on containers %j: %i %s', async (query, containers, code, message) => {
    await createPod('p', containers);
    const res = await req('GET', `${PODS}/p/log${query}`);
    expect(res.code).toBe(code);
    expect(res.body.message).toBe(message);
  });

  it('follows the kubelet checks for a scheduled pod: missing node, waiting container, then an empty text/plain log', async () => {
    expect((await req('GET', `${PODS}/nope/log`)).body.message).toBe('pods "nope" not found');
    await createPod('p');
    await req('POST', `${PODS}/p/binding`, binding('p', 'n1'));
    expect((await req('GET', `${PODS}/p/log`)).body.message).toBe('nodes "n1" not found');
    await req('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    expect((await req('GET', `${PODS}/p/log`)).body.message).toBe('container "c" in pod "p" is not available');
    await patchStatus('p', { containerStatuses: [{ name: 'c', ready: false, restartCount: 0, image: 'busybox', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }] });
    const waiting = await req('GET', `${PODS}/p/log?container=c`);
    expect(waiting.code).toBe(400);
    expect(waiting.body.message).toBe('container "c" in pod "p" is waiting to start: ContainerCreating');
    await patchStatus('p', running());
    const ok = await req('GET', `${PODS}/p/log?timestamps=true&tailLines=5`);
    expect(ok.code).toBe(200);
    expect(ok.headers['content-type']).toBe('text/plain');
    expect(ok.raw).toBe('');
    expect((await req('GET', `${PODS}/p/log?previous=true`)).body.message).toBe('previous terminated container "c" in pod "p" not found');
  });
});

describe('pods/log with a plugged-in log source (what a kubelet provides)', () => {
  const seen: PodLogOptions[] = [];
  const source: LogSource = {
    async open(p, opts, signal) {
      seen.push(opts);
      return (async function* () {
        yield `${p.metadata.name}/${opts.container} line 1\n`;
        yield Buffer.from('line 2\n');
        if (opts.follow) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      })();
    },
  };

  beforeEach(async () => {
    await app.close();
    app = buildApp({ registry, logs: source });
    await app.ready();
    await createPod('p');
    await req('POST', `${PODS}/p/binding`, binding('p', 'n1'));
    await req('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    seen.length = 0;
  });

  it('streams what the source gives, with the options parsed', async () => {
    const res = await req('GET', `${PODS}/p/log?tailLines=3&timestamps=true&sinceSeconds=60&limitBytes=1000`);
    expect(res.code).toBe(200);
    expect(res.raw).toBe('p/c line 1\nline 2\n');
    expect(seen).toEqual([{ container: 'c', follow: false, previous: false, timestamps: true, tailLines: 3, sinceSeconds: 60, limitBytes: 1000 }]);
  });

  it('with follow, the stream ends when the pod is deleted', async () => {
    const pending = req('GET', `${PODS}/p/log?follow=true`);
    while (seen.length === 0) await new Promise((resolve) => setImmediate(resolve)); // the log is open
    expect((await req('DELETE', `${PODS}/p`, { gracePeriodSeconds: 0 })).code).toBe(200);
    const res = await pending;
    expect(res.raw).toBe('p/c line 1\nline 2\n');
    expect(seen[0]?.follow).toBe(true);
  });
});

describe('statefulsets/scale', () => {
  const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] }, template: { metadata: { labels: { app: 'web', tier: 'a' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };

  beforeEach(async () => {
    expect((await req('POST', STS, sts)).code).toBe(201);
  });

  it('GET answers the autoscaling/v1 Scale', async () => {
    const owner = (await req('GET', `${STS}/web`)).body;
    const res = await req('GET', `${STS}/web/scale`);
    expect(res.code).toBe(200);
    expect(res.body).toEqual({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'web', namespace: 'default', uid: owner.metadata.uid, resourceVersion: owner.metadata.resourceVersion, creationTimestamp: owner.metadata.creationTimestamp },
      spec: { replicas: 2 },
      status: { replicas: 0, selector: 'app=web,tier in (a,b)' },
    });
    expect((await req('GET', `${STS}/nope/scale`)).body.message).toBe('statefulsets.apps "nope" not found');
    const table = await app.inject({ method: 'GET', url: `${STS}/web/scale`, headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
    const t = JSON.parse(table.body) as Json;
    expect(t.columnDefinitions.map((c: Json) => `${c.name}/${c.type}/${c.format}`)).toEqual(['Name/string/', 'Desired/integer/', 'Available/integer/', 'Age/string/']);
    expect(t.rows[0].cells.slice(0, 3)).toEqual(['web', 2, 0]);
    expect((await req('GET', '/apis/apps/v1/namespaces/default/daemonsets/x/scale')).code).toBe(404);
  });

  it('PATCH (merge and strategic) sets spec.replicas and bumps the generation', async () => {
    const merge = await req('PATCH', `${STS}/web/scale`, { spec: { replicas: 3 } }, 'application/merge-patch+json');
    expect(merge.code).toBe(200);
    expect(merge.body.spec).toEqual({ replicas: 3 });
    const owner = (await req('GET', `${STS}/web`)).body;
    expect(owner.spec.replicas).toBe(3);
    expect(owner.metadata.generation).toBe(2);
    expect(merge.body.metadata.resourceVersion).toBe(owner.metadata.resourceVersion);
    const smp = await req('PATCH', `${STS}/web/scale`, { spec: { replicas: 0 } }, 'application/strategic-merge-patch+json');
    expect(smp.body.spec).toEqual({});
    expect((await req('GET', `${STS}/web`)).body.spec.replicas).toBe(0);
    const stale = await req('PATCH', `${STS}/web/scale`, { metadata: { resourceVersion: '1' }, spec: { replicas: 4 } }, 'application/merge-patch+json');
    expect(stale.code).toBe(409);
    expect(stale.body.message).toBe('Operation cannot be fulfilled on statefulsets.apps "web": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('PUT with the current resourceVersion scales; a stale one is a Conflict; negative replicas are Invalid', async () => {
    const scale = (await req('GET', `${STS}/web/scale`)).body;
    const put = await req('PUT', `${STS}/web/scale`, { ...scale, spec: { replicas: 5 } });
    expect(put.code).toBe(200);
    expect(put.body.spec.replicas).toBe(5);
    const stale = await req('PUT', `${STS}/web/scale`, { ...scale, spec: { replicas: 6 } });
    expect(stale.code).toBe(409);
    expect(stale.body.details).toEqual({ name: 'web', group: 'apps', kind: 'statefulsets' });
    const bad = await req('PUT', `${STS}/web/scale`, { ...put.body, spec: { replicas: -1 } });
    expect(bad.code).toBe(422);
    expect(bad.body.message).toBe('Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    const dry = await req('PUT', `${STS}/web/scale?dryRun=All`, { ...put.body, spec: { replicas: 9 } });
    expect(dry.body.spec.replicas).toBe(9);
    expect((await req('GET', `${STS}/web`)).body.spec.replicas).toBe(5);
    const wrongKind = await req('PUT', `${STS}/web/scale`, { ...put.body, apiVersion: 'apps/v1', kind: 'StatefulSet' });
    expect(wrongKind.code).toBe(400);
  });
});
