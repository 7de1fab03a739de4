// Cache keys of objects: "namespace/name" for namespaced objects, "name" for cluster-scoped ones.

/**
 * Any object with Kubernetes metadata: KObject and the kubernetes-types kinds (Pod, Node, …, whose metadata is
 * optional) all fit. The runtime's generic types are bounded by this, not by KObject.
 */
export interface ObjectLike {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

/** The cache and work-queue key of an object: `ns/name`, or `name` when it has no namespace. */
export function keyOf(obj: { metadata?: { namespace?: string; name?: string } }): string {
  const m = obj.metadata;
  const name = m?.name ?? '';
  return m?.namespace ? `${m.namespace}/${name}` : name;
}

/** The inverse of {@link keyOf}. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
