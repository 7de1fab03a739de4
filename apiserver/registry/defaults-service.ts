// Service defaulting (SetDefaults_Service) and the allocation kube-apiserver's service REST storage adds on create.

import { isPlainObject, type KObject } from '../api/types.js';

type Obj = Record<string, unknown>;

const specOf = (obj: KObject): Obj => (isPlainObject(obj.spec) ? obj.spec : (obj.spec = {}));
const unset = (v: unknown): boolean => v === undefined || v === null || v === '';

/** upstream service.ExternallyAccessible: LoadBalancer, NodePort, or ClusterIP with external IPs. */
function externallyAccessible(spec: Obj): boolean {
  return spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
}

/**
 * SetDefaults_Service, on create and on update: sessionAffinity None (and no sessionAffinityConfig) or ClientIP with a
 * 10800 s timeout; type ClusterIP; port protocol TCP and targetPort = port; externalTrafficPolicy Cluster when
 * externally accessible; internalTrafficPolicy Cluster unless ExternalName; allocateLoadBalancerNodePorts for
 * LoadBalancer.
 */
export function defaultService(obj: KObject): void {
  const spec = specOf(obj);
  if (unset(spec.sessionAffinity)) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const config = isPlainObject(spec.sessionAffinityConfig) ? spec.sessionAffinityConfig : undefined;
    const clientIP = config && isPlainObject(config.clientIP) ? config.clientIP : undefined;
    if (!clientIP || clientIP.timeoutSeconds === undefined || clientIP.timeoutSeconds === null) {
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
    }
  }
  if (unset(spec.type)) spec.type = 'ClusterIP';
  for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
    if (!isPlainObject(p)) continue;
    if (unset(p.protocol)) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(spec) && unset(spec.externalTrafficPolicy)) spec.externalTrafficPolicy = 'Cluster';
  if (unset(spec.internalTrafficPolicy) && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(spec.type as string)) spec.internalTrafficPolicy = 'Cluster';
  if (spec.type === 'LoadBalancer' && (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null)) {
    spec.allocateLoadBalancerNodePorts = true;
  }
}

/** A random address in the default service range 10.96.0.0/12 (collisions are not checked). */
function allocateClusterIP(): string {
  const n = 2 + Math.floor(Math.random() * (1 << 20) - 2);
  return `10.${96 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

const needsNodePorts = (spec: Obj): boolean => spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);

/**
 * The allocation on create (upstream service REST storage, simplified): a cluster IP unless ExternalName or headless,
 * node ports for NodePort and LoadBalancer, and the IP family fields of a single-stack IPv4 cluster (a headless
 * Service without a selector gets RequireDualStack, as upstream's initIPFamilyFields gives it).
 */
export function allocateService(obj: KObject): void {
  const spec = specOf(obj);
  if (needsNodePorts(spec)) {
    for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
      if (isPlainObject(p) && (p.nodePort === undefined || p.nodePort === null || p.nodePort === 0)) p.nodePort = 30000 + Math.floor(Math.random() * 2768);
    }
  }
  if (spec.type === 'ExternalName') return;
  if (unset(spec.clusterIP)) spec.clusterIP = allocateClusterIP();
  if (!Array.isArray(spec.clusterIPs) || spec.clusterIPs.length === 0) spec.clusterIPs = [spec.clusterIP];
  const headlessWithoutSelector = spec.clusterIP === 'None' && !(isPlainObject(spec.selector) && Object.keys(spec.selector).length > 0);
  if (!Array.isArray(spec.ipFamilies) || spec.ipFamilies.length === 0) spec.ipFamilies = ['IPv4'];
  if (unset(spec.ipFamilyPolicy)) spec.ipFamilyPolicy = headlessWithoutSelector ? 'RequireDualStack' : 'SingleStack';
}

/**
 * Upstream patchAllocatedValues on update: a cluster IP, the IP family fields and node ports the update leaves empty
 * keep their allocated values (so `kubectl replace` with the original manifest works).
 */
export function keepAllocatedValues(obj: KObject, old: KObject): void {
  const spec = specOf(obj);
  const prev = isPlainObject(old.spec) ? old.spec : {};
  if (spec.type !== 'ExternalName' && prev.type !== 'ExternalName') {
    for (const k of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy']) {
      const v = spec[k];
      if ((unset(v) || (Array.isArray(v) && v.length === 0)) && prev[k] !== undefined) spec[k] = prev[k];
    }
  }
  if (!needsNodePorts(spec) || !needsNodePorts(prev)) return;
  const oldPorts = Array.isArray(prev.ports) ? prev.ports.filter(isPlainObject) : [];
  for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
    if (!isPlainObject(p) || !(p.nodePort === undefined || p.nodePort === null || p.nodePort === 0)) continue;
    const match = oldPorts.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
    if (match?.nodePort !== undefined) p.nodePort = match.nodePort;
  }
}
