// The resource table: every served kind with its group, version, plural, short names, scope, verbs and subresources.

/** A subresource as discovery advertises it. */
export interface SubresourceInfo {
  name: 'status' | 'scale' | 'log' | 'eviction' | 'binding';
  group: string;
  version: string;
  kind: string;
  verbs: string[];
}

/** One served resource. */
export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: SubresourceInfo[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS_VERBS = ['get', 'patch', 'update'];

function res(
  group: string,
  kind: string,
  plural: string,
  opts: { namespaced?: boolean; shortNames?: string[]; categories?: string[]; verbs?: string[]; subresources?: Array<Partial<SubresourceInfo> & { name: SubresourceInfo['name'] }> } = {},
): ResourceInfo {
  const version = 'v1';
  return {
    group,
    version,
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced: opts.namespaced ?? true,
    shortNames: opts.shortNames ?? [],
    categories: opts.categories ?? [],
    verbs: opts.verbs ?? ALL_VERBS,
    subresources: (opts.subresources ?? []).map((s) => ({
      group: s.group ?? group,
      version: s.version ?? version,
      kind: s.kind ?? kind,
      verbs: s.verbs ?? STATUS_VERBS,
      name: s.name,
    })),
  };
}

/** Every resource kubeling serves, in discovery order. */
export const RESOURCES: readonly ResourceInfo[] = [
  res('', 'Namespace', 'namespaces', {
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [{ name: 'status' }],
  }),
  res('', 'Node', 'nodes', { namespaced: false, shortNames: ['no'], subresources: [{ name: 'status' }] }),
  res('', 'Pod', 'pods', {
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      { name: 'status' },
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'eviction', group: 'policy', kind: 'Eviction', verbs: ['create'] },
      { name: 'log', verbs: ['get'] },
    ],
  }),
  res('', 'Event', 'events', { shortNames: ['ev'] }),
  res('', 'ConfigMap', 'configmaps', { shortNames: ['cm'] }),
  res('', 'Secret', 'secrets'),
  res('', 'Service', 'services', {
    shortNames: ['svc'],
    categories: ['all'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [{ name: 'status' }],
  }),
  res('', 'ServiceAccount', 'serviceaccounts', { shortNames: ['sa'] }),
  res('', 'PersistentVolumeClaim', 'persistentvolumeclaims', { shortNames: ['pvc'], subresources: [{ name: 'status' }] }),
  res('', 'PersistentVolume', 'persistentvolumes', { namespaced: false, shortNames: ['pv'], subresources: [{ name: 'status' }] }),
  res('apps', 'ControllerRevision', 'controllerrevisions'),
  res('apps', 'DaemonSet', 'daemonsets', { shortNames: ['ds'], categories: ['all'], subresources: [{ name: 'status' }] }),
  res('apps', 'StatefulSet', 'statefulsets', {
    shortNames: ['sts'],
    categories: ['all'],
    subresources: [{ name: 'status' }, { name: 'scale', group: 'autoscaling', kind: 'Scale' }],
  }),
  res('coordination.k8s.io', 'Lease', 'leases'),
  res('policy', 'PodDisruptionBudget', 'poddisruptionbudgets', { shortNames: ['pdb'], subresources: [{ name: 'status' }] }),
  res('scheduling.k8s.io', 'PriorityClass', 'priorityclasses', { namespaced: false, shortNames: ['pc'] }),
  res('storage.k8s.io', 'StorageClass', 'storageclasses', { namespaced: false, shortNames: ['sc'] }),
];

/** `v1` or `apps/v1`. */
export function groupVersion(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** The URL prefix of a group-version: `/api/v1` or `/apis/apps/v1`. */
export function gvPath(r: { group: string; version: string }): string {
  return r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
}

/** The served group-versions, core first, in discovery order. */
export function groupVersions(): Array<{ group: string; version: string; resources: ResourceInfo[] }> {
  const out: Array<{ group: string; version: string; resources: ResourceInfo[] }> = [];
  for (const r of RESOURCES) {
    let gv = out.find((g) => g.group === r.group && g.version === r.version);
    if (!gv) out.push((gv = { group: r.group, version: r.version, resources: [] }));
    gv.resources.push(r);
  }
  return out;
}

/** Finds a resource by group and plural. */
export function findResource(group: string, plural: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.group === group && r.plural === plural);
}

/** Finds a resource by apiVersion and kind (as written in a manifest). */
export function findByKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => groupVersion(r) === apiVersion && r.kind === kind);
}

/** The storage key prefix of a resource: `/registry/pods/` or `/registry/apps/daemonsets/`, plus `ns/` when given. */
export function keyPrefix(r: ResourceInfo, namespace?: string): string {
  const base = r.group ? `/registry/${r.group}/${r.plural}/` : `/registry/${r.plural}/`;
  return r.namespaced && namespace ? `${base}${namespace}/` : base;
}

/** The storage key of one object. */
export function objectKey(r: ResourceInfo, namespace: string | undefined, name: string): string {
  return r.namespaced ? `${keyPrefix(r)}${namespace ?? ''}/${name}` : `${keyPrefix(r)}${name}`;
}

/** Well-known resource handles for callers (controllers, kubelet-sim). */
export const R = {
  namespaces: findResource('', 'namespaces')!,
  nodes: findResource('', 'nodes')!,
  pods: findResource('', 'pods')!,
  events: findResource('', 'events')!,
  configmaps: findResource('', 'configmaps')!,
  secrets: findResource('', 'secrets')!,
  services: findResource('', 'services')!,
  serviceaccounts: findResource('', 'serviceaccounts')!,
  persistentvolumeclaims: findResource('', 'persistentvolumeclaims')!,
  persistentvolumes: findResource('', 'persistentvolumes')!,
  controllerrevisions: findResource('apps', 'controllerrevisions')!,
  daemonsets: findResource('apps', 'daemonsets')!,
  statefulsets: findResource('apps', 'statefulsets')!,
  leases: findResource('coordination.k8s.io', 'leases')!,
  poddisruptionbudgets: findResource('policy', 'poddisruptionbudgets')!,
  priorityclasses: findResource('scheduling.k8s.io', 'priorityclasses')!,
  storageclasses: findResource('storage.k8s.io', 'storageclasses')!,
} as const;
