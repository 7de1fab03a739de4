// The package's library entry (`import { startCluster } from 'kubeling'`): a whole cluster for integration tests.

export { startCluster } from './start-cluster.js';
export { ALL_COMPONENTS, kubeConfigOptions, type ClusterComponent, type ClusterLogLevel, type KubeConfigOptions, type RunningCluster, type StartClusterOptions } from './cluster-options.js';
