// Table tests for apps/v1, Secret, PersistentVolumeClaim and Service defaulting (upstream SetDefaults_*, 1.32).

import { describe, expect, it } from 'vitest';
import type { KObject } from '../api/types.js';
import {
  defaultDaemonSet, defaultPersistentVolumeClaim, defaultSecret, defaultStatefulSet, dropStatefulSetDisabledFields, templateGenerationOf,
} from './defaults.js';
import { allocateService, defaultService, keepAllocatedValues } from './defaults-service.js';

type Json = Record<string, unknown>;
const obj = (kind: string, rest: Json, annotations?: Record<string, string>): KObject => ({
  apiVersion: 'v1', kind, metadata: { name: 'x', ...(annotations ? { annotations } : {}) }, ...rest,
});
const template = { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'x' }] } };

describe('defaultDaemonSet', () => {
  it.each<[string, Json, Json]>([
    ['rolling update 1/0, history 10', {}, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10 }],
    ['an empty type is RollingUpdate', { updateStrategy: { type: '' } }, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } } }],
    ['given values kept', { updateStrategy: { rollingUpdate: { maxUnavailable: '25%' } }, revisionHistoryLimit: 0 }, {
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 0 } }, revisionHistoryLimit: 0,
    }],
    ['OnDelete gets no rollingUpdate', { updateStrategy: { type: 'OnDelete' } }, { updateStrategy: { type: 'OnDelete' } }],
  ])('%s', (_name, spec, want) => {
    const ds = obj('DaemonSet', { spec: { template: structuredClone(template), ...spec } });
    defaultDaemonSet(ds);
    expect(ds.spec).toMatchObject(want);
    expect((ds.spec as Json).template).toMatchObject({ metadata: { creationTimestamp: null }, spec: { restartPolicy: 'Always' } });
    expect(((ds.spec as Json).template as Json).spec).not.toHaveProperty('enableServiceLinks');
  });

  it.each<[string, string | undefined, number | string]>([
    ['absent', undefined, 0],
    ['a number', '7', 7],
    ['a signed number', '+3', 3],
    ['not a number', 'abc', 'DaemonSet in version "v1" cannot be handled as a DaemonSet: strconv.ParseInt: parsing "abc": invalid syntax'],
  ])('the template generation annotation: %s', (_name, value, want) => {
    const ds = obj('DaemonSet', { spec: {} }, value === undefined ? undefined : { 'deprecated.daemonset.template.generation': value });
    if (typeof want === 'number') expect(templateGenerationOf(ds)).toBe(want);
    else expect(() => templateGenerationOf(ds)).toThrow(want);
  });
});

describe('defaultStatefulSet', () => {
  it.each<[string, Json, Json]>([
    ['everything', {}, {
      podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' }, replicas: 1, revisionHistoryLimit: 10,
    }],
    ['an explicit RollingUpdate gets no partition (upstream trap)', { updateStrategy: { type: 'RollingUpdate' } }, { updateStrategy: { type: 'RollingUpdate' } }],
    ['a given rollingUpdate gets its partition', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: {} } }, { updateStrategy: { rollingUpdate: { partition: 0 } } }],
    ['replicas 0 kept', { replicas: 0 }, { replicas: 0 }],
    ['claim templates', { volumeClaimTemplates: [{ metadata: { name: 'd' }, spec: { accessModes: ['ReadWriteOnce'] } }] }, {
      volumeClaimTemplates: [{
        apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'd', creationTimestamp: null },
        spec: { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' }, status: { phase: 'Pending' },
      }],
    }],
  ])('%s', (_name, spec, want) => {
    const sts = obj('StatefulSet', { spec: { template: structuredClone(template), ...spec } });
    defaultStatefulSet(sts);
    expect(sts.spec).toMatchObject(want);
    if (spec.updateStrategy && !(spec.updateStrategy as Json).rollingUpdate) expect((sts.spec as Json).updateStrategy).toEqual({ type: 'RollingUpdate' });
  });

  it.each<[string, Json | undefined, boolean]>([
    ['dropped on create (MaxUnavailableStatefulSet is off)', undefined, false],
    ['dropped when the stored object has none', { maxUnavailable: undefined }, false],
    ['kept when the stored object uses it', { maxUnavailable: 1 }, true],
  ])('rollingUpdate.maxUnavailable %s', (_name, oldRu, kept) => {
    const sts = obj('StatefulSet', { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 2 } } } });
    const old = oldRu ? obj('StatefulSet', { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: oldRu } } }) : undefined;
    dropStatefulSetDisabledFields(sts, old);
    const ru = ((sts.spec as Json).updateStrategy as Json).rollingUpdate as Json;
    expect('maxUnavailable' in ru).toBe(kept);
  });
});

describe('Secret and PersistentVolumeClaim', () => {
  it.each<[string, Json, Json]>([
    ['type Opaque', {}, { type: 'Opaque' }],
    ['an empty type is Opaque', { type: '' }, { type: 'Opaque' }],
    ['stringData folded into data', { stringData: { a: 'hi' }, data: { b: 'eA==' } }, { type: 'Opaque', data: { a: 'aGk=', b: 'eA==' } }],
  ])('secret: %s', (_name, rest, want) => {
    const s = obj('Secret', rest);
    defaultSecret(s);
    expect(s).toMatchObject(want);
    expect(s).not.toHaveProperty('stringData');
  });

  it('pvc: volumeMode Filesystem', () => {
    const pvc = obj('PersistentVolumeClaim', { spec: { accessModes: ['ReadWriteOnce'] } });
    defaultPersistentVolumeClaim(pvc);
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' });
  });
});

describe('Services', () => {
  it.each<[string, Json, Json, string[]]>([
    ['ClusterIP', { selector: { a: 'b' }, ports: [{ port: 80 }] }, {
      type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack',
    }, ['externalTrafficPolicy', 'allocateLoadBalancerNodePorts', 'sessionAffinityConfig']],
    ['NodePort', { type: 'NodePort', ports: [{ port: 80, targetPort: 'http' }] }, {
      externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster', ports: [{ port: 80, targetPort: 'http', nodePort: expect.any(Number) }],
    }, ['allocateLoadBalancerNodePorts']],
    ['LoadBalancer', { type: 'LoadBalancer', ports: [{ port: 443 }] }, {
      externalTrafficPolicy: 'Cluster', allocateLoadBalancerNodePorts: true, ports: [{ port: 443, nodePort: expect.any(Number) }],
    }, []],
    ['ClientIP affinity', { sessionAffinity: 'ClientIP', ports: [{ port: 1 }] }, { sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } }, []],
    ['headless without selector', { clusterIP: 'None', ports: [{ port: 1 }] }, {
      clusterIP: 'None', clusterIPs: ['None'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'RequireDualStack',
    }, []],
    ['headless with selector', { clusterIP: 'None', selector: { a: 'b' } }, { ipFamilyPolicy: 'SingleStack' }, []],
    ['ExternalName', { type: 'ExternalName', externalName: 'example.com' }, { type: 'ExternalName', sessionAffinity: 'None' }, ['clusterIP', 'internalTrafficPolicy', 'ipFamilies']],
  ])('%s', (_name, spec, want, absent) => {
    const svc = obj('Service', { spec });
    defaultService(svc);
    allocateService(svc);
    expect(svc.spec).toMatchObject(want);
    for (const k of absent) expect(svc.spec).not.toHaveProperty(k);
  });

  it('an update that leaves allocated values empty keeps them', () => {
    const old = obj('Service', { spec: { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 31000 }] } });
    defaultService(old);
    allocateService(old);
    const next = obj('Service', { spec: { type: 'NodePort', ports: [{ port: 80 }] } });
    defaultService(next);
    keepAllocatedValues(next, old);
    const s = old.spec as Json;
    expect(next.spec).toMatchObject({ clusterIP: s.clusterIP, clusterIPs: s.clusterIPs, ipFamilies: ['IPv4'], ports: [{ port: 80, nodePort: 31000 }] });
  });
});
