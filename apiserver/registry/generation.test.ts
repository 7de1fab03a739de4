// metadata.generation and deprecated.daemonset.template.generation through the registry (upstream's DaemonSet and
// StatefulSet strategies): spec changes bump, status and metadata changes do not; pod create admission end to end.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { R } from '../api/resources.js';
import { ApiError } from '../api/status.js';
import type { KObject } from '../api/types.js';
import { createMemoryStorage } from '../storage/memory.js';
import { bootstrap } from './bootstrap.js';
import { Registry } from './store.js';

type Json = Record<string, unknown>;
let registry: Registry;

beforeEach(async () => {
  registry = new Registry({ storage: createMemoryStorage() });
  await bootstrap(registry);
});
afterEach(async () => {
  await registry.storage.close();
});

const TG = 'deprecated.daemonset.template.generation';
const ds = (annotations?: Record<string, string>): KObject => ({
  apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd', ...(annotations ? { annotations } : {}) },
  spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } },
});
const sts = (): KObject => ({
  apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' },
  spec: { serviceName: 's', selector: { matchLabels: { app: 's' } }, template: { metadata: { labels: { app: 's' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } },
});

/** Applies `change` to the stored object and writes it back through the main resource (or a subresource). */
async function update(r: typeof R.daemonsets, name: string, change: (o: Json) => void, subresource?: 'status'): Promise<KObject> {
  return registry.guaranteedUpdate(r, 'default', name, (current) => {
    change(current as unknown as Json);
    return current;
  }, { subresource });
}

const setImage = (image: string) => (o: Json): void => {
  (((((o.spec as Json).template as Json).spec as Json).containers as Json[])[0]!).image = image;
};

describe('DaemonSet generation and template generation', () => {
  it.each<[string, (o: Json) => void, 'status' | undefined, number, string]>([
    ['a template change bumps both', setImage('x:2'), undefined, 2, '2'],
    ['another spec change bumps the generation only', (o) => { (o.spec as Json).minReadySeconds = 5; }, undefined, 2, '1'],
    ['a label change bumps neither', (o) => { (o.metadata as Json).labels = { a: 'b' }; }, undefined, 1, '1'],
    ['a status write bumps neither', (o) => { o.status = { ...(o.status as Json), numberReady: 1, observedGeneration: 1 }; }, 'status', 1, '1'],
    ['the same template with its keys reordered bumps neither', (o) => {
      const t = (o.spec as Json).template as Json;
      (o.spec as Json).template = { spec: t.spec, metadata: t.metadata };
    }, undefined, 1, '1'],
    ['a user cannot set the annotation', (o) => { (o.metadata as Json).annotations = { [TG]: '9' }; }, undefined, 1, '1'],
    ['nor remove it', (o) => { delete (o.metadata as Json).annotations; }, undefined, 1, '1'],
  ])('%s', async (_name, change, subresource, generation, templateGeneration) => {
    const created = await registry.create(R.daemonsets, 'default', ds());
    expect(created.metadata).toMatchObject({ generation: 1, annotations: { [TG]: '1' } });
    const next = await update(R.daemonsets, 'd', change, subresource);
    expect(next.metadata.generation).toBe(generation);
    expect(next.metadata.annotations?.[TG]).toBe(templateGeneration);
  });

  it.each<[string, string, string]>([['5', '5', '6'], ['0', '1', '2'], ['-3', '1', '2']])('created with the annotation %s: %s, then %s', async (given, first, second) => {
    const created = await registry.create(R.daemonsets, 'default', ds({ [TG]: given }));
    expect(created.metadata.annotations?.[TG]).toBe(first);
    expect((await update(R.daemonsets, 'd', setImage('x:3'))).metadata.annotations?.[TG]).toBe(second);
  });

  it.each<[string, boolean]>([['dropped by the update', true], ['kept by the update', false]])(
    'an unknown field an Ignore write stored, %s, is no spec change', async (_name, drop) => {
      const withUnknown = ds();
      (withUnknown.spec as Json).bogusField = 1;
      await registry.create(R.daemonsets, 'default', withUnknown);
      const next = await update(R.daemonsets, 'd', (o) => {
        if (drop) delete (o.spec as Json).bogusField;
        (o.metadata as Json).labels = { a: 'b' };
      });
      expect(next.metadata.generation).toBe(1);
    },
  );

  it('an annotation that is not a number is a 400', async () => {
    await expect(registry.create(R.daemonsets, 'default', ds({ [TG]: 'two' }))).rejects.toMatchObject({
      status: { code: 400, reason: 'BadRequest', message: 'DaemonSet in version "v1" cannot be handled as a DaemonSet: strconv.ParseInt: parsing "two": invalid syntax' },
    });
  });
});

describe('StatefulSet generation', () => {
  it.each<[string, (o: Json) => void, 'status' | undefined, number]>([
    ['replicas', (o) => { (o.spec as Json).replicas = 3; }, undefined, 2],
    ['the template', setImage('x:2'), undefined, 2],
    ['annotations only', (o) => { (o.metadata as Json).annotations = { a: 'b' }; }, undefined, 1],
    ['status only', (o) => { o.status = { replicas: 1, availableReplicas: 0 }; }, 'status', 1],
  ])('%s', async (_name, change, subresource, generation) => {
    await registry.create(R.statefulsets, 'default', sts());
    expect((await update(R.statefulsets, 's', change, subresource)).metadata.generation).toBe(generation);
  });

  it('refuses a changed serviceName with the Forbidden error, once in the message', async () => {
    await registry.create(R.statefulsets, 'default', sts());
    const err = await update(R.statefulsets, 's', (o) => { (o.spec as Json).serviceName = 'other'; }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status.message).toBe(
      "StatefulSet.apps \"s\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    );
  });
});

describe('pod create admission through the registry', () => {
  const pod = (spec: Json): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });

  it('looks up the named service account: missing is a 403, present is used', async () => {
    await expect(registry.create(R.pods, 'default', pod({ serviceAccountName: 'robot', containers: [{ name: 'c', image: 'x' }] }))).rejects.toMatchObject({
      status: { code: 403, message: 'pods "p" is forbidden: error looking up service account default/robot: serviceaccount "robot" not found' },
    });
    await registry.create(R.serviceaccounts, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' }, automountServiceAccountToken: false });
    const created = await registry.create(R.pods, 'default', pod({ serviceAccountName: 'robot', containers: [{ name: 'c', image: 'x' }] }));
    expect(created.spec).toMatchObject({ serviceAccountName: 'robot', serviceAccount: 'robot', priority: 0 });
    expect(created.spec).not.toHaveProperty('volumes');
  });

  it('answers a missing namespace before admission, and admission before validation', async () => {
    await expect(registry.create(R.pods, 'nope', pod({ serviceAccountName: 'robot', containers: [] }))).rejects.toMatchObject({ status: { code: 404 } });
    await expect(registry.create(R.pods, 'default', pod({ priorityClassName: 'x', containers: [] }))).rejects.toMatchObject({ status: { code: 403 } });
    await expect(registry.create(R.pods, 'default', pod({ containers: [] }))).rejects.toMatchObject({ status: { code: 422 } });
  });

  it('starts Pending with the QoS class and the gated condition', async () => {
    const created = await registry.create(R.pods, 'default', pod({ schedulingGates: [{ name: 'g' }], containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' } } }] }));
    expect(created.status).toEqual({
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: null, reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' }],
      qosClass: 'Guaranteed',
    });
  });
});
