// Table tests for what a pod update may change (upstream ValidatePodUpdate), on pods created through the strategy.

import { describe, expect, it } from 'vitest';
import { R } from '../api/resources.js';
import { fieldErrorString } from '../api/status.js';
import type { KObject } from '../api/types.js';
import { strategyFor } from './strategy.js';
import { POD_UPDATE_FORBIDDEN, podSpecDiff } from './validate-pod-update.js';

type Json = Record<string, unknown>;
const s = strategyFor(R.pods);

/** A pod as stored after create: defaulted, admitted, prepared. */
function created(spec: Json, annotations?: Record<string, string>): KObject {
  const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', ...(annotations ? { annotations } : {}) }, spec };
  s.defaults!(pod);
  expect(s.admitCreate!(pod, { namespace: 'default', name: 'p', pod: { serviceAccount: null, suffix: () => 'abcde' } })).toBeUndefined();
  s.prepareForCreate!(pod);
  return pod;
}

/** The errors of updating `old` to `next` (defaulted and admitted as the registry does). */
function updateErrors(old: KObject, next: KObject): string[] {
  s.defaults!(next);
  s.prepareForUpdate!(next, old);
  return s.validateUpdate!(next, old).map(fieldErrorString);
}

const base = { containers: [{ name: 'c', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }], initContainers: [{ name: 'i', image: 'busybox:1' }] };
const FORBIDDEN = `spec: Forbidden: ${POD_UPDATE_FORBIDDEN}\n`;

describe('pod updates', () => {
  it.each<[string, (spec: Json) => void, string[]]>([
    ['nothing changed', () => undefined, []],
    ['images', (spec) => {
      (spec.containers as Json[])[0]!.image = 'nginx:1.26';
      (spec.initContainers as Json[])[0]!.image = 'busybox:2';
    }, []],
    ['an added toleration', (spec) => {
      spec.tolerations = [...(spec.tolerations as Json[]), { key: 'k', operator: 'Exists', effect: 'NoSchedule' }];
    }, []],
    ['tolerationSeconds changed', (spec) => {
      spec.tolerations = (spec.tolerations as Json[]).map((t) => ({ ...t, tolerationSeconds: 60 }));
    }, []],
    ['activeDeadlineSeconds set, then lowered', (spec) => {
      spec.activeDeadlineSeconds = 30;
    }, []],
    ['the default tolerations removed (admission adds them back)', (spec) => {
      delete spec.tolerations;
    }, []],
    ['a default toleration swapped for another (admission adds it back)', (spec) => {
      spec.tolerations = [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { key: 'other', operator: 'Exists' }];
    }, []],
    ['an added container', (spec) => {
      spec.containers = [...(spec.containers as Json[]), { name: 'd', image: 'x' }];
    }, ['spec.containers: Forbidden: pod updates may not add or remove containers']],
    ['an emptied image', (spec) => {
      (spec.containers as Json[])[0]!.image = '';
    }, ['spec.containers[0].image: Required value', 'spec.containers[0].image: Required value']],
    ['a negative activeDeadlineSeconds', (spec) => {
      spec.activeDeadlineSeconds = -1;
    }, [
      'spec.activeDeadlineSeconds: Invalid value: -1: must be between 1 and 2147483647, inclusive',
      'spec.activeDeadlineSeconds: Invalid value: -1: must be between 0 and 2147483647, inclusive',
    ]],
    ['a new scheduling gate', (spec) => {
      spec.schedulingGates = [{ name: 'g' }];
    }, ["spec.schedulingGates[0].name: Forbidden: only deletion is allowed, but found new scheduling gate 'g'"]],
  ])('%s', (_name, change, want) => {
    const old = created(structuredClone(base));
    const next = structuredClone(old);
    change(next.spec as Json);
    expect(updateErrors(old, next)).toEqual(want);
  });

  it('a toleration of the pod\'s own may not be removed or changed', () => {
    const old = created({ ...structuredClone(base), tolerations: [{ key: 'mine', operator: 'Exists', effect: 'NoSchedule' }] });
    const next = structuredClone(old);
    (next.spec as Json).tolerations = ((next.spec as Json).tolerations as Json[]).slice(1);
    expect(updateErrors(old, next)).toEqual(['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds']);
  });

  it('activeDeadlineSeconds may only be lowered, and not removed', () => {
    const old = created({ ...structuredClone(base), activeDeadlineSeconds: 30 });
    const raise = structuredClone(old);
    (raise.spec as Json).activeDeadlineSeconds = 60;
    expect(updateErrors(old, raise)).toEqual(['spec.activeDeadlineSeconds: Invalid value: 60: must be less than or equal to previous value']);
    const removed = structuredClone(old);
    delete (removed.spec as Json).activeDeadlineSeconds;
    expect(updateErrors(old, removed)).toEqual(['spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value']);
  });

  it.each<[string, (spec: Json) => void, string]>([
    ['a container port', (spec) => {
      (spec.containers as Json[])[0]!.ports = [{ containerPort: 81, protocol: 'TCP' }];
    }, 'Containers'],
    ['the node name', (spec) => {
      spec.nodeName = 'n1';
    }, 'NodeName'],
    ['the restart policy', (spec) => {
      spec.restartPolicy = 'Never';
    }, 'RestartPolicy'],
    ['the service account (what `kubectl replace` of the original manifest does)', (spec) => {
      delete spec.serviceAccountName;
      delete spec.serviceAccount;
    }, 'ServiceAccountName'],
  ])('changing %s is Forbidden, with a diff', (_name, change, field) => {
    const old = created(structuredClone(base));
    const next = structuredClone(old);
    change(next.spec as Json);
    const errs = updateErrors(old, next);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.startsWith(FORBIDDEN)).toBe(true);
    expect(errs[0]).toContain(`\n- \t${field}: `);
    expect(errs[0]).toContain(`\n+ \t${field}: `);
    expect(errs[0]!.endsWith('  }\n')).toBe(true);
  });

  it('a grace period may go from negative to 1', () => {
    const old = created({ ...structuredClone(base), terminationGracePeriodSeconds: -1 });
    const next = structuredClone(old);
    (next.spec as Json).terminationGracePeriodSeconds = 1;
    expect(updateErrors(old, next)).toEqual([]);
  });

  it('the mirror pod annotation may not be added or changed', () => {
    const old = created(structuredClone(base));
    const next = structuredClone(old);
    next.metadata.annotations = { 'kubernetes.io/config.mirror': 'x' };
    expect(updateErrors(old, next)).toEqual(['metadata.annotations[kubernetes.io/config.mirror]: Forbidden: may not add mirror pod annotation']);
  });

  it('keeps priority and preemption policy an update leaves out', () => {
    const old = created(structuredClone(base));
    const next = structuredClone(old);
    delete (next.spec as Json).priority;
    delete (next.spec as Json).preemptionPolicy;
    expect(updateErrors(old, next)).toEqual([]);
    expect(next.spec).toMatchObject({ priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
  });
});

describe('podSpecDiff', () => {
  it('one -/+ pair per changed field, runs of unchanged fields elided', () => {
    expect(podSpecDiff({ restartPolicy: 'Always', nodeName: '' }, { restartPolicy: 'Always', nodeName: 'n1' })).toBe(
      '  core.PodSpec{\n  \t... // 11 identical fields\n- \tNodeName: "",\n+ \tNodeName: "n1",\n  \t... // 22 identical fields\n  }\n',
    );
  });
});
