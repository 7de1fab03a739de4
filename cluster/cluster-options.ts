// The public types of startCluster(): its options, the running cluster, and the client-node kubeconfig options.

/** The components a cluster can run besides the API server (the names `kubeling up --components` takes). */
export type ClusterComponent = 'scheduler' | 'controller-manager' | 'daemonset-controller' | 'statefulset-controller' | 'kubelet-sim';

/** Every component, in start order. */
export const ALL_COMPONENTS: readonly ClusterComponent[] = ['scheduler', 'controller-manager', 'daemonset-controller', 'statefulset-controller', 'kubelet-sim'];

/** Log levels of the components' pino loggers; `silent` (the default) writes nothing. */
export type ClusterLogLevel = 'silent' | 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** Options of {@link startCluster}. Every field is optional. */
export interface StartClusterOptions {
  /** Simulated nodes: one control plane and `nodes - 1` workers (default 3; 0 for none). */
  nodes?: number;
  /** Storage of the API server (default `memory`; `level` keeps it in `dataDir`). */
  storage?: 'memory' | 'level';
  /**
   * `in-process` (default) runs every component inside the calling process: ready in a few hundred ms, and
   * several clusters can share one test worker. `processes` runs `kubeling up` as a child process: each component
   * in its own process, exactly as a user runs it.
   */
  mode?: 'in-process' | 'processes';
  /** Where `level` storage keeps its database (default: a temp folder removed by stop()). */
  dataDir?: string;
  /** Static pod manifests: `<dir>/<node-name>/` for one node, files in `<dir>` for every node (default: none). */
  manifestsDir?: string;
  /** What to run besides the API server (default: all of {@link ALL_COMPONENTS}). */
  components?: readonly ClusterComponent[];
  /** Level of the components' logs on stderr (default `silent`). */
  logLevel?: ClusterLogLevel;
  /** How long to wait for the API and every node to be Ready (default 30 s). */
  readyTimeoutMs?: number;
}

/**
 * The options `KubeConfig.loadFromOptions()` of `@kubernetes/client-node` takes: one cluster, one user without
 * credentials, one context (namespace `default`) that is current. `skipTLSVerify` is true because the server
 * speaks plain HTTP on loopback, and client-node refuses an `http:` server unless it is set.
 */
export interface KubeConfigOptions {
  clusters: { name: string; server: string; skipTLSVerify: true }[];
  users: { name: string }[];
  contexts: { name: string; cluster: string; user: string; namespace: string }[];
  currentContext: string;
}

/** A running cluster. */
export interface RunningCluster {
  /** The API server's base URL, e.g. `http://127.0.0.1:40123`. */
  server: string;
  /** A kubeconfig file for kubectl (`--kubeconfig` or `KUBECONFIG`); removed by stop(). */
  kubeconfigPath: string;
  /** The same configuration for `@kubernetes/client-node`: `kc.loadFromOptions(cluster.kubeConfig)`. */
  kubeConfig: KubeConfigOptions;
  /** Stops every component and removes the temp folder; resolves when all is closed. */
  stop(): Promise<void>;
}

/** The kubeconfig options for a server URL (plain HTTP on loopback, no credentials). */
export function kubeConfigOptions(server: string, name = 'kubeling'): KubeConfigOptions {
  return {
    clusters: [{ name, server, skipTLSVerify: true }],
    users: [{ name }],
    contexts: [{ name, cluster: name, user: name, namespace: 'default' }],
    currentContext: name,
  };
}
