// The public face of controllers/runtime: the client, watch, informers, work queue, controllers, events and clock.

export { realClock, FakeClock, sleep, type Clock } from './clock.js';
export { runPeriodically, type PeriodicOptions } from './periodic.js';
export { loadKubeconfig, parseKubeconfig, defaultKubeconfigPath, type ClusterConfig } from './kubeconfig.js';
export { Client, errorOf, type ClientOptions, type DeleteOptions, type ListOptions, type PatchType, type RawResponse, type WriteOptions } from './client.js';
export { resourcePath, queryString } from './paths.js';
export { updateStatusRetrying, type StatusRetry } from './status-write.js';
export { hasPodCondition, patchPodCondition, patchPodStatus, withTransitionTime, type PodConditionWrite, type PodStatusClient } from './pod-condition.js';
export { LineDecoder, parseWatchEvent, decodeWatchStream, type WatchEvent } from './watch.js';
export { Informer, keyOf, splitKey, type ObjectLike, type EventHandler, type InformerDeps, type InformerOptions } from './informer.js';
export { IndexedStore, type IndexFunc } from './store.js';
export { WorkQueue } from './workqueue.js';
export { Expectations, type Observed, type Seen } from './expectations.js';
export { exponentialRateLimiter, bucketRateLimiter, maxOfRateLimiter, defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';
export { newController, type Controller, type ControllerSpec, type ReconcileResult, type Source } from './controller.js';
export { newEventRecorder, buildEvent, EventCorrelator, type Correlation, type CorrelatorOptions, type EventObject, type EventRecorder, type EventRecorderDeps } from './events.js';
export { createRuntime, silentLogger, type Logger, type Runtime } from './runtime.js';
export { countFlag, durationFlag, startComponent, type Component } from './component.js';
