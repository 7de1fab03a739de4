// Tests of the collector's graph lookups: ownerReference coordinates → watched resource → cached owner.

import { describe, expect, it } from 'vitest';
import { R, type ResourceInfo } from '../../apiserver/api/resources.js';
import type { KObject } from '../../apiserver/api/types.js';
import type { Informer, Runtime } from '../runtime/index.js';
import { gcResources, Graph } from './graph.js';

/** A runtime whose informers hold fixed objects keyed `<plural>|<namespace>/<name>`. */
function fakeRuntime(objects: Record<string, KObject>): Pick<Runtime, 'informer'> {
  return {
    informer: ((r: ResourceInfo) => ({
      addIndex: () => undefined,
      get: (ns: string | undefined, name: string) => objects[`${r.plural}|${ns ? `${ns}/` : ''}${name}`],
    }) as unknown as Informer<KObject>) as Runtime['informer'],
  };
}

describe('Graph.resourceOf', () => {
  const graph = new Graph(fakeRuntime({}));
  it('resolves core and grouped apiVersions with their kind', () => {
    expect(graph.resourceOf('v1', 'ConfigMap')).toBe(R.configmaps);
    expect(graph.resourceOf('apps/v1', 'DaemonSet')?.plural).toBe('daemonsets');
  });
  it('is undefined for another version, an unknown kind or an unwatched resource', () => {
    expect(graph.resourceOf('apps/v1beta1', 'DaemonSet')).toBeUndefined();
    expect(graph.resourceOf('v1', 'Nope')).toBeUndefined();
    expect(graph.resourceOf('v1', 'Event')).toBeUndefined();
  });
  it('knows every watched resource', () => {
    for (const r of gcResources()) expect(graph.resourceOf(r.group ? `${r.group}/${r.version}` : r.version, r.kind)).toBe(r);
  });
});

describe('Graph.ownerByName', () => {
  const cm: KObject = { metadata: { name: 'owner', namespace: 'ns', uid: 'u1' } };
  const node: KObject = { metadata: { name: 'n1', uid: 'u2' } };
  const graph = new Graph(fakeRuntime({ 'configmaps|ns/owner': cm, 'nodes|n1': node }));
  it('looks a namespaced owner up in the dependent namespace', () => {
    expect(graph.ownerByName(R.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u1' }, 'ns')).toEqual({ resource: R.configmaps, obj: cm });
    expect(graph.ownerByName(R.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u1' }, 'other')).toBeUndefined();
  });
  it('looks a cluster-scoped owner up without namespace', () => {
    expect(graph.ownerByName(R.nodes, { apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'u2' }, 'ns')?.obj).toBe(node);
  });
  it('is undefined for an unwatched resource', () => {
    expect(graph.ownerByName(R.events, { apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u3' }, 'ns')).toBeUndefined();
  });
});
