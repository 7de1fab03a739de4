// The well-known taint keys are upstream's exact strings (k8s.io/api/core/v1 well_known_taints.go).

import { describe, expect, it } from 'vitest';
import * as taints from './taints.js';

describe('well-known taint keys', () => {
  it('match upstream', () => {
    expect({ ...taints }).toEqual({
      TAINT_NOT_READY: 'node.kubernetes.io/not-ready',
      TAINT_UNREACHABLE: 'node.kubernetes.io/unreachable',
      TAINT_UNSCHEDULABLE: 'node.kubernetes.io/unschedulable',
      TAINT_MEMORY_PRESSURE: 'node.kubernetes.io/memory-pressure',
      TAINT_DISK_PRESSURE: 'node.kubernetes.io/disk-pressure',
      TAINT_PID_PRESSURE: 'node.kubernetes.io/pid-pressure',
      TAINT_NETWORK_UNAVAILABLE: 'node.kubernetes.io/network-unavailable',
      TAINT_OUT_OF_SERVICE: 'node.kubernetes.io/out-of-service',
    });
  });
});
