// The garbage collector's view of the ownerReferences graph: shared informers of every deletable kind, indexed by uid.

import { groupVersion, RESOURCES, type ResourceInfo } from '../../apiserver/api/resources.js';
import type { KObject, OwnerReference } from '../../apiserver/api/types.js';
import { keyOf, splitKey, type Informer, type Runtime } from '../runtime/index.js';

/** Index of a cached object by its own uid. */
export const UID_INDEX = 'gc/uid';
/** Index of a cached object by the uids its ownerReferences name (the dependents index). */
export const OWNER_UID_INDEX = 'gc/owner-uid';

/** An object of the graph with the resource it is served as. */
export interface Node {
  resource: ResourceInfo;
  obj: KObject;
}

/**
 * The resources the collector watches: every served kind that can be listed, watched and deleted, except events
 * (upstream GetDeletableResources minus DefaultIgnoredResources).
 */
export function gcResources(resources: readonly ResourceInfo[] = RESOURCES): ResourceInfo[] {
  return resources.filter((r) => ['list', 'watch', 'delete'].every((v) => r.verbs.includes(v)) && !(r.group === '' && r.plural === 'events'));
}

/** `configmaps` or `daemonsets.apps`: the resource part of a work-queue key. */
export function resourceId(r: ResourceInfo): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

/** The work-queue key of an object: `<resource>|<namespace>/<name>` or `<resource>|<name>`. */
export function itemKey(r: ResourceInfo, obj: { metadata?: { namespace?: string; name?: string } }): string {
  return `${resourceId(r)}|${keyOf(obj)}`;
}

/** The owner references of an object (never undefined). */
export function ownerRefs(obj: KObject): readonly OwnerReference[] {
  return obj.metadata.ownerReferences ?? [];
}

/** True when the object is being deleted and carries `finalizer`. */
export function deletingWith(obj: KObject, finalizer: string): boolean {
  return !!obj.metadata.deletionTimestamp && (obj.metadata.finalizers ?? []).includes(finalizer);
}

/**
 * The graph: one shared informer per watched resource, with a uid index and a dependents index.
 * Invariants: the informers are `rt.informer(r)` (shared with other controllers of the process); cached objects are
 * read-only. Unlike upstream's uidToNode there are no virtual nodes: an owner missing from the caches is looked up
 * live by the controller before anything is decided on its absence.
 */
export class Graph {
  readonly informers = new Map<string, { resource: ResourceInfo; informer: Informer<KObject> }>();
  /** The watched resources by `<apiVersion>|<kind>`, as ownerReferences name them. */
  private readonly byApiVersionKind = new Map<string, ResourceInfo>();

  constructor(rt: Pick<Runtime, 'informer'>, resources: readonly ResourceInfo[] = gcResources()) {
    for (const r of resources) {
      const informer = rt.informer<KObject>(r);
      informer.addIndex(UID_INDEX, (o) => (o.metadata.uid ? [o.metadata.uid] : []));
      informer.addIndex(OWNER_UID_INDEX, (o) => ownerRefs(o).map((ref) => ref.uid).filter((u) => !!u));
      this.informers.set(resourceId(r), { resource: r, informer });
      this.byApiVersionKind.set(`${groupVersion(r)}|${r.kind}`, r);
    }
  }

  /** The watched resource of an ownerReference's apiVersion and kind. */
  resourceOf(apiVersion: string, kind: string): ResourceInfo | undefined {
    return this.byApiVersionKind.get(`${apiVersion}|${kind}`);
  }

  /** The cached object of a work-queue key. */
  get(key: string): Node | undefined {
    const { resource, informer, objectKey } = this.split(key) ?? {};
    if (!resource || !informer || objectKey === undefined) return undefined;
    const obj = informer.getByKey(objectKey);
    return obj ? { resource, obj } : undefined;
  }

  /** The resource and namespace/name a key names. */
  split(key: string): { resource: ResourceInfo; informer: Informer<KObject>; objectKey: string; namespace?: string; name: string } | undefined {
    const bar = key.indexOf('|');
    const entry = this.informers.get(key.slice(0, bar));
    if (bar < 0 || !entry) return undefined;
    const objectKey = key.slice(bar + 1);
    return { resource: entry.resource, informer: entry.informer, objectKey, ...splitKey(objectKey) };
  }

  /**
   * The cached object an ownerReference of a dependent in `namespace` points at by coordinates (uid not checked);
   * `resource` is the watched resource of the reference (from resourceOf).
   */
  ownerByName(resource: ResourceInfo, ref: OwnerReference, namespace: string | undefined): Node | undefined {
    const entry = this.informers.get(resourceId(resource));
    if (!entry) return undefined;
    const obj = entry.informer.get(resource.namespaced ? namespace : undefined, ref.name);
    return obj ? { resource, obj } : undefined;
  }

  /** Every cached object with this uid (one, unless the caches are mid-change). */
  byUid(uid: string): Node[] {
    const out: Node[] = [];
    for (const { resource, informer } of this.informers.values()) for (const obj of informer.byIndex(UID_INDEX, uid)) out.push({ resource, obj });
    return out;
  }

  /** Every cached object whose ownerReferences name `uid`. */
  dependents(uid: string): Node[] {
    const out: Node[] = [];
    for (const { resource, informer } of this.informers.values()) for (const obj of informer.byIndex(OWNER_UID_INDEX, uid)) out.push({ resource, obj });
    return out;
  }
}
