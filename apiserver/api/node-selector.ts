// Node selector terms and pod node affinity (upstream component-helpers scheduling/corev1/nodeaffinity).

import type { Node, NodeSelectorTerm, Pod } from './types.js';

type Op = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';

/** One parsed expression: over labels, or over fields (only `metadata.name`). */
interface Expr {
  key: string;
  op: Op;
  values: readonly string[];
  /** Gt/Lt bound; NaN when the single value is not an int64 (the term then never matches). */
  bound: number;
}

/** A parsed term: its label and field expressions ANDed; `invalid` terms never match. */
interface Term {
  labels: Expr[];
  fields: Expr[];
  invalid: boolean;
}

/** A parsed NodeSelector (terms ORed); nothing matches when no term has an expression. */
export interface NodeSelectorMatcher {
  terms: Term[];
}

const INT64 = /^[+-]?\d+$/;
const OPS = new Set<string>(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']);

function parseExpr(e: { key: string; operator: string; values?: readonly string[] }, field: boolean): Expr | undefined {
  if (!OPS.has(e.operator)) return undefined;
  const values = e.values ?? [];
  const op = e.operator as Op;
  if (field && (e.key !== 'metadata.name' || (op !== 'In' && op !== 'NotIn') || values.length !== 1)) return undefined;
  let bound = Number.NaN;
  if (op === 'Gt' || op === 'Lt') {
    const v = values.length === 1 ? values[0]! : '';
    bound = INT64.test(v) ? Number(v) : Number.NaN;
  }
  return { key: e.key, op, values, bound };
}

/**
 * Parses `nodeSelectorTerms`.
 *
 * Assumptions / Invariants (upstream nodeaffinity.NewNodeSelector / nodeSelectorTerms.Match): terms without
 * any expression are dropped; a term with an invalid expression (bad operator, matchFields key other than
 * metadata.name or not In/NotIn with one value) never matches.
 */
export function parseNodeSelector(terms: readonly NodeSelectorTerm[] | undefined): NodeSelectorMatcher {
  const out: Term[] = [];
  for (const t of terms ?? []) {
    const me = t.matchExpressions ?? [];
    const mf = t.matchFields ?? [];
    if (me.length === 0 && mf.length === 0) continue;
    const labels = me.map((e) => parseExpr(e, false));
    const fields = mf.map((e) => parseExpr(e, true));
    const invalid = labels.includes(undefined) || fields.includes(undefined);
    out.push({ labels: labels.filter((e): e is Expr => !!e), fields: fields.filter((e): e is Expr => !!e), invalid });
  }
  return { terms: out };
}

function exprMatches(e: Expr, set: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(set, e.key);
  const v = has ? set[e.key]! : '';
  switch (e.op) {
    case 'In': return has && e.values.includes(v);
    case 'NotIn': return !has || !e.values.includes(v);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || !INT64.test(v) || Number.isNaN(e.bound)) return false;
      const n = Number(v);
      return e.op === 'Gt' ? n > e.bound : n < e.bound;
    }
  }
}

/** True when any term matches the node (labels for matchExpressions, `metadata.name` for matchFields). */
export function nodeSelectorMatches(m: NodeSelectorMatcher, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  const fields = { 'metadata.name': node.metadata?.name ?? '' };
  for (const t of m.terms) {
    if (t.invalid) continue;
    if (t.labels.every((e) => exprMatches(e, labels)) && t.fields.every((e) => exprMatches(e, fields))) return true;
  }
  return false;
}

/** A pod's `nodeSelector` plus required node affinity, parsed once per scheduling cycle. */
export interface RequiredNodeAffinity {
  nodeSelector: ReadonlyArray<[string, string]>;
  required: NodeSelectorMatcher | undefined;
}

/** Parses the pod's required node constraints (upstream nodeaffinity.GetRequiredNodeAffinity). */
export function requiredNodeAffinity(pod: Pod): RequiredNodeAffinity {
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return {
    nodeSelector: Object.entries(pod.spec?.nodeSelector ?? {}),
    required: terms ? parseNodeSelector(terms) : undefined,
  };
}

/** True when the node has every nodeSelector label and matches the required terms (if any). */
export function requiredNodeAffinityMatches(a: RequiredNodeAffinity, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of a.nodeSelector) if (labels[k] !== v) return false;
  return a.required === undefined || nodeSelectorMatches(a.required, node);
}

/**
 * Upstream NodeAffinity PreFilter: when every required term names nodes with `matchFields metadata.name In`,
 * the union of those names (intersected within a term); undefined when any term does not restrict by name.
 */
export function requiredNodeNames(a: RequiredNodeAffinity): Set<string> | undefined {
  if (!a.required || a.required.terms.length === 0) return undefined;
  let union: Set<string> | undefined;
  for (const t of a.required.terms) {
    let inTerm: Set<string> | undefined;
    for (const f of t.fields) {
      if (f.op !== 'In') continue;
      const names = new Set(f.values);
      inTerm = inTerm ? new Set([...inTerm].filter((n) => names.has(n))) : names;
    }
    if (!inTerm) return undefined;
    union ??= new Set();
    for (const n of inTerm) union.add(n);
  }
  return union;
}
