// Table tests of StatefulSet revision planning (3.2): unchanged, rollback renumbering, new revisions, truncation.

import { describe, expect, it } from 'vitest';
import type { ControllerRevision, StatefulSet } from '../../apiserver/api/types.js';
import { revisionData, statefulSetHash } from '../history/index.js';
import { pod, sts } from './fixtures.test.support.js';
import { buildRevision, planUpdateRevision, truncateHistory } from './revisions.js';
import { CR_HASH_LABEL } from './util.js';

const withImage = (image: string): StatefulSet => {
  const s = sts();
  return { ...s, spec: { ...s.spec!, template: { ...s.spec!.template, spec: { containers: [{ name: 'nginx', image }] } } } };
};
const rev = (image: string, n: number): ControllerRevision => buildRevision(withImage(image), revisionData(withImage(image)), n, 0);

describe('planUpdateRevision', () => {
  it.each<[string, string, ControllerRevision[], string]>([
    ['no history → create revision 1', 'a', [], 'create 1'],
    ['same as the newest → unchanged', 'b', [rev('a', 1), rev('b', 2)], 'unchanged 2'],
    ['same as an older one → renumber it to max+1 (rollback)', 'a', [rev('a', 1), rev('b', 2)], 'renumber 1→3'],
    ['new template → create max+1', 'c', [rev('a', 1), rev('b', 4)], 'create 5'],
  ])('%s', (_n, image, crs, want) => {
    const p = planUpdateRevision(withImage(image), crs);
    const got = p.kind === 'create' ? `create ${p.next}` : p.kind === 'unchanged' ? `unchanged ${p.revision.revision}` : `renumber ${p.revision.revision}→${p.to}`;
    expect(got).toBe(want);
  });
});

describe('buildRevision', () => {
  it('names <set>-<hash of data and collision count>, labels the template labels plus the bare hash', () => {
    const set = withImage('a');
    const data = revisionData(set);
    const a = buildRevision(set, data, 1, 0);
    const b = buildRevision(set, data, 1, 1);
    expect(a.metadata?.name).toBe(`web-${statefulSetHash(data, 0)}`);
    expect(b.metadata?.name).not.toBe(a.metadata?.name);
    expect(a.metadata?.labels).toEqual({ app: 'web', [CR_HASH_LABEL]: statefulSetHash(data, 0) });
    expect(a.metadata?.name).toMatch(/^web-[4-9b-df]+$/);
  });
});

describe('truncateHistory', () => {
  const crs = ['a', 'b', 'c', 'd', 'e'].map((img, i) => rev(img, i + 1));
  const names = (xs: ControllerRevision[]): string[] => xs.map((x) => String(x.revision));
  it.each<[string, number, string[], string[]]>([
    ['limit 10 keeps everything', 10, [], []],
    ['limit 1: the oldest non-live go', 1, [], ['1', '2']],
    ['limit 0: every non-live one goes', 0, [], ['1', '2', '3']],
    ['a revision a pod still runs is live', 0, ['2'], ['1', '3']],
    ['a negative limit keeps everything', -1, [], []],
  ])('%s', (_n, limit, podRevs, want) => {
    const set = { ...sts(), spec: { ...sts().spec!, revisionHistoryLimit: limit } };
    const pods = podRevs.map((r) => pod(0, { rev: crs[Number(r) - 1]!.metadata!.name! }));
    // current = revision 4, update = revision 5
    expect(names(truncateHistory(set, pods, crs, crs[3], crs[4]))).toEqual(want);
  });
});
