// Parsed inter-pod affinity terms (upstream framework.AffinityTerm / PodInfo) shared by filter and score.

import type { PodAffinityTerm } from 'kubernetes-types/core/v1.js';
import type { Pod } from '../../apiserver/api/types.js';
import { matches, safeSelector, type Selector } from '../../apiserver/api/labels.js';

/** Labels of a namespace, or undefined when it is unknown. */
export type NamespaceLabels = (ns: string) => Readonly<Record<string, string>> | undefined;

/** One parsed term; `weight` is 0 for required terms. */
export interface AffinityTerm {
  selector: Selector;
  namespaces: ReadonlySet<string>;
  /** undefined: no namespaceSelector; `{}` parses to a selector matching every namespace. */
  namespaceSelector: Selector | undefined;
  topologyKey: string;
  weight: number;
  /** Canonical text of selector + namespaces + namespaceSelector: equal signatures select the same pods. */
  sig: string;
}

/** An existing or incoming pod with its affinity terms parsed once. */
export interface PodAffinityInfo {
  pod: Pod;
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: AffinityTerm[];
  preferredAntiAffinity: AffinityTerm[];
}

/**
 * Assumptions / Invariants (upstream framework.newAffinityTerm): empty `namespaces` and no
 * `namespaceSelector` mean the owning pod's namespace; `matchLabelKeys`/`mismatchLabelKeys` are not modelled.
 */
function parseTerm(owner: Pod, t: PodAffinityTerm, weight: number): AffinityTerm {
  const ns = new Set(t.namespaces ?? []);
  const namespaceSelector = t.namespaceSelector ? safeSelector(t.namespaceSelector) : undefined;
  if (ns.size === 0 && !namespaceSelector) ns.add(owner.metadata?.namespace ?? 'default');
  const selector = safeSelector(t.labelSelector);
  const sig = JSON.stringify([selector, [...ns].sort(), namespaceSelector ?? null]);
  return { selector, namespaces: ns, namespaceSelector, topologyKey: t.topologyKey, weight, sig };
}

/** Parses every affinity term of a pod. */
export function podAffinityInfo(pod: Pod): PodAffinityInfo {
  const a = pod.spec?.affinity;
  const req = (ts: readonly PodAffinityTerm[] | undefined): AffinityTerm[] => (ts ?? []).map((t) => parseTerm(pod, t, 0));
  const pref = (ts: ReadonlyArray<{ weight: number; podAffinityTerm: PodAffinityTerm }> | undefined): AffinityTerm[] =>
    (ts ?? []).map((w) => parseTerm(pod, w.podAffinityTerm, w.weight));
  return {
    pod,
    requiredAffinity: req(a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    requiredAntiAffinity: req(a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    preferredAffinity: pref(a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinity: pref(a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
  };
}

/** True when the pod has a term the InterPodAffinity score looks at as an existing pod. */
export function hasScoringTerms(i: PodAffinityInfo): boolean {
  return i.requiredAffinity.length + i.preferredAffinity.length + i.preferredAntiAffinity.length > 0;
}

/** True when the pod has any affinity or anti-affinity term. */
export function hasAnyAffinity(i: PodAffinityInfo): boolean {
  return i.requiredAffinity.length + i.requiredAntiAffinity.length + i.preferredAffinity.length + i.preferredAntiAffinity.length > 0;
}

/** True when the term selects the pod: its namespace is covered and its labels match (upstream AffinityTerm.Matches). */
export function termMatches(t: AffinityTerm, pod: Pod, nsLabels: NamespaceLabels): boolean {
  const ns = pod.metadata?.namespace ?? 'default';
  if (!t.namespaces.has(ns)) {
    if (!t.namespaceSelector || !matches(t.namespaceSelector, nsLabels(ns) ?? {})) return false;
  }
  return matches(t.selector, pod.metadata?.labels);
}

/** True when every term selects the pod (false for no terms). */
export function allTermsMatch(terms: readonly AffinityTerm[], pod: Pod, nsLabels: NamespaceLabels): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!termMatches(t, pod, nsLabels)) return false;
  return true;
}
