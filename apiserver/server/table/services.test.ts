// Table-driven tests of the Service printer: TYPE, CLUSTER-IP, EXTERNAL-IP and PORT(S).

import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types.js';
import { serviceConvertor, servicePorts } from './services.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');

function svc(spec: Record<string, unknown>, status: Record<string, unknown> = {}): KObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', creationTimestamp: '2026-11-22T11:00:00Z' }, spec, status };
}

describe('servicePorts', () => {
  it.each([
    [[{ port: 80, protocol: 'TCP' }], '80/TCP'],
    [[{ port: 80, protocol: 'TCP' }, { port: 443, nodePort: 30443, protocol: 'TCP' }], '80/TCP,443:30443/TCP'],
    [[{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }], '53/UDP,53/TCP'],
    [[{ port: 8080, protocol: 'SCTP', nodePort: 0 }], '8080/SCTP'],
    [[], '<none>'],
    [undefined, '<none>'],
  ])('%j → %s', (ports, want) => {
    expect(servicePorts(ports)).toBe(want);
  });
});

describe('serviceConvertor', () => {
  it.each([
    [
      'ClusterIP',
      svc({ type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 53, protocol: 'UDP' }], selector: { 'k8s-app': 'kube-dns' } }),
      ['web', 'ClusterIP', '10.96.0.10', '<none>', '53/UDP', '60m', 'k8s-app=kube-dns'],
    ],
    [
      'ClusterIP with externalIPs',
      svc({ type: 'ClusterIP', clusterIPs: ['10.96.0.11'], externalIPs: ['1.2.3.4', '5.6.7.8'], ports: [{ port: 80, protocol: 'TCP' }] }),
      ['web', 'ClusterIP', '10.96.0.11', '1.2.3.4,5.6.7.8', '80/TCP', '60m', '<none>'],
    ],
    [
      'headless',
      svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], selector: { b: '2', a: '1' } }),
      ['web', 'ClusterIP', 'None', '<none>', '<none>', '60m', 'a=1,b=2'],
    ],
    [
      'NodePort',
      svc({ type: 'NodePort', clusterIPs: ['10.96.0.12'], ports: [{ port: 443, nodePort: 30443, protocol: 'TCP' }] }),
      ['web', 'NodePort', '10.96.0.12', '<none>', '443:30443/TCP', '60m', '<none>'],
    ],
    [
      'LoadBalancer pending',
      svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.13'], ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }] }),
      ['web', 'LoadBalancer', '10.96.0.13', '<pending>', '80:31000/TCP', '60m', '<none>'],
    ],
    [
      'LoadBalancer with ingress (sorted, de-duplicated, hostnames when no IP, never clipped)',
      svc(
        { type: 'LoadBalancer', clusterIPs: ['10.96.0.14'], ports: [] },
        { loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: 'a-very-long-hostname.elb.example.com' }, { ip: '203.0.113.1' }, { ip: '203.0.113.9' }] } },
      ),
      ['web', 'LoadBalancer', '10.96.0.14', '203.0.113.1,203.0.113.9,a-very-long-hostname.elb.example.com', '<none>', '60m', '<none>'],
    ],
    [
      'LoadBalancer ingress plus externalIPs',
      svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.15'], externalIPs: ['198.51.100.7'] }, { loadBalancer: { ingress: [{ ip: '203.0.113.1' }] } }),
      ['web', 'LoadBalancer', '10.96.0.15', '203.0.113.1,198.51.100.7', '<none>', '60m', '<none>'],
    ],
    [
      'LoadBalancer without ingress but externalIPs',
      svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.16'], externalIPs: ['198.51.100.7'] }),
      ['web', 'LoadBalancer', '10.96.0.16', '198.51.100.7', '<none>', '60m', '<none>'],
    ],
    ['ExternalName', svc({ type: 'ExternalName', externalName: 'db.example.com' }), ['web', 'ExternalName', '<none>', 'db.example.com', '<none>', '60m', '<none>']],
    ['no type', svc({ clusterIP: '10.96.0.17' }), ['web', '', '10.96.0.17', '<unknown>', '<none>', '60m', '<none>']],
  ])('%s', (_d, obj, want) => {
    expect(serviceConvertor.cells(obj, NOW)).toEqual(want);
  });

  it('has the upstream columns', () => {
    expect(serviceConvertor.columns.map((c) => `${c.name}:${c.priority}`)).toEqual([
      'Name:0', 'Type:0', 'Cluster-IP:0', 'External-IP:0', 'Port(s):0', 'Age:0', 'Selector:1',
    ]);
  });
});
