// Upstream's well-known taint keys (k8s.io/api/core/v1 well_known_taints.go), shared by the controllers.

/** Upstream v1.TaintNodeNotReady: Ready is False. */
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
/** Upstream v1.TaintNodeUnreachable: Ready is Unknown. */
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
/** Upstream v1.TaintNodeUnschedulable: spec.unschedulable (cordoned). */
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
/** Upstream v1.TaintNodeMemoryPressure. */
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
/** Upstream v1.TaintNodeDiskPressure. */
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
/** Upstream v1.TaintNodePIDPressure. */
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
/** Upstream v1.TaintNodeNetworkUnavailable. */
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';
/** Upstream v1.TaintNodeOutOfService. */
export const TAINT_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';
