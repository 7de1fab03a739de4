// The Pod printer: READY, STATUS (init, waiting, terminated, Terminating), RESTARTS with "(5m ago)", wide IP/node columns.

import type { Container, ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import type { KObject } from '../../api/types.js';
import { humanDuration, parseTimestamp } from '../../api/duration.js';
import { DOC, ageColumn, col, nameColumn, wide } from './columns.js';
import { age, asArray, num, str } from './format.js';
import type { TableConvertor, TableRowCondition } from './types.js';

/** A running sum of restarts and the latest `lastState.terminated.finishedAt` seen (epoch ms). */
interface RestartTally {
  count: number;
  last: number | undefined;
}

/** Mutable state while walking a pod's container statuses. */
interface PodState {
  reason: string;
  ready: number;
  all: RestartTally;
  sidecars: RestartTally;
}

/** `NodeUnreachablePodReason`: the node controller's reason for pods on a lost node. */
const NODE_LOST = 'NodeLost';

function addRestarts(t: RestartTally, cs: ContainerStatus): void {
  t.count += num(cs.restartCount);
  const finished = parseTimestamp(cs.lastState?.terminated?.finishedAt);
  if (finished !== undefined && (t.last === undefined || t.last < finished)) t.last = finished;
}

/** `podutil.IsRestartableInitContainer`: a sidecar, i.e. an init container with restartPolicy Always. */
function isRestartable(c: Container | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

function hasCondition(pod: Pod, type: string): boolean {
  return asArray(pod.status?.conditions).some((c) => c.type === type && c.status === 'True');
}

/** `isPodInitializedConditionTrue`: the first `Initialized` condition decides. */
function initializedTrue(pod: Pod): boolean {
  const c = asArray(pod.status?.conditions).find((x) => x.type === 'Initialized');
  return c?.status === 'True';
}

/** The `Init:…` reason of the init container that stops initialisation at index `i`. */
function initReason(cs: ContainerStatus, i: number, initCount: number): string {
  const term = cs.state?.terminated;
  if (term) {
    if (str(term.reason) !== '') return `Init:${str(term.reason)}`;
    return num(term.signal) !== 0 ? `Init:Signal:${num(term.signal)}` : `Init:ExitCode:${num(term.exitCode)}`;
  }
  const waiting = str(cs.state?.waiting?.reason);
  if (cs.state?.waiting && waiting !== '' && waiting !== 'PodInitializing') return `Init:${waiting}`;
  return `Init:${i}/${initCount}`;
}

/**
 * Walks init container statuses in order; returns true while initialisation is still
 * in progress (and has then set the `Init:…` reason). Completed init containers and
 * started sidecars are skipped; started sidecars count towards READY.
 */
function scanInitContainers(pod: Pod, s: PodState): boolean {
  const specInit = asArray(pod.spec?.initContainers);
  const byName = new Map(specInit.map((c) => [c.name, c] as const));
  for (const [i, cs] of asArray(pod.status?.initContainerStatuses).entries()) {
    addRestarts(s.all, cs);
    const sidecar = isRestartable(byName.get(cs.name));
    if (sidecar) addRestarts(s.sidecars, cs);
    const term = cs.state?.terminated;
    if (term && num(term.exitCode) === 0) continue;
    if (sidecar && cs.started === true) {
      if (cs.ready) s.ready++;
      continue;
    }
    s.reason = initReason(cs, i, specInit.length);
    return true;
  }
  return false;
}

/**
 * Walks regular container statuses from last to first, so the first container's
 * waiting/terminated reason wins; counts ready+running containers.
 */
function scanContainers(pod: Pod, s: PodState, restarts: RestartTally): void {
  const statuses = asArray(pod.status?.containerStatuses);
  let hasRunning = false;
  for (let i = statuses.length - 1; i >= 0; i--) {
    const cs = statuses[i];
    if (!cs) continue;
    addRestarts(restarts, cs);
    const waiting = cs.state?.waiting;
    const term = cs.state?.terminated;
    if (waiting && str(waiting.reason) !== '') s.reason = str(waiting.reason);
    else if (term && str(term.reason) !== '') s.reason = str(term.reason);
    else if (term) s.reason = num(term.signal) !== 0 ? `Signal:${num(term.signal)}` : `ExitCode:${num(term.exitCode)}`;
    else if (cs.ready && cs.state?.running) {
      hasRunning = true;
      s.ready++;
    }
  }
  if (s.reason === 'Completed' && hasRunning) s.reason = hasCondition(pod, 'Ready') ? 'Running' : 'NotReady';
}

/** The STATUS reason before init/container overrides: SchedulingGated, else status.reason, else phase. */
function baseReason(pod: Pod): string {
  let reason = str(pod.status?.reason) || str(pod.status?.phase);
  for (const c of asArray(pod.status?.conditions)) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }
  return reason;
}

/**
 * READY, STATUS and RESTARTS exactly as upstream `printPod` (pkg/printers/internalversion, v1.32).
 *
 * Assumptions / Invariants:
 * - READY's denominator is spec.containers plus sidecars (init containers with restartPolicy Always).
 * - While an init container blocks, STATUS is `Init:…` and RESTARTS counts init restarts seen so far;
 *   once done (or the Initialized condition is True) RESTARTS restarts from the sidecar count and adds
 *   the regular containers, whose waiting/terminated reason (the first container's wins) replaces STATUS.
 * - `Completed` with a container still running reads `Running` (pod Ready) or `NotReady`.
 * - A deleting pod reads `Unknown` if its reason is NodeLost, else `Terminating` unless its phase is terminal.
 * - `(5m ago)` follows the count when some container has a last termination time.
 */
export function podStatus(pod: Pod, now: number): { ready: string; reason: string; restarts: string } {
  const sidecarCount = asArray(pod.spec?.initContainers).filter(isRestartable).length;
  const total = asArray(pod.spec?.containers).length + sidecarCount;
  const s: PodState = { reason: baseReason(pod), ready: 0, all: { count: 0, last: undefined }, sidecars: { count: 0, last: undefined } };
  const initializing = scanInitContainers(pod, s);
  let restarts = s.all;
  if (!initializing || initializedTrue(pod)) {
    restarts = { ...s.sidecars };
    scanContainers(pod, s, restarts);
  }
  const phase = str(pod.status?.phase);
  const deleting = Boolean(pod.metadata?.deletionTimestamp);
  if (deleting && pod.status?.reason === NODE_LOST) s.reason = 'Unknown';
  else if (deleting && phase !== 'Failed' && phase !== 'Succeeded') s.reason = 'Terminating';
  let restartsText = String(restarts.count);
  if (restarts.count !== 0 && restarts.last !== undefined) restartsText += ` (${humanDuration(now - restarts.last)} ago)`;
  return { ready: `${s.ready}/${total}`, reason: s.reason, restarts: restartsText };
}

/** READINESS GATES: `<true gates>/<gates>`, or `<none>` without gates. */
function readinessGates(pod: Pod): string {
  const gates = asArray(pod.spec?.readinessGates);
  if (gates.length === 0) return '<none>';
  const conditions = asArray(pod.status?.conditions);
  const passed = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return `${passed}/${gates.length}`;
}

/** IP: `status.podIP` (authoritative, as API conversion treats it), else `podIPs[0]`, else `<none>`. */
function podIP(pod: Pod): string {
  return str(pod.status?.podIP) || str(asArray(pod.status?.podIPs)[0]?.ip) || '<none>';
}

function podConditions(obj: KObject): TableRowCondition[] | undefined {
  const phase = (obj as unknown as Pod).status?.phase;
  if (phase === 'Succeeded') return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
  if (phase === 'Failed') return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
  return undefined;
}

/** Server-side printer for `pods`. */
export const podConvertor: TableConvertor = {
  columns: [
    nameColumn(),
    col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageColumn(),
    wide('IP', DOC.podIP),
    wide('Node', DOC.nodeName),
    wide('Nominated Node', DOC.nominatedNodeName),
    wide('Readiness Gates', DOC.readinessGates),
  ],
  cells(obj, now) {
    const pod = obj as unknown as Pod;
    const { ready, reason, restarts } = podStatus(pod, now);
    const node = str(pod.spec?.nodeName) || '<none>';
    const nominated = str(pod.status?.nominatedNodeName) || '<none>';
    return [str(obj.metadata.name), ready, reason, restarts, age(obj, now), podIP(pod), node, nominated, readinessGates(pod)];
  },
  conditions: podConditions,
};
