// GET /metrics: the process figures a scrape of a real API server begins with (CPU, memory, start time), and the
// JavaScript heap in place of Go's, in Prometheus' text exposition format (what `kubectl get --raw /metrics` prints).

/** The content type upstream answers /metrics with. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const startSeconds = Date.now() / 1000 - process.uptime();

/** One metric family: its help text, type and value. */
interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  value: number;
}

/** The exposition text of this process' figures now. */
export function metricsText(): string {
  const mem = process.memoryUsage();
  const cpu = process.cpuUsage();
  const families: Family[] = [
    { name: 'process_cpu_seconds_total', help: 'Total user and system CPU time spent in seconds.', type: 'counter', value: (cpu.user + cpu.system) / 1e6 },
    { name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.', type: 'gauge', value: mem.rss },
    { name: 'process_start_time_seconds', help: 'Start time of the process since unix epoch in seconds.', type: 'gauge', value: startSeconds },
    { name: 'nodejs_heap_size_total_bytes', help: 'Process heap size from Node.js in bytes.', type: 'gauge', value: mem.heapTotal },
    { name: 'nodejs_heap_size_used_bytes', help: 'Process heap size used from Node.js in bytes.', type: 'gauge', value: mem.heapUsed },
    { name: 'nodejs_external_memory_bytes', help: 'Node.js external memory size in bytes.', type: 'gauge', value: mem.external },
  ];
  return families.map((f) => `# HELP ${f.name} ${f.help}\n# TYPE ${f.name} ${f.type}\n${f.name} ${f.value}\n`).join('');
}
