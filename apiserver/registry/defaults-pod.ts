// Pod defaulting as kube-apiserver 1.32 decodes a Pod or a PodTemplateSpec (pkg/apis/core/v1 defaults and conversion).

import { isPlainObject, type KObject } from '../api/types.js';

type Obj = Record<string, unknown>;

const asObj = (v: unknown): Obj | undefined => (isPlainObject(v) ? v : undefined);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** Go's `== ""` / `== 0` / `== nil` test of a field that defaulting fills. */
const unset = (v: unknown): boolean => v === undefined || v === null || v === '' || v === 0;

// Assumptions / Invariants (kubernetes 1.32 pkg/apis/core/v1/defaults.go and zz_generated.defaults.go):
// SetDefaults_PodSpec and the per-container, per-probe, per-volume defaults apply to every PodSpec, in Pods and in
// the templates of DaemonSets and StatefulSets alike; SetDefaults_Pod (requests from limits, enableServiceLinks,
// host ports under hostNetwork) applies to Pods only, never to templates. A default fills a field whose Go value is
// the zero value, so an explicit "" or 0 is defaulted like an absent field. Quantities are not canonicalized.

/** The tag ParseImageName finds: the tag, `latest` for a bare name, "" for a digest or an unparsable reference. */
function imageTag(image: string): string {
  if (image === '' || /\s/.test(image)) return '';
  const at = image.indexOf('@');
  const name = at < 0 ? image : image.slice(0, at);
  const slash = name.lastIndexOf('/');
  const colon = name.indexOf(':', slash + 1);
  const repo = colon < 0 ? name : name.slice(0, colon);
  const tag = colon < 0 ? '' : name.slice(colon + 1);
  const first = repo.indexOf('/');
  const domain = first < 0 ? '' : repo.slice(0, first);
  const isDomain = domain !== '' && (/[.:]/.test(domain) || domain === 'localhost' || domain.toLowerCase() !== domain);
  const path = isDomain ? repo.slice(first + 1) : repo;
  if (path === '' || path.toLowerCase() !== path) return '';
  if (colon >= 0 && !/^\w[\w.-]{0,127}$/.test(tag)) return '';
  if (tag === '' && at < 0) return 'latest';
  return tag;
}

/** Pull policies by image (the same images recur in every pod of a workload; bounded). */
const PULL_POLICIES = new Map<string, string>();

/** Upstream's image pull policy default: Always for a `:latest` or untagged image, else IfNotPresent. */
export function defaultPullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  let policy = PULL_POLICIES.get(image);
  if (policy === undefined) {
    policy = imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
    if (PULL_POLICIES.size >= 4096) PULL_POLICIES.clear();
    PULL_POLICIES.set(image, policy);
  }
  return policy;
}

/** SetDefaults_HTTPGetAction on a probe or lifecycle handler, and the GRPCAction service default. */
function defaultHandler(h: Obj | undefined): void {
  if (!h) return;
  const get = asObj(h.httpGet);
  if (get) {
    if (unset(get.path)) get.path = '/';
    if (unset(get.scheme)) get.scheme = 'HTTP';
  }
  const grpc = asObj(h.grpc);
  if (grpc && (grpc.service === undefined || grpc.service === null)) grpc.service = '';
}

/** SetDefaults_Probe plus its handler. */
function defaultProbe(v: unknown): void {
  const p = asObj(v);
  if (!p) return;
  if (unset(p.timeoutSeconds)) p.timeoutSeconds = 1;
  if (unset(p.periodSeconds)) p.periodSeconds = 10;
  if (unset(p.successThreshold)) p.successThreshold = 1;
  if (unset(p.failureThreshold)) p.failureThreshold = 3;
  defaultHandler(p);
}

/** SetDefaults_ObjectFieldSelector: fieldRef.apiVersion `v1`. */
function defaultFieldRef(holder: unknown): void {
  const ref = asObj(asObj(holder)?.fieldRef);
  if (ref && unset(ref.apiVersion)) ref.apiVersion = 'v1';
}

/** SetDefaults_Container (also for init and ephemeral containers) and the defaults of what a container holds. */
function defaultContainer(v: unknown): void {
  const c = asObj(v);
  if (!c) return;
  if (unset(c.imagePullPolicy)) c.imagePullPolicy = defaultPullPolicy(c.image);
  if (unset(c.terminationMessagePath)) c.terminationMessagePath = '/dev/termination-log';
  if (unset(c.terminationMessagePolicy)) c.terminationMessagePolicy = 'File';
  // ResourceRequirements is a struct, not a pointer: Go always writes it.
  if (!isPlainObject(c.resources)) c.resources = {};
  for (const p of asList(c.ports)) {
    const port = asObj(p);
    if (port && unset(port.protocol)) port.protocol = 'TCP';
  }
  for (const e of asList(c.env)) defaultFieldRef(asObj(e)?.valueFrom);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  const lifecycle = asObj(c.lifecycle);
  if (lifecycle) {
    defaultHandler(asObj(lifecycle.postStart));
    defaultHandler(asObj(lifecycle.preStop));
  }
}

/** The volume sources a Volume may name (every key but `name`). */
function hasSource(v: Obj): boolean {
  for (const k in v) if (k !== 'name' && v[k] !== null && v[k] !== undefined) return true;
  return false;
}

/** SetDefaults_Volume and the defaults of each volume source kubeling's users write. */
function defaultVolume(x: unknown): void {
  const v = asObj(x);
  if (!v) return;
  if (!hasSource(v)) v.emptyDir = {};
  for (const key of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const src = asObj(v[key]);
    if (src && (src.defaultMode === undefined || src.defaultMode === null)) src.defaultMode = 420;
  }
  for (const item of asList(asObj(v.downwardAPI)?.items)) defaultFieldRef(item);
  for (const s of asList(asObj(v.projected)?.sources)) {
    const source = asObj(s);
    const token = asObj(source?.serviceAccountToken);
    if (token && (token.expirationSeconds === undefined || token.expirationSeconds === null)) token.expirationSeconds = 3600;
    for (const item of asList(asObj(source?.downwardAPI)?.items)) defaultFieldRef(item);
  }
  const hostPath = asObj(v.hostPath);
  if (hostPath && (hostPath.type === undefined || hostPath.type === null)) hostPath.type = '';
  const claim = asObj(asObj(v.ephemeral)?.volumeClaimTemplate);
  if (claim) defaultClaimTemplate(claim);
}

/** A PersistentVolumeClaim embedded in a template: zero creationTimestamp, volumeMode Filesystem. */
export function defaultClaimTemplate(t: Obj): void {
  const meta = asObj(t.metadata) ?? (t.metadata = {});
  if (!('creationTimestamp' in (meta as Obj))) (meta as Obj).creationTimestamp = null;
  const spec = asObj(t.spec) ?? (t.spec = {});
  if (unset((spec as Obj).volumeMode)) (spec as Obj).volumeMode = 'Filesystem';
}

/**
 * SetDefaults_PodSpec (restartPolicy Always, dnsPolicy ClusterFirst, terminationGracePeriodSeconds 30, schedulerName
 * default-scheduler, securityContext {}), the container and volume defaults, and the v1 conversion that mirrors
 * serviceAccountName into the deprecated serviceAccount (and fills the first from the second).
 */
export function defaultPodSpec(spec: Obj): void {
  if (unset(spec.dnsPolicy)) spec.dnsPolicy = 'ClusterFirst';
  if (unset(spec.restartPolicy)) spec.restartPolicy = 'Always';
  if (spec.securityContext === undefined || spec.securityContext === null) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) spec.terminationGracePeriodSeconds = 30;
  if (unset(spec.schedulerName)) spec.schedulerName = 'default-scheduler';
  for (const c of asList(spec.initContainers)) defaultContainer(c);
  for (const c of asList(spec.containers)) defaultContainer(c);
  for (const c of asList(spec.ephemeralContainers)) defaultContainer(c);
  for (const v of asList(spec.volumes)) defaultVolume(v);
  mirrorServiceAccount(spec);
}

/** Convert_v1_PodSpec_To_core_PodSpec and back: serviceAccountName wins, serviceAccount repeats it. */
export function mirrorServiceAccount(spec: Obj): void {
  if (unset(spec.serviceAccountName) && typeof spec.serviceAccount === 'string' && spec.serviceAccount !== '') spec.serviceAccountName = spec.serviceAccount;
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '') spec.serviceAccount = spec.serviceAccountName;
  else delete spec.serviceAccount;
}

/** SetDefaults_Pod on the spec: requests from limits, enableServiceLinks true, host ports under hostNetwork. */
function defaultPodOnly(spec: Obj): void {
  for (const list of [spec.containers, spec.initContainers]) {
    for (const x of asList(list)) {
      const res = asObj(asObj(x)?.resources);
      const limits = asObj(res?.limits);
      if (!res || !limits) continue;
      const req = asObj(res.requests) ?? (res.requests = {});
      for (const [k, v] of Object.entries(limits)) if (!((k as string) in (req as Obj))) (req as Obj)[k] = v;
    }
  }
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null) spec.enableServiceLinks = true;
  if (spec.hostNetwork === true) {
    for (const list of [spec.containers, spec.initContainers]) {
      for (const x of asList(list)) {
        for (const p of asList(asObj(x)?.ports)) {
          const port = asObj(p);
          if (port && unset(port.hostPort)) port.hostPort = port.containerPort;
        }
      }
    }
  }
}

/** Every default a Pod gets when decoded, on create and on update (spec only; status is set on create). */
export function defaultPod(pod: KObject): void {
  const spec = asObj(pod.spec) ?? (pod.spec = {});
  defaultPodSpec(spec as Obj);
  defaultPodOnly(spec as Obj);
}

/** Template defaults shared by DaemonSet and StatefulSet: Go's zero creationTimestamp (shown as null) and the PodSpec's. */
export function defaultTemplate(template: Obj): void {
  const meta = asObj(template.metadata) ?? (template.metadata = {});
  if (!('creationTimestamp' in (meta as Obj))) (meta as Obj).creationTimestamp = null;
  defaultPodSpec((asObj(template.spec) ?? (template.spec = {})) as Obj);
}
