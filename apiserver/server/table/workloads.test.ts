// Table-driven tests of the DaemonSet, StatefulSet and ControllerRevision printers.

import { describe, expect, it } from 'vitest';
import type { KObject, OwnerReference } from '../../api/types.js';
import { controllerName, controllerRevisionConvertor, daemonSetConvertor, statefulSetConvertor } from './workloads.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const meta = (name: string): KObject['metadata'] => ({ name, namespace: 'default', creationTimestamp: '2026-11-22T11:00:00Z' });

describe('daemonSetConvertor', () => {
  it('prints counts as integers, node selector, containers, images, selector', () => {
    const ds: KObject = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: meta('agent'),
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux', disk: 'ssd' }, containers: [{ name: 'agent', image: 'agent:1' }, { name: 'log', image: 'fluent:2' }] } },
      },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 1, numberAvailable: 2 },
    };
    expect(daemonSetConvertor.cells(ds, NOW)).toEqual([
      'agent', 3, 3, 2, 1, 2, 'disk=ssd,kubernetes.io/os=linux', '60m', 'agent,log', 'agent:1,fluent:2', 'app=agent',
    ]);
  });

  it('fills an empty object with Go zero values', () => {
    const ds: KObject = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('bare'), spec: {} };
    expect(daemonSetConvertor.cells(ds, NOW)).toEqual(['bare', 0, 0, 0, 0, 0, '<none>', '60m', '', '', '<none>']);
  });

  it('has the upstream columns', () => {
    expect(daemonSetConvertor.columns.map((c) => `${c.name}:${c.type}:${c.priority}`)).toEqual([
      'Name:string:0', 'Desired:integer:0', 'Current:integer:0', 'Ready:integer:0', 'Up-to-date:integer:0', 'Available:integer:0',
      'Node Selector:string:0', 'Age:string:0', 'Containers:string:1', 'Images:string:1', 'Selector:string:1',
    ]);
  });
});

describe('statefulSetConvertor', () => {
  it.each([
    ['ready of desired', { replicas: 3 }, { readyReplicas: 2 }, '2/3'],
    ['no ready replicas yet', { replicas: 3 }, {}, '0/3'],
    ['scaled to zero', { replicas: 0 }, {}, '0/0'],
    ['replicas defaulted to 1', {}, { readyReplicas: 1 }, '1/1'],
  ])('READY: %s', (_d, spec, status, want) => {
    const sts: KObject = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('web'), spec: { ...spec, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } }, status };
    expect(statefulSetConvertor.cells(sts, NOW)).toEqual(['web', want, '60m', 'nginx', 'nginx:1.27']);
  });
});

describe('controllerRevisionConvertor', () => {
  const ref = (r: Partial<OwnerReference>): OwnerReference => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'u1', ...r });
  it.each([
    ['DaemonSet controller', [ref({ controller: true })], 'daemonset.apps/agent'],
    ['StatefulSet controller', [ref({ kind: 'StatefulSet', name: 'web', controller: true })], 'statefulset.apps/web'],
    ['core-group controller has no group suffix', [ref({ apiVersion: 'v1', kind: 'Pod', name: 'p', controller: true })], 'pod/p'],
    ['owner that is not the controller', [ref({ controller: false }), ref({ name: 'other' })], '<none>'],
    ['first controller wins', [ref({ name: 'x' }), ref({ name: 'y', controller: true })], 'daemonset.apps/y'],
    ['no owners', undefined, '<none>'],
  ])('CONTROLLER: %s', (_d, refs, want) => {
    expect(controllerName(refs)).toBe(want);
  });

  it('prints name, controller, revision (a number), age', () => {
    const cr: KObject = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { ...meta('agent-6d4b9c'), ownerReferences: [ref({ controller: true })] }, revision: 2, data: {} };
    expect(controllerRevisionConvertor.cells(cr, NOW)).toEqual(['agent-6d4b9c', 'daemonset.apps/agent', 2, '60m']);
  });
});
