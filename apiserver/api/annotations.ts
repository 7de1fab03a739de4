// Annotations and labels of kubeling's own that several processes agree on (the API server and the simulated kubelets).

/**
 * On a Node: the base URL of the kubelet that serves this node's container logs (`http://127.0.0.1:PORT`). A
 * simulated kubelet sets it when it registers or adopts a node; the API server's pods/log proxies to
 * `<endpoint>/containerLogs/<namespace>/<pod>/<container>` as the real one proxies to a kubelet's port 10250.
 */
export const KUBELET_ENDPOINT_ANNOTATION = 'kubeling.io/kubelet-endpoint';
