// fieldValidation on create, update and patch: unknown and duplicate fields refused (Strict), warned about (Warn), or ignored.

import * as S from '../api/status.js';
import type { ResourceInfo } from '../api/resources.js';
import { FIELD_TREES, FREE, JSON_PATCH_OPERATIONS } from '../openapi/field-tree.js';
import { dropUnknownFields, strictDecodingErrors } from '../openapi/strict-decoding.js';
import { mediaType } from './negotiate.js';

/**
 * The checks one write asks for, with the JSON text of its body (duplicates can only be seen there). Whatever the
 * directive, unknown fields never reach storage: decoding into the Go type drops them upstream.
 */
export class FieldChecks {
  constructor(
    readonly directive: 'Strict' | 'Warn' | 'Ignore',
    private readonly warning: (text: string) => void,
    private readonly jsonText: Uint8Array | undefined,
  ) {}

  /**
   * Keys a YAML body repeats (`line N: key "k" already set in map`): its YAML-to-JSON conversion reports them before
   * the JSON decoding reports unknown fields. Set while the body is decoded (see {@link yamlDuplicatesSink}).
   */
  private yamlDuplicates: readonly string[] = [];

  /** Where the YAML decoder hands over the keys a body repeats (they are then no error: the last value wins). */
  readonly yamlDuplicatesSink = (duplicates: string[]): void => {
    this.yamlDuplicates = duplicates;
  };

  /**
   * A create or update body against its kind; unknown fields are dropped from `body`. Strict: 400 `<Kind> in version
   * "<v>" cannot be handled as a <Kind>: strict decoding error: …` (upstream's transformDecodeError); Warn: one
   * warning per error; Ignore: silently (nothing but the drop: no duplicate scan, no error texts kept).
   */
  checkObject(r: ResourceInfo, body: Record<string, unknown>): void {
    const node = FIELD_TREES.ofKind(r);
    if (!node) return;
    if (this.directive === 'Ignore') {
      dropUnknownFields(node, body);
      return;
    }
    const errs = strictDecodingErrors(node, body, this.jsonText, true);
    const dups = this.yamlDuplicates;
    if (errs.length === 0 && dups.length === 0) return;
    if (this.directive === 'Strict') {
      const all = dups.length ? [`yaml: unmarshal errors:\n  ${dups.join('\n  ')}`, ...errs] : errs;
      throw S.badRequest(`${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: strict decoding error: ${all.join(', ')}`);
    }
    this.warn([...dups, ...errs]);
  }

  /**
   * The errors of a patch body itself, decoded as upstream does before applying it: duplicates anywhere in a merge
   * or strategic patch; for a JSON patch also unknown keys in its operations, each prefixed `json patch`. None for
   * Ignore.
   */
  patchErrors(jsonPatch: boolean, patch: unknown): string[] {
    if (this.directive === 'Ignore') return [];
    if (jsonPatch) return strictDecodingErrors(JSON_PATCH_OPERATIONS, patch, this.jsonText).map((e) => `json patch ${e}`);
    return strictDecodingErrors(FREE, patch, this.jsonText);
  }

  /**
   * A patched object against its kind, after `patchErrors`; unknown fields are dropped from `obj`. Strict throws
   * `invalid(detail)` (upstream answers 422 quoting the patch) with every error; Warn warns; Ignore drops silently.
   */
  checkPatched(r: ResourceInfo, obj: Record<string, unknown>, patchErrs: readonly string[], invalid: (detail: string) => Error): void {
    const node = FIELD_TREES.ofKind(r);
    if (this.directive === 'Ignore') {
      if (node) dropUnknownFields(node, obj);
      return;
    }
    const errs = [...patchErrs, ...(node ? strictDecodingErrors(node, obj, undefined, true) : [])];
    if (errs.length === 0) return;
    if (this.directive === 'Strict') throw invalid(`strict decoding error: ${errs.join(', ')}`);
    this.warn(errs);
  }

  /**
   * Keys repeated in a server-side apply configuration (`line N: key "k" already set in map`), checked after the
   * apply merged (upstream applyPatcher): Strict is a 400 `error strict decoding YAML: …` listing them all, Warn
   * warns once per key, Ignore says nothing.
   */
  applyDuplicates(duplicates: readonly string[]): void {
    if (duplicates.length === 0 || this.directive === 'Ignore') return;
    if (this.directive === 'Strict') {
      throw S.badRequest(`error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  ${duplicates.join('\n  ')}`);
    }
    this.warn(duplicates);
  }

  private warn(errs: readonly string[]): void {
    for (const e of errs) this.warning(e);
  }
}

/** What a write without `fieldValidation` gets: Warn, as upstream (kube-apiserver 1.32 handlers/rest.go fieldValidation()). */
export const ABSENT_FIELD_VALIDATION = 'Warn';

/**
 * The checks for a write's `fieldValidation` (already validated; absent is Warn), warning through `warning`. The
 * body's bytes are kept for the duplicate scan only when it is JSON and duplicates matter (not for Ignore).
 */
export function fieldChecks(
  directive: 'Strict' | 'Warn' | 'Ignore' | undefined, warning: (text: string) => void, contentType: string | undefined, body: unknown,
): FieldChecks {
  const d = directive ?? ABSENT_FIELD_VALIDATION;
  if (d === 'Ignore' || !Buffer.isBuffer(body)) return new FieldChecks(d, warning, undefined);
  const type = mediaType(contentType);
  const json = type === '' || type === 'application/json' || type.endsWith('+json');
  return new FieldChecks(d, warning, json ? body : undefined);
}
