// Table tests of DELETE planning: propagation finalizers, their swaps on a second DELETE, and graceful pods.

import { describe, expect, it } from 'vitest';
import { R } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import { beginDelete, finalizersForGarbageCollection, type DeleteOptions } from './delete.js';

const NOW = new Date('2024-05-01T10:00:00Z');
const T = '2024-05-01T10:00:00Z';

const cm = (meta: Partial<KObject['metadata']> = {}): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', uid: 'u', ...meta } });
const pod = (meta: Partial<KObject['metadata']> = {}): KObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', uid: 'u', ...meta }, spec: { nodeName: 'n1', terminationGracePeriodSeconds: 30 }, status: { phase: 'Running' },
});

describe('finalizersForGarbageCollection', () => {
  it.each<[string, string[], DeleteOptions, string[]]>([
    ['no policy keeps nothing new', [], {}, []],
    ['no policy keeps what the object has', ['orphan'], {}, ['orphan']],
    ['Foreground adds foregroundDeletion', ['a/b'], { propagationPolicy: 'Foreground' }, ['a/b', 'foregroundDeletion']],
    ['Orphan adds orphan', [], { propagationPolicy: 'Orphan' }, ['orphan']],
    ['Orphan after Foreground swaps them', ['foregroundDeletion'], { propagationPolicy: 'Orphan' }, ['orphan']],
    ['Foreground after Orphan swaps them', ['orphan', 'a/b'], { propagationPolicy: 'Foreground' }, ['a/b', 'foregroundDeletion']],
    ['Background drops both', ['a/b', 'foregroundDeletion'], { propagationPolicy: 'Background' }, ['a/b']],
    ['an unchanged set keeps its order', ['foregroundDeletion', 'a/b'], { propagationPolicy: 'Foreground' }, ['foregroundDeletion', 'a/b']],
  ])('%s', (_n, current, opts, want) => {
    expect(finalizersForGarbageCollection(current, opts)).toEqual(want);
  });
});

describe('beginDelete', () => {
  it.each<[string, KObject, DeleteOptions, unknown]>([
    ['Background on a plain object removes it', cm(), { propagationPolicy: 'Background' }, { kind: 'delete' }],
    ['Foreground keeps it, deleting, with the finalizer', cm(), { propagationPolicy: 'Foreground' },
      { kind: 'update', object: cm({ finalizers: ['foregroundDeletion'], deletionTimestamp: T, deletionGracePeriodSeconds: 0 }) }],
    ['Orphan keeps it, deleting, with the orphan finalizer', cm(), { propagationPolicy: 'Orphan' },
      { kind: 'update', object: cm({ finalizers: ['orphan'], deletionTimestamp: T, deletionGracePeriodSeconds: 0 }) }],
    ['a second DELETE with Orphan swaps the finalizer, keeping the timestamp', cm({ finalizers: ['foregroundDeletion'], deletionTimestamp: '2024-01-01T00:00:00Z', deletionGracePeriodSeconds: 0 }), { propagationPolicy: 'Orphan' },
      { kind: 'update', object: cm({ finalizers: ['orphan'], deletionTimestamp: '2024-01-01T00:00:00Z', deletionGracePeriodSeconds: 0 }) }],
    ['a second DELETE with Background removes a foreground-deleting object held by nothing else', cm({ finalizers: ['foregroundDeletion'], deletionTimestamp: T, deletionGracePeriodSeconds: 0 }), { propagationPolicy: 'Background' }, { kind: 'delete' }],
    ['a second DELETE without policy changes nothing', cm({ finalizers: ['foregroundDeletion'], deletionTimestamp: T, deletionGracePeriodSeconds: 0 }), {}, { kind: 'unchanged' }],
    ['other finalizers still hold it on Background', cm({ finalizers: ['a/b'] }), { propagationPolicy: 'Background' },
      { kind: 'update', object: cm({ finalizers: ['a/b'], deletionTimestamp: T, deletionGracePeriodSeconds: 0 }) }],
    ['a running pod is deleted gracefully', pod(), {}, { kind: 'update', object: pod({ deletionTimestamp: '2024-05-01T10:00:30Z', deletionGracePeriodSeconds: 30 }) }],
    ['a running pod deleted in the foreground gets the finalizer too', pod(), { propagationPolicy: 'Foreground' },
      { kind: 'update', object: pod({ deletionTimestamp: '2024-05-01T10:00:30Z', deletionGracePeriodSeconds: 30, finalizers: ['foregroundDeletion'] }) }],
    ['a pending graceful deletion is not changed by another policy', pod({ deletionTimestamp: '2024-05-01T10:00:30Z', deletionGracePeriodSeconds: 30 }), { propagationPolicy: 'Foreground' }, { kind: 'unchanged' }],
    ['the kubelet\'s grace-0 DELETE keeps a foreground pod for the collector', pod({ deletionTimestamp: '2024-05-01T10:00:30Z', deletionGracePeriodSeconds: 30, finalizers: ['foregroundDeletion'] }), { gracePeriodSeconds: 0 },
      { kind: 'update', object: pod({ deletionTimestamp: '2024-05-01T10:00:30Z', deletionGracePeriodSeconds: 0, finalizers: ['foregroundDeletion'] }) }],
    ['grace 0 without finalizers removes the pod at once', pod(), { gracePeriodSeconds: 0 }, { kind: 'delete', answer: pod({ deletionTimestamp: T, deletionGracePeriodSeconds: 0 }) }],
  ])('%s', (_n, current, opts, want) => {
    expect(beginDelete(current.kind === 'Pod' ? R.pods : R.configmaps, current, opts, NOW)).toEqual(want);
  });

  it('a namespace deleted in the foreground turns Terminating with the finalizer', () => {
    const plan = beginDelete(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', uid: 'u' }, spec: { finalizers: ['kubernetes'] } }, { propagationPolicy: 'Foreground' }, NOW);
    expect(plan).toMatchObject({ kind: 'update', object: { metadata: { finalizers: ['foregroundDeletion'], deletionTimestamp: T }, status: { phase: 'Terminating' } } });
  });
});
