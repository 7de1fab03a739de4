// Table tests for PodSpec validation: upstream's paths, error types and messages, on defaulted pods.

import { describe, expect, it } from 'vitest';
import { R } from '../api/resources.js';
import { fieldErrorString, invalid } from '../api/status.js';
import type { KObject } from '../api/types.js';
import { defaultPod } from './defaults-pod.js';
import { strategyFor } from './strategy.js';
import { isValidPortName, validateTolerations } from './validate-pod.js';

type Json = Record<string, unknown>;
const c = (name: string, extra: Json = {}): Json => ({ name, image: 'busybox:1.36', ...extra });

/** The errors of a pod create with this spec, once defaulted (as the registry orders it). */
function errorsOf(spec: Json): string[] {
  const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec };
  defaultPod(pod);
  return strategyFor(R.pods).validate!(pod).map(fieldErrorString);
}

const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

describe('pod spec validation', () => {
  it.each<[string, Json, string[]]>([
    ['a valid pod', { containers: [c('a', { ports: [{ name: 'http', containerPort: 80 }] })], volumes: [{ name: 'v' }] }, []],
    ['no containers', { containers: [] }, ['spec.containers: Required value']],
    ['a container without name and image', { containers: [{}] }, ['spec.containers[0].name: Required value', 'spec.containers[0].image: Required value']],
    ['a name that is not a DNS label', { containers: [c('My_App')] }, [`spec.containers[0].name: Invalid value: "My_App": ${LABEL_MSG}`]],
    ['duplicate names', { containers: [c('a'), c('a')] }, ['spec.containers[1].name: Duplicate value: "a"']],
    ['an init container named like a container', { containers: [c('a')], initContainers: [c('a')] }, ['spec.initContainers[0].name: Duplicate value: "a"']],
    ['ports out of range', { containers: [c('a', { ports: [{ containerPort: 70000 }, { containerPort: 80, hostPort: -1 }] })] }, [
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[1].hostPort: Invalid value: -1: must be between 1 and 65535, inclusive',
    ]],
    ['a port without containerPort', { containers: [c('a', { ports: [{ name: 'x' }] })] }, ['spec.containers[0].ports[0].containerPort: Required value']],
    ['duplicate port names', { containers: [c('a', { ports: [{ name: 'web', containerPort: 80 }, { name: 'web', containerPort: 81 }] })] }, [
      'spec.containers[0].ports[1].name: Duplicate value: "web"',
    ]],
    ['a bad port name', { containers: [c('a', { ports: [{ name: 'Web_Port-', containerPort: 80 }] })] }, [
      'spec.containers[0].ports[0].name: Invalid value: "Web_Port-": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.containers[0].ports[0].name: Invalid value: "Web_Port-": must not begin or end with a hyphen',
    ]],
    ['an unsupported protocol', { containers: [c('a', { ports: [{ containerPort: 80, protocol: 'HTTP' }] })] }, [
      'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    ]],
    ['an unsupported pull policy', { containers: [c('a', { imagePullPolicy: 'Sometimes' })] }, [
      'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
    ]],
    ['a bad env name', { containers: [c('a', { env: [{ name: '1X', value: 'v' }, { value: 'v' }] })] }, [
      "spec.containers[0].env[0].name: Invalid value: \"1X\": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
      'spec.containers[0].env[1].name: Required value',
    ]],
    ['a mount of a missing volume', { containers: [c('a', { volumeMounts: [{ name: 'data', mountPath: '/d' }, { name: 'data', mountPath: '/d' }] })] }, [
      'spec.containers[0].volumeMounts[0].name: Not found: "data"',
      'spec.containers[0].volumeMounts[1].name: Not found: "data"',
      'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/d": must be unique',
    ]],
    ['volume names and sources', { containers: [c('a')], volumes: [{ name: 'v' }, { name: 'v' }, { name: 'Bad', secret: {} }, { name: 'w', emptyDir: {}, configMap: { name: 'c' } }] }, [
      'spec.volumes[1].name: Duplicate value: "v"',
      'spec.volumes[2].secret.secretName: Required value',
      `spec.volumes[2].name: Invalid value: "Bad": ${LABEL_MSG}`,
      'spec.volumes[3].configMap: Forbidden: may not specify more than 1 volume type',
    ]],
    ['a probe without a handler', { containers: [c('a', { livenessProbe: { periodSeconds: 5 } })] }, ['spec.containers[0].livenessProbe: Required value: must specify a handler type']],
    ['restartPolicy on a regular container', { containers: [c('a', { restartPolicy: 'Always' })] }, ['spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers']],
    ['an init container probe without restartPolicy Always', { containers: [c('a')], initContainers: [c('i', { readinessProbe: { exec: { command: ['x'] } } })] }, [
      'spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
    ]],
    ['a sidecar may have probes', { containers: [c('a')], initContainers: [c('i', { restartPolicy: 'Always', readinessProbe: { exec: { command: ['x'] } } })] }, []],
    ['unsupported restart and DNS policies', { containers: [c('a')], restartPolicy: 'Sometimes', dnsPolicy: 'Google' }, [
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      'spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
    ]],
    ['hostNetwork with a different host port', { hostNetwork: true, containers: [c('a', { ports: [{ containerPort: 80, hostPort: 8080 }] })] }, [
      'spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match `containerPort` when `hostNetwork` is true',
    ]],
    ['names and deadlines', { containers: [c('a')], nodeName: 'Node_1', serviceAccountName: 'a_b', activeDeadlineSeconds: 0, hostname: 'A' }, [
      'spec.serviceAccountName: Invalid value: "a_b": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
      'spec.nodeName: Invalid value: "Node_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
      'spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive',
      `spec.hostname: Invalid value: "A": ${LABEL_MSG}`,
    ]],
    ['a node selector value', { containers: [c('a')], nodeSelector: { disk: 'fast ssd' } }, [
      "spec.nodeSelector: Invalid value: \"fast ssd\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]],
    ['an unsupported preemption policy', { containers: [c('a')], preemptionPolicy: 'Sometimes' }, [
      'spec.preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"',
    ]],
    ['pod only: an image with spaces', { containers: [c('a', { image: ' nginx' })] }, ['spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace']],
    ['pod only: ephemeral containers on create', { containers: [c('a')], ephemeralContainers: [c('e')] }, ['spec.ephemeralContainers: Forbidden: cannot be set on create']],
    ['pod only: a node with scheduling gates', { containers: [c('a')], nodeName: 'n', schedulingGates: [{ name: 'g' }] }, [
      'spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared',
    ]],
  ])('%s', (_name, spec, want) => {
    expect(errorsOf(spec)).toEqual(want);
  });
});

describe('tolerations', () => {
  it.each<[string, Json, string[]]>([
    ['Exists without key', { operator: 'Exists' }, []],
    ['Equal without key', { operator: 'Equal', value: 'x' }, ['spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"']],
    ['seconds without NoExecute', { key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }, [
      "spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
    ]],
    ['Exists with a value', { key: 'k', operator: 'Exists', value: 'v' }, ["spec.tolerations[0].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'"]],
    ['an unknown operator', { key: 'k', operator: 'In' }, ['spec.tolerations[0].operator: Unsupported value: "In": supported values: "Equal", "Exists"']],
    ['an unknown effect', { key: 'k', operator: 'Exists', effect: 'Never' }, [
      'spec.tolerations[0].effect: Unsupported value: "Never": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    ]],
  ])('%s', (_name, t, want) => {
    expect(validateTolerations([t], 'spec.tolerations').map(fieldErrorString)).toEqual(want);
  });
});

describe('isValidPortName', () => {
  it.each<[string, string[]]>([
    ['http', []],
    ['a-very-long-port-name', ['must be no more than 15 characters']],
    ['80', ['must contain at least one letter (a-z)']],
    ['a--b', ['must not contain consecutive hyphens']],
  ])('%s', (name, want) => {
    expect(isValidPortName(name)).toEqual(want);
  });
});

describe('the 422 as kubectl receives it', () => {
  it('lists each distinct error once in the message, every one in the causes', () => {
    const errs = [
      { type: 'Required' as const, field: 'spec.containers[0].image' },
      { type: 'Required' as const, field: 'spec.containers[0].image' },
      { type: 'Invalid' as const, field: 'spec.replicas', value: -1, detail: 'must be greater than or equal to 0' },
    ];
    const e = invalid('StatefulSet', 'apps', 'web', errs);
    expect(e.status.message).toBe('StatefulSet.apps "web" is invalid: [spec.containers[0].image: Required value, spec.replicas: Invalid value: -1: must be greater than or equal to 0]');
    expect(e.status.details?.causes).toHaveLength(3);
  });
});
