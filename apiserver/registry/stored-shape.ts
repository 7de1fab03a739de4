// The stored object an update is compared with: as upstream would have stored it, without fields its Go type lacks.

import type { ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import { FIELD_TREES } from '../openapi/field-tree.js';
import { strictDecodingErrors } from '../openapi/strict-decoding.js';

/**
 * The stored object to compare an update with (generation bumps, immutable fields, pod updates).
 * kubeling keeps the unknown fields a `fieldValidation=Ignore` write sent, where upstream's decoder drops them. When
 * the stored object has some and the update has none (a strict or warned write dropped them), the comparison uses a
 * copy without them, so that their removal is not taken for a change; otherwise the stored object as it is.
 */
export function comparableStored(r: ResourceInfo, stored: KObject, wanted: KObject): KObject {
  const node = FIELD_TREES.ofKind(r);
  if (!node || strictDecodingErrors(node, stored).length === 0) return stored;
  if (strictDecodingErrors(node, wanted).length > 0) return stored;
  const copy = structuredClone(stored);
  strictDecodingErrors(node, copy, undefined, true);
  return copy;
}
