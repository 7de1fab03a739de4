// PodDisruptionBudget status helpers (upstream component-helpers apps/poddisruptionbudget).

import { isPlainObject } from '../api/types.js';

interface Condition {
  type: string;
  status: string;
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/**
 * Upstream UpdateDisruptionAllowedCondition + meta.SetStatusCondition: the DisruptionAllowed condition is True
 * (SufficientPods) while disruptions remain, else False (InsufficientPods); its lastTransitionTime moves only
 * when its status changes.
 */
export function updateDisruptionAllowed(status: Record<string, unknown>, now: string): void {
  const allowed = typeof status.disruptionsAllowed === 'number' && status.disruptionsAllowed > 0;
  const list = (Array.isArray(status.conditions) ? status.conditions : []).filter(isPlainObject) as unknown as Condition[];
  const want: Condition = {
    type: 'DisruptionAllowed',
    status: allowed ? 'True' : 'False',
    observedGeneration: typeof status.observedGeneration === 'number' ? status.observedGeneration : 0,
    lastTransitionTime: now,
    reason: allowed ? 'SufficientPods' : 'InsufficientPods',
    message: '',
  };
  if (!want.observedGeneration) delete want.observedGeneration;
  const at = list.findIndex((c) => c.type === want.type);
  if (at >= 0 && list[at]!.status === want.status) want.lastTransitionTime = list[at]!.lastTransitionTime;
  if (at >= 0) list[at] = want;
  else list.push(want);
  status.conditions = list;
}
