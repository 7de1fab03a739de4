// First-start objects every cluster has: the four system namespaces, the `kubernetes` service, the system PriorityClasses
// and kind's default StorageClass.

import { R } from '../api/resources.js';
import { isAlreadyExists } from '../api/status.js';
import type { KObject } from '../api/types.js';
import type { Registry } from './store.js';
import { SYSTEM_PRIORITY_CLASSES, systemPriorityClassObject } from './validate-scheduling.js';
import { standardStorageClassObject } from './admission-storage.js';

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Creates what is missing; safe to call at every start. The `standard` StorageClass is created only on a cluster's
 * first start (when `kube-system` did not exist yet), as kind installs it once: a class the user deleted stays deleted.
 */
export async function bootstrap(registry: Registry): Promise<void> {
  let firstStart = false;
  for (const name of SYSTEM_NAMESPACES) {
    const created = await ignoreExists(registry.create(R.namespaces, undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
    }));
    if (name === 'kube-system') firstStart = created;
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
  if (firstStart) await ignoreExists(registry.create(R.storageclasses, undefined, standardStorageClassObject()));
}

/** Awaits a create: true when it created the object, false when it already existed. */
async function ignoreExists(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return true;
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
    return false;
  }
}
