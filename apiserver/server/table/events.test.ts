// Table-driven tests of the Event printer: LAST SEEN / FIRST SEEN / COUNT rules, OBJECT and SOURCE.

import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types.js';
import { eventConvertor } from './events.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const ago = (min: number): string => new Date(NOW - min * 60_000).toISOString();
const micro = (min: number): string => new Date(NOW - min * 60_000).toISOString().replace('Z', '123Z');

function event(fields: Record<string, unknown>): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web-0.17f3', namespace: 'default', creationTimestamp: ago(30) },
    involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'default' },
    type: 'Normal',
    reason: 'Scheduled',
    message: 'Successfully assigned default/web-0 to node-1',
    ...fields,
  };
}

describe('eventConvertor times and count', () => {
  it.each([
    ['first and last timestamps', { firstTimestamp: ago(30), lastTimestamp: ago(5), count: 4 }, '5m', '30m', 4],
    ['no lastTimestamp: LAST SEEN repeats FIRST SEEN', { firstTimestamp: ago(30), count: 1 }, '30m', '30m', 1],
    ['only eventTime (events.k8s.io style), count 0 prints 1', { eventTime: micro(3) }, '3m', '3m', 1],
    ['lastTimestamp without firstTimestamp falls back to eventTime for FIRST SEEN', { eventTime: micro(10), lastTimestamp: ago(2), count: 2 }, '2m', '10m', 2],
    ['no time at all', {}, '<unknown>', '<unknown>', 1],
    [
      'series overrides LAST SEEN and COUNT',
      { eventTime: micro(60), series: { count: 17, lastObservedTime: micro(1) }, count: 0 },
      '60s', '60m', 17,
    ],
    ['series without lastObservedTime', { firstTimestamp: ago(9), lastTimestamp: ago(8), series: { count: 3 } }, '<unknown>', '9m', 3],
    ['Go zero lastTimestamp counts as unset', { firstTimestamp: ago(7), lastTimestamp: '0001-01-01T00:00:00Z', count: 1 }, '7m', '7m', 1],
  ])('%s', (_d, fields, lastSeen, firstSeen, count) => {
    const cells = eventConvertor.cells(event(fields), NOW);
    expect([cells[0], cells[7], cells[8]]).toEqual([lastSeen, firstSeen, count]);
  });
});

describe('eventConvertor OBJECT and SOURCE', () => {
  it.each([
    ['pod', { kind: 'Pod', name: 'web-0' }, 'pod/web-0'],
    ['daemonset', { kind: 'DaemonSet', name: 'agent' }, 'daemonset/agent'],
    ['no name', { kind: 'Node' }, 'node'],
  ])('OBJECT for %s', (_d, involvedObject, want) => {
    expect(eventConvertor.cells(event({ involvedObject }), NOW)[3]).toBe(want);
  });

  it.each([
    ['component and host', { source: { component: 'kubelet', host: 'node-1' } }, 'kubelet, node-1'],
    ['component only', { source: { component: 'default-scheduler' } }, 'default-scheduler'],
    ['reporting fields as fallback', { source: {}, reportingComponent: 'daemonset-controller', reportingInstance: 'kcm-1' }, 'daemonset-controller, kcm-1'],
    ['host without component', { source: { host: 'node-1' } }, ', node-1'],
    ['nothing', {}, ''],
  ])('SOURCE with %s', (_d, fields, want) => {
    expect(eventConvertor.cells(event(fields), NOW)[5]).toBe(want);
  });
});

describe('eventConvertor row', () => {
  it('prints every column in upstream order', () => {
    const obj = event({
      type: 'Warning',
      reason: 'BackOff',
      involvedObject: { kind: 'Pod', name: 'web-0', fieldPath: 'spec.containers{app}' },
      source: { component: 'kubelet', host: 'node-1' },
      message: '  Back-off restarting failed container\n',
      firstTimestamp: ago(20),
      lastTimestamp: ago(1),
      count: 9,
    });
    expect(eventConvertor.cells(obj, NOW)).toEqual([
      '60s', 'Warning', 'BackOff', 'pod/web-0', 'spec.containers{app}', 'kubelet, node-1', 'Back-off restarting failed container', '20m', 9, 'web-0.17f3',
    ]);
  });

  it('has the upstream columns (Name is wide, format name)', () => {
    expect(eventConvertor.columns.map((c) => `${c.name}:${c.priority}:${c.format}`)).toEqual([
      'Last Seen:0:', 'Type:0:', 'Reason:0:', 'Object:0:', 'Subobject:1:', 'Source:1:', 'Message:0:', 'First Seen:1:', 'Count:1:', 'Name:1:name',
    ]);
  });
});
