// Tests of the Table registry and buildTable: response shape, includeObject, noHeaders, default convertor.

import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types.js';
import { buildTable, defaultConvertor, parseIncludeObject, partialObjectMetadata, tableConvertor } from './index.js';
import { podConvertor } from './pods.js';
import { eventConvertor } from './events.js';

const NOW = Date.parse('2026-11-22T01:44:00Z');

const POD: KObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-0',
    namespace: 'default',
    uid: '9af7',
    resourceVersion: '111',
    generation: 0,
    creationTimestamp: '2026-11-22T00:40:55Z',
    labels: { app: 'web' },
    annotations: {},
    finalizers: [],
    managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1' }],
  },
  spec: { containers: [{ name: 'app', image: 'nginx' }], nodeName: 'node-1' },
  status: { phase: 'Running', podIPs: [{ ip: '10.1.0.90' }], containerStatuses: [{ name: 'app', image: 'nginx', imageID: '', ready: true, restartCount: 0, state: { running: {} } }] },
};

describe('tableConvertor', () => {
  it.each([
    ['pods', undefined, podConvertor],
    ['pods', '', podConvertor],
    ['events', '', eventConvertor],
    ['events', 'events.k8s.io', defaultConvertor],
    ['widgets', 'example.com', defaultConvertor],
  ])('%s (group %s)', (plural, group, want) => {
    expect(tableConvertor(plural, group)).toBe(want);
  });

  it.each(['pods', 'nodes', 'namespaces', 'daemonsets', 'statefulsets', 'controllerrevisions', 'events', 'services', 'configmaps', 'secrets', 'persistentvolumeclaims', 'leases', 'serviceaccounts'])(
    '%s has a dedicated printer whose first name-format column is a string',
    (plural) => {
      const c = tableConvertor(plural);
      expect(c).not.toBe(defaultConvertor);
      expect(c.columns.some((col) => col.format === 'name' && col.type === 'string')).toBe(true);
    },
  );
});

describe('buildTable', () => {
  it('builds the contract §6.2 shape with PartialObjectMetadata rows by default', () => {
    const table = buildTable({ plural: 'pods', objects: [POD], resourceVersion: '119', includeObject: 'Metadata', now: NOW });
    expect(table.kind).toBe('Table');
    expect(table.apiVersion).toBe('meta.k8s.io/v1');
    expect(table.metadata).toEqual({ resourceVersion: '119' });
    expect(table.columnDefinitions?.map((c) => c.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
    expect(table.rows).toEqual([
      {
        cells: ['web-0', '1/1', 'Running', '0', '63m', '10.1.0.90', 'node-1', '<none>', '<none>'],
        object: {
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: {
            name: 'web-0',
            namespace: 'default',
            uid: '9af7',
            resourceVersion: '111',
            creationTimestamp: '2026-11-22T00:40:55Z',
            labels: { app: 'web' },
            managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1' }],
          },
        },
      },
    ]);
  });

  it('carries the full object for includeObject=Object and null for None', () => {
    expect(buildTable({ plural: 'pods', objects: [POD], includeObject: 'Object', now: NOW }).rows[0]?.object).toBe(POD);
    expect(buildTable({ plural: 'pods', objects: [POD], includeObject: 'None', now: NOW }).rows[0]?.object).toBeNull();
  });

  it('sets continue and remainingItemCount, omits empty ones', () => {
    const t = buildTable({ plural: 'pods', objects: [], resourceVersion: '5', continueToken: 'abc', remainingItemCount: 3, includeObject: 'Metadata', now: NOW });
    expect(t.metadata).toEqual({ resourceVersion: '5', continue: 'abc', remainingItemCount: 3 });
    expect(t.rows).toEqual([]);
    expect(buildTable({ plural: 'pods', objects: [], continueToken: '', includeObject: 'Metadata', now: NOW }).metadata).toEqual({});
  });

  it('drops column definitions for noHeaders (watch events after the first)', () => {
    expect(buildTable({ plural: 'pods', objects: [POD], includeObject: 'Metadata', now: NOW, noHeaders: true }).columnDefinitions).toBeNull();
  });

  it('adds row conditions for finished pods', () => {
    const done = { ...POD, status: { phase: 'Succeeded' } };
    expect(buildTable({ plural: 'pods', objects: [done], includeObject: 'None', now: NOW }).rows[0]?.conditions?.[0]?.type).toBe('Completed');
  });

  it('returns copies of the column definitions', () => {
    const t = buildTable({ plural: 'pods', objects: [], includeObject: 'None', now: NOW });
    t.columnDefinitions?.splice(0);
    expect(podConvertor.columns).toHaveLength(9);
  });
});

describe('defaultConvertor', () => {
  it('prints Name and Created At as an RFC3339 date', () => {
    const t = buildTable({ plural: 'widgets', group: 'example.com', objects: [{ ...POD, metadata: { name: 'w', creationTimestamp: '2026-11-22T00:40:55.123Z' } }], includeObject: 'None', now: NOW });
    expect(t.columnDefinitions?.map((c) => [c.name, c.type, c.format])).toEqual([['Name', 'string', 'name'], ['Created At', 'date', '']]);
    expect(t.rows[0]?.cells).toEqual(['w', '2026-11-22T00:40:55Z']);
  });

  it('prints the Go zero time without a creationTimestamp', () => {
    expect(defaultConvertor.cells({ metadata: { name: 'w' } }, NOW)).toEqual(['w', '0001-01-01T00:00:00Z']);
  });
});

describe('partialObjectMetadata', () => {
  it('keeps every ObjectMeta field, omits empty ones, and nulls a missing creationTimestamp', () => {
    const meta = partialObjectMetadata({ metadata: { name: 'n', deletionGracePeriodSeconds: 0, ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'u' }] } });
    expect(meta.metadata).toEqual({ name: 'n', creationTimestamp: null, deletionGracePeriodSeconds: 0, ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'u' }] });
  });
});

describe('parseIncludeObject', () => {
  it.each([
    [undefined, 'Metadata'],
    ['', 'Metadata'],
    ['Metadata', 'Metadata'],
    ['Object', 'Object'],
    ['None', 'None'],
    ['object', undefined],
    [['Object'], undefined],
  ])('%j → %s', (v, want) => {
    expect(parseIncludeObject(v)).toBe(want);
  });
});
