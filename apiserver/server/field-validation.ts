// fieldValidation on create, update and patch: unknown and duplicate fields refused (Strict), warned about (Warn), or ignored.

import type { FastifyReply } from 'fastify';
import * as S from '../api/status.js';
import type { ResourceInfo } from '../api/resources.js';
import { FIELD_TREES, FREE, JSON_PATCH_OPERATIONS } from '../openapi/field-tree.js';
import { strictDecodingErrors } from '../openapi/strict-decoding.js';
import { mediaType } from './negotiate.js';
import { addWarning } from './warnings.js';

/** The checks one write asks for, with the JSON text of its body (duplicates can only be seen there). */
export class FieldChecks {
  constructor(
    readonly directive: 'Strict' | 'Warn',
    private readonly reply: FastifyReply,
    private readonly jsonText: Uint8Array | undefined,
  ) {}

  /**
   * A create or update body against its kind. Strict: 400 `<Kind> in version "<v>" cannot be handled as a <Kind>:
   * strict decoding error: …` (upstream's transformDecodeError); Warn: one warning per error, and the unknown fields
   * are dropped from `body` (decoding into the Go type drops them upstream).
   */
  checkObject(r: ResourceInfo, body: Record<string, unknown>): void {
    const node = FIELD_TREES.ofKind(r);
    if (!node) return;
    const errs = strictDecodingErrors(node, body, this.jsonText, true);
    if (errs.length === 0) return;
    if (this.directive === 'Strict') throw S.badRequest(`${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: strict decoding error: ${errs.join(', ')}`);
    this.warn(errs);
  }

  /**
   * The errors of a patch body itself, decoded as upstream does before applying it: duplicates anywhere in a merge
   * or strategic patch; for a JSON patch also unknown keys in its operations, each prefixed `json patch`.
   */
  patchErrors(jsonPatch: boolean, patch: unknown): string[] {
    if (jsonPatch) return strictDecodingErrors(JSON_PATCH_OPERATIONS, patch, this.jsonText).map((e) => `json patch ${e}`);
    return strictDecodingErrors(FREE, patch, this.jsonText);
  }

  /**
   * The unknown fields a stored object already has, before a patch is applied to it. Only a write with Ignore can
   * have stored them (upstream would have dropped them then), so a patch is not to blame for them.
   */
  storedUnknown(r: ResourceInfo, current: Record<string, unknown>): ReadonlySet<string> {
    const node = FIELD_TREES.ofKind(r);
    return new Set(node ? strictDecodingErrors(node, current) : []);
  }

  /**
   * A patched object against its kind, after `patchErrors`: Strict throws `invalid(detail)` (upstream answers 422
   * quoting the patch) with every error; Warn warns. Unknown fields are dropped from `obj`, silently for those in
   * `stored` (see storedUnknown).
   */
  checkPatched(r: ResourceInfo, obj: Record<string, unknown>, stored: ReadonlySet<string>, patchErrs: readonly string[], invalid: (detail: string) => Error): void {
    const node = FIELD_TREES.ofKind(r);
    const objErrs = node ? strictDecodingErrors(node, obj, undefined, true) : [];
    const errs = [...patchErrs, ...objErrs.filter((e) => !stored.has(e))];
    if (errs.length === 0) return;
    if (this.directive === 'Strict') throw invalid(`strict decoding error: ${errs.join(', ')}`);
    this.warn(errs);
  }

  private warn(errs: readonly string[]): void {
    for (const e of errs) addWarning(this.reply, e);
  }
}

/**
 * What a write without `fieldValidation` gets. Upstream's default is Warn (kube-apiserver 1.32 handlers/rest.go
 * fieldValidation()); kubeling deliberately checks nothing then, because the check costs about 3% of a create's CPU
 * and the clients that omit the parameter (controllers, client libraries) send machine-made bodies. kubectl always
 * sends it (Strict by default, Warn with --validate=warn, Ignore with --validate=false). Set this to 'Warn' for
 * upstream's behaviour.
 */
export const ABSENT_FIELD_VALIDATION: 'Warn' | 'Ignore' = 'Ignore';

/**
 * The checks for a write's `fieldValidation` (already validated): none for Ignore (nothing is read, nothing dropped).
 * The body's bytes are kept for the duplicate scan only when it is JSON.
 */
export function fieldChecks(directive: 'Strict' | 'Warn' | 'Ignore' | undefined, reply: FastifyReply, contentType: string | undefined, body: unknown): FieldChecks | undefined {
  const d = directive ?? ABSENT_FIELD_VALIDATION;
  if (d === 'Ignore') return undefined;
  const type = mediaType(contentType);
  const json = Buffer.isBuffer(body) && (type === '' || type === 'application/json' || type.endsWith('+json'));
  return new FieldChecks(d, reply, json ? (body as Buffer) : undefined);
}
