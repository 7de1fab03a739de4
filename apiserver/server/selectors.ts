// List and watch filters: the labelSelector and fieldSelector query parameters as one predicate.

import type { ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import { isEverything, matches, parseLabelSelectorParam } from '../api/labels.js';
import { fieldsOf, matchesFields, parseFieldSelectorFor } from '../api/fields.js';
import type { Query } from './query.js';

/** The filter of a list or watch request; undefined when it selects everything. Bad selectors are 400s. */
export function listPredicate(r: ResourceInfo, q: Query): ((obj: KObject) => boolean) | undefined {
  const labels = parseLabelSelectorParam(q.labelSelector);
  const fields = parseFieldSelectorFor(r.plural, r.kind, q.fieldSelector);
  const anyLabels = !isEverything(labels);
  const anyFields = fields.requirements.length > 0;
  if (!anyLabels && !anyFields) return undefined;
  return (obj) => (!anyLabels || matches(labels, obj.metadata.labels)) && (!anyFields || matchesFields(fields, fieldsOf(r.plural, obj)));
}
