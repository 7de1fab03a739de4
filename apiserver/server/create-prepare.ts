// A create request from body bytes to the text to store, as one step without I/O: the same code runs inline or on a
// create worker thread (create-workers.ts), and only plain data goes in and out.

import * as S from '../api/status.js';
import { findResource, groupVersion } from '../api/resources.js';
import { serviceAccountNameFor, type PriorityClassRef } from '../registry/admission.js';
import { AccountCache, accountKey, admissionInputsOf, admissionNeed, type StoredAccount } from '../registry/admission-inputs.js';
import { prepareCreate, type PreparedCreate } from '../registry/prepare.js';
import { fieldChecks } from './field-validation.js';
import { decodeObjectBody } from './negotiate.js';
import { checkBody } from './typed-body.js';

/** A create request as plain data (what crosses to a worker thread). */
export interface CreateRequest {
  group: string;
  plural: string;
  namespace?: string | undefined;
  contentType?: string | undefined;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore' | undefined;
  /** The body as received (empty when there was none). */
  body: Uint8Array;
  /** The server's clock (ms since the epoch) and the uid for the new object. */
  now: number;
  uid: string;
  /**
   * For a pod: a ServiceAccount read from storage for admission (`default` first). A pod naming another account
   * comes back as `needs-account`, to be prepared again with that one.
   */
  account?: { name: string; stored: StoredAccount | null } | undefined;
  /** For a pod or a PriorityClass: every stored PriorityClass, read for Priority admission. */
  priorityClasses?: readonly PriorityClassRef[] | undefined;
  /** For a PersistentVolumeClaim: the default StorageClass's name, read for DefaultStorageClass admission. */
  defaultStorageClass?: string | undefined;
}

/** What preparing a create comes to. */
export type CreateOutcome =
  /** Ready to commit; `invalid` (403 admission or 422 validation) is answered after the namespace check, as upstream. */
  | { type: 'prepared'; warnings: string[]; name: string; generated: boolean; text: string; invalid?: S.Status }
  /** A body that does not decode into the endpoint's kind (400), answered at once. */
  | { type: 'rejected'; warnings: string[]; status: S.Status }
  /** A pod whose ServiceAccount is not the one looked up: look this one up and prepare again. */
  | { type: 'needs-account'; name: string };

/** Decodes, checks and prepares a create (see CreateRequest); `accounts` caches decoded ServiceAccounts. */
export function prepareCreateRequest(req: CreateRequest, accounts: AccountCache): CreateOutcome {
  const warnings: string[] = [];
  const r = findResource(req.group, req.plural);
  if (!r) throw new Error(`no resource ${req.plural} in group "${req.group}"`);
  const body = Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength);
  let prepared: PreparedCreate;
  try {
    const fields = fieldChecks(req.fieldValidation, (w) => warnings.push(w), req.contentType, body);
    const decoded = decodeObjectBody(req.contentType, body, r.kind, groupVersion(r), fields.yamlDuplicatesSink);
    const obj = checkBody({ resource: r, namespace: req.namespace }, decoded, 'create', fields);
    const admission = admissionInputsOf(admissionNeed(r, req.namespace), req);
    if (admission.pod) {
      const name = serviceAccountNameFor(obj);
      if (name !== undefined && name !== req.account?.name) return { type: 'needs-account', name };
      if (name !== undefined) admission.pod.serviceAccount = accounts.decoded(accountKey(req.namespace!, name), req.account!.stored);
    }
    prepared = prepareCreate(r, req.namespace, obj, new Date(req.now), req.uid, admission);
  } catch (e) {
    if (e instanceof S.ApiError) return { type: 'rejected', warnings, status: e.status };
    throw e;
  }
  const { name, generated, text, invalid } = prepared;
  return invalid ? { type: 'prepared', warnings, name, generated, text, invalid: invalid.status } : { type: 'prepared', warnings, name, generated, text };
}
