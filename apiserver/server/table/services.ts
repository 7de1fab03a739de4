// The Service printer: TYPE, CLUSTER-IP, EXTERNAL-IP (incl. <pending> load balancers), PORT(S) like 80/TCP,443:30443/TCP.

import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import { ageColumn, col, nameColumn, wide } from './columns.js';
import { age, asArray, byteCompare, formatLabels, num, str } from './format.js';
import type { TableConvertor } from './types.js';

const SVC_DOC = {
  type: 'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is "None", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. "NodePort" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. "LoadBalancer" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. "ExternalName" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
  clusterIP:
    'clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are "None", empty string (""), or a valid IP address. Setting this to "None" makes a "headless service" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
  externalIPs:
    'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.',
  ports: 'The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
  selector:
    'Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/',
} as const;

/** Load-balancer ingress points (IP, else hostname), sorted and de-duplicated, comma-joined. Never clipped: the server prints wide. */
function loadBalancerIngress(svc: Service): string {
  const points = new Set<string>();
  for (const ing of asArray(svc.status?.loadBalancer?.ingress)) {
    const point = str(ing.ip) || str(ing.hostname);
    if (point !== '') points.add(point);
  }
  return [...points].sort(byteCompare).join(',');
}

/** EXTERNAL-IP per service type, as upstream `getServiceExternalIP` with wide output. */
export function serviceExternalIP(svc: Service): string {
  const externalIPs = asArray(svc.spec?.externalIPs);
  switch (svc.spec?.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(svc);
      if (externalIPs.length > 0) return [...(lb === '' ? [] : lb.split(',')), ...externalIPs].join(',');
      return lb === '' ? '<pending>' : lb;
    }
    case 'ExternalName':
      return str(svc.spec.externalName);
    default:
      return '<unknown>';
  }
}

/** PORT(S): `80/TCP`, or `443:30443/TCP` with a node port; `<none>` without ports. */
export function servicePorts(ports: readonly ServicePort[] | undefined): string {
  const text = asArray(ports)
    .map((p) => (num(p.nodePort) > 0 ? `${num(p.port)}:${num(p.nodePort)}/${str(p.protocol)}` : `${num(p.port)}/${str(p.protocol)}`))
    .join(',');
  return text === '' ? '<none>' : text;
}

/** CLUSTER-IP: `clusterIPs[0]` (falling back to `clusterIP`), or `<none>`. */
function clusterIP(svc: Service): string {
  return str(asArray(svc.spec?.clusterIPs)[0]) || str(svc.spec?.clusterIP) || '<none>';
}

/** Server-side printer for `services`. */
export const serviceConvertor: TableConvertor = {
  columns: [
    nameColumn(),
    col('Type', SVC_DOC.type),
    col('Cluster-IP', SVC_DOC.clusterIP),
    col('External-IP', SVC_DOC.externalIPs),
    col('Port(s)', SVC_DOC.ports),
    ageColumn(),
    wide('Selector', SVC_DOC.selector),
  ],
  cells(obj, now) {
    const svc = obj as unknown as Service;
    return [
      str(obj.metadata.name),
      str(svc.spec?.type),
      clusterIP(svc),
      serviceExternalIP(svc),
      servicePorts(svc.spec?.ports),
      age(obj, now),
      formatLabels(svc.spec?.selector),
    ];
  },
};
