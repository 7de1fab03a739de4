// Defaulting as kube-apiserver 1.32 applies it: pod specs (also inside templates), DaemonSets, StatefulSets, Secrets.

import { isPlainObject, type KObject } from '../api/types.js';

type Obj = Record<string, unknown>;

function objAt(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (isPlainObject(v)) return v;
  const fresh: Obj = {};
  parent[key] = fresh;
  return fresh;
}

/** Upstream's image pull policy default: Always for `:latest` or an untagged image, else IfNotPresent. */
export function defaultPullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  const withoutDigest = image.split('@')[0]!;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const tagAt = withoutDigest.indexOf(':', lastSlash + 1);
  if (image.includes('@')) return 'IfNotPresent';
  if (tagAt < 0) return 'Always';
  return withoutDigest.slice(tagAt + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: unknown): void {
  if (!isPlainObject(c)) return;
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.imagePullPolicy ??= defaultPullPolicy(c.image);
  c.resources ??= {};
  if (Array.isArray(c.ports)) for (const p of c.ports) if (isPlainObject(p)) p.protocol ??= 'TCP';
}

/**
 * PodSpec defaults (upstream SetDefaults_PodSpec, SetDefaults_Container, SetDefaults_Pod): restartPolicy Always,
 * dnsPolicy ClusterFirst, terminationGracePeriodSeconds 30, schedulerName default-scheduler, securityContext {},
 * enableServiceLinks true; per container the termination message, pull policy, resources {} and port protocol.
 */
export function defaultPodSpec(spec: Obj): void {
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    const cs = spec[list];
    if (Array.isArray(cs)) cs.forEach(defaultContainer);
  }
  if (Array.isArray(spec.volumes)) {
    for (const v of spec.volumes) {
      if (!isPlainObject(v)) continue;
      if (isPlainObject(v.configMap)) v.configMap.defaultMode ??= 420;
      if (isPlainObject(v.secret)) v.secret.defaultMode ??= 420;
      if (isPlainObject(v.hostPath)) v.hostPath.type ??= '';
    }
  }
}

/** Quality of service from requests and limits (upstream qos.GetPodQOS), over regular and init containers. */
export function podQOSClass(spec: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers : [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const res = isPlainObject(c) && isPlainObject(c.resources) ? c.resources : {};
    const req = isPlainObject(res.requests) ? res.requests : {};
    const lim = isPlainObject(res.limits) ? res.limits : {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      if (lim[r] === undefined || (req[r] !== undefined && String(req[r]) !== String(lim[r]))) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** Pod defaults on create: the spec's, priority 0 and preemption policy, then phase Pending and the QoS class. */
export function defaultPod(pod: KObject): void {
  const spec = objAt(pod, 'spec');
  defaultPodSpec(spec);
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  for (const c of Array.isArray(spec.containers) ? spec.containers : []) {
    // Upstream copies limits into unset requests.
    if (!isPlainObject(c) || !isPlainObject(c.resources) || !isPlainObject(c.resources.limits)) continue;
    const req = objAt(c.resources, 'requests');
    for (const [k, v] of Object.entries(c.resources.limits)) req[k] ??= v;
  }
  pod.status = { phase: 'Pending', qosClass: podQOSClass(spec) };
}

/** Template defaults shared by DaemonSet and StatefulSet. */
function defaultTemplate(spec: Obj): void {
  const template = objAt(spec, 'template');
  // Go serializes the template's zero creationTimestamp as null; real servers show it.
  const meta = objAt(template, 'metadata');
  if (!('creationTimestamp' in meta)) meta.creationTimestamp = null;
  defaultPodSpec(objAt(template, 'spec'));
}

/** DaemonSet defaults (upstream SetDefaults_DaemonSet). */
export function defaultDaemonSet(ds: KObject): void {
  const spec = objAt(ds, 'spec');
  defaultTemplate(spec);
  const strategy = objAt(spec, 'updateStrategy');
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = objAt(strategy, 'rollingUpdate');
    ru.maxUnavailable ??= 1;
    ru.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
}

/**
 * StatefulSet defaults (upstream SetDefaults_StatefulSet). Trap kept on purpose: an explicit
 * `updateStrategy.type: RollingUpdate` without `rollingUpdate` gets no partition.
 */
export function defaultStatefulSet(sts: KObject): void {
  const spec = objAt(sts, 'spec');
  defaultTemplate(spec);
  spec.podManagementPolicy ??= 'OrderedReady';
  const strategy = objAt(spec, 'updateStrategy');
  if (strategy.type === undefined || strategy.type === '') {
    strategy.type = 'RollingUpdate';
    if (!isPlainObject(strategy.rollingUpdate)) strategy.rollingUpdate = {};
  }
  if (strategy.type === 'RollingUpdate' && isPlainObject(strategy.rollingUpdate)) strategy.rollingUpdate.partition ??= 0;
  const retention = objAt(spec, 'persistentVolumeClaimRetentionPolicy');
  retention.whenDeleted ??= 'Retain';
  retention.whenScaled ??= 'Retain';
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  if (Array.isArray(spec.volumeClaimTemplates)) {
    for (const t of spec.volumeClaimTemplates) {
      if (!isPlainObject(t)) continue;
      t.apiVersion ??= 'v1';
      t.kind ??= 'PersistentVolumeClaim';
      const tspec = objAt(t, 'spec');
      tspec.volumeMode ??= 'Filesystem';
      t.status ??= { phase: 'Pending' };
    }
  }
}

/** Secret defaults: type Opaque, and stringData folded into base64 data (upstream conversion). */
export function defaultSecret(secret: KObject): void {
  secret.type ??= 'Opaque';
  if (isPlainObject(secret.stringData)) {
    const data = objAt(secret, 'data');
    for (const [k, v] of Object.entries(secret.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  }
  delete secret.stringData;
}

/** ObjectMeta as Go serializes it: empty maps and lists are omitted. */
export function normalizeMeta(obj: KObject): void {
  const meta = obj.metadata as Obj;
  for (const k of ['labels', 'annotations']) {
    const v = meta[k];
    if (isPlainObject(v) && Object.keys(v).length === 0) delete meta[k];
    else if (v === null) delete meta[k];
  }
  for (const k of ['finalizers', 'ownerReferences', 'managedFields']) {
    const v = meta[k];
    if ((Array.isArray(v) && v.length === 0) || v === null) delete meta[k];
  }
}
