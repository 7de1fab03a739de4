// The per-kind trees derived from the one metadata table: strategic view and server-side apply view.

import { describe, expect, it } from 'vitest';
import { applyShapeOf, hasMergeSchema, mergeSchemaFor, type SchemaNode } from './merge-schema.js';

function at(apiVersion: string, kind: string, path: string): SchemaNode {
  let node = mergeSchemaFor(apiVersion, kind);
  for (const f of path.split('.')) node = node.fields?.[f] ?? {};
  return node;
}

describe('mergeSchemaFor', () => {
  it.each([
    ['v1', 'Pod', 'spec.containers', { strategy: 'merge', mergeKey: 'name' }, { listType: 'map', listMapKeys: ['name'] }],
    ['v1', 'Pod', 'spec.containers.ports', { strategy: 'merge', mergeKey: 'containerPort' }, { listType: 'map', listMapKeys: ['containerPort', 'protocol'] }],
    ['v1', 'Pod', 'spec.volumes', { strategy: 'merge', mergeKey: 'name', retainKeys: true }, { listType: 'map', listMapKeys: ['name'] }],
    ['v1', 'Pod', 'status.hostIPs', { strategy: 'merge', mergeKey: 'ip' }, { listType: 'atomic' }],
    ['v1', 'Pod', 'spec.containers.resources.claims', {}, { listType: 'map', listMapKeys: ['name'] }],
    ['v1', 'Pod', 'spec.nodeSelector', {}, { mapType: 'atomic' }],
    ['v1', 'Pod', 'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution.labelSelector', {}, { mapType: 'atomic' }],
    ['v1', 'Pod', 'metadata.finalizers', { strategy: 'merge' }, { listType: 'set' }],
    ['v1', 'Node', 'spec.taints', {}, { listType: 'atomic' }],
    ['apps/v1', 'DaemonSet', 'spec.selector', {}, { mapType: 'atomic' }],
    ['apps/v1', 'StatefulSet', 'spec.volumeClaimTemplates', {}, { listType: 'atomic' }],
    ['apps/v1', 'StatefulSet', 'spec.template.spec.containers.env', { strategy: 'merge', mergeKey: 'name' }, { listType: 'map', listMapKeys: ['name'] }],
    ['policy/v1', 'PodDisruptionBudget', 'spec.selector', { strategy: 'replace' }, { mapType: 'atomic' }],
    ['v1', 'Service', 'spec.selector', {}, { mapType: 'atomic' }],
    ['example.com/v1', 'Widget', 'metadata.ownerReferences', { strategy: 'merge', mergeKey: 'uid' }, { listType: 'map', listMapKeys: ['uid'] }],
    ['example.com/v1', 'Widget', 'spec.containers', {}, {}],
  ])('%s %s %s', (apiVersion, kind, path, strategic, apply) => {
    const node = at(apiVersion, kind, path);
    expect({ ...node, fields: undefined }).toEqual({ ...strategic, fields: undefined });
    expect(applyShapeOf(node)).toEqual(apply);
  });

  it('shares one tree per type between kinds (a pod template is a pod spec)', () => {
    expect(at('apps/v1', 'DaemonSet', 'spec.template.spec').fields).toBe(at('v1', 'Pod', 'spec').fields);
  });

  it('has a tree for every served kind and none for others', () => {
    expect(hasMergeSchema('policy/v1', 'PodDisruptionBudget')).toBe(true);
    expect(hasMergeSchema('v1', 'ConfigMap')).toBe(true);
    expect(hasMergeSchema('example.com/v1', 'Widget')).toBe(false);
  });
});
