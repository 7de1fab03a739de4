// `kubeling up`: starts the control plane's processes, waits for the API, writes the kubeconfig, prints one ready line.

import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild, stopChildren, type Child, type Output } from './supervisor.js';
import { writeKubeconfig } from './kubeconfig.js';

/** Flags of `kubeling up`. */
export const UP_FLAGS = {
  port: { type: 'string', default: '6443' },
  bind: { type: 'string', default: '127.0.0.1' },
  'data-dir': { type: 'string', default: '.kubeling/data' },
  kubeconfig: { type: 'string', default: '.kubeling/kubeconfig' },
  storage: { type: 'string', default: 'level' },
  'no-fsync': { type: 'boolean', default: false },
  nodes: { type: 'string', default: '3' },
  'manifests-dir': { type: 'string', default: '.kubeling/manifests' },
  components: { type: 'string', default: 'scheduler,controller-manager,daemonset-controller,statefulset-controller,kubelet-sim' },
  'node-monitor-period': { type: 'string', default: '5s' },
  'node-monitor-grace-period': { type: 'string', default: '40s' },
  'heartbeat-interval': { type: 'string', default: '10s' },
  'file-check-frequency': { type: 'string', default: '20s' },
} as const;

/** The components `up` can start besides the API server. */
const COMPONENTS = ['scheduler', 'controller-manager', 'daemonset-controller', 'statefulset-controller', 'kubelet-sim'];

const CLI = fileURLToPath(new URL('./cli.js', import.meta.url));

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the API server at ${url} did not become ready`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The help text of `kubeling up`. */
export const UP_HELP = `usage: kubeling up [flags]   (npm start -- [flags])

Starts the control plane, waits until the API answers, writes a kubeconfig and prints one ready line.

flags:
  --port N              API port (default 6443; 0 picks a free port)
  --bind ADDR           listen address (default 127.0.0.1)
  --data-dir DIR        LevelDB data directory (default .kubeling/data)
  --kubeconfig FILE     kubeconfig to write (default .kubeling/kubeconfig)
  --storage level|memory  storage backend (default level)
  --no-fsync            acknowledge writes before they reach the disk
  --nodes N             simulated nodes: one control plane and N-1 workers (default 3; 0 for none)
  --manifests-dir DIR   static pod manifests, DIR/<node-name>/ per node and DIR/ for every node
                        (default .kubeling/manifests)
  --node-monitor-period D        how often the node lifecycle controller checks nodes (default 5s)
  --node-monitor-grace-period D  a node silent this long turns Unknown and is tainted unreachable (default 40s)
  --heartbeat-interval D         how often the simulated nodes renew their Lease (default 10s)
  --file-check-frequency D       how often the manifest folders are rescanned; changes are also watched (default 20s)
  --components LIST     what to start besides the API server (default scheduler,controller-manager,
                        daemonset-controller,statefulset-controller,kubelet-sim; e.g. leave the scheduler out
                        to keep pods Pending)`;

/** Runs `kubeling up` until SIGINT/SIGTERM; returns the exit code. */
export async function up(argv: string[], out: Output = { write: (l) => process.stderr.write(`${l}\n`) }): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${UP_HELP}\n`);
    return 0;
  }
  const { values } = parseArgs({ args: argv, options: UP_FLAGS, strict: true, allowPositionals: false });
  if (values.storage !== 'level' && values.storage !== 'memory') throw new Error(`--storage must be level or memory, got ${values.storage}`);
  const kubeconfig = resolve(values.kubeconfig);
  const apiArgs = ['apiserver', '--port', values.port, '--bind', values.bind, '--data-dir', resolve(values['data-dir']), '--storage', values.storage];
  if (values['no-fsync']) apiArgs.push('--no-fsync');
  const components = new Set(values.components.split(',').map((c) => c.trim()).filter(Boolean));
  for (const c of components) if (!COMPONENTS.includes(c)) throw new Error(`unknown component "${c}" (components: ${COMPONENTS.join(', ')})`);
  const nodes = Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 0) throw new Error(`--nodes must be a whole number, got ${values.nodes}`);
  const cmArgs = ['controller-manager', '--kubeconfig', kubeconfig, '--node-monitor-period', values['node-monitor-period'], '--node-monitor-grace-period', values['node-monitor-grace-period']];
  const simArgs = ['kubelet-sim', '--kubeconfig', kubeconfig, '--nodes', String(nodes), '--control-planes', nodes > 0 ? '1' : '0', '--pod-manifest-path', resolve(values['manifests-dir']), '--id', 'kubeling-up', '--heartbeat-interval', values['heartbeat-interval'], '--file-check-frequency', values['file-check-frequency']];
  const children: Child[] = [];
  let stopping = false;
  const stop = async (code: number): Promise<number> => {
    stopping = true;
    await stopChildren(children);
    return code;
  };
  const done = new Promise<number>((resolveDone) => {
    const onSignal = (): void => void stop(0).then(resolveDone);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const startComponent = (name: string, args: string[]): Child => {
      const child = startChild(name, CLI, args, out);
      children.push(child);
      void child.exited.then((code) => {
        if (stopping) return;
        out.write(`[kubeling] ${name} exited with code ${code}; stopping`);
        void stop(1).then(resolveDone);
      });
      return child;
    };
    const api = startChild('apiserver', CLI, apiArgs, out);
    children.push(api);
    void api.exited.then((code) => {
      if (stopping) return;
      out.write(`[kubeling] apiserver exited with code ${code}; stopping`);
      void stop(1).then(resolveDone);
    });
    api.ready
      .then(async (msg) => {
        const url = String(msg.url);
        await waitReady(url, 10_000);
        await writeKubeconfig(kubeconfig, url);
        const started: Child[] = [];
        if (components.has('scheduler')) started.push(startComponent('scheduler', ['scheduler', '--kubeconfig', kubeconfig]));
        if (components.has('controller-manager')) started.push(startComponent('controller-manager', cmArgs));
        if (components.has('daemonset-controller')) started.push(startComponent('daemonset-controller', ['daemonset-controller', '--kubeconfig', kubeconfig]));
        if (components.has('statefulset-controller')) started.push(startComponent('statefulset-controller', ['statefulset-controller', '--kubeconfig', kubeconfig]));
        if (components.has('kubelet-sim') && nodes > 0) started.push(startComponent('kubelet-sim', simArgs));
        await Promise.all(started.map((c) => c.ready));
        process.stdout.write(`kubeling is ready at ${url} — export KUBECONFIG=${kubeconfig}\n`);
      })
      .catch((e: unknown) => {
        if (stopping) return;
        out.write(`[kubeling] ${(e as Error).message}`);
        void stop(1).then(resolveDone);
      });
  });
  return done;
}
