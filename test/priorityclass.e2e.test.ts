// PriorityClasses through the real kubectl: the system classes, typed and manifest creates, pod priority, the default rule.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlOrSkip } from './support/kubectl.js';
import { kubectlCalls, startKubectlSession, type KubectlSession } from './support/kubectl-session.js';

const available = kubectlOrSkip();

describe.skipIf(!available)('PriorityClasses through kubectl', () => {
  let s: KubectlSession;
  const { k, ok } = kubectlCalls(() => s.kubectl);
  const json = async <T = Record<string, any>>(...args: string[]): Promise<T> => JSON.parse(await ok(...args, '-o', 'json')) as T; // eslint-disable-line @typescript-eslint/no-explicit-any
  const apply = (text: string) => s.kubectl(['apply', '-f', '-'], { input: text });
  const rows = (out: string): string[][] => out.trim().split('\n').map((l) => l.split(/\s{2,}/));
  const pod = (name: string, spec = ''): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  containers: [{name: c, image: nginx}]
${spec}`;

  beforeAll(async () => {
    s = await startKubectlSession();
  });
  afterAll(async () => {
    await s?.cluster.stop();
  });

  it('api-resources lists priorityclasses (pc), cluster-scoped', async () => {
    const out = await ok('api-resources', '--api-group=scheduling.k8s.io');
    expect(rows(out)).toEqual([['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'], ['priorityclasses', 'pc', 'scheduling.k8s.io/v1', 'false', 'PriorityClass']]);
  });

  it('get pc shows the two system classes as a real cluster does', async () => {
    const t = rows(await ok('get', 'pc'));
    expect(t[0]).toEqual(['NAME', 'VALUE', 'GLOBAL-DEFAULT', 'AGE', 'PREEMPTIONPOLICY']);
    expect(t.slice(1).map((r) => [r[0], r[1], r[2], r[4]])).toEqual([
      ['system-cluster-critical', '2000000000', 'false', 'PreemptLowerPriority'],
      ['system-node-critical', '2000001000', 'false', 'PreemptLowerPriority'],
    ]);
    const node = await json('get', 'priorityclass', 'system-node-critical');
    expect(node).toMatchObject({
      apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', value: 2000001000, preemptionPolicy: 'PreemptLowerPriority',
      description: 'Used for system critical pods that must not be moved from their current node.',
    });
    expect(node.globalDefault).toBeUndefined();
  });

  it('create priorityclass (a protobuf body) stores what the same YAML would', async () => {
    expect(await ok('create', 'priorityclass', 'high', '--value=1000', '--description=x')).toBe('priorityclass.scheduling.k8s.io/high created\n');
    const yaml = await ok('create', 'priorityclass', 'high-yaml', '--value=1000', '--description=x', '--dry-run=client', '-o', 'yaml');
    expect((await s.kubectl(['create', '-f', '-'], { input: yaml })).code).toBe(0);
    const [a, b] = [await json('get', 'pc', 'high'), await json('get', 'pc', 'high-yaml')];
    const content = (o: Record<string, any>) => ({ ...o, metadata: { name: '' } }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(content(a)).toEqual(content(b));
    expect(a).toMatchObject({ value: 1000, description: 'x', preemptionPolicy: 'PreemptLowerPriority' });
  });

  it('apply -f a class; a pod naming it gets its priority and policy; a missing class is the 403', async () => {
    expect((await apply('apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: batch}\nvalue: 500\npreemptionPolicy: Never\ndescription: batch jobs\n')).code).toBe(0);
    const again = await apply('apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: batch}\nvalue: 500\npreemptionPolicy: Never\ndescription: batch work\n');
    expect(again.stdout).toBe('priorityclass.scheduling.k8s.io/batch configured\n');
    expect((await json('get', 'pc', 'batch')).description).toBe('batch work');
    expect((await apply(pod('urgent', '  priorityClassName: batch\n'))).code).toBe(0);
    expect((await json('get', 'pod', 'urgent')).spec).toMatchObject({ priorityClassName: 'batch', priority: 500, preemptionPolicy: 'Never' });
    expect((await apply(pod('critical', '  priorityClassName: system-node-critical\n'))).code).toBe(0);
    expect((await json('get', 'pod', 'critical')).spec.priority).toBe(2000001000);
    const missing = await apply(pod('ghost', '  priorityClassName: foo\n'));
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('pods "ghost" is forbidden: no PriorityClass with name foo was found');
    const own = await apply(pod('own', '  priorityClassName: batch\n  priority: 7\n'));
    expect(own.stderr).toContain('pods "own" is forbidden: the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 500 from the given PriorityClass name');
  });

  it('validation: the user limit, reserved names, immutable value', async () => {
    const huge = await k('create', 'priorityclass', 'huge', '--value=2000000000');
    expect(huge.stderr).toBe('error: failed to create priorityclass: PriorityClass.scheduling.k8s.io "huge" is invalid: value: Forbidden: maximum allowed value of a user defined priority is 1000000000\n');
    const reserved = await k('create', 'priorityclass', 'system-mine', '--value=10');
    expect(reserved.stderr).toContain("metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class");
    const patched = await k('patch', 'pc', 'high', '--type=merge', '-p', '{"value":6000}');
    expect(patched.stderr).toContain('The PriorityClass "high" is invalid: value: Forbidden: may not be changed in an update.');
  });

  it('one global default: pods without a class take it, a second default is refused', async () => {
    expect((await ok('get', 'pod', 'urgent', '-o', 'jsonpath={.spec.priority}'))).toBe('500');
    expect((await apply(pod('before'))).code).toBe(0);
    expect((await json('get', 'pod', 'before')).spec.priority).toBe(0);
    expect(await ok('create', 'priorityclass', 'everyday', '--value=100', '--global-default')).toBe('priorityclass.scheduling.k8s.io/everyday created\n');
    expect((await apply(pod('after'))).code).toBe(0);
    expect((await json('get', 'pod', 'after')).spec).toMatchObject({ priorityClassName: 'everyday', priority: 100, preemptionPolicy: 'PreemptLowerPriority' });
    const second = await k('create', 'priorityclass', 'another', '--value=5', '--global-default');
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain('priorityclasses.scheduling.k8s.io "another" is forbidden: PriorityClass everyday is already marked as default. Only one default can exist');
    const t = rows(await ok('get', 'pc', 'everyday', '--no-headers'));
    expect([t[0]![0], t[0]![1], t[0]![2], t[0]![4]]).toEqual(['everyday', '100', 'true', 'PreemptLowerPriority']);
  });
});
