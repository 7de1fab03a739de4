// Printer for autoscaling/v1 Scale (`kubectl get sts x --subresource=scale`).

import { DOC, ageColumn, col, int } from './columns.js';
import { age, num, str } from './format.js';
import type { TableConvertor } from './types.js';

interface ScaleShape {
  spec?: { replicas?: number };
  status?: { replicas?: number };
}

/** Server-side printer for Scale (upstream printScale): its Name column has no `name` format. */
export const scaleConvertor: TableConvertor = {
  columns: [
    col('Name', DOC.name),
    int('Desired', 'replicas is the desired number of instances for the scaled object.'),
    int('Available', 'replicas is the actual number of observed instances of the scaled object.'),
    ageColumn(),
  ],
  cells(obj, now) {
    const s = obj as unknown as ScaleShape;
    return [str(obj.metadata.name), num(s.spec?.replicas), num(s.status?.replicas), age(obj, now)];
  },
};
