// The kubelet-sim process: flags → kubeconfig → client and runtime → simulator; SIGTERM stops it.

import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { durationFlag, startComponent } from '../controllers/runtime/index.js';
import { parseSimFlags, type SimFlags } from './node-config.js';
import { startSimulator, type SimulatorOptions } from './simulator.js';

export { startSimulator, type Simulator, type SimulatorOptions } from './simulator.js';

/** The flags of `kubeling kubelet-sim`. */
export const KUBELET_SIM_FLAGS = {
  kubeconfig: { type: 'string' },
  nodes: { type: 'string', default: '1' },
  'control-planes': { type: 'string', default: '0' },
  'name-prefix': { type: 'string' },
  zones: { type: 'string' },
  region: { type: 'string' },
  'node-labels': { type: 'string' },
  'register-with-taints': { type: 'string' },
  cpu: { type: 'string' },
  memory: { type: 'string' },
  'max-pods': { type: 'string' },
  'ephemeral-storage': { type: 'string' },
  'pod-manifest-path': { type: 'string' },
  'file-check-frequency': { type: 'string', default: '20s' },
  bind: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: '0' },
  id: { type: 'string' },
  'heartbeat-interval': { type: 'string', default: '10s' },
  'no-adopt': { type: 'boolean', default: false },
  'no-events': { type: 'boolean', default: false },
  workers: { type: 'string', default: '32' },
} as const;

const HELP = `usage: kubeling kubelet-sim [flags]

Simulates nodes: registers them, keeps their status and Lease, plays the pods bound to them and the static pods
of a manifest directory, and serves their logs. Prints {"ready":true,...} on stdout once its nodes are registered.
Logs go to stderr (level from KUBELING_LOG_LEVEL, default warn).

flags:
  --kubeconfig FILE              cluster to join (default $KUBECONFIG, then ~/.kube/config)
  --nodes N                      nodes in this process, control planes included (default 1)
  --control-planes N             control-plane nodes, labelled and tainted as kubeadm does (default 0)
  --name-prefix P                node names P-control-plane, P-worker, P-worker2, … (default kubeling)
  --zones a,b,c                  topology.kubernetes.io/zone values, spread over the workers (default zone-a,zone-b,zone-c)
  --region R                     topology.kubernetes.io/region (default local)
  --node-labels k=v,...          extra labels on every node
  --register-with-taints k=v:E,...  taints on worker nodes (E: NoSchedule, PreferNoSchedule, NoExecute)
  --cpu Q --memory Q --max-pods N --ephemeral-storage Q   each node's capacity (default 4, 16Gi, 110, 100Gi)
  --pod-manifest-path DIR        static pod manifests: DIR/<node>/ for one node, files in DIR for every node
  --file-check-frequency D       manifest rescan period (default 20s; file changes are also watched)
  --bind ADDR --port N           the kubelet endpoint serving logs (default 127.0.0.1, 0 = a free port)
  --id ID                        this simulator's identity on its nodes (default: host, pid and a random part)
  --heartbeat-interval D         Lease renewal and status check period (default 10s)
  --no-adopt                     do not adopt Nodes created with the annotation kubeling.io/simulate: "true"
  --no-events                    write no kubelet events
  --workers N                    pods handled at once (default 32)`;

/** Parses `kubeling kubelet-sim` flags into simulator options (and the kubeconfig path). */
export function parseKubeletSimArgs(argv: string[]): { kubeconfig?: string; options: SimulatorOptions } {
  const { values } = parseArgs({ args: argv, options: KUBELET_SIM_FLAGS, strict: true, allowPositionals: false });
  const flags: SimFlags = parseSimFlags(values);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${values.port}`);
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 1024) throw new Error(`--workers must be a number from 1 to 1024, got ${values.workers}`);
  const intervalMs = durationFlag('heartbeat-interval', values['heartbeat-interval']);
  const options: SimulatorOptions = {
    flags,
    bind: values.bind,
    port,
    simulatorId: values.id ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    heartbeat: { intervalMs },
    adopt: !values['no-adopt'],
    events: !values['no-events'],
    workers,
    manifestRescanMs: durationFlag('file-check-frequency', values['file-check-frequency']),
  };
  if (values['pod-manifest-path']) options.manifestDir = values['pod-manifest-path'];
  return values.kubeconfig === undefined ? { options } : { kubeconfig: values.kubeconfig, options };
}

/** Runs the kubelet-sim command until SIGTERM/SIGINT. */
export async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  const { kubeconfig, options } = parseKubeletSimArgs(argv);
  const c = await startComponent({ name: 'kubelet-sim', kubeconfig, env: process.env, userAgent: 'kubelet/v1.32.4 (linux/amd64) kubeling', connections: 32 });
  const sim = await startSimulator(c.rt, options, c.signal);
  const names = sim.nodes.names();
  c.serve({ nodes: names.length, names: names.slice(0, 20), endpoint: sim.endpoint }, () => sim.stop());
}
