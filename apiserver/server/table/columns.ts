// Column-definition builders and the API-doc descriptions upstream attaches to each column.

import type { ColumnDefinition } from './types.js';

/**
 * Field descriptions, as upstream takes them from the API types' `SwaggerDoc()`.
 * Texts follow the v1.32 API documentation as far as it could be checked.
 */
export const DOC = {
  name: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  creationTimestamp:
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
  podIP: 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
  nodeName:
    'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename',
  nominatedNodeName:
    'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.',
  readinessGates:
    'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates',
  nodeSelector:
    "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
  containers: 'Names of each container in the template.',
  images: 'Images referenced by each container in the template.',
} as const;

/** One column. `priority` 1 marks a wide (`-o wide`) column. */
export function col(
  name: string,
  description: string,
  opts: { type?: ColumnDefinition['type']; format?: string; priority?: number } = {},
): ColumnDefinition {
  return { name, type: opts.type ?? 'string', format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

/** A wide (priority 1) string column. */
export function wide(name: string, description: string): ColumnDefinition {
  return col(name, description, { priority: 1 });
}

/** An integer column. */
export function int(name: string, description: string): ColumnDefinition {
  return col(name, description, { type: 'integer' });
}

/** The `Name` column every printer starts with (`format: name` drives kubectl's kind prefix). */
export function nameColumn(): ColumnDefinition {
  return col('Name', DOC.name, { format: 'name' });
}

/** The `Age` column. */
export function ageColumn(): ColumnDefinition {
  return col('Age', DOC.creationTimestamp);
}
