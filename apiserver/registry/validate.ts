// Validation on write: ObjectMeta for every kind, plus the kind's own rules; failures are 422 Invalid.

import * as S from '../api/status.js';
import type { ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import { nameRuleFor, validateObjectMeta, validateObjectMetaUpdate } from '../api/validation.js';
import { strategyFor } from './strategy.js';

function fail(r: ResourceInfo, obj: KObject, errs: S.FieldError[]): void {
  if (errs.length) throw S.invalid(r.kind, r.group, obj.metadata.name ?? '', errs);
}

/** Validates an object about to be created. */
export function validateCreate(r: ResourceInfo, obj: KObject): void {
  const errs = validateObjectMeta(obj.metadata, { namespaced: r.namespaced, nameRule: nameRuleFor(r.plural) });
  const strategy = strategyFor(r);
  if (strategy.validate) errs.push(...strategy.validate(obj));
  fail(r, obj, errs);
}

/**
 * Validates an update of an existing object. The kind's own update rules apply to writes of the main resource only:
 * upstream's status strategies validate status (not checked here), and direct storage writes (pods/binding) nothing.
 */
export function validateUpdateMeta(r: ResourceInfo, obj: KObject, old: KObject, subresource?: string): void {
  const errs = validateObjectMeta(obj.metadata, { namespaced: r.namespaced, nameRule: nameRuleFor(r.plural), update: true });
  errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
  const strategy = strategyFor(r);
  if (strategy.validateUpdate && (subresource === undefined || subresource === 'finalize')) errs.push(...strategy.validateUpdate(obj, old));
  fail(r, obj, errs);
}
