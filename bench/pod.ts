// A realistic ~2 KB Pod manifest generator for the benchmark: unique names, labels, annotations, containers, env.

/** The JSON shape the generator produces (only what it uses of a Pod). */
export interface BenchPod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
  spec: Record<string, unknown>;
}

/** The name of the `seq`-th pod of a worker in a phase, e.g. `bench-create-w07-000123`; unique across phases. */
export function podName(phase: string, worker: number, seq: number): string {
  return `bench-${phase}-w${String(worker).padStart(2, '0')}-${String(seq).padStart(6, '0')}`;
}

function envEntries(name: string, seq: number): Array<Record<string, unknown>> {
  return [
    { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
    { name: 'LOG_LEVEL', value: 'info' },
    { name: 'HTTP_PORT', value: '8080' },
    { name: 'UPSTREAM_URL', value: `http://backend-${seq % 7}.default.svc.cluster.local:9000/api/v2` },
    { name: 'INSTANCE_ID', value: name },
  ];
}

function appContainer(name: string, seq: number): Record<string, unknown> {
  return {
    name: 'app',
    image: 'registry.example.com/team/web-frontend:v1.42.3',
    imagePullPolicy: 'IfNotPresent',
    args: ['--listen=:8080', '--metrics=:9090', '--graceful-shutdown=20s'],
    ports: [
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ],
    env: envEntries(name, seq),
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5, failureThreshold: 3 },
    volumeMounts: [{ name: 'config', mountPath: '/etc/app', readOnly: true }],
  };
}

function sidecarContainer(): Record<string, unknown> {
  return {
    name: 'log-shipper',
    image: 'registry.example.com/infra/log-shipper:2.8.1',
    args: ['--input=/var/log/app', '--output=stdout'],
    env: [{ name: 'SHIPPER_BUFFER', value: '4096' }],
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
    volumeMounts: [{ name: 'logs', mountPath: '/var/log/app' }],
  };
}

/** A valid ~2 KB Pod named `name` in `namespace`; `seq` varies a few fields so pods are not all identical. */
export function makePod(name: string, namespace: string, seq: number): BenchPod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: {
        app: 'web-frontend',
        tier: 'frontend',
        release: `r${seq % 5}`,
        'pod-template-hash': (0x5f3a7c + (seq % 97)).toString(16),
        'app.kubernetes.io/part-of': 'kubeling-bench',
      },
      annotations: {
        'kubeling.dev/bench': 'true',
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': '9090',
      },
    },
    spec: {
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      serviceAccountName: 'default',
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
      containers: [appContainer(name, seq), sidecarContainer()],
      volumes: [
        { name: 'config', configMap: { name: 'web-frontend-config' } },
        { name: 'logs', emptyDir: {} },
      ],
    },
  };
}

/** What {@link makePod} derives from `seq` repeats with this period (seq % 5, % 7 and % 97). */
const SEQ_PERIOD = 5 * 7 * 97;
const NAME_MARK = '@@name@@';
/** The JSON text of each (namespace, seq period) pod, split where the name goes. */
const templates = new Map<string, string[]>();

/**
 * The JSON body of {@link makePod}, as a Buffer ready to send: stringified once per namespace and seq period, the
 * name put in by joining (the load generator spends its CPU on sending, not on building bodies).
 */
export function podBody(name: string, namespace: string, seq: number): Buffer {
  const key = `${namespace}|${seq % SEQ_PERIOD}`;
  let parts = templates.get(key);
  if (!parts) {
    parts = JSON.stringify(makePod(NAME_MARK, namespace, seq)).split(NAME_MARK);
    templates.set(key, parts);
  }
  return Buffer.from(parts.join(name));
}
