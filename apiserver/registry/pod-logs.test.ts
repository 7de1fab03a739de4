// The kubelet's log checks and the container a log request means, table-driven.

import { describe, expect, it } from 'vitest';
import type { KObject } from '../api/types.js';
import { checkLogStatus, emptyLogSource, logContainer } from './pod-logs.js';

const pod = (containerStatus?: Record<string, unknown>, spec: Record<string, unknown> = { containers: [{ name: 'c' }] }): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default' },
  spec,
  status: containerStatus ? { containerStatuses: [{ name: 'c', ...containerStatus }] } : {},
});

const ID = 'containerd://abc';

describe('checkLogStatus', () => {
  it.each([
    ['no status yet', undefined, false, 'container "c" in pod "p" is not available'],
    ['waiting: ContainerCreating', { state: { waiting: { reason: 'ContainerCreating' } } }, false, 'container "c" in pod "p" is waiting to start: ContainerCreating'],
    ['waiting: ErrImagePull', { state: { waiting: { reason: 'ErrImagePull' } } }, false, 'container "c" in pod "p" is waiting to start: image can\'t be pulled'],
    ['waiting: ImagePullBackOff', { state: { waiting: { reason: 'ImagePullBackOff' } } }, false, 'container "c" in pod "p" is waiting to start: trying and failing to pull image'],
    ['no state at all', { state: {} }, false, 'container "c" in pod "p" is waiting to start - no logs yet'],
    ['terminated without an id', { state: { terminated: { exitCode: 1 } } }, false, 'container "c" in pod "p" is terminated'],
    ['previous without a terminated instance', { state: { running: {} } }, true, 'previous terminated container "c" in pod "p" not found'],
  ])('%s is a 400: %s', (_what, status, previous, message) => {
    expect(() => checkLogStatus(pod(status), 'c', previous)).toThrow(message);
  });

  it.each([
    ['running', { state: { running: {} } }, false, true],
    ['terminated', { state: { terminated: { exitCode: 0, containerID: ID } } }, false, false],
    ['restarting after a crash', { state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { containerID: ID } } }, false, false],
    ['previous of a restarted container', { state: { running: {} }, lastState: { terminated: { containerID: ID } } }, true, false],
  ])('%s has a log', (_what, status, previous, running) => {
    expect(checkLogStatus(pod(status), 'c', previous)).toEqual({ running });
  });
});

describe('logContainer', () => {
  const two = { initContainers: [{ name: 'init' }], containers: [{ name: 'a' }, { name: 'b' }] };
  it.each([
    [{ containers: [{ name: 'only' }] }, '', 'only'],
    [two, 'init', 'init'],
    [two, 'b', 'b'],
  ])('%j with %j means %s', (spec, requested, want) => {
    expect(logContainer(pod(undefined, spec), requested)).toBe(want);
  });

  it.each([
    [two, '', 'a container name must be specified for pod p, choose one of: [init a b]'],
    [{ containers: [] }, '', 'a container name must be specified for pod p'],
    [two, 'z', 'container z is not valid for pod p'],
  ])('%j with %j is a 400: %s', (spec, requested, message) => {
    expect(() => logContainer(pod(undefined, spec), requested)).toThrow(message);
  });
});

describe('emptyLogSource', () => {
  it('ends at once without follow, and with follow only when the signal aborts', async () => {
    const opts = { container: 'c', follow: false, previous: false, timestamps: false };
    const running = pod({ state: { running: {} } });
    const chunks: unknown[] = [];
    for await (const c of await emptyLogSource.open(running, opts, new AbortController().signal)) chunks.push(c);
    expect(chunks).toEqual([]);
    const ac = new AbortController();
    let ended = false;
    const reading = (async () => {
      for await (const c of await emptyLogSource.open(running, { ...opts, follow: true }, ac.signal)) chunks.push(c);
      ended = true;
    })();
    await new Promise((resolve) => setImmediate(resolve)); // every pending microtask has run
    expect(ended).toBe(false);
    ac.abort();
    await reading;
    expect(ended).toBe(true);
  });
});
