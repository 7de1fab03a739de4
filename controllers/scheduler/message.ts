// The FailedScheduling message: "0/N nodes are available: …" with the preemption suffix (upstream FitError.Error).

import type { Status } from './cycle.js';

/** Upstream framework.NoNodeAvailableMsg for an empty cluster. */
export const NO_NODES_MESSAGE = 'no nodes available to schedule pods';
/** Preemption reasons (upstream defaultpreemption, 1.30–1.32). */
export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const PREEMPTION_NO_VICTIMS = 'No preemption victims found for incoming pod';
/** PostFilter message for pods with preemptionPolicy Never (wording unverified upstream). */
export const PREEMPTION_NEVER = 'preemption: not eligible due to preemptionPolicy=Never.';

/** What the filters concluded for a pod that fits nowhere. */
export interface Diagnosis {
  numAllNodes: number;
  /** One status per rejected node, absent (PreFilter-excluded) nodes included. */
  statuses: readonly Status[];
  /** Set when a PreFilter rejected the pod for every node. */
  preFilterMsg?: string;
  /** spec.preemptionPolicy == Never. */
  preemptionNever?: boolean;
}

/** reason → number of nodes reporting it. */
export function reasonHistogram(statuses: readonly Status[]): Record<string, number> {
  const h: Record<string, number> = {};
  for (const s of statuses) for (const r of s.reasons) h[r] = (h[r] ?? 0) + 1;
  return h;
}

/** `"<count> <reason>"` entries sorted lexicographically on the whole string (so "10 x" sorts before "2 y"). */
export function sortedHistogram(h: Readonly<Record<string, number>>): string[] {
  return Object.entries(h)
    .map(([r, n]) => `${n} ${r}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The DefaultPreemption PostFilter message when no victim exists.
 *
 * Assumptions / Invariants (upstream defaultpreemption + preemption.Evaluator, 1.30–1.32): preemption only
 * evicts strictly lower-priority pods and this scheduler never preempts, so UU nodes are "not helpful" and
 * U nodes have "no victims".
 */
export function preemptionMessage(d: Diagnosis): string {
  if (d.preemptionNever) return PREEMPTION_NEVER;
  const h: Record<string, number> = {};
  for (const s of d.statuses) {
    const r = s.code === 'UnschedulableAndUnresolvable' ? PREEMPTION_NOT_HELPFUL : PREEMPTION_NO_VICTIMS;
    h[r] = (h[r] ?? 0) + 1;
  }
  return `preemption: 0/${d.numAllNodes} nodes are available: ${sortedHistogram(h).join(', ')}.`;
}

/**
 * The full message: `0/N nodes are available: <PreFilter message | sorted histogram>. <preemption message>`.
 *
 * Assumptions / Invariants (upstream framework/types.go FitError.Error, spec §5.4): a PreFilter rejection
 * replaces the histogram; each entry is "count reason"; the preemption message is always appended.
 */
export function fitErrorMessage(d: Diagnosis): string {
  if (d.numAllNodes === 0) return NO_NODES_MESSAGE;
  let msg = `0/${d.numAllNodes} nodes are available:`;
  if (d.preFilterMsg) msg += ` ${d.preFilterMsg}.`;
  else {
    const entries = sortedHistogram(reasonHistogram(d.statuses));
    if (entries.length) msg += ` ${entries.join(', ')}.`;
  }
  return `${msg} ${preemptionMessage(d)}`;
}
