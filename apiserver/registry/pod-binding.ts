// pods/binding: assigning a pod to a node, as upstream's BindingREST (pkg/registry/core/pod/storage).

import * as S from '../api/status.js';
import { R } from '../api/resources.js';
import { isPlainObject, type KObject } from '../api/types.js';
import { timestamp } from './prepare.js';
import { setPodCondition } from './pod-conditions.js';
import type { Registry } from './store.js';

/** The parts of a v1.Binding the server reads. */
export interface Binding {
  uid?: string;
  resourceVersion?: string;
  annotations?: Record<string, string>;
  target: { kind?: string; name?: string };
}

/**
 * Upstream ValidatePodBinding. Its errors reach the client as a plain error (not a Status), so they are answered
 * as a 500 without a reason, exactly as kube-apiserver does.
 */
function validateBinding(b: Binding): void {
  const errs: S.FieldError[] = [];
  if (b.target.kind && b.target.kind !== 'Node') errs.push({ type: 'NotSupported', field: 'target.kind', value: b.target.kind, supported: ['Node', '<empty>'] });
  if (!b.target.name) errs.push({ type: 'Required', field: 'target.name' });
  if (errs.length === 0) return;
  const list = errs.map(S.fieldErrorString);
  const message = list.length === 1 ? list[0]! : `[${list.join(', ')}]`;
  throw new S.ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 });
}

function checkPreconditions(pod: KObject, b: Binding): void {
  const name = pod.metadata.name ?? '';
  if (b.uid && b.uid !== pod.metadata.uid) {
    throw S.conflict({ group: '', resource: 'pods' }, name, `Precondition failed: UID in precondition: ${b.uid}, UID in object meta: ${pod.metadata.uid ?? ''}`);
  }
  if (b.resourceVersion && b.resourceVersion !== pod.metadata.resourceVersion) {
    throw S.conflict({ group: '', resource: 'pods' }, name, `Precondition failed: ResourceVersion in precondition: ${b.resourceVersion}, ResourceVersion in meta: ${pod.metadata.resourceVersion ?? ''}`);
  }
}

const bindingConflict = (name: string, why: string): S.ApiError => S.conflict({ group: '', resource: 'pods/binding' }, name, why);

/**
 * Binds a pod. Invariants (upstream setPodHostAndAnnotations): the UID and resourceVersion of the binding are
 * preconditions; a pod being deleted, already assigned, or carrying scheduling gates is refused with a Conflict on
 * `pods/binding`; otherwise spec.nodeName is set, the binding's annotations merged, and the PodScheduled condition
 * set True. The write bypasses the pod strategy (spec and status change together). The answer is a Success Status.
 */
export async function bindPod(registry: Registry, namespace: string, name: string, b: Binding, opts: { dryRun: boolean; now: Date }): Promise<S.Status> {
  validateBinding(b);
  await registry.guaranteedUpdate(
    R.pods,
    namespace,
    name,
    (pod) => {
      checkPreconditions(pod, b);
      const spec = isPlainObject(pod.spec) ? pod.spec : (pod.spec = {});
      if (pod.metadata.deletionTimestamp) throw bindingConflict(name, `pod ${name} is being deleted, cannot be assigned to a host`);
      if (typeof spec.nodeName === 'string' && spec.nodeName !== '') throw bindingConflict(name, `pod ${name} is already assigned to node ${JSON.stringify(spec.nodeName)}`);
      if (Array.isArray(spec.schedulingGates) && spec.schedulingGates.length > 0) throw bindingConflict(name, `pod ${name} has non-empty .spec.schedulingGates`);
      spec.nodeName = b.target.name;
      if (b.annotations && Object.keys(b.annotations).length > 0) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), ...b.annotations };
      setPodCondition(pod, { type: 'PodScheduled', status: 'True' }, timestamp(opts.now));
      return pod;
    },
    { dryRun: opts.dryRun, subresource: 'storage' },
  );
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}
