// Simulated container logs: deterministic lines per container instance, rendered like kubelet's log endpoint.

import type { Container, Pod } from '../apiserver/api/types.js';
import { formatGoDuration } from './backoff.js';
import { normaliseImage, sha256Hex } from './images.js';
import type { ContainerRuntime, PodRuntime } from './lifecycle.js';

/** The options of a log request (kubelet `containerLogs` query). */
export interface LogQuery {
  previous: boolean;
  timestamps: boolean;
  /** Last N lines (applied before sinceMs, as the kubelet does); negative = all. */
  tailLines?: number;
  /** Absolute epoch ms lower bound. */
  sinceMs?: number;
  limitBytes?: number;
}

/** One generated line and the instant it was "written". */
export interface LogLine {
  at: number;
  text: string;
}

/** A running instance writes one heartbeat line this often. */
export const HEARTBEAT_MS = 10_000;

interface Instance {
  startedAt: number;
  finishedAt?: number;
  exitCode?: number;
  running: boolean;
}

/**
 * The instance a log request reads, as kubelet `validateContainerLogStatus` picks it:
 * previous → lastState; running or terminated → the current one; backing off → the last one.
 */
function instanceFor(c: ContainerRuntime, previous: boolean): Instance | undefined {
  const last = c.last ? { startedAt: c.last.startedAt, finishedAt: c.last.finishedAt, exitCode: c.last.exitCode, running: false } : undefined;
  if (previous) return last;
  if (c.state === 'running' && c.startedAt !== undefined) return { startedAt: c.startedAt, running: true };
  if (c.state === 'terminated' && c.startedAt !== undefined) {
    const i: Instance = { startedAt: c.startedAt, running: false };
    if (c.finishedAt !== undefined) i.finishedAt = c.finishedAt;
    if (c.exitCode !== undefined) i.exitCode = c.exitCode;
    return i;
  }
  return last;
}

function specFor(pod: Pod, c: ContainerRuntime): Container | undefined {
  return ((c.init ? pod.spec?.initContainers : pod.spec?.containers) ?? []).find((s) => s.name === c.name);
}

/**
 * Why no log can be read, in the kubelet's words, or undefined when logLines has an instance
 * to read. `pod` names the pod in the message.
 */
export function logUnavailableReason(pod: Pod, rt: PodRuntime, container: string, previous: boolean): string | undefined {
  const podName = pod.metadata?.name ?? '';
  const c = rt.containers.find((x) => x.name === container);
  if (c === undefined) return `container ${container} is not valid for pod ${podName}`;
  if (instanceFor(c, previous) !== undefined) return undefined;
  if (previous) return `previous terminated container "${container}" in pod "${podName}" not found`;
  if (c.state === 'waiting') {
    if (c.waitingReason === 'ErrImagePull') return `container "${container}" in pod "${podName}" is waiting to start: image can't be pulled`;
    if (c.waitingReason === 'ImagePullBackOff') return `container "${container}" in pod "${podName}" is waiting to start: trying and failing to pull image`;
    return `container "${container}" in pod "${podName}" is waiting to start: ${c.waitingReason ?? 'ContainerCreating'}`;
  }
  return `container "${container}" in pod "${podName}" is terminated`;
}

/** The opening lines an instance writes as it starts (all stamped with its start time). */
function openingLines(pod: Pod, spec: Container | undefined, name: string): string[] {
  const image = spec?.image ?? '';
  const ns = pod.metadata?.namespace ?? 'default';
  const ports = (spec?.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`);
  const workers = (parseInt(sha256Hex(`${ns}/${pod.metadata?.name ?? ''}/${name}/${image}`).slice(0, 2), 16) % 4) + 1;
  return [
    `Starting ${name} (image ${image}) in pod ${ns}/${pod.metadata?.name ?? ''}`,
    `Using image ${normaliseImage(image)}; simulated by kubeling, no process is executed`,
    `Loaded configuration: ${(spec?.env ?? []).length} environment variable(s), ${(spec?.volumeMounts ?? []).length} volume mount(s)`,
    ports.length > 0 ? `Listening on ${ports.join(', ')} with ${workers} worker(s)` : `Started ${workers} worker(s)`,
  ];
}

/** Every line of one instance up to `now`, oldest first. */
export function instanceLines(pod: Pod, spec: Container | undefined, name: string, inst: Instance, now: number): LogLine[] {
  const end = Math.min(now, inst.finishedAt ?? Infinity);
  const lines: LogLine[] = openingLines(pod, spec, name).map((text) => ({ at: inst.startedAt, text }));
  for (let t = inst.startedAt + HEARTBEAT_MS; t <= end; t += HEARTBEAT_MS) {
    lines.push({ at: t, text: `${name} is running, uptime ${formatGoDuration(t - inst.startedAt)}` });
  }
  if (inst.finishedAt !== undefined && inst.finishedAt <= now) {
    const code = inst.exitCode ?? 0;
    lines.push({ at: inst.finishedAt, text: code === 0 ? `${name} finished, exiting with code 0` : `error: ${name} failed (simulated), exiting with code ${code}` });
  }
  return lines;
}

/** RFC 3339 with nine fractional digits, as kubelet prefixes log lines: `2026-01-02T03:04:05.000000000Z`. */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/**
 * The log text of a container as `kubectl logs` shows it, with the filters applied in the
 * kubelet's order (tail, then since, then the byte limit). Empty text when no instance exists
 * (see logUnavailableReason); `nextLineAt` says when a follow stream has more to show.
 */
export function logLines(pod: Pod, rt: PodRuntime, container: string, now: number, q: LogQuery): { text: string; nextLineAt?: number } {
  const c = rt.containers.find((x) => x.name === container);
  const inst = c && instanceFor(c, q.previous);
  if (c === undefined || inst === undefined) return { text: '' };
  const spec = specFor(pod, c);
  let lines = instanceLines(pod, spec, c.name, inst, now);
  if (q.tailLines !== undefined && q.tailLines >= 0) lines = q.tailLines === 0 ? [] : lines.slice(-q.tailLines);
  if (q.sinceMs !== undefined) lines = lines.filter((l) => l.at >= (q.sinceMs ?? 0));
  let text = lines.map((l) => `${q.timestamps ? `${rfc3339Nano(l.at)} ` : ''}${l.text}\n`).join('');
  if (q.limitBytes !== undefined && q.limitBytes >= 0) text = Buffer.from(text, 'utf8').subarray(0, q.limitBytes).toString('utf8');
  if (!inst.running) return { text };
  return { text, nextLineAt: inst.startedAt + (Math.floor(Math.max(0, now - inst.startedAt) / HEARTBEAT_MS) + 1) * HEARTBEAT_MS };
}
