// The Node printer: STATUS from the Ready condition (+SchedulingDisabled), ROLES from labels, VERSION, wide IPs and node info.

import type { Node } from 'kubernetes-types/core/v1.js';
import { ageColumn, col, nameColumn, wide } from './columns.js';
import { age, asArray, byteCompare, str } from './format.js';
import type { TableConvertor } from './types.js';

/** Label prefix whose suffix names a role: `node-role.kubernetes.io/control-plane`. */
const ROLE_PREFIX = 'node-role.kubernetes.io/';
/** Legacy label whose value names a role. */
const ROLE_LABEL = 'kubernetes.io/role';

const ADDRESSES_DOC =
  "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/concepts/nodes/node/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).";

/**
 * STATUS: `Ready` / `NotReady` from the (last) Ready condition, `Unknown` without one,
 * then `,SchedulingDisabled` when cordoned.
 */
export function nodeStatus(node: Node): string {
  let ready: string | undefined;
  for (const c of asArray(node.status?.conditions)) {
    if (c.type === 'Ready') ready = c.status === 'True' ? 'Ready' : 'NotReady';
  }
  const parts = [ready ?? 'Unknown'];
  if (node.spec?.unschedulable === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

/** ROLES: sorted, de-duplicated roles from `node-role.kubernetes.io/<role>` keys and `kubernetes.io/role` values. */
export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX)) {
      const role = k.slice(ROLE_PREFIX.length);
      if (role !== '') roles.add(role);
    } else if (k === ROLE_LABEL && v !== '') {
      roles.add(v);
    }
  }
  return [...roles].sort(byteCompare);
}

/** The first address of a type, or `<none>`. */
function address(node: Node, type: string): string {
  const found = asArray(node.status?.addresses).find((a) => a.type === type);
  return found ? str(found.address) : '<none>';
}

/** Server-side printer for `nodes`. */
export const nodeConvertor: TableConvertor = {
  columns: [
    nameColumn(),
    col('Status', 'The status of the node'),
    col('Roles', 'The roles of the node'),
    ageColumn(),
    col('Version', 'Kubelet Version reported by the node.'),
    wide('Internal-IP', ADDRESSES_DOC),
    wide('External-IP', ADDRESSES_DOC),
    wide('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).'),
    wide('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
    wide('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).'),
  ],
  cells(obj, now) {
    const node = obj as unknown as Node;
    const info = node.status?.nodeInfo;
    const roles = nodeRoles(node).join(',') || '<none>';
    return [
      str(obj.metadata.name),
      nodeStatus(node),
      roles,
      age(obj, now),
      str(info?.kubeletVersion),
      address(node, 'InternalIP'),
      address(node, 'ExternalIP'),
      str(info?.osImage) || '<unknown>',
      str(info?.kernelVersion) || '<unknown>',
      str(info?.containerRuntimeVersion) || '<unknown>',
    ];
  },
};
