// What the walkthrough suite shares: the kubeling up node names, the example manifests, kubectl helpers for pods.

import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { waitFor } from './cluster.js';
import { kubectlCalls, type KubectlSession } from './kubectl-session.js';
import type { PodTimeline } from './pod-timeline.js';

/** A manifest of test/fixtures/examples, as a path kubectl -f takes. */
export const example = (name: string): string => fileURLToPath(new URL(`../fixtures/examples/${name}`, import.meta.url));
/** The nodes `kubeling up` registers. */
export const CP = 'kubeling-control-plane';
export const WORKERS = ['kubeling-worker', 'kubeling-worker2'];
export const KS = ['-n', 'kube-system'];

/** A decoded kubectl -o json answer. */
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** kubectl helpers bound to the current section's cluster. */
export function helpers(session: () => KubectlSession) {
  const { k, ok } = kubectlCalls(() => session().kubectl);
  const json = async (...args: string[]): Promise<Json> => JSON.parse(await ok(...args, '-o', 'json')) as Json;
  const apply = async (text: string): Promise<string> => {
    const r = await session().kubectl(['apply', '-f', '-'], { input: text });
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };
  /** Live (not terminating) pods of a selector. */
  const pods = async (selector: string, ...more: string[]): Promise<Json[]> =>
    ((await json('get', 'pods', '-l', selector, ...more)).items as Json[]).filter((p) => !p.metadata.deletionTimestamp);
  const isReady = (p: Json): boolean => p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c: Json) => c.type === 'Ready' && c.status === 'True');
  /** Waits until the live pods of `selector` are all Running and Ready, exactly one on each of `nodes`. */
  const runningOn = async (selector: string, nodes: string[], more: string[] = [], ms = 15_000): Promise<Json[]> =>
    (await waitFor(async () => {
      const ps = await pods(selector, ...more);
      const on = ps.map((p) => p.spec.nodeName ?? '').sort();
      return ps.every(isReady) && JSON.stringify(on) === JSON.stringify([...nodes].sort()) ? ps : undefined;
    }, ms, `${selector} running on [${nodes.join(', ')}]`))!;
  /** Resolves once `kubectl get pod` no longer finds `name`. */
  const gone = (name: string, more: string[] = [], ms = 15_000): Promise<boolean> =>
    waitFor(async () => (await k('get', 'pod', name, ...more)).code !== 0, ms, `${name} to be gone`);
  return { k, ok, json, apply, pods, isReady, runningOn, gone };
}

/** A minimal DaemonSet whose pods stop at once. */
export const plainDs = (name: string, spec = '', podSpec = '', image = 'registry.k8s.io/pause:3.10'): string => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ${name}}
spec:
  selector: {matchLabels: {app: ${name}}}
${spec}  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 0
${podSpec}      containers: [{name: c, image: ${image}}]
`;

/** The tolerations the DaemonSet controller adds to every daemon pod (AddOrUpdateDaemonPodTolerations). */
export const AUTO_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

/** A rolling update's moments from `mark`: `created X`, `ready X`, and `out X` when X starts terminating or is deleted. */
export function rollingOrder(timeline: PodTimeline, mark: number): string[] {
  const out: string[] = [];
  const removed = new Set<string>();
  for (const m of timeline.since(mark)) {
    const [what, pod] = m.split(' ') as [string, string];
    if (what !== 'terminating' && what !== 'gone') out.push(m);
    else if (!removed.has(pod)) {
      removed.add(pod);
      out.push(`out ${pod}`);
    }
  }
  return out;
}
