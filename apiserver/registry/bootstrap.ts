// First-start objects every cluster has: the four system namespaces, the `kubernetes` service and the system PriorityClasses.

import { R } from '../api/resources.js';
import { isAlreadyExists } from '../api/status.js';
import type { KObject } from '../api/types.js';
import type { Registry } from './store.js';
import { SYSTEM_PRIORITY_CLASSES, systemPriorityClassObject } from './validate-scheduling.js';

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Creates what is missing; safe to call at every start. */
export async function bootstrap(registry: Registry): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    await ignoreExists(registry.create(R.namespaces, undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
    }));
  }
  const svc: KObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.0.1',
      clusterIPs: ['10.96.0.1'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      sessionAffinity: 'None',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
    },
  };
  await ignoreExists(registry.create(R.services, 'default', svc));
  // Upstream's scheduling storage post-start hook creates each missing system class.
  for (const c of SYSTEM_PRIORITY_CLASSES) await ignoreExists(registry.create(R.priorityclasses, undefined, systemPriorityClassObject(c)));
}

async function ignoreExists(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
}
