// Table tests of StatefulSet status: completion of a rolling update, when a write is needed, the wire shape.

import { describe, expect, it } from 'vitest';
import { NEW, OLD, sts } from './fixtures.test.support.js';
import { completeRollingUpdate, inconsistentStatus, toWire, type SetStatus } from './status.js';

const base: SetStatus = { observedGeneration: 2, replicas: 3, readyReplicas: 3, availableReplicas: 3, currentReplicas: 0, updatedReplicas: 3, currentRevision: OLD, updateRevision: NEW, collisionCount: 0 };

describe('completeRollingUpdate (3.7)', () => {
  it.each<[string, Parameters<typeof sts>[0], Partial<SetStatus>, boolean]>([
    ['all updated, ready, no extra pod → current flips', {}, {}, true],
    ['one not ready', {}, { readyReplicas: 2 }, false],
    ['one not updated', {}, { updatedReplicas: 2 }, false],
    ['a terminating extra pod still counted', {}, { replicas: 4 }, false],
    ['OnDelete never completes', { onDelete: true }, {}, false],
    ['partition: completes only once every pod is updated', { partition: 2 }, {}, true],
  ])('%s', (_n, o, over, flips) => {
    const s = { ...base, ...over };
    completeRollingUpdate(sts(o), s);
    expect(s.currentRevision).toBe(flips ? NEW : OLD);
    if (flips) expect(s.currentReplicas).toBe(s.updatedReplicas);
  });
});

describe('inconsistentStatus', () => {
  const set = { ...sts(), status: toWire(base) };
  it.each<[string, Partial<SetStatus>, boolean]>([
    ['identical', {}, false],
    ['collisionCount alone', { collisionCount: 1 }, false],
    ['a newer generation', { observedGeneration: 3 }, true],
    ['readyReplicas', { readyReplicas: 2 }, true],
    ['availableReplicas', { availableReplicas: 2 }, true],
    ['currentRevision', { currentRevision: NEW }, true],
  ])('%s → write %s', (_n, over, want) => {
    expect(inconsistentStatus(set, { ...base, ...over })).toBe(want);
  });
});

describe('toWire', () => {
  it('leaves out the omitempty fields at zero; keeps replicas, availableReplicas and collisionCount', () => {
    expect(toWire({ ...base, readyReplicas: 0, currentReplicas: 0, updatedReplicas: 0, availableReplicas: 0, replicas: 0 })).toEqual({
      observedGeneration: 2, replicas: 0, currentRevision: OLD, updateRevision: NEW, collisionCount: 0, availableReplicas: 0,
    });
  });
});
