// `kubeling up`: starts the control plane's processes, waits for the API and Ready nodes, prints one ready line.

import { parseArgs } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_COMPONENTS } from './cluster-options.js';
import { Supervisor, type ChildSpec, type Output, type Supervised } from './supervisor.js';
import { mergeKubeconfig, writeKubeconfig } from './kubeconfig.js';
import { freePort, serverUrl, waitApiReady, waitNodesReady } from './wait-ready.js';
import { readState, removeState, runsUp, statePath, writeState, type ClusterState } from './state.js';
import { detach } from './detach.js';

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
  components: { type: 'string', default: ALL_COMPONENTS.join(',') },
  // Passed on to the component that owns each when given; otherwise that component's own default applies.
  'node-monitor-period': { type: 'string' },
  'node-monitor-grace-period': { type: 'string' },
  'pod-gc-period': { type: 'string' },
  'pod-gc-quarantine': { type: 'string' },
  'heartbeat-interval': { type: 'string' },
  'file-check-frequency': { type: 'string' },
  'log-dir': { type: 'string' },
  'merge-kubeconfig': { type: 'boolean', default: false },
  detach: { type: 'boolean', short: 'd', default: false },
  /** Internal: set by --detach on the background process, recorded in the state file. */
  'background-log': { type: 'string' },
} as const;

/** The command every child runs. */
export const CLI = fileURLToPath(new URL('./cli.js', import.meta.url));

/** The help text of `kubeling up`. */
export const UP_HELP = `usage: kubeling up [flags]   (npm start -- [flags])

Starts the control plane, waits until the API answers and every simulated node is Ready, writes a kubeconfig and
prints one ready line. A component that crashes is restarted (1s doubling to 30s); progress and every component's
log lines go to stderr, prefixed with the component's name.

flags:
  --port N              API port (default 6443; 0 picks a free port)
  --bind ADDR           listen address (default 127.0.0.1)
  --data-dir DIR        LevelDB data directory (default .kubeling/data); the state file is DIR/../state.json
  --kubeconfig FILE     kubeconfig to write (default .kubeling/kubeconfig)
  --merge-kubeconfig    also add or update the cluster, user and context "kubeling" in your kubeconfig
                        ($KUBECONFIG's first file, else ~/.kube/config); its current context is set only when
                        it has none (kubectl config use-context kubeling switches)
  --storage level|memory  storage backend (default level)
  --no-fsync            acknowledge writes before they reach the disk
  --nodes N             simulated nodes: one control plane and N-1 workers (default 3; 0 for none)
  --manifests-dir DIR   static pod manifests, DIR/<node-name>/ per node and DIR/ for every node
                        (default .kubeling/manifests)
  --log-dir DIR         also write each component's lines to DIR/<component>.log (and up's own to DIR/kubeling.log)
  -d, --detach          run in the background: print the ready line and exit; output goes to DIR/up.log with
                        --log-dir, else to up.log beside the data dir. 'kubeling status' and 'kubeling down' follow
  --node-monitor-period D        how often the node lifecycle controller checks nodes (default 5s)
  --node-monitor-grace-period D  a node silent this long turns Unknown and is tainted unreachable (default 40s)
  --pod-gc-period D              how often pod GC runs (default 20s)
  --pod-gc-quarantine D          how long a node must be gone before pod GC deletes its pods (default 40s)
  --heartbeat-interval D         how often the simulated nodes renew their Lease (default 10s)
  --file-check-frequency D       how often the manifest folders are rescanned; changes are also watched (default 20s)
  --components LIST     what to start besides the API server (default scheduler,controller-manager,
                        daemonset-controller,statefulset-controller,kubelet-sim; e.g. leave the scheduler out
                        to keep pods Pending)`;

/** What `up` needs from its composition root (cli.ts). */
export interface UpDeps {
  /** Progress and relayed log lines (stderr). */
  out: Output;
  /** The ready line (stdout). */
  stdout: (text: string) => void;
  /** The kubeconfig `--merge-kubeconfig` edits. */
  userKubeconfig: string;
  /** The environment the components start with (see componentEnv). */
  env: NodeJS.ProcessEnv;
}

/**
 * The components' environment: `up`'s own, without NODE_EXTRA_CA_CERTS. Node reads that bundle of extra trusted
 * certificates at every start (tens of milliseconds, where it is set), and the components never use it: they talk
 * only to their own API server, over plain HTTP on the address `up` chose.
 */
function componentEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _unused, ...rest } = env;
  return rest;
}

type UpValues = ReturnType<typeof parseUpArgs>;

/** Parses and checks `kubeling up` flags. */
function parseUpArgs(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: UP_FLAGS, strict: true, allowPositionals: false });
  if (values.storage !== 'level' && values.storage !== 'memory') throw new Error(`--storage must be level or memory, got ${values.storage}`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${values.port}`);
  const components = new Set(values.components.split(',').map((c) => c.trim()).filter(Boolean));
  for (const c of components) if (!(ALL_COMPONENTS as readonly string[]).includes(c)) throw new Error(`unknown component "${c}" (components: ${ALL_COMPONENTS.join(', ')})`);
  const nodes = Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 0) throw new Error(`--nodes must be a whole number, got ${values.nodes}`);
  return { ...values, port, nodes, components };
}

/** The child processes of a cluster, the API server first. */
function childSpecs(v: UpValues, port: number, kubeconfig: string): ChildSpec[] {
  const api = ['apiserver', '--port', String(port), '--bind', v.bind, '--data-dir', resolve(v['data-dir']), '--storage', v.storage];
  if (v['no-fsync']) api.push('--no-fsync');
  const specs: ChildSpec[] = [{ name: 'apiserver', args: api }];
  const kc = ['--kubeconfig', kubeconfig];
  const given = (...flags: (keyof UpValues & string)[]): string[] => flags.flatMap((f) => (v[f] === undefined ? [] : [`--${f}`, String(v[f])]));
  const add = (name: string, extra: string[] = []): void => {
    if (v.components.has(name)) specs.push({ name, args: [name, ...kc, ...extra] });
  };
  add('scheduler');
  add('controller-manager', given('node-monitor-period', 'node-monitor-grace-period', 'pod-gc-period', 'pod-gc-quarantine'));
  add('daemonset-controller');
  add('statefulset-controller');
  if (v.nodes > 0) {
    add('kubelet-sim', ['--nodes', String(v.nodes), '--control-planes', '1', '--pod-manifest-path', resolve(v['manifests-dir']), '--id', 'kubeling-up',
      ...given('heartbeat-interval', 'file-check-frequency')]);
  }
  return specs;
}

/** The state file's view of the running cluster. */
function stateOf(base: Omit<ClusterState, 'components'>, children: readonly Supervised[]): ClusterState {
  return { ...base, components: children.map((c) => ({ name: c.name, pid: c.process.pid ?? 0, startedAt: c.startedAt, restarts: c.restarts })) };
}

/** Runs `kubeling up` until SIGINT/SIGTERM; returns the exit code. */
export async function up(argv: string[], deps: UpDeps): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    deps.stdout(`${UP_HELP}\n`);
    return 0;
  }
  const v = parseUpArgs(argv);
  const stateFile = statePath(v['data-dir']);
  const running = await readState(stateFile);
  if (running && running.pid !== process.pid && runsUp(running.pid)) {
    throw new Error(`a cluster already runs with data dir ${running.dataDir} (pid ${running.pid}, ${running.url}); stop it with: kubeling down`);
  }
  if (v.detach) return detach(argv.filter((a) => a !== '--detach' && a !== '-d'), { cli: CLI, stateFile, logDir: v['log-dir'], dataDir: v['data-dir'], out: deps.out, stdout: deps.stdout });
  return runCluster(v, stateFile, deps);
}

/** Starts every component at once and resolves with their ready lines once the API answers too. */
async function startAll(sup: Supervisor, specs: ChildSpec[], url: string, secs: () => string, signal: AbortSignal): Promise<Record<string, unknown>[]> {
  sup.say(`starting ${specs.map((s) => s.name).join(', ')}`);
  const children = specs.map((s) => sup.start(s));
  const apiUp = children[0]!.ready.then(() => waitApiReady(url, 10_000, signal)).then(() => sup.say(`apiserver ready at ${url} (${secs()})`));
  const others = children.slice(1).map((c) => c.ready.then((msg) => {
    sup.say(`${c.name} ready (${secs()})`);
    return msg;
  }));
  const [, ...msgs] = await Promise.all([apiUp, ...others]);
  return msgs;
}

/** After every component is ready: waits for the simulated nodes to be Ready, then merges the user's kubeconfig if asked. */
async function finishStart(sup: Supervisor, msgs: Record<string, unknown>[], o: { v: UpValues; url: string; userKubeconfig: string; secs: () => string; signal: AbortSignal }): Promise<void> {
  const sim = msgs.find((m) => m.component === 'kubelet-sim');
  if (sim) {
    const names = Array.isArray(sim.names) ? sim.names.map(String) : [];
    const count = typeof sim.nodes === 'number' ? sim.nodes : o.v.nodes;
    await waitNodesReady({ url: o.url, names, count, timeoutMs: 60_000, signal: o.signal, progress: (n) => n > 0 && sup.say(`${n}/${count} nodes Ready (${o.secs()})`) });
  }
  if (o.v['merge-kubeconfig']) {
    const r = await mergeKubeconfig(o.userKubeconfig, o.url);
    sup.say(`${r.created ? 'wrote' : 'merged'} context "kubeling" into ${o.userKubeconfig}${r.currentContextSet ? ' (now its current context)' : '; switch with: kubectl config use-context kubeling'}`);
  }
}

/**
 * Runs the cluster in the foreground until SIGINT/SIGTERM.
 *
 * Assumptions / Invariants: the port is chosen before anything starts (with --port 0 the kernel picks a free one,
 * released at once), so the kubeconfig exists when the components start beside the API server; should another
 * process take that port in the meantime, the API server fails with EADDRINUSE before it is ready and the start is
 * tried again on another port (three tries). Any other failure before ready stops the cluster with exit code 1.
 */
async function runCluster(v: UpValues, stateFile: string, deps: UpDeps): Promise<number> {
  const t0 = performance.now();
  const secs = (): string => `${((performance.now() - t0) / 1000).toFixed(2)} s`;
  const kubeconfig = resolve(v.kubeconfig);
  // The components' own kubeconfig (as kubeadm gives each its own), beside the state file.
  const componentKubeconfig = join(dirname(stateFile), 'components.kubeconfig');
  const base = { pid: process.pid, url: '', kubeconfig, dataDir: resolve(v['data-dir']), startedAt: Date.now(), ...(v['background-log'] ? { logFile: v['background-log'] } : {}) };
  let ready = false;
  let sup: Supervisor | undefined;
  const ac = new AbortController();
  let stopped: Promise<number> | undefined;
  const stop = (code: number): Promise<number> => (stopped ??= (async () => {
    ac.abort();
    await sup?.stop();
    await removeState(stateFile, process.pid).catch(() => undefined);
    return code;
  })());
  const start = async (): Promise<void> => {
    let msgs: Record<string, unknown>[] | undefined;
    for (let attempt = 1; !msgs; attempt++) {
      const port = v.port === 0 ? await freePort(v.bind) : v.port;
      base.url = serverUrl(v.bind, port);
      await writeKubeconfig(kubeconfig, base.url);
      await writeKubeconfig(componentKubeconfig, base.url, 'json');
      let portTaken = false;
      const out = { write: (l: string) => void ((portTaken ||= l.startsWith('[apiserver]') && l.includes('EADDRINUSE')), deps.out.write(l)) };
      const s = new Supervisor({ script: CLI, out, env: componentEnv(deps.env), ...(v['log-dir'] ? { logDir: resolve(v['log-dir']) } : {}), onRestart: () => void (ready && writeState(stateFile, stateOf(base, s.children)).catch(() => undefined)) });
      if (stopped) return;
      sup = s;
      try {
        msgs = await startAll(s, childSpecs(v, port, componentKubeconfig), base.url, secs, ac.signal);
      } catch (e) {
        if (!(v.port === 0 && portTaken && attempt < 3) || stopped) throw e;
        s.say(`port ${port} was taken meanwhile; trying another`);
        await s.stop();
      }
    }
    await finishStart(sup!, msgs, { v, url: base.url, userKubeconfig: deps.userKubeconfig, secs, signal: ac.signal });
    ready = true;
    await writeState(stateFile, stateOf(base, sup!.children));
    deps.stdout(`kubeling is ready at ${base.url} — export KUBECONFIG=${kubeconfig}\n`);
  };
  return new Promise<number>((resolveDone) => {
    const onSignal = (): void => void stop(0).then(resolveDone);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    start().catch((e: unknown) => {
      if (stopped) return;
      deps.out.write(`[kubeling] ${(e as Error).message}`);
      void stop(1).then(resolveDone);
    });
  });
}
