// Table tests for status building: getPhase, container statuses, image reporting, QoS fallback, timestamps.

import { describe, expect, it } from 'vitest';
import type { ContainerStatus } from 'kubernetes-types/core/v1.js';
import type { Container, Pod } from '../apiserver/api/types.js';
import { containerIdOf, imageIdOf, normaliseImage } from './images.js';
import { LifecycleDriver } from './lifecycle-driver.js';
import { metaTime as rfc3339 } from '../apiserver/api/time.js';
import { containerStatusOf, podPhase } from './pod-status.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

const running: ContainerStatus = { name: 'x', ready: true, restartCount: 0, image: 'i', imageID: '', state: { running: {} } };
const waiting: ContainerStatus = { name: 'x', ready: false, restartCount: 0, image: 'i', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } };
const ok: ContainerStatus = { ...running, state: { terminated: { exitCode: 0 } } };
const failed: ContainerStatus = { ...running, state: { terminated: { exitCode: 1 } } };
const backingOff: ContainerStatus = { ...waiting, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } };

function podWith(restartPolicy: string, inits: Container[] = []): Pod {
  return { metadata: { name: 'p' }, spec: { restartPolicy, containers: [], initContainers: inits } } as unknown as Pod;
}

describe('podPhase (kubelet getPhase)', () => {
  it.each([
    ['Always', [waiting], false, 'Pending'],
    ['Always', [running, waiting], false, 'Pending'],
    ['Always', [running], false, 'Running'],
    ['Always', [running, ok], false, 'Running'],
    ['Always', [backingOff], false, 'Running'],
    ['Always', [ok], false, 'Running'],
    ['OnFailure', [ok, ok], false, 'Succeeded'],
    ['OnFailure', [ok, failed], false, 'Running'],
    ['Never', [ok, failed], false, 'Failed'],
    ['Never', [ok, ok], false, 'Succeeded'],
    ['Always', [ok, ok], true, 'Succeeded'],
    ['Always', [ok, failed], true, 'Failed'],
  ])('restartPolicy %s, %j, terminal=%s → %s', (policy, statuses, terminal, phase) => {
    expect(podPhase(podWith(policy), [], statuses as ContainerStatus[], terminal, false)).toBe(phase);
  });

  it.each([
    ['Always', running, 'Pending'],
    ['Never', failed, 'Failed'],
    ['OnFailure', backingOff, 'Pending'],
    ['Always', ok, 'Running'],
  ])('init container under %s: %j → %s', (policy, initStatus, phase) => {
    const regular = phase === 'Running' ? running : { ...waiting, state: { waiting: { reason: 'PodInitializing' } } };
    expect(podPhase(podWith(policy, [{ name: 'init' }]), [initStatus as ContainerStatus], [regular], false, false)).toBe(phase);
  });

  it('static pods keep a non-terminal phase when their containers stopped', () => {
    expect(podPhase(podWith('Always'), [], [ok], true, true)).toBe('Running');
  });
});

describe('container statuses and images', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.25', 'docker.io/library/nginx:1.25'],
    ['bitnami/redis', 'docker.io/bitnami/redis:latest'],
    ['registry.k8s.io/pause:3.10', 'registry.k8s.io/pause:3.10'],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:5000/team/app:v2', 'localhost:5000/team/app:v2'],
    ['nginx@sha256:abc', 'docker.io/library/nginx@sha256:abc'],
  ])('normaliseImage(%s) = %s', (image, normalised) => {
    expect(normaliseImage(image)).toBe(normalised);
  });

  it('imageID is stable per image, repository-scoped, and honours a pinned digest', () => {
    expect(imageIdOf('nginx')).toBe(imageIdOf('docker.io/library/nginx:latest'));
    expect(imageIdOf('nginx')).not.toBe(imageIdOf('nginx:1.25'));
    expect(imageIdOf('quay.io/x/y:1')).toMatch(/^quay\.io\/x\/y@sha256:[0-9a-f]{64}$/);
    expect(imageIdOf('nginx@sha256:abc')).toBe('docker.io/library/nginx@sha256:abc');
  });

  it('containerID is new per instance and deterministic', () => {
    expect(containerIdOf('u', 'c', 0)).toBe(containerIdOf('u', 'c', 0));
    expect(new Set([containerIdOf('u', 'c', 0), containerIdOf('u', 'c', 1), containerIdOf('u', 'd', 0), containerIdOf('v', 'c', 0)]).size).toBe(4);
  });

  it('reports volume mounts, read-only ones with recursiveReadOnly Disabled', () => {
    const spec: Container = { name: 'c', image: 'nginx', volumeMounts: [{ name: 'kube-api-access-x', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }, { name: 'data', mountPath: '/data' }] };
    const s = containerStatusOf(spec, { name: 'c', init: false, restartCount: 0, state: 'running', startedAt: T0, readyAt: T0, containerID: 'containerd://1' }, T0);
    expect(s.volumeMounts).toEqual([
      { name: 'kube-api-access-x', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true, recursiveReadOnly: 'Disabled' },
      { name: 'data', mountPath: '/data' },
    ]);
  });

  it.each([
    [T0, '2026-01-02T03:04:05Z'],
    [T0 + 999, '2026-01-02T03:04:05Z'],
    [T0 + 1000, '2026-01-02T03:04:06Z'],
  ])('rfc3339(%i) = %s', (ms, text) => {
    expect(rfc3339(ms)).toBe(text);
  });
});

describe('pod-level status fields', () => {
  it.each([
    [[{ name: 'c', image: 'nginx' }], 'BestEffort'],
    [[{ name: 'c', image: 'nginx', resources: { requests: { cpu: '100m' } } }], 'Burstable'],
    [[{ name: 'c', image: 'nginx', resources: { limits: { cpu: '1', memory: '1Gi' } } }], 'Guaranteed'],
  ])('qosClass fallback when the API server set none: %j → %s', (containers, qos) => {
    const d = new LifecycleDriver({ metadata: { name: 'p', uid: 'u' }, spec: { containers } } as Pod);
    d.at(T0);
    expect(d.status.qosClass).toBe(qos);
  });

  it('keeps fields the kubelet does not own (nominatedNodeName, message, reason)', () => {
    const d = new LifecycleDriver({ metadata: { name: 'p', uid: 'u' }, spec: { containers: [{ name: 'c', image: 'nginx' }] }, status: { phase: 'Pending', qosClass: 'Burstable', nominatedNodeName: 'n2' } } as Pod);
    d.at(T0);
    expect(d.status).toMatchObject({ qosClass: 'Burstable', nominatedNodeName: 'n2' });
    expect(Object.keys(d.status)).toEqual(['phase', 'conditions', 'nominatedNodeName', 'hostIP', 'hostIPs', 'podIP', 'podIPs', 'startTime', 'containerStatuses', 'qosClass']);
  });
});
