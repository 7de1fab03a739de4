// The statefulset phase's figures, order checks and report lines (pure, unit-tested).

import { seconds } from './kubelet-checks.js';
import type { Target } from './report.js';

/** Targets of the phase (the issue's): each serial pass within 60 s. */
export const STS_TARGETS = { readySeconds: 60, rolloutSeconds: 60 } as const;

/** One moment of a pod, in watch order: its ordinal and which revision it runs (old or new template). */
export interface PodMoment {
  what: 'created' | 'ready' | 'terminating' | 'gone';
  ordinal: number;
  updated: boolean;
}

/** One serial pass (all created, or all replaced) as measured. */
export interface Pass {
  /** From the first write to the last pod Ready (ms); undefined when it did not finish. */
  ms?: number;
  /** Pods that reached Ready in the pass. */
  done: number;
  /** Ordering rules broken (see orderViolations / rolloutViolations); -1 when not checked. */
  violations: number;
  /** CPU cores used on average by the controller, the apiserver, the scheduler and the simulator. */
  cores?: { controller?: number; api?: number; scheduler?: number; sim?: number };
}

/** What the phase measured. */
export interface StatefulSetBench {
  nodes: number;
  replicas: number;
  /** The bench creating pre-bound pods one at a time, each after the previous is Ready. */
  baselineCreate?: Pass;
  /** The bench replacing those pods from the highest, one at a time, each after its replacement is Ready. */
  baselineReplace?: Pass;
  /** The controller: a new OrderedReady StatefulSet until every pod is Ready. */
  create?: Pass;
  /** The controller: an image change until the last pod is replaced and Ready. */
  rollout?: Pass;
  /** status.currentRevision == updateRevision at the end of the rollout. */
  rolloutCompleted?: boolean;
  controllerLog?: Array<{ msg: string; count: number }>;
}

/**
 * Scale-up order of an OrderedReady set: each pod is created only after the previous ordinal is Ready. Counts pods
 * created too early (or never created after a Ready predecessor).
 */
export function orderViolations(moments: readonly PodMoment[], replicas: number): number {
  const readyAt = new Map<number, number>();
  const createdAt = new Map<number, number>();
  moments.forEach((m, i) => {
    if (m.what === 'ready' && !readyAt.has(m.ordinal)) readyAt.set(m.ordinal, i);
    if (m.what === 'created' && !createdAt.has(m.ordinal)) createdAt.set(m.ordinal, i);
  });
  let bad = 0;
  for (let o = 1; o < replicas; o++) {
    const c = createdAt.get(o);
    const r = readyAt.get(o - 1);
    if (c === undefined || r === undefined || c < r) bad++;
  }
  return bad;
}

/**
 * Rolling-update order: old pods are terminated from the highest ordinal down, and each only after the updated pod of
 * the ordinal above is Ready. Counts terminations out of order or too early.
 */
export function rolloutViolations(moments: readonly PodMoment[], replicas: number): number {
  const readyNew = new Map<number, number>();
  moments.forEach((m, i) => {
    if (m.what === 'ready' && m.updated && !readyNew.has(m.ordinal)) readyNew.set(m.ordinal, i);
  });
  let bad = 0;
  let expect = replicas - 1;
  moments.forEach((m, i) => {
    if (m.what !== 'terminating' || m.updated) return;
    if (m.ordinal !== expect) bad++;
    if (m.ordinal < replicas - 1) {
      const above = readyNew.get(m.ordinal + 1);
      if (above === undefined || above > i) bad++;
    }
    expect = m.ordinal - 1;
  });
  return bad + Math.max(0, expect + 1);
}

const ratio = (a: Pass | undefined, b: Pass | undefined): string => (a?.ms !== undefined && b?.ms !== undefined && b.ms > 0 ? ` (${(a.ms / b.ms).toFixed(2)}× the baseline)` : '');

function passLine(label: string, p: Pass | undefined, replicas: number): string {
  if (!p) return `  ${label}: not run`;
  const t = p.ms === undefined ? `only ${p.done} of ${replicas} Ready` : seconds(p.ms);
  const per = p.ms === undefined ? '' : `, ${(p.ms / replicas).toFixed(1)} ms per pod`;
  const order = p.violations < 0 ? '' : p.violations === 0 ? ', order kept' : `, ${p.violations} ORDER VIOLATIONS`;
  const c = p.cores ?? {};
  const parts = ([['controller', c.controller], ['apiserver', c.api], ['scheduler', c.scheduler], ['kubelet-sim', c.sim]] as const)
    .filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${v!.toFixed(2)}`);
  const cpu = parts.length ? `; cores: ${parts.join(', ')}` : '';
  return `  ${label}: ${t}${per}${order}${cpu}`;
}

/** The report lines of the phase. */
export function statefulSetLines(b: StatefulSetBench): string[] {
  return [
    `statefulset controller: one OrderedReady StatefulSet of ${b.replicas} pods on ${b.nodes} simulated nodes (pods start at once), apiserver LevelDB fsync on;`,
    `  baseline = the bench itself doing the same serial work with pre-bound pods (no controller, no scheduler):`,
    passLine('baseline: create one by one, each after the previous is Ready', b.baselineCreate, b.replicas),
    passLine('baseline: replace highest first, each after its replacement is Ready', b.baselineReplace, b.replicas),
    `${passLine(`create → all ${b.replicas} Ready`, b.create, b.replicas)}${ratio(b.create, b.baselineCreate)}   [target <= ${STS_TARGETS.readySeconds} s]`,
    `${passLine('image change → rollout complete', b.rollout, b.replicas)}${ratio(b.rollout, b.baselineReplace)}${b.rolloutCompleted === false ? ' (status never showed currentRevision == updateRevision)' : ''}   [target <= ${STS_TARGETS.rolloutSeconds} s]`,
    ...(b.controllerLog?.length ? [`  controller log lines: ${b.controllerLog.map((l) => `"${l.msg}" ×${l.count}`).join(', ')}`] : []),
  ];
}

/** The phase's targets. */
export function statefulSetTargets(b: StatefulSetBench | undefined): Target[] {
  if (!b) return [];
  const one = (name: string, p: Pass | undefined, want: number, extra = true): Target => ({
    name,
    want: `<= ${want} s`,
    got: !p ? 'n/a' : p.ms === undefined ? `${p.done} of ${b.replicas}` : `${seconds(p.ms)}${p.violations > 0 ? ' OUT OF ORDER' : ''}`,
    met: !p ? null : p.ms !== undefined && p.ms <= want * 1000 && p.violations === 0 && extra,
  });
  return [one('sts all Ready', b.create, STS_TARGETS.readySeconds), one('sts rollout', b.rollout, STS_TARGETS.rolloutSeconds, b.rolloutCompleted !== false)];
}
