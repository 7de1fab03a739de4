// pods/log: which container a request means (upstream LogLocation) and the log source a kubelet provides.

import * as S from '../api/status.js';
import { isPlainObject, type KObject } from '../api/types.js';

/** The PodLogOptions the server passes on (upstream core/v1 PodLogOptions). */
export interface PodLogOptions {
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
  limitBytes?: number;
}

/**
 * Where log text comes from: the kubelet of the pod's node (a simulated kubelet plugs in here). `open` answers as
 * a kubelet does: it throws an ApiError (e.g. a container still waiting) or returns the log, which ends when the
 * log ends or, with `follow`, when `signal` aborts (the client went away or the pod was deleted).
 */
export interface LogSource {
  open(pod: KObject, opts: PodLogOptions, signal: AbortSignal): Promise<AsyncIterable<string | Uint8Array>>;
}

type Obj = Record<string, unknown>;

function namesIn(spec: Obj, field: string): string[] {
  const list = Array.isArray(spec[field]) ? (spec[field] as unknown[]) : [];
  return list.filter(isPlainObject).map((c) => String(c.name ?? ''));
}

/**
 * Upstream validateContainer: without a container name, a pod's only container is meant, and more than one is a
 * 400 listing every container (init, regular, ephemeral) Go-style; a name must be one of the pod's containers.
 */
export function logContainer(pod: KObject, requested: string): string {
  const spec = isPlainObject(pod.spec) ? pod.spec : {};
  const name = pod.metadata.name ?? '';
  const all = [...namesIn(spec, 'initContainers'), ...namesIn(spec, 'containers'), ...namesIn(spec, 'ephemeralContainers')];
  if (requested === '') {
    const regular = namesIn(spec, 'containers');
    if (regular.length === 1) return regular[0]!;
    if (regular.length === 0) throw S.badRequest(`a container name must be specified for pod ${name}`);
    throw S.badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`);
  }
  if (!all.includes(requested)) throw S.badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

function statusOfContainer(pod: KObject, container: string): Obj | undefined {
  const status = isPlainObject(pod.status) ? pod.status : {};
  for (const field of ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses']) {
    const list = Array.isArray(status[field]) ? (status[field] as unknown[]) : [];
    const found = list.find((c): c is Obj => isPlainObject(c) && c.name === container);
    if (found) return found;
  }
  return undefined;
}

const sub = (o: Obj, k: string): Obj | undefined => (isPlainObject(o[k]) ? (o[k] as Obj) : undefined);

/**
 * The kubelet's check before it reads a log (validateContainerLogStatus), from the container status it reported:
 * `previous` needs a terminated previous instance; a running or terminated container has a log; a waiting one is
 * a 400 `container "c" in pod "x" is waiting to start: <reason>`. Returns whether the container is running.
 */
export function checkLogStatus(pod: KObject, container: string, previous: boolean): { running: boolean } {
  const pod_ = pod.metadata.name ?? '';
  const at = `container ${JSON.stringify(container)} in pod ${JSON.stringify(pod_)}`;
  const cs = statusOfContainer(pod, container);
  if (!cs) throw S.badRequest(`${at} is not available`);
  const state = sub(cs, 'state') ?? {};
  const last = sub(cs, 'lastState') ?? {};
  const lastTerminated = sub(last, 'terminated');
  const hasId = (o: Obj | undefined): boolean => typeof o?.containerID === 'string' && o.containerID !== '';
  if (previous) {
    if (!hasId(lastTerminated)) throw S.badRequest(`previous terminated ${at} not found`);
    return { running: false };
  }
  if (sub(state, 'running')) return { running: true };
  const terminated = sub(state, 'terminated');
  if (terminated) {
    if (!hasId(terminated) && !hasId(lastTerminated)) throw S.badRequest(`${at} is terminated`);
    return { running: false };
  }
  if (lastTerminated) {
    if (!hasId(lastTerminated)) throw S.badRequest(`${at} is terminated`);
    return { running: false };
  }
  const waiting = sub(state, 'waiting');
  if (waiting) {
    const reason = String(waiting.reason ?? '');
    if (reason === 'ErrImagePull') throw S.badRequest(`${at} is waiting to start: image can't be pulled`);
    if (reason === 'ImagePullBackOff') throw S.badRequest(`${at} is waiting to start: trying and failing to pull image`);
    throw S.badRequest(`${at} is waiting to start: ${reason}`);
  }
  throw S.badRequest(`${at} is waiting to start - no logs yet`);
}

/** An empty log that ends at once, or, when `signal` is given, once it aborts. */
async function* emptyLog(signal?: AbortSignal): AsyncGenerator<string> {
  if (!signal || signal.aborted) return;
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/**
 * The log source until kubelets exist: every container that the pod's status shows as started has an empty log;
 * the kubelet's status checks apply. With `follow`, a running container's (empty) log stays open until `signal`.
 */
export const emptyLogSource: LogSource = {
  async open(pod, opts, signal) {
    const { running } = checkLogStatus(pod, opts.container, opts.previous);
    return emptyLog(opts.follow && running ? signal : undefined);
  },
};
