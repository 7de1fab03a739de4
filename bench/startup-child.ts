// The in-process startup probe: a fresh node process imports the library, times startCluster() until ready, notes its RSS.

import { performance } from 'node:perf_hooks';

const t0 = performance.now();
const { startCluster } = await import('../cluster/index.js');
const t1 = performance.now();
const cluster = await startCluster({ mode: 'in-process', storage: 'memory' });
const t2 = performance.now();
const rss = process.memoryUsage().rss;
await cluster.stop();
process.stdout.write(`${JSON.stringify({ importMs: t1 - t0, startMs: t2 - t1, rss })}\n`);
