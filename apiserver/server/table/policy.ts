// Printer for policy/v1 PodDisruptionBudgets.

import { ageColumn, col, int, nameColumn } from './columns.js';
import { age, num, str } from './format.js';
import type { TableConvertor } from './types.js';

interface PDBShape {
  spec?: { minAvailable?: number | string; maxUnavailable?: number | string };
  status?: { disruptionsAllowed?: number };
}

function intOrPercent(v: number | string | undefined): string {
  return v === undefined ? 'N/A' : String(v);
}

/** Server-side printer for `poddisruptionbudgets` (upstream printPodDisruptionBudget): N/A for an unset bound. */
export const podDisruptionBudgetConvertor: TableConvertor = {
  columns: [
    nameColumn(),
    col('Min Available', 'The minimum number of pods that must be available simultaneously. This can be either an integer or a string specifying a percentage, e.g. "28%".'),
    col('Max Unavailable', 'The maximum number of pods that may be unavailable. This can be either an integer or a string specifying a percentage, e.g. "33%".'),
    int('Allowed Disruptions', 'Number of pod disruptions that are currently allowed.'),
    ageColumn(),
  ],
  cells(obj, now) {
    const pdb = obj as unknown as PDBShape;
    return [str(obj.metadata.name), intOrPercent(pdb.spec?.minAvailable), intOrPercent(pdb.spec?.maxUnavailable), num(pdb.status?.disruptionsAllowed), age(obj, now)];
  },
};
