#!/usr/bin/env node
// The `kubeling` command: `up` runs a whole cluster; every component is also a sub-command that runs alone.

import { setFlagsFromString } from 'node:v8';
import { defaultKubeconfigPath } from '../controllers/runtime/kubeconfig.js';
import { up } from './up.js';
import { down, status } from './detach.js';

const USAGE = `usage: kubeling <command> [flags]

commands:
  up          start the control plane (all components) and write its kubeconfig (--detach: in the background)
  status      show the components of a cluster started with up, their pids, uptime and restarts
  down        stop a cluster started with up (e.g. up --detach)
  apiserver   run the API server alone
  kubelet-sim run simulated nodes (kubelets) against a cluster's kubeconfig
  controller-manager  run the garbage collector, node lifecycle, pod GC and volume controllers
  scheduler   run the scheduler (binds pending pods to nodes)
  daemonset-controller  run the DaemonSet controller (one daemon pod per node, rolling updates)
  statefulset-controller  run the StatefulSet controller (ordered pods with stable names and storage, rolling updates)

Run 'kubeling <command> --help' for a command's flags (see README.md).`;

const io = { out: { write: (l: string) => void process.stderr.write(`${l}\n`) }, stdout: (t: string) => void process.stdout.write(t) };

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up':
      return up(rest, { ...io, userKubeconfig: defaultKubeconfigPath(process.env), env: process.env });
    case 'status':
      return status(rest, io);
    case 'down':
      return down(rest, io);
    case 'apiserver': {
      const { main } = await import('../apiserver/main.js');
      await main(rest);
      return -1;
    }
    case 'kubelet-sim': {
      const { main } = await import('../kubelet-sim/main.js');
      await main(rest);
      return -1;
    }
    case 'scheduler': {
      const { main } = await import('../controllers/scheduler/main.js');
      await main(rest);
      return -1;
    }
    case 'daemonset-controller': {
      const { main } = await import('../controllers/daemonset/main.js');
      await main(rest);
      return -1;
    }
    case 'statefulset-controller': {
      const { main } = await import('../controllers/statefulset/main.js');
      await main(rest);
      return -1;
    }
    case 'controller-manager': {
      const { main } = await import('./controller-manager/main.js');
      await main(rest);
      return -1;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      process.stderr.write(`kubeling: unknown command "${command}"\n${USAGE}\n`);
      return 2;
  }
}

/**
 * A process started with an IPC channel (`kubeling up` starts its components so, and startCluster starts `up` so)
 * stops when its parent is gone, even one killed with SIGKILL: the channel closes, and the process's own SIGTERM
 * handler runs. When it has none yet (still starting), it runs as soon as one is installed; when it has none any
 * more, a stop is already under way.
 */
function stopWithParent(): void {
  if (!process.channel) return;
  process.channel.unref();
  process.once('disconnect', () => {
    const stop = (): void => void process.emit('SIGTERM', 'SIGTERM');
    if (process.listenerCount('SIGTERM') > 0) return stop();
    process.on('newListener', (event) => event === 'SIGTERM' && setImmediate(stop));
  });
}

/**
 * The client (undici) parses HTTP with llhttp compiled to WebAssembly, and V8 compiles a wasm function again with its
 * optimizing compiler, on a background thread, once it has run a little: for llhttp's one large parser function that
 * is 60 – 100 ms of CPU and 9 MB of memory in every component, spent during start-up, when a cluster's seven
 * processes share the CPUs. A tier-up budget 1000 times V8's default (1.8 million) keeps the parser in its baseline
 * code until a process has parsed a great deal.
 */
setFlagsFromString('--wasm-tiering-budget=1800000000');
stopWithParent();
run(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`kubeling: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
