// Builders of daemon pods for the planner tests: on a node, with a hash, a phase, readiness and an age.

import type { Pod } from '../../apiserver/api/types.js';

/** Test "now": 2026-01-01T00:01:00Z. */
export const NOW = Date.parse('2026-01-01T00:01:00Z');

/** Options of {@link dpod}. */
export interface PodOpts {
  hash?: string;
  phase?: string;
  ready?: boolean;
  /** Seconds before NOW the pod was created (default 50). */
  age?: number;
  /** Seconds before NOW it turned Ready (default: its age). */
  readyFor?: number;
  terminating?: boolean;
  /** Not yet scheduled: pinned to the node by affinity only. */
  unscheduled?: boolean;
  generation?: string;
}

const iso = (s: number): string => new Date(NOW - s * 1000).toISOString().replace('.000Z', 'Z');

/** A daemon pod `name` for `node` (hash h1, Running and Ready by default). */
export function dpod(name: string, node: string, o: PodOpts = {}): Pod {
  const age = o.age ?? 50;
  const ready = o.ready ?? true;
  const labels: Record<string, string> = { app: 'd', 'controller-revision-hash': o.hash ?? 'h1' };
  if (o.generation !== undefined) labels['pod-template-generation'] = o.generation;
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels, creationTimestamp: iso(age), ...(o.terminating ? { deletionTimestamp: iso(1) } : {}) },
    spec: {
      containers: [],
      ...(o.unscheduled ? {} : { nodeName: node }),
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] } } },
    },
    status: { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: iso(o.readyFor ?? age) }] },
  } as Pod;
}
