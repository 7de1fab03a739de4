// The Kubernetes version kubeling reports, shared by the API server (/version) and the simulated kubelets (nodeInfo).

/** The release every component reports: kubectl's dispatcher picks its 1.32 binary from the server's. */
export const KUBERNETES_VERSION = 'v1.32.4';
