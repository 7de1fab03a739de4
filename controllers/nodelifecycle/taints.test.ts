// Table tests for the managed taints: NoSchedule by condition, the diff against a node's taints, and swaps.

import { describe, expect, it } from 'vitest';
import type { Node, Taint } from '../../apiserver/api/types.js';
import { desiredNoScheduleTaints, noScheduleTaintDiff, swapTaints } from './taints.js';

const node = (conds: Record<string, string>, extra: { unschedulable?: boolean; taints?: Taint[] } = {}): Node => ({
  metadata: { name: 'n' },
  spec: { ...(extra.unschedulable ? { unschedulable: true } : {}), ...(extra.taints ? { taints: extra.taints } : {}) },
  status: { conditions: Object.entries(conds).map(([type, status]) => ({ type, status })) },
});
const ns = (key: string): Taint => ({ key: `node.kubernetes.io/${key}`, effect: 'NoSchedule' });

describe('desiredNoScheduleTaints', () => {
  it.each<[string, Node, string[]]>([
    ['healthy', node({ Ready: 'True', MemoryPressure: 'False', DiskPressure: 'False', PIDPressure: 'False', NetworkUnavailable: 'False' }), []],
    ['Ready False', node({ Ready: 'False' }), ['not-ready']],
    ['Ready Unknown', node({ Ready: 'Unknown' }), ['unreachable']],
    ['no conditions at all', node({}), []],
    ['pressures and network, in condition order', node({ NetworkUnavailable: 'True', MemoryPressure: 'True', DiskPressure: 'True', PIDPressure: 'True', Ready: 'True' }),
      ['network-unavailable', 'memory-pressure', 'disk-pressure', 'pid-pressure']],
    ['a pressure Unknown implies nothing', node({ MemoryPressure: 'Unknown', Ready: 'Unknown' }), ['unreachable']],
    ['cordoned', node({ Ready: 'True' }, { unschedulable: true }), ['unschedulable']],
  ])('%s', (_name, n, want) => {
    expect(desiredNoScheduleTaints(n).map((t) => t.key.replace('node.kubernetes.io/', ''))).toEqual(want);
    for (const t of desiredNoScheduleTaints(n)) expect(t.effect).toBe('NoSchedule');
  });
});

describe('noScheduleTaintDiff', () => {
  it.each<[string, Node, string[], string[]]>([
    ['a Ready node loses the admission taint', node({ Ready: 'True' }, { taints: [ns('not-ready')] }), [], ['not-ready']],
    ['a node without conditions would lose it too (the pass skips such nodes)', node({}, { taints: [ns('not-ready')] }), [], ['not-ready']],
    ['Unknown swaps not-ready for unreachable', node({ Ready: 'Unknown' }, { taints: [ns('not-ready')] }), ['unreachable'], ['not-ready']],
    ['already right', node({ Ready: 'False' }, { taints: [ns('not-ready')] }), [], []],
    ['unmanaged keys and NoExecute taints are not touched', node({ Ready: 'True' }, {
      taints: [{ key: 'dedicated', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }, { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
    }), [], []],
    ['uncordoned', node({ Ready: 'True' }, { taints: [ns('unschedulable')] }), [], ['unschedulable']],
    ['cordoned', node({ Ready: 'True' }, { unschedulable: true }), ['unschedulable'], []],
    ['a value on a managed taint still matches by key and effect', node({ Ready: 'False' }, { taints: [{ ...ns('not-ready'), value: 'x' }] }), [], []],
  ])('%s', (_name, n, add, remove) => {
    const d = noScheduleTaintDiff(n);
    expect(d.add.map((t) => t.key.replace('node.kubernetes.io/', ''))).toEqual(add);
    expect(d.remove.map((t) => t.key.replace('node.kubernetes.io/', ''))).toEqual(remove);
  });
});

describe('swapTaints', () => {
  const NOW = '2024-05-01T10:00:00Z';
  const ur = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
  const nr = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' };
  it.each<[string, Taint[] | undefined, Taint[], Taint[], Taint[] | undefined]>([
    ['adds with timeAdded after the others', [{ key: 'a', effect: 'NoSchedule' }], [ur], [], [{ key: 'a', effect: 'NoSchedule' }, { ...ur, timeAdded: NOW }]],
    ['swaps', [{ ...nr, timeAdded: '2024-01-01T00:00:00Z' }], [ur], [nr], [{ ...ur, timeAdded: NOW }]],
    ['nothing to do', [{ ...ur, timeAdded: 'x' }], [ur], [nr], undefined],
    ['removes to empty', [ur], [], [ur, nr], []],
    ['no taints, nothing removed', undefined, [], [nr], undefined],
  ])('%s', (_name, taints, add, remove, want) => {
    expect(swapTaints(taints, add, remove, NOW)).toEqual(want);
  });
});
