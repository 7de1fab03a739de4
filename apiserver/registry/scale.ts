// statefulsets/scale: the autoscaling/v1 Scale view of a StatefulSet, as upstream's ScaleREST.

import * as S from '../api/status.js';
import { LabelSelectorError, labelSelectorAsString } from '../api/labels.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { ResourceInfo } from '../api/resources.js';
import { isPlainObject, type KObject } from '../api/types.js';

/** The Scale kind as an endpoint (body checks and patches are made against it). */
export const SCALE: ResourceInfo = {
  group: 'autoscaling', version: 'v1', kind: 'Scale', listKind: 'ScaleList', plural: 'scale', singular: 'scale',
  namespaced: true, shortNames: [], categories: [], verbs: ['get', 'patch', 'update'], subresources: [],
};

/**
 * Upstream scaleFromStatefulSet: name, namespace, uid, resourceVersion and creationTimestamp of the owner;
 * spec.replicas (omitted when 0, as autoscaling/v1 omits it); status.replicas and the selector as a string.
 * An invalid selector is a 400.
 */
export function scaleOf(obj: KObject): KObject {
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  const status = isPlainObject(obj.status) ? obj.status : {};
  let selector: string;
  try {
    selector = labelSelectorAsString(spec.selector as LabelSelector | undefined);
  } catch (e) {
    if (e instanceof LabelSelectorError) throw S.badRequest(e.message);
    throw e;
  }
  const m = obj.metadata;
  const metadata: KObject['metadata'] = { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp };
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 0;
  const scaleStatus: Record<string, unknown> = { replicas: typeof status.replicas === 'number' ? status.replicas : 0 };
  if (selector) scaleStatus.selector = selector;
  return { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata, spec: replicas ? { replicas } : {}, status: scaleStatus };
}

/**
 * Upstream scaleUpdatedObjectInfo: validates the new Scale (422 `Scale.autoscaling "x" is invalid`), checks its uid
 * precondition and resourceVersion (409 on the owner's resource), then moves spec.replicas onto the owner.
 */
export function applyScale(owner: ResourceInfo, current: KObject, scale: KObject): KObject {
  const name = current.metadata.name ?? '';
  const spec = isPlainObject(scale.spec) ? scale.spec : {};
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 0;
  if (replicas < 0) {
    throw S.invalid('Scale', 'autoscaling', name, [{ type: 'Invalid', field: 'spec.replicas', value: replicas, detail: 'must be greater than or equal to 0' }]);
  }
  const qr = { group: owner.group, resource: owner.plural };
  const uid = scale.metadata.uid;
  if (uid && uid !== current.metadata.uid) {
    throw S.conflict({ group: owner.group, resource: `${owner.plural}/scale` }, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid ?? ''}`);
  }
  const rv = scale.metadata.resourceVersion;
  if (rv && rv !== current.metadata.resourceVersion) throw S.conflict(qr, name);
  const next = structuredClone(current);
  next.spec = { ...(isPlainObject(next.spec) ? next.spec : {}), replicas };
  return next;
}
