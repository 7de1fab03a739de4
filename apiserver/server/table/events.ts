// The core/v1 Event printer: LAST SEEN (lastTimestamp/eventTime/series), OBJECT kind/name, SOURCE, COUNT, FIRST SEEN.

import type { Event } from 'kubernetes-types/core/v1.js';
import { parseTimestamp, translateTimestampSince } from '../../api/duration.js';
import { DOC, col, wide } from './columns.js';
import { num, str } from './format.js';
import type { TableConvertor } from './types.js';

const FIELD_PATH_DOC =
  'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.';

/**
 * Assumptions / Invariants — as upstream `printEvent`:
 * - FIRST SEEN is `firstTimestamp`, else `eventTime` (events.k8s.io-style events).
 * - LAST SEEN is `lastTimestamp`, else whatever FIRST SEEN printed; a `series` overrides it
 *   with `series.lastObservedTime`, and COUNT with `series.count`.
 * - Without a series, a COUNT of 0 prints 1 (singleton events of the new API leave it unset).
 */
export function eventTimes(ev: Event, now: number): { firstSeen: string; lastSeen: string; count: number } {
  const firstSeen =
    parseTimestamp(ev.firstTimestamp) !== undefined
      ? translateTimestampSince(ev.firstTimestamp, now)
      : translateTimestampSince(ev.eventTime, now);
  let lastSeen = parseTimestamp(ev.lastTimestamp) !== undefined ? translateTimestampSince(ev.lastTimestamp, now) : firstSeen;
  let count = num(ev.count);
  if (ev.series) {
    lastSeen = translateTimestampSince(ev.series.lastObservedTime, now);
    count = num(ev.series.count);
  } else if (count === 0) {
    count = 1;
  }
  return { firstSeen, lastSeen, count };
}

/** OBJECT: `<lowercase kind>/<name>`, or just the lowercase kind when the reference has no name. */
export function eventTarget(ev: Event): string {
  const kind = str(ev.involvedObject?.kind).toLowerCase();
  const name = str(ev.involvedObject?.name);
  return name === '' ? kind : `${kind}/${name}`;
}

/** SOURCE: `component, host`, falling back to reportingComponent / reportingInstance. */
export function eventSource(ev: Event): string {
  const component = str(ev.source?.component) || str(ev.reportingComponent);
  const instance = str(ev.source?.host) || str(ev.reportingInstance);
  return instance === '' ? component : `${component}, ${instance}`;
}

/** Server-side printer for core/v1 `events`. */
export const eventConvertor: TableConvertor = {
  columns: [
    col('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
    col('Reason', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    col('Object', 'The object that this event is about.'),
    wide('Subobject', FIELD_PATH_DOC),
    wide('Source', 'The component reporting this event. Should be a short machine understandable string.'),
    col('Message', 'A human-readable description of the status of this operation.'),
    wide('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)'),
    wide('Count', 'The number of times this event has occurred.'),
    col('Name', DOC.name, { format: 'name', priority: 1 }),
  ],
  cells(obj, now) {
    const ev = obj as unknown as Event;
    const { firstSeen, lastSeen, count } = eventTimes(ev, now);
    return [
      lastSeen,
      str(ev.type),
      str(ev.reason),
      eventTarget(ev),
      str(ev.involvedObject?.fieldPath),
      eventSource(ev),
      str(ev.message).trim(),
      firstSeen,
      count,
      str(obj.metadata.name),
    ];
  },
};
