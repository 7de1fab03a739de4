// Table tests for the shared pod and node predicates: Ready, available, terminating, terminal, node conditions.

import { describe, expect, it } from 'vitest';
import {
  isNodeReady, isPodAvailable, isPodReady, isPodTerminal, isPodTerminated,
  isTerminating, nodeCondition, podAvailableAt,
} from './pod-state.js';
import type { Node, Pod } from './types.js';

type Cond = { type: string; status: string; lastTransitionTime?: string };
const pod = (o: { phase?: string; conditions?: Cond[]; deleting?: boolean } = {}): Pod => ({
  metadata: { name: 'p', ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  status: { ...(o.phase !== undefined ? { phase: o.phase } : {}), ...(o.conditions ? { conditions: o.conditions } : {}) },
});
const node = (conditions?: Cond[]): Node => ({ metadata: { name: 'n' }, status: conditions ? { conditions } : {} });
const T0 = '2026-01-01T00:00:00Z';
const NOW = Date.parse('2026-01-01T00:00:10Z');
const ready = (status: string, lastTransitionTime?: string): Cond => ({ type: 'Ready', status, ...(lastTransitionTime ? { lastTransitionTime } : {}) });
/** Two Ready conditions, the first False: upstream looks at the first only. */
const twoReady = pod({ conditions: [ready('False', T0), ready('True', T0)] });

describe('pod Ready and available', () => {
  it.each<[string, Pod, boolean]>([
    ['Ready True', pod({ conditions: [ready('True')] }), true],
    ['Ready False', pod({ conditions: [ready('False')] }), false],
    ['no conditions', pod(), false],
    ['another condition True', pod({ conditions: [{ type: 'Initialized', status: 'True' }] }), false],
    ['first Ready False, a later one True', twoReady, false],
  ])('%s → isPodReady %s', (_n, p, want) => {
    expect(isPodReady(p)).toBe(want);
  });

  it.each<[string, Pod, number, boolean]>([
    ['ready, no minReadySeconds', pod({ conditions: [ready('True', T0)] }), 0, true],
    ['ready without a transition time, no minReadySeconds', pod({ conditions: [ready('True')] }), 0, true],
    ['ready for 10 s exactly is not yet available with 10 (strict)', pod({ conditions: [ready('True', T0)] }), 10, false],
    ['ready for 10 s is available with 9', pod({ conditions: [ready('True', T0)] }), 9, true],
    ['no transition time is never available with minReadySeconds', pod({ conditions: [ready('True')] }), 1, false],
    ['unparsable transition time', pod({ conditions: [ready('True', 'yesterday')] }), 1, false],
    ['not ready', pod({ conditions: [ready('False', T0)] }), 0, false],
  ])('isPodAvailable: %s', (_n, p, minReady, want) => {
    expect(isPodAvailable(p, minReady, NOW)).toBe(want);
  });

  it('several Ready conditions: the first decides', () => {
    expect(isPodAvailable(twoReady, 0, NOW)).toBe(false);
  });

  it('podAvailableAt: transition time + minReadySeconds, -Infinity without minReadySeconds, undefined when not Ready', () => {
    expect(podAvailableAt(pod({ conditions: [ready('True', T0)] }), 5)).toBe(Date.parse(T0) + 5000);
    expect(podAvailableAt(pod({ conditions: [ready('True')] }), 0)).toBe(-Infinity);
    expect(podAvailableAt(pod({ conditions: [ready('True')] }), 5)).toBeUndefined();
    expect(podAvailableAt(pod({ conditions: [ready('False', T0)] }), 5)).toBeUndefined();
  });
});

describe('pod lifecycle', () => {
  it('isTerminating: a deletionTimestamp is set', () => {
    expect(isTerminating(pod({ deleting: true }))).toBe(true);
    expect(isTerminating(pod())).toBe(false);
  });

  it.each<[string | undefined, boolean, boolean]>([
    ['Succeeded', true, true],
    ['Failed', true, true],
    ['Running', false, false],
    ['Pending', false, false],
    ['Unknown', false, false],
    [undefined, false, false],
    ['Bogus', false, true],
    ['', false, true],
  ])('phase %s → isPodTerminal %s, isPodTerminated %s', (phase, terminal, terminated) => {
    expect(isPodTerminal(pod({ phase }))).toBe(terminal);
    expect(isPodTerminated(pod({ phase }))).toBe(terminated);
  });
});

describe('node conditions', () => {
  it('nodeCondition: the first condition of the type', () => {
    const n = node([{ type: 'MemoryPressure', status: 'False' }, ready('Unknown'), ready('True')]);
    expect(nodeCondition(n, 'Ready')?.status).toBe('Unknown');
    expect(nodeCondition(n, 'DiskPressure')).toBeUndefined();
    expect(nodeCondition(node(), 'Ready')).toBeUndefined();
  });

  it.each<[string, Node, boolean]>([
    ['Ready True', node([ready('True')]), true],
    ['Ready False', node([ready('False')]), false],
    ['Ready Unknown', node([ready('Unknown')]), false],
    ['no conditions', node(), false],
    ['a later Ready True counts', node([ready('Unknown'), ready('True')]), true],
  ])('isNodeReady: %s', (_n, n, want) => {
    expect(isNodeReady(n)).toBe(want);
  });
});
