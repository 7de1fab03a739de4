// Table responses: wraps the printers in table/ for GET, LIST and watch events.

import * as S from '../api/status.js';
import type { ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import { buildTable, parseIncludeObject, type Table } from './table/index.js';

/** The `meta.k8s.io/v1` Table of some objects of one resource (`includeObject` defaults to Metadata, as upstream). */
export function tableOf(
  r: ResourceInfo,
  objects: readonly KObject[],
  meta: { resourceVersion?: string | undefined; continue?: string | undefined },
  includeObject: string | undefined,
  now: Date,
  noHeaders = false,
): Table {
  const include = parseIncludeObject(includeObject);
  if (!include) throw S.badRequest(`unrecognized includeObject value: ${JSON.stringify(includeObject)}`);
  const opts: Parameters<typeof buildTable>[0] = { plural: r.plural, group: r.group, objects, includeObject: include, now: now.getTime(), noHeaders };
  if (meta.resourceVersion) opts.resourceVersion = meta.resourceVersion;
  if (meta.continue) opts.continueToken = meta.continue;
  return buildTable(opts);
}
