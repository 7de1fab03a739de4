// Summarises a V8 .cpuprofile (from `node --cpu-prof`): top self-time functions and time per package/area.
// Standalone: node dist/bench/profile.js FILE.cpuprofile [TOP]

import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** One line of a summary: a function (or area) and its self time. */
export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

/** Self-time summary of one profile. */
export interface ProfileSummary {
  totalMs: number;
  /** Time not spent idle. */
  busyMs: number;
  functions: SelfTime[];
  areas: SelfTime[];
  /** kubeling's own functions (files under dist/) by inclusive time: self plus everything they called. */
  inclusive: SelfTime[];
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return url.slice(dist + '/dist/'.length);
  return url.replace(/^file:\/\//, '');
}

/** The area a frame belongs to: an npm package, a kubeling directory, node internals, or a V8 pseudo-frame. */
function areaOf(f: CallFrame): string {
  if (f.url === '') return f.functionName.startsWith('(') ? f.functionName : '(native/builtin)';
  if (f.url.startsWith('node:')) return 'node:internal';
  const nm = f.url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = f.url.slice(nm + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const dist = f.url.lastIndexOf('/dist/');
  if (dist >= 0) return f.url.slice(dist + '/dist/'.length).split('/').slice(0, -1).join('/') || 'dist';
  return shortUrl(f.url);
}

function frameName(f: CallFrame): string {
  const fn = f.functionName || '(anonymous)';
  return f.url ? `${fn} ${shortUrl(f.url)}:${f.lineNumber + 1}` : fn;
}

/** Self time (ms) of each node id: each sample's time delta goes to the node sampled. */
function selfTimes(p: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  if (samples.length > 0 && deltas.length === samples.length) {
    for (let i = 0; i < samples.length; i++) {
      const next = deltas[i + 1] ?? 0;
      self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + next / 1000);
    }
    return self;
  }
  const hits = p.nodes.reduce((n, x) => n + (x.hitCount ?? 0), 0) || 1;
  const per = (p.endTime - p.startTime) / 1000 / hits;
  for (const n of p.nodes) self.set(n.id, (n.hitCount ?? 0) * per);
  return self;
}

function top(map: Map<string, number>, busy: number, n: number): SelfTime[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, ms]) => ({ name, ms, share: busy > 0 ? ms / busy : 0 }));
}

/** Inclusive time of kubeling's own functions: each node's self time counted once for every distinct such frame on its stack. */
function inclusiveTimes(p: CpuProfile, self: Map<number, number>): Map<string, number> {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(p.nodes.map((n) => [n.id, n] as const));
  const out = new Map<string, number>();
  for (const [id, ms] of self) {
    if (ms === 0) continue;
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (!f.url.includes('/dist/')) continue;
      const name = frameName(f);
      if (seen.has(name)) continue;
      seen.add(name);
      out.set(name, (out.get(name) ?? 0) + ms);
    }
  }
  return out;
}

/** Summarises a parsed profile: the `n` functions and areas with the most self time (idle excluded from shares). */
export function summarizeProfile(p: CpuProfile, n = 25): ProfileSummary {
  const self = selfTimes(p);
  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const node of p.nodes) {
    const ms = self.get(node.id) ?? 0;
    total += ms;
    if (node.callFrame.functionName === '(idle)') {
      idle += ms;
      continue;
    }
    const name = frameName(node.callFrame);
    byFn.set(name, (byFn.get(name) ?? 0) + ms);
    const area = areaOf(node.callFrame);
    byArea.set(area, (byArea.get(area) ?? 0) + ms);
  }
  const busy = total - idle;
  return { totalMs: total, busyMs: busy, functions: top(byFn, busy, n), areas: top(byArea, busy, 15), inclusive: top(inclusiveTimes(p, self), busy, n) };
}

/** Reads and summarises a .cpuprofile file. */
export async function summarizeProfileFile(file: string, n = 25): Promise<ProfileSummary> {
  return summarizeProfile(JSON.parse(await readFile(file, 'utf8')) as CpuProfile, n);
}

/** The summary as readable lines. */
export function formatProfileSummary(s: ProfileSummary): string {
  const line = (t: SelfTime): string => `  ${t.ms.toFixed(0).padStart(7)} ms ${(t.share * 100).toFixed(1).padStart(5)}%  ${t.name}`;
  return [
    `profile: ${(s.totalMs / 1000).toFixed(1)} s sampled, ${(s.busyMs / 1000).toFixed(1)} s busy (shares are of busy time)`,
    'self time by area:',
    ...s.areas.map(line),
    'top functions by self time:',
    ...s.functions.map(line),
    "kubeling's functions by inclusive time (self + callees):",
    ...s.inclusive.map(line),
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, n] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node dist/bench/profile.js FILE.cpuprofile [TOP]\n');
    process.exit(2);
  }
  summarizeProfileFile(file, n ? Number(n) : 25).then(
    (s) => process.stdout.write(`${formatProfileSummary(s)}\n`),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
