// The query of a watch request, converted and validated as upstream's ListOptions for watch=true.

import * as S from '../api/status.js';
import { boolParam, intParam, type Query } from './query.js';

/** Timing of watch streams; every value is injectable so tests need not wait for upstream's defaults. */
export interface WatchServerOptions {
  /** How often a watcher that allows bookmarks gets one (upstream: every minute). */
  bookmarkIntervalMs?: number;
  /** Streams without timeoutSeconds last between this and twice this (upstream: --min-request-timeout, 1800 s). */
  minRequestTimeoutSeconds?: number;
  /** Lines a backed-up stream may have waiting before it is cut off. */
  maxQueuedEvents?: number;
  /** How long a sendInitialEvents watch waits for a resourceVersion newer than the current one (upstream: 3 s). */
  tooLargeWaitMs?: number;
  /** Random source for the default timeout. */
  random?: () => number;
}

/** The parsed watch options. */
export interface WatchParams {
  /** Undefined: start with the current state as ADDED events; 'now': changes from the current revision; else after it. */
  fromRevision: number | 'now' | undefined;
  /** With sendInitialEvents=true: the revision the state must have reached (resourceVersion=N). */
  notOlderThan: number | undefined;
  /** sendInitialEvents was given (as true or false). */
  sendInitialEvents: boolean | undefined;
  allowBookmarks: boolean;
  /** The stream's lifetime. */
  timeoutMs: number;
}

function parseRevision(rv: string | undefined): number | undefined {
  if (rv === undefined || rv === '') return undefined;
  if (!/^\d+$/.test(rv)) throw S.badRequest(`invalid resource version: ${rv}`);
  const n = Number(rv);
  if (!Number.isSafeInteger(n)) throw S.badRequest(`invalid resource version: ${rv}`);
  return n;
}

/** upstream validateWatchOptions: resourceVersionMatch only with sendInitialEvents, and then only NotOlderThan. */
function validate(q: Query, sendInitialEvents: boolean | undefined): void {
  const errs: S.FieldError[] = [];
  const match = q.resourceVersionMatch ?? '';
  if (sendInitialEvents !== undefined && match !== 'NotOlderThan') {
    errs.push({ type: 'Forbidden', field: 'resourceVersionMatch', detail: 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan' });
  }
  if (match !== '') {
    if (sendInitialEvents === undefined) errs.push({ type: 'Forbidden', field: 'resourceVersionMatch', detail: 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided' });
    if (match !== 'NotOlderThan') errs.push({ type: 'NotSupported', field: 'resourceVersionMatch', value: match, supported: ['NotOlderThan'] });
    if (q.continue) errs.push({ type: 'Forbidden', field: 'resourceVersionMatch', detail: 'resourceVersionMatch is forbidden when continue is provided' });
  }
  if (errs.length) throw S.invalid('ListOptions', 'meta.k8s.io', '', errs);
}

/**
 * Reads a watch query. Invariants (upstream get.go ListResource + Cacher.Watch, 1.32 with WatchList on):
 * resourceVersion unset or 0 starts with the current state unless sendInitialEvents=false (then: from now);
 * resourceVersion=N starts after N unless sendInitialEvents=true (then: the state as of at least N);
 * timeoutSeconds unset or 0 means a random lifetime in [min, 2×min) of the minimum request timeout.
 */
export function parseWatchParams(q: Query, opts: WatchServerOptions): WatchParams {
  const timeout = intParam(q, 'timeoutSeconds');
  const allowBookmarks = boolParam(q, 'allowWatchBookmarks');
  const sendInitialEvents = q.sendInitialEvents === undefined || q.sendInitialEvents === '' ? undefined : boolParam(q, 'sendInitialEvents');
  intParam(q, 'limit');
  validate(q, sendInitialEvents);
  const rv = parseRevision(q.resourceVersion);
  const min = opts.minRequestTimeoutSeconds ?? 1800;
  const timeoutMs = timeout && timeout > 0 ? timeout * 1000 : min * 1000 * ((opts.random ?? Math.random)() + 1);
  let fromRevision: number | 'now' | undefined;
  let notOlderThan: number | undefined;
  if (sendInitialEvents === true) notOlderThan = rv;
  else if (sendInitialEvents === false) fromRevision = rv === undefined || rv === 0 ? 'now' : rv;
  else fromRevision = rv === undefined || rv === 0 ? undefined : rv;
  return { fromRevision, notOlderThan, sendInitialEvents, allowBookmarks, timeoutMs };
}
