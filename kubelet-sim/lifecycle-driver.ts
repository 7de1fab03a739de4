// Drives step() the way the kubelet process does (publish status, keep runtime, wake on time): for tests and tools.

import type { Pod } from '../apiserver/api/types.js';
import type { PodRuntime, StepDefaults, StepResult } from './lifecycle.js';
import { step } from './lifecycle.js';

/** A pod played by step() in memory, with the published status applied after every step. */
export class LifecycleDriver {
  pod: Pod;
  runtime: PodRuntime | undefined;
  last: StepResult | undefined;
  /** The `now` of the last step. */
  now: number | undefined;
  readonly hostIP: string;
  readonly podIP: string;
  readonly defaults: StepDefaults | undefined;

  constructor(pod: Pod, opts: { hostIP?: string; podIP?: string; defaults?: StepDefaults } = {}) {
    this.pod = pod;
    this.hostIP = opts.hostIP ?? '10.0.0.2';
    this.podIP = opts.podIP ?? '10.244.1.7';
    this.defaults = opts.defaults;
  }

  /** Runs one step at `now` and publishes its status onto the pod. */
  at(now: number): StepResult {
    const env = { now, hostIP: this.hostIP, podIP: this.podIP, ...(this.defaults ? { defaults: this.defaults } : {}) };
    const r = step(this.pod, this.runtime, env);
    this.runtime = r.runtime;
    this.pod = { ...this.pod, status: r.status };
    this.last = r;
    this.now = now;
    return r;
  }

  /** Steps at every wakeAt after the last step up to `until`, then at `until` itself. */
  runUntil(until: number): StepResult {
    if (this.last === undefined) throw new Error('runUntil needs a first step: call at(now) first');
    let r = this.last;
    for (let i = 0; i < 100_000 && r.wakeAt !== undefined && r.wakeAt <= until; i++) r = this.at(r.wakeAt);
    return this.now === until ? r : this.at(until);
  }

  /** Replaces pod metadata (e.g. a deletionTimestamp set by the API server). */
  patchMetadata(meta: Record<string, unknown>): void {
    this.pod = { ...this.pod, metadata: { ...this.pod.metadata, ...meta } };
  }

  /** The published status as a plain record. */
  get status(): Record<string, unknown> {
    return (this.pod.status ?? {}) as Record<string, unknown>;
  }
}
