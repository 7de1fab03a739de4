// Table tests for Pod and PodTemplateSpec defaulting against upstream's SetDefaults_* (kubernetes 1.32).

import { describe, expect, it } from 'vitest';
import type { KObject } from '../api/types.js';
import { defaultPod, defaultPodSpec, defaultPullPolicy, defaultTemplate } from './defaults-pod.js';

type Json = Record<string, unknown>;
const pod = (spec: Json): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });

describe('defaultPullPolicy (ParseImageName: Always for latest or untagged)', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['docker.io/library/nginx', 'Always'],
    ['registry.example.com:5000/team/app', 'Always'],
    ['registry.example.com:5000/team/app:v2', 'IfNotPresent'],
    ['nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'IfNotPresent'],
    ['nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'Always'],
    ['Nginx', 'IfNotPresent'],
    ['', 'IfNotPresent'],
    [undefined, 'IfNotPresent'],
  ])('%j → %s', (image, want) => {
    expect(defaultPullPolicy(image)).toBe(want);
  });
});

describe('container defaults', () => {
  const containerOf = (c: Json): Json => {
    const spec: Json = { containers: [c] };
    defaultPodSpec(spec);
    return (spec.containers as Json[])[0]!;
  };

  it.each<[string, Json, Json]>([
    ['termination message, pull policy, resources', { name: 'c', image: 'busybox:1.36' }, {
      name: 'c', image: 'busybox:1.36', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File', resources: {},
    }],
    ['explicit values are kept', { name: 'c', image: 'x', imagePullPolicy: 'Never', terminationMessagePolicy: 'FallbackToLogsOnError', resources: { limits: { cpu: '1' } } }, {
      imagePullPolicy: 'Never', terminationMessagePolicy: 'FallbackToLogsOnError', resources: { limits: { cpu: '1' } },
    }],
    ['port protocol TCP', { name: 'c', image: 'x', ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }] }, {
      ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 53, protocol: 'UDP' }],
    }],
    ['probe timings, httpGet path and scheme', { name: 'c', image: 'x', livenessProbe: { httpGet: { port: 8080 } } }, {
      livenessProbe: { httpGet: { port: 8080, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
    }],
    ['explicit zero timings are defaulted like absent ones', { name: 'c', image: 'x', readinessProbe: { tcpSocket: { port: 1 }, periodSeconds: 0, failureThreshold: 5 } }, {
      readinessProbe: { tcpSocket: { port: 1 }, periodSeconds: 10, failureThreshold: 5, timeoutSeconds: 1, successThreshold: 1 },
    }],
    ['grpc service ""', { name: 'c', image: 'x', startupProbe: { grpc: { port: 9000 } } }, {
      startupProbe: { grpc: { port: 9000, service: '' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
    }],
    ['lifecycle httpGet', { name: 'c', image: 'x', lifecycle: { preStop: { httpGet: { port: 80, path: '/stop' } } } }, {
      lifecycle: { preStop: { httpGet: { port: 80, path: '/stop', scheme: 'HTTP' } } },
    }],
    ['env fieldRef apiVersion', { name: 'c', image: 'x', env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'V', value: '1' }] }, {
      env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name', apiVersion: 'v1' } } }, { name: 'V', value: '1' }],
    }],
  ])('%s', (_name, c, want) => {
    expect(containerOf(c)).toMatchObject(want);
  });
});

describe('volume defaults', () => {
  it.each<[string, Json, Json]>([
    ['no source is an emptyDir', { name: 'v' }, { name: 'v', emptyDir: {} }],
    ['secret and configMap mode 420', { name: 'v', secret: { secretName: 's' } }, { secret: { secretName: 's', defaultMode: 420 } }],
    ['configMap keeps its mode', { name: 'v', configMap: { name: 'c', defaultMode: 256 } }, { configMap: { name: 'c', defaultMode: 256 } }],
    ['downwardAPI mode and fieldRef', { name: 'v', downwardAPI: { items: [{ path: 'n', fieldRef: { fieldPath: 'metadata.name' } }] } }, {
      downwardAPI: { defaultMode: 420, items: [{ path: 'n', fieldRef: { fieldPath: 'metadata.name', apiVersion: 'v1' } }] },
    }],
    ['projected mode, token expiration', { name: 'v', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } }, {
      projected: { defaultMode: 420, sources: [{ serviceAccountToken: { path: 't', expirationSeconds: 3600 } }] },
    }],
    ['hostPath type ""', { name: 'v', hostPath: { path: '/x' } }, { hostPath: { path: '/x', type: '' } }],
    ['ephemeral claim template', { name: 'v', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'] } } } }, {
      ephemeral: { volumeClaimTemplate: { metadata: { creationTimestamp: null }, spec: { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' } } },
    }],
  ])('%s', (_name, v, want) => {
    const spec: Json = { containers: [], volumes: [v] };
    defaultPodSpec(spec);
    expect((spec.volumes as Json[])[0]).toEqual(expect.objectContaining(want));
  });
});

describe('PodSpec defaults and the serviceAccount mirror', () => {
  it.each<[string, Json, Json]>([
    ['SetDefaults_PodSpec', {}, {
      dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', securityContext: {}, terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler',
    }],
    ['explicit values kept (0 grace period too)', { restartPolicy: 'Never', terminationGracePeriodSeconds: 0, dnsPolicy: 'Default' }, {
      restartPolicy: 'Never', terminationGracePeriodSeconds: 0, dnsPolicy: 'Default',
    }],
    ['serviceAccountName is mirrored into serviceAccount', { serviceAccountName: 'a' }, { serviceAccountName: 'a', serviceAccount: 'a' }],
    ['serviceAccount alone fills serviceAccountName', { serviceAccount: 'b' }, { serviceAccountName: 'b', serviceAccount: 'b' }],
    ['serviceAccountName wins', { serviceAccountName: 'a', serviceAccount: 'b' }, { serviceAccountName: 'a', serviceAccount: 'a' }],
  ])('%s', (_name, spec, want) => {
    defaultPodSpec(spec);
    expect(spec).toMatchObject(want);
  });

  it('no service account: neither field appears', () => {
    const spec: Json = {};
    defaultPodSpec(spec);
    expect(spec).not.toHaveProperty('serviceAccount');
    expect(spec).not.toHaveProperty('serviceAccountName');
  });
});

describe('SetDefaults_Pod (pods only)', () => {
  it.each<[string, Json, Json]>([
    ['enableServiceLinks true', { containers: [] }, { enableServiceLinks: true }],
    ['enableServiceLinks false kept', { containers: [], enableServiceLinks: false }, { enableServiceLinks: false }],
    ['requests from limits, for init containers too', {
      containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } } }],
      initContainers: [{ name: 'i', image: 'x', resources: { limits: { memory: '64Mi' } } }],
    }, {
      containers: [{ resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } } }],
      initContainers: [{ resources: { limits: { memory: '64Mi' }, requests: { memory: '64Mi' } } }],
    }],
    ['host ports under hostNetwork', { hostNetwork: true, containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80 }, { containerPort: 81, hostPort: 9 }] }] }, {
      containers: [{ ports: [{ containerPort: 80, hostPort: 80, protocol: 'TCP' }, { containerPort: 81, hostPort: 9, protocol: 'TCP' }] }],
    }],
  ])('%s', (_name, spec, want) => {
    const p = pod(spec);
    defaultPod(p);
    expect(p.spec).toMatchObject(want);
  });

  it('a template gets the PodSpec defaults but not the Pod ones, and a null creationTimestamp', () => {
    const template: Json = { spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '1' } } }] } };
    defaultTemplate(template);
    expect(template.metadata).toEqual({ creationTimestamp: null });
    const spec = template.spec as Json;
    expect(spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' });
    expect(spec).not.toHaveProperty('enableServiceLinks');
    expect((spec.containers as Json[])[0]!.resources).toEqual({ limits: { cpu: '1' } });
  });

  it('is idempotent', () => {
    const p = pod({ containers: [{ name: 'c', image: 'x', livenessProbe: { httpGet: { port: 1 } } }], volumes: [{ name: 'v' }] });
    defaultPod(p);
    const once = structuredClone(p);
    defaultPod(p);
    expect(p).toEqual(once);
  });
});
