// Filter NodePorts: requested host ports must be free on the node.

import type { FilterPlugin } from '../cycle.js';
import { reject } from '../cycle.js';
import { podHostPorts, portWildcard } from '../node-info.js';

/** Upstream nodeports.ErrReason. */
export const REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

/**
 * Assumptions / Invariants (upstream plugins/nodeports/node_ports.go, framework.HostPortInfo.CheckConflict):
 * same protocol and port conflict when either host IP is 0.0.0.0 or both are equal; U.
 */
export const nodePorts: FilterPlugin = {
  name: 'NodePorts',
  prepare(ctx) {
    const wanted = podHostPorts(ctx.pod);
    if (wanted.length === 0) return null;
    return (info) => {
      for (const p of wanted) {
        const proto = p.slice(0, p.indexOf('/'));
        const port = p.slice(p.lastIndexOf('/') + 1);
        const conflict = p.includes('/0.0.0.0/')
          ? info.portCounts.has(portWildcard(p))
          : info.portCounts.has(p) || info.portCounts.has(`${proto}/0.0.0.0/${port}`);
        if (conflict) return reject('Unschedulable', REASON_NODE_PORTS);
      }
      return null;
    };
  },
};
