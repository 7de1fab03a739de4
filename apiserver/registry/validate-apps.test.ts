// Table tests for DaemonSet and StatefulSet validation on defaulted objects, with upstream's texts.

import { describe, expect, it } from 'vitest';
import { R } from '../api/resources.js';
import { fieldErrorString } from '../api/status.js';
import type { KObject } from '../api/types.js';
import { strategyFor } from './strategy.js';

type Json = Record<string, unknown>;
const podSpec = (extra: Json = {}): Json => ({ containers: [{ name: 'c', image: 'x' }], ...extra });
const workload = (kind: string, spec: Json): KObject => ({ apiVersion: 'apps/v1', kind, metadata: { name: 'w', namespace: 'default' }, spec });

function errorsOf(plural: 'daemonsets' | 'statefulsets', spec: Json): string[] {
  const s = strategyFor(R[plural]);
  const obj = workload(plural === 'daemonsets' ? 'DaemonSet' : 'StatefulSet', spec);
  s.defaults!(obj);
  s.prepareForCreate?.(obj);
  return s.validate!(obj).map(fieldErrorString);
}

const ok = (extra: Json = {}, tmpl: Json = {}): Json => ({
  selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: podSpec(tmpl) }, ...extra,
});
const MISMATCH = '`selector` does not match template `labels`';
const NO_SELECTOR = 'v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}';

describe('DaemonSet validation', () => {
  it.each<[string, Json, string[]]>([
    ['valid', ok(), []],
    ['selector does not match the template', { ...ok(), template: { metadata: { labels: { app: 'y' } }, spec: podSpec() } }, [
      `spec.template.metadata.labels: Invalid value: map[string]string{"app":"y"}: ${MISMATCH}`,
    ]],
    ['no selector', { template: { metadata: { labels: { app: 'a' } }, spec: podSpec() } }, [`spec.template.metadata.labels: Invalid value: map[string]string{"app":"a"}: ${MISMATCH}`]],
    ['an empty selector', { ...ok(), selector: {} }, [`spec.selector: Invalid value: ${NO_SELECTOR}: empty selector is invalid for daemonset`]],
    ['a template without labels', { ...ok(), template: { spec: podSpec() } }, [`spec.template.metadata.labels: Invalid value: map[string]string(nil): ${MISMATCH}`]],
    ['a selector with a bad operator', { ...ok(), selector: { matchExpressions: [{ key: 'app', operator: 'Is', values: ['a'] }] } }, [
      'spec.selector.matchExpressions[0].operator: Invalid value: "Is": not a valid selector operator',
    ]],
    ['the pod spec is validated', ok({}, { containers: [{ name: 'c' }] }), ['spec.template.spec.containers[0].image: Required value']],
    ['restartPolicy Never', ok({}, { restartPolicy: 'Never' }), ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']],
    ['activeDeadlineSeconds', ok({}, { activeDeadlineSeconds: 10 }), ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported']],
    ['template labels checked at spec.template.labels', { ...ok(), selector: { matchLabels: { 'a b': 'x' } }, template: { metadata: { labels: { 'a b': 'x' } }, spec: podSpec() } }, [
      "spec.selector.matchLabels: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      "spec.template.labels: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]],
    ['maxSurge and maxUnavailable both 0', ok({ updateStrategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } }), [
      'spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0',
    ]],
    ['both 0%', ok({ updateStrategy: { rollingUpdate: { maxUnavailable: '0%', maxSurge: '0%' } } }), [
      'spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0',
    ]],
    ['both non-zero', ok({ updateStrategy: { rollingUpdate: { maxUnavailable: 1, maxSurge: '10%' } } }), [
      'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"10%"}: may not be set when maxUnavailable is non-zero',
    ]],
    ['surge only', ok({ updateStrategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } }), []],
    ['not a percent', ok({ updateStrategy: { rollingUpdate: { maxUnavailable: 'ten', maxSurge: 0 } } }), [
      "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"ten\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      'spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0',
    ]],
    ['negative and over 100%', ok({ updateStrategy: { rollingUpdate: { maxUnavailable: -1, maxSurge: '150%' } } }), [
      'spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: -1: must be greater than or equal to 0',
      'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
      'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: may not be set when maxUnavailable is non-zero',
    ]],
    ['an unknown strategy type', ok({ updateStrategy: { type: 'Recreate' } }), [
      'spec.updateStrategy: Unsupported value: apps.DaemonSetUpdateStrategy{Type:"Recreate", RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}: supported values: "RollingUpdate", "OnDelete"',
    ]],
    ['negative counts', ok({ minReadySeconds: -1, revisionHistoryLimit: -2 }), [
      'spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0',
      'spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0',
    ]],
  ])('%s', (_name, spec, want) => {
    expect(errorsOf('daemonsets', spec)).toEqual(want);
  });
});

describe('StatefulSet validation', () => {
  it.each<[string, Json, string[]]>([
    ['valid', ok({ serviceName: 'web' }), []],
    ['serviceName is optional', ok(), []],
    ['the pod spec is not validated (upstream leaves it to pod creation)', ok({}, { containers: [{ name: 'c' }] }), []],
    ['replicas -1', ok({ replicas: -1 }), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    ['no selector', { template: { metadata: { labels: { app: 'a' } }, spec: podSpec() } }, [
      'spec.selector: Required value',
      `spec.template.metadata.labels: Invalid value: map[string]string{"app":"a"}: ${MISMATCH}`,
    ]],
    ['an empty selector', { ...ok(), selector: {} }, [`spec.selector: Invalid value: ${NO_SELECTOR}: empty selector is invalid for statefulset`]],
    ['mismatch', { ...ok(), template: { metadata: { labels: { app: 'b' } }, spec: podSpec() } }, [`spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: ${MISMATCH}`]],
    ['an unknown pod management policy', ok({ podManagementPolicy: 'Fast' }), ["spec.podManagementPolicy: Invalid value: \"Fast\": must be 'OrderedReady' or 'Parallel'"]],
    ['an unknown update strategy', ok({ updateStrategy: { type: 'Recreate' } }), [
      "spec.updateStrategy: Invalid value: apps.StatefulSetUpdateStrategy{Type:\"Recreate\", RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}: must be 'RollingUpdate' or 'OnDelete'",
    ]],
    ['rollingUpdate with OnDelete', ok({ updateStrategy: { type: 'OnDelete', rollingUpdate: { partition: 1 } } }), [
      "spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:1, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'",
    ]],
    ['a negative partition', ok({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -1 } } }), [
      'spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0',
    ]],
    ['an unknown retention policy', ok({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Keep' } }), [
      'spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"',
    ]],
    ['negative ordinals and minReadySeconds', ok({ ordinals: { start: -1 }, minReadySeconds: -5 }), [
      'spec.minReadySeconds: Invalid value: -5: must be greater than or equal to 0',
      'spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0',
    ]],
    ['restartPolicy OnFailure, activeDeadlineSeconds', ok({}, { restartPolicy: 'OnFailure', activeDeadlineSeconds: 5 }), [
      'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
      'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported',
    ]],
  ])('%s', (_name, spec, want) => {
    expect(errorsOf('statefulsets', spec)).toEqual(want);
  });
});
