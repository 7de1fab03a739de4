// Robustness: a real apiserver (LevelDB) takes well over a thousand malformed and random requests. Every answer
// must be a 4xx (never a 5xx, a reset or a hang), every JSON answer a failure Status whose reason goes with its
// code, and afterwards the process is the same one, still ready, and the stored data is byte-for-byte unchanged.
//
// The random part is deterministic: ROBUSTNESS_SEED=<n> replays a run (the seed is printed on failure).

import { connect } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, tempDir, waitFor, type Started } from './support/cluster.js';
import { keepAliveAgent, send, statusShapeProblems, stopHard, type RawResponse } from './support/http.js';

const SEED = Number(process.env.ROBUSTNESS_SEED ?? 0x6b75be) >>> 0;
const RANDOM_COUNT = 560;

// ---------------------------------------------------------------------------------------------------------------
// Server lifecycle

let server: Started;
let base = '';
let dataDir = '';
let cleanupDir: () => Promise<void> = async () => {};
let originalPid = 0;
let restartedAfterCrash = false;
let agent: Agent;

async function startServer(): Promise<void> {
  server = await startCli(['apiserver', '--port', '0', '--data-dir', dataDir, '--storage', 'level'], /"ready":true/);
  base = (JSON.parse(server.line) as { url: string }).url;
}

function running(): boolean {
  return server.proc.exitCode === null && server.proc.signalCode === null;
}

/**
 * After a request got no answer: waits until the process either answers /readyz again or exits (dying of OOM
 * takes a moment). 'hung' when it does neither within 15 s.
 */
async function stateAfterError(st: Started, origin: string): Promise<'alive' | 'dead' | 'hung'> {
  const exited = (): boolean => st.proc.exitCode !== null || st.proc.signalCode !== null;
  try {
    return await waitFor<'alive' | 'dead' | undefined>(async () => {
      if (exited()) return 'dead';
      const r = await send(agent, origin, { method: 'GET', path: '/readyz', timeoutMs: 1_000 });
      if (r.status === 200) return 'alive';
      return exited() ? 'dead' : undefined;
    }, 15_000, 'the apiserver to answer /readyz or exit') ?? 'hung';
  } catch {
    return 'hung';
  }
}

function fatalLog(st: Started): string {
  return st.output().split('\n').filter((l) => /FATAL|out of memory|RangeError|Error:/.test(l)).slice(-3).join(' | ').slice(0, 400);
}

/** After a crash the later checks still need a server: restart on the same data dir (and remember we did). */
async function ensureRunning(): Promise<void> {
  if (running()) {
    if ((await send(agent, base, { method: 'GET', path: '/readyz', timeoutMs: 3_000 })).status === 200) return;
    await server.stop('SIGKILL'); // hung: replace it
  }
  restartedAfterCrash = true;
  await startServer();
}

beforeAll(async () => {
  const t = await tempDir('kubeling-robust-');
  cleanupDir = t.cleanup;
  dataDir = join(t.dir, 'data');
  await startServer();
  originalPid = server.proc.pid!;
  agent = keepAliveAgent(8);
});

afterAll(async () => {
  await agent?.destroy();
  await stopHard(server);
  await cleanupDir();
});

// ---------------------------------------------------------------------------------------------------------------
// Small HTTP helpers for setup and checks (not part of the barrage)

type Obj = Record<string, unknown>;

async function call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  let payload: string | undefined;
  if (body !== undefined) {
    headers['content-type'] = contentType;
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  return send(agent, base, { method, path, headers, body: payload });
}

async function getJson(path: string): Promise<Obj> {
  const r = await call('GET', path);
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.error ?? r.text.slice(0, 300)}`);
  return r.json as Obj;
}

async function mustCreate(collection: string, obj: Obj): Promise<Obj> {
  const r = await call('POST', collection, obj);
  if (r.status !== 201) throw new Error(`seeding POST ${collection}: ${r.status} ${r.error ?? r.text.slice(0, 300)}`);
  return r.json as Obj;
}

/** The stored object's current resourceVersion (read just before a PUT that must carry the live one). */
async function liveRv(path: string): Promise<string> {
  const r = await call('GET', path);
  const meta = (r.json as { metadata?: { resourceVersion?: string } } | undefined)?.metadata;
  return meta?.resourceVersion ?? '1';
}

// ---------------------------------------------------------------------------------------------------------------
// Fixtures

const NS = 'rb-a';
const NS2 = 'rb-b';
const VICTIM_NS = 'rb-victim';
const MISSING_NS = 'rb-missing';
const CORE = '/api/v1';
const APPS = '/apis/apps/v1';
const COORD = '/apis/coordination.k8s.io/v1';
const NSS = `${CORE}/namespaces`;
const CM = `${CORE}/namespaces/${NS}/configmaps`;
const PODS = `${CORE}/namespaces/${NS}/pods`;
const PB = 'application/vnd.kubernetes.protobuf';
const SECRETS = `${CORE}/namespaces/${NS}/secrets`;
const SAS = `${CORE}/namespaces/${NS}/serviceaccounts`;
const SVCS = `${CORE}/namespaces/${NS}/services`;
const EVENTS = `${CORE}/namespaces/${NS}/events`;
const DS = `${APPS}/namespaces/${NS}/daemonsets`;
const STS = `${APPS}/namespaces/${NS}/statefulsets`;
const LEASES = `${COORD}/namespaces/${NS}/leases`;
const NODES = `${CORE}/nodes`;
const VICTIMS = `${CORE}/namespaces/${VICTIM_NS}/configmaps`;
const VICTIM_COUNT = 24;

let uniqCounter = 0;
/** A fresh, valid name: if the server wrongly accepts a body carrying it, a new object appears in the snapshot. */
function uniq(prefix = 'rb'): string {
  uniqCounter += 1;
  return `${prefix}-u${uniqCounter}`;
}

const cm = (name: string, extra: Obj = {}): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' }, ...extra });
const container = (): Obj => ({ name: 'c', image: 'busybox:1.36' });
const pod = (name: string, spec: Obj = { containers: [container()] }): Obj => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec });
const nsObj = (name: string): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const secret = (name: string): Obj => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'Opaque', data: { k: 'dg==' } });
const sa = (name: string): Obj => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } });
const svc = (name: string): Obj => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80, protocol: 'TCP' }], selector: { app: name } } });
const lease = (name: string): Obj => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec: { holderIdentity: 'x' } });
const node = (name: string): Obj => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
function podTemplate(app: string, containers: unknown = [container()]): Obj {
  return { metadata: { labels: { app } }, spec: { containers } };
}
const ds = (name: string, spec?: Obj): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name },
  spec: spec ?? { selector: { matchLabels: { app: name } }, template: podTemplate(name) },
});
const sts = (name: string, spec?: Obj): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name },
  spec: spec ?? { serviceName: name, replicas: 1, selector: { matchLabels: { app: name } }, template: podTemplate(name) },
});

async function seed(): Promise<void> {
  for (const n of [NS, NS2, VICTIM_NS]) await mustCreate(NSS, { ...nsObj(n), metadata: { name: n, labels: { suite: 'robustness' } } });
  await mustCreate(NODES, node('rb-node-1'));
  for (const n of ['cm-1', 'cm-2', 'cm-3', 'cm-put']) {
    await mustCreate(CM, cm(n, { metadata: { name: n, labels: { app: 'rb', idx: n }, annotations: { note: `seed ${n}` } }, data: { a: 'b', n } }));
  }
  await mustCreate(`${CORE}/namespaces/${NS2}/configmaps`, cm('cm-1'));
  for (const n of ['pod-1', 'pod-2', 'pod-put']) await mustCreate(PODS, pod(n));
  await mustCreate(`${CORE}/namespaces/${NS2}/pods`, pod('pod-1'));
  await mustCreate(SECRETS, secret('s-1'));
  await mustCreate(SAS, sa('sa-1'));
  await mustCreate(SVCS, svc('svc-1'));
  await mustCreate(EVENTS, { apiVersion: 'v1', kind: 'Event', metadata: { name: 'ev-1' }, involvedObject: { kind: 'Pod', name: 'pod-1', namespace: NS }, reason: 'Seeded', message: 'seed', type: 'Normal' });
  await mustCreate(DS, ds('ds-1'));
  await mustCreate(DS, ds('ds-put'));
  await mustCreate(STS, sts('web'));
  await mustCreate(LEASES, lease('lease-1'));
  for (let i = 0; i < VICTIM_COUNT; i++) await mustCreate(VICTIMS, cm(`vcm-${i}`));
  await mustCreate(`${CORE}/namespaces/${VICTIM_NS}/pods`, pod('vpod-0'));
}

// ---------------------------------------------------------------------------------------------------------------
// Snapshot of everything stored: every list of every resource in every namespace, as the exact bytes served

interface ListedResource {
  prefix: string;
  plural: string;
  namespaced: boolean;
}

async function discoverResources(): Promise<ListedResource[]> {
  const out: ListedResource[] = [];
  const add = (prefix: string, list: Obj): void => {
    for (const r of (list.resources as Array<{ name: string; namespaced: boolean; verbs: string[] }>) ?? []) {
      if (r.name.includes('/') || !r.verbs.includes('list')) continue;
      out.push({ prefix, plural: r.name, namespaced: r.namespaced });
    }
  };
  add(CORE, await getJson(CORE));
  const groups = (await getJson('/apis')).groups as Array<{ preferredVersion: { groupVersion: string } }>;
  for (const g of groups) {
    const prefix = `/apis/${g.preferredVersion.groupVersion}`;
    add(prefix, await getJson(prefix));
  }
  return out;
}

type Snapshot = Map<string, string>;

async function snapshot(): Promise<Snapshot> {
  const snap: Snapshot = new Map();
  const resources = await discoverResources();
  const namespaces = ((await getJson(NSS)).items as Array<{ metadata: { name: string } }>).map((n) => n.metadata.name).sort();
  const urls: string[] = [];
  for (const r of resources) {
    urls.push(`${r.prefix}/${r.plural}`);
    if (r.namespaced) for (const ns of namespaces) urls.push(`${r.prefix}/namespaces/${ns}/${r.plural}`);
  }
  for (const url of urls) {
    const res = await call('GET', url);
    if (res.status !== 200) throw new Error(`snapshot GET ${url}: ${res.status} ${res.error ?? res.text.slice(0, 200)}`);
    snap.set(url, res.text);
  }
  return snap;
}

function listRv(text: string): string {
  return String((JSON.parse(text) as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion);
}

/** Human-readable differences between two snapshots (items added, removed, or changed in RV or content). */
function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  for (const url of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(url);
    const b = after.get(url);
    if (a === b) continue;
    if (a === undefined || b === undefined) {
      out.push(`${url}: list ${a === undefined ? 'appeared' : 'disappeared'}`);
      continue;
    }
    const items = (t: string): Map<string, { rv: string; json: string }> => {
      const m = new Map<string, { rv: string; json: string }>();
      for (const it of (JSON.parse(t) as { items: Array<{ metadata: { name: string; namespace?: string; resourceVersion: string } }> }).items) {
        m.set(`${it.metadata.namespace ?? ''}/${it.metadata.name}`, { rv: it.metadata.resourceVersion, json: JSON.stringify(it) });
      }
      return m;
    };
    const ia = items(a);
    const ib = items(b);
    const lines: string[] = [];
    if (listRv(a) !== listRv(b)) lines.push(`list resourceVersion ${listRv(a)} -> ${listRv(b)}`);
    for (const [k, v] of ia) {
      const w = ib.get(k);
      if (!w) lines.push(`removed ${k} (rv ${v.rv})`);
      else if (w.json !== v.json) lines.push(`changed ${k}: rv ${v.rv} -> ${w.rv}; now ${w.json.slice(0, 300)}`);
    }
    for (const [k, w] of ib) if (!ia.has(k)) lines.push(`added ${k} (rv ${w.rv}): ${w.json.slice(0, 300)}`);
    if (lines.length === 0) lines.push('bytes differ');
    out.push(`${url}: ${lines.join('; ')}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The barrage: cases, expectations and checks

interface Case {
  cat: string;
  method: string;
  path: string;
  /** Body, or a builder run just before sending (to carry a live resourceVersion). */
  body?: string | Buffer | (() => Readable) | (() => Promise<string>);
  /** Content-Type; undefined means application/json when there is a body; null sends none. */
  ct?: string | null;
  headers?: Record<string, string>;
  /** Exact status(es) upstream answers; otherwise any 4xx. */
  expect?: number | number[];
  /** Upstream answers plain-text `404 page not found` here. */
  plain404?: boolean;
  /** An HTTP-level error: upstream (Go net/http) answers without a Status, so a plain or empty body is fine. */
  bare?: boolean;
  /** Required Status message, when upstream's is fixed. */
  message?: string;
  /** Raw bytes written to a socket instead of an HTTP client request. */
  raw?: string | Buffer;
}

interface Violation {
  index: number;
  c: Case;
  res: RawResponse;
  problems: string[];
}

function preview(v: unknown, n = 120): string {
  if (v === undefined) return '';
  if (typeof v === 'function') return '<built at send time>';
  const s = Buffer.isBuffer(v) ? (v.length > n ? `<${v.length} bytes> ${v.subarray(0, n).toString('latin1')}` : v.toString('latin1')) : String(v);
  const t = s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s;
  return JSON.stringify(t);
}

function checkResponse(c: Case, res: RawResponse): string[] {
  const problems: string[] = [];
  if (res.error) return [`no HTTP answer (${res.error}) after ${res.ms} ms`];
  const expected = c.expect === undefined ? undefined : Array.isArray(c.expect) ? c.expect : [c.expect];
  if (res.status >= 500) problems.push(`server error ${res.status}`);
  else if (res.status < 400) return [`accepted with ${res.status} (upstream rejects this request)`];
  else if (expected && !expected.includes(res.status)) problems.push(`status ${res.status}, upstream answers ${expected.join(' or ')}`);
  const ct = res.contentType.toLowerCase();
  if (c.plain404) {
    if (!(res.status === 404 && ct.startsWith('text/plain') && res.text === '404 page not found\n')) {
      problems.push(`want plain-text "404 page not found", got ${res.status} ${ct} ${preview(res.text)}`);
    }
    return problems;
  }
  if (ct.includes('json')) {
    if (res.json === undefined) problems.push(`content-type ${ct} but the body is not JSON: ${preview(res.text)}`);
    else problems.push(...statusShapeProblems(res.status, res.json));
    if (c.message !== undefined && (res.json as { message?: unknown } | undefined)?.message !== c.message) {
      problems.push(`message ${JSON.stringify((res.json as { message?: unknown } | undefined)?.message)}, upstream says ${JSON.stringify(c.message)}`);
    }
  } else if (c.bare) {
    // Go's HTTP server answers malformed requests in plain text (or with no body): anything but JSON is fine.
  } else if (res.status === 404 && ct.startsWith('text/plain') && res.text === '404 page not found\n') {
    problems.push('plain-text 404 where upstream answers a NotFound Status (inside a served group-version)');
  } else {
    problems.push(`want a JSON Status, got content-type ${JSON.stringify(ct)}: ${preview(res.text)}`);
  }
  return problems;
}

/** Writes raw bytes on a fresh connection and reads until the server closes (or 8 s pass). */
function rawExchange(origin: string, bytes: string | Buffer): Promise<RawResponse> {
  const u = new URL(origin);
  const t0 = Date.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const sock = connect(Number(u.port), u.hostname);
    const finish = (error?: string): void => {
      clearTimeout(timer);
      sock.destroy();
      const all = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(all);
      if (!m) {
        resolve({ status: 0, contentType: '', text: all, error: error ?? `no status line in ${JSON.stringify(all.slice(0, 80))}`, ms: Date.now() - t0 });
        return;
      }
      const [head = '', body = ''] = all.split('\r\n\r\n', 2);
      const ct = /\r\ncontent-type:\s*([^\r\n]*)/i.exec(head)?.[1] ?? '';
      const out: RawResponse = { status: Number(m[1]), contentType: ct, text: body, ms: Date.now() - t0 };
      if (ct.includes('json')) {
        try {
          out.json = JSON.parse(body) as unknown;
        } catch {
          /* reported by the checks */
        }
      }
      resolve(out);
    };
    const timer = setTimeout(() => finish(chunks.length ? undefined : 'timeout: no answer in 8 s'), 8_000);
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('close', () => finish());
    sock.on('error', (e) => finish(chunks.length ? undefined : e.message));
    sock.write(bytes);
  });
}

async function execute(c: Case): Promise<RawResponse> {
  if (c.raw !== undefined) return rawExchange(base, c.raw);
  const headers: Record<string, string> = { ...(c.headers ?? {}) };
  let body: string | Buffer | Readable | undefined;
  if (typeof c.body === 'function') {
    const built = (c.body as () => Readable | Promise<string>)();
    body = built instanceof Readable ? built : await built;
  } else body = c.body;
  if (body !== undefined && c.ct !== null) headers['content-type'] = c.ct ?? 'application/json';
  if (body === undefined && c.ct) headers['content-type'] = c.ct;
  return send(agent, base, { method: c.method, path: c.path, headers, body, timeoutMs: 10_000 });
}

// ---------------------------------------------------------------------------------------------------------------
// Deterministic pseudo-random generation (mulberry32)

type Rng = () => number;
function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const randInt = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[Math.floor(rng() * xs.length)]!;
}
function randomString(rng: Rng, alphabet: string, lo: number, hi: number): string {
  let s = '';
  for (let i = randInt(rng, lo, hi); i > 0; i--) s += alphabet[Math.floor(rng() * alphabet.length)];
  return s;
}
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
function randomBytes(rng: Rng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rng() * 256);
  return b;
}
const UNICODE_POOL = [
  'é', 'ü', 'ß', 'Ω', 'ж', 'а', 'я', '中', '文', '日', '本', '한', '😀', '🚀', '\u0301', '\u200b', '\u200d', '\u202e', '\u2028', '\ufeff',
  '\u0000', '\u0007', '\ud83d\ude00', 'ﬁ', 'Ａ', '𝔘', '٣', 'ـ', '\u00a0', '\uffff',
];
/** A name with at least one non-ASCII (or control) character: never a valid object name. */
function randomUnicodeName(rng: Rng): string {
  const parts: string[] = [];
  for (let i = randInt(rng, 1, 12); i > 0; i--) parts.push(rng() < 0.5 ? randomString(rng, LOWER, 1, 3) : pick(rng, UNICODE_POOL));
  parts.splice(randInt(rng, 0, parts.length), 0, pick(rng, UNICODE_POOL.filter((u) => u !== '\u0000')));
  return parts.join('');
}
function randomJson(rng: Rng, depth: number): unknown {
  const r = rng();
  if (depth <= 0 || r < 0.35) {
    return pick(rng, [
      () => randomString(rng, `${LOWER}ABC 0123-_./:"\\é😀`, 0, 12),
      () => randInt(rng, -1e6, 1e6),
      () => rng() * 1e12 - 5e11,
      () => rng() < 0.5,
      () => null,
      () => 1e308 * (rng() < 0.5 ? 1 : -1),
    ])();
  }
  if (r < 0.65) return Array.from({ length: randInt(rng, 0, 4) }, () => randomJson(rng, depth - 1));
  const o: Obj = {};
  for (let i = randInt(rng, 0, 4); i > 0; i--) o[randomString(rng, LOWER, 1, 8)] = randomJson(rng, depth - 1);
  return o;
}
function randomNonObjectJson(rng: Rng, allowNull: boolean): unknown {
  for (;;) {
    const v = randomJson(rng, 3);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (v === null && !allowNull) continue;
    return v;
  }
}
function isJson(b: Buffer): boolean {
  try {
    JSON.parse(b.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Table-driven categories

/*
 * Rows taken out of the barrage (never sent). Two reasons, kept apart:
 *
 * DEFERRED_TO_SCHEMAS — upstream rejects these with 400 because its typed decoder knows every field; kubeling checks
 * the types of the fields its own code reads (ObjectMeta, ConfigMap/Secret data, containers' name and image, workload
 * selector and template), and the types of arbitrary spec fields will come from the generated OpenAPI schemas in a
 * later issue. Add them back to typeConfusion() and hugeNumbers() then.
 *
 * UPSTREAM_ACCEPTS — kube-apiserver 1.32 answers these with 200, so they cannot be in a barrage of rejected requests
 * (checked against upstream's source; apiserver/server/app.test.ts asserts kubeling's matching answers):
 * - `a in ()` parses as `a in ("")` (labels.Parser.parseValues returns {""} for "()");
 * - `$deleteFromPrimitiveList/finalizers: "x"` is skipped when the live field is absent or not a list
 *   (strategicpatch mergeMap: `if !isDeleteList` on the missing-key and type-mismatch paths), so it patches nothing.
 */
export const DEFERRED_TO_SCHEMAS = {
  podSpecFields: [
    { containers: [{ name: 'c', image: 'i', ports: 'x' }] },
    { containers: [{ name: 'c', image: 'i', env: { a: 'b' } }] },
    { containers: [{ name: 'c', image: 'i' }], nodeName: 5 },
    { containers: [{ name: 'c', image: 'i' }], terminationGracePeriodSeconds: '30' },
    { containers: [{ name: 'c', image: 'i' }], restartPolicy: ['Always'] },
  ],
  hugeNumbersInSpec: [
    { path: 'pods', spec: { containers: [{ name: 'c', image: 'i' }], terminationGracePeriodSeconds: 1e30 } },
    { path: 'pods', body: '{"spec":{"containers":[{"name":"c","image":"i","ports":[{"containerPort":99999999999999999999999}]}]}}' },
    { path: 'pods', body: '{"spec":{"activeDeadlineSeconds":-1e400,"containers":[{"name":"c","image":"i"}]}}' },
    { path: 'statefulsets', spec: { serviceName: 'x', replicas: 3.5 } },
    { path: 'daemonsets', spec: { revisionHistoryLimit: 1e10 } },
  ],
} as const;

export const UPSTREAM_ACCEPTS = {
  labelSelectors: ['a in ()'],
  strategicMergePatches: [{ metadata: { '$deleteFromPrimitiveList/finalizers': 'x' } }],
} as const;

const J = (v: unknown): string => JSON.stringify(v);
const b64 = (s: string): string => Buffer.from(s).toString('base64url');
const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'] as const;
const MERGE = 'application/merge-patch+json';
const SMP = 'application/strategic-merge-patch+json';
const JSONPATCH = 'application/json-patch+json';
const YAML = 'application/yaml';
const APPLY = 'application/apply-patch+yaml';

function deepArray(n: number): string {
  return `${'['.repeat(n)}${']'.repeat(n)}`;
}
function deepObject(n: number): string {
  return `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
}

/** PUT body builder: the object with the live resourceVersion of `path` (fetched just before sending). */
function withLiveRv(path: string, obj: Obj): () => Promise<string> {
  return async () => {
    const o = structuredClone(obj);
    (o.metadata as Obj).resourceVersion = await liveRv(path);
    return J(o);
  };
}

function malformedJson(): Case[] {
  const bodies = [
    '', '{', '}', '{"metadata":', '{"metadata":{"name":"mj-1"}', "{'metadata':{'name':'mj-2'}}", '{"a":1,}', '{"a" 1}', 'nul', 'tru',
    '{"a":"\\u12"}', '{"a":"\\x41"}', '"unterminated', '{}}', '{"metadata":{"name":"mj-3"}}{"b":2}', '[1,2', '{"a":NaN}', '{"a":Infinity}',
    '{"a":01}', '/* comment */{"metadata":{"name":"mj-4"}}', '\ufeff{"metadata":{"name":"mj-5"}}', '{"a":1 "b":2}', '\u0000{}',
    `{"metadata":{"name":"ctl${String.fromCharCode(1)}"}}`, '{"metadata":{"name":"mj-6"},}', '{,}', '{"metadata":{"name":"mj-7"}]',
  ];
  const targets: Array<[string, string]> = [
    ['POST', CM], ['POST', PODS], ['POST', NSS], ['POST', DS], ['PUT', `${CM}/cm-put`], ['PUT', `${PODS}/pod-put`], ['PUT', `${NSS}/${NS2}`],
  ];
  const out: Case[] = [];
  for (const [method, path] of targets) for (const body of bodies) out.push({ cat: 'malformed-json', method, path, body, expect: 400 });
  return out;
}

function truncatedJson(): Case[] {
  const templates: Array<[string, string, string]> = [
    ['POST', CM, J(cm('trunc-cm', { metadata: { name: 'trunc-cm', labels: { a: 'b' } } }))],
    ['POST', PODS, J(pod('trunc-pod'))],
    ['POST', DS, J(ds('trunc-ds'))],
    ['PUT', `${CM}/cm-put`, J({ ...cm('cm-put'), metadata: { name: 'cm-put', resourceVersion: '999999' } })],
  ];
  const out: Case[] = [];
  for (const [method, path, full] of templates) {
    const step = Math.max(1, Math.ceil(full.length / 40));
    for (let i = 0; i < full.length; i += step) out.push({ cat: 'truncated-json', method, path, body: full.slice(0, i), expect: 400 });
  }
  return out;
}

function nonObjectJson(): Case[] {
  const bodies = ['[]', '[{}]', J([cm('arr-cm')]), '"a string"', '42', '-1.5e300', 'true', 'false', 'null', '""', '0', '[[[]]]', '1e999'];
  const out: Case[] = [];
  for (const [method, path] of [['POST', CM], ['POST', NSS], ['PUT', `${CM}/cm-put`], ['POST', DS]] as const) {
    for (const body of bodies) out.push({ cat: 'non-object-json', method, path, body, expect: body === 'null' ? [400, 422] : 400 });
  }
  return out;
}

function wrongKindOrVersion(): Case[] {
  const out: Case[] = [];
  for (const kind of ['Pod', 'Secret', 'ConfigMapList', 'Status', 'configmap', 'CONFIGMAP', 'Namespace', 'DaemonSet', 'Boom💥', 'List']) {
    out.push({ cat: 'wrong-kind', method: 'POST', path: CM, body: J({ ...cm(uniq()), kind }), expect: 400 });
  }
  for (const apiVersion of ['v2', 'apps/v1', 'v1/extra/x', 'V1', 'core/v1', '/v1', 'v1beta1', ' v1', 'v1 ', 'coordination.k8s.io/v1']) {
    out.push({ cat: 'wrong-apiversion', method: 'POST', path: CM, body: J({ ...cm(uniq()), apiVersion }), expect: 400 });
  }
  out.push(
    { cat: 'wrong-kind', method: 'POST', path: PODS, body: J({ ...pod(uniq()), kind: 'ConfigMap' }), expect: 400 },
    { cat: 'wrong-kind', method: 'POST', path: NSS, body: J({ ...nsObj(uniq()), kind: 'Pod' }), expect: 400 },
    { cat: 'wrong-apiversion', method: 'POST', path: DS, body: J({ ...ds(uniq()), apiVersion: 'v1' }), expect: 400 },
    { cat: 'wrong-kind', method: 'POST', path: DS, body: J({ ...ds(uniq()), kind: 'StatefulSet' }), expect: 400 },
    { cat: 'wrong-apiversion', method: 'POST', path: STS, body: J({ ...sts(uniq()), apiVersion: 'apps/v1beta1' }), expect: 400 },
    { cat: 'wrong-apiversion', method: 'POST', path: LEASES, body: J({ ...lease(uniq()), apiVersion: 'v1' }), expect: 400 },
    { cat: 'wrong-kind', method: 'POST', path: NODES, body: J({ ...node(uniq()), kind: 'Namespace' }), expect: 400 },
    { cat: 'wrong-kind', method: 'PUT', path: `${CM}/cm-put`, body: withLiveRv(`${CM}/cm-put`, { ...cm('cm-put'), kind: 'Secret' }), expect: 400 },
    { cat: 'wrong-apiversion', method: 'PUT', path: `${PODS}/pod-put`, body: withLiveRv(`${PODS}/pod-put`, { ...pod('pod-put'), apiVersion: 'apps/v1' }), expect: 400 },
    { cat: 'wrong-kind', method: 'PUT', path: `${DS}/ds-put`, body: withLiveRv(`${DS}/ds-put`, { ...ds('ds-put'), kind: 'Pod' }), expect: 400 },
  );
  return out;
}

/** JSON of the wrong type in typed fields: upstream's decoder rejects these with 400 before anything else. */
function typeConfusion(): Case[] {
  const out: Case[] = [];
  const cmWith = (patch: (o: Obj) => void): string => {
    const o = cm(uniq('tc'));
    patch(o);
    return J(o);
  };
  const meta = (o: Obj): Obj => o.metadata as Obj;
  const cmCases: Array<(o: Obj) => void> = [
    (o) => { o.apiVersion = 5; },
    (o) => { o.apiVersion = {}; },
    (o) => { o.kind = 7; },
    (o) => { o.kind = ['ConfigMap']; },
    (o) => { o.metadata = 5; },
    (o) => { o.metadata = 'x'; },
    (o) => { o.metadata = []; },
    (o) => { meta(o).name = 5; },
    (o) => { meta(o).name = ['x']; },
    (o) => { meta(o).name = { a: 1 }; },
    (o) => { meta(o).name = true; },
    (o) => { meta(o).generateName = 7; },
    (o) => { meta(o).namespace = 7; },
    (o) => { meta(o).labels = 'abc'; },
    (o) => { meta(o).labels = ['a']; },
    (o) => { meta(o).labels = { a: 5 }; },
    (o) => { meta(o).labels = { a: true }; },
    (o) => { meta(o).labels = { a: { b: 'c' } }; },
    (o) => { meta(o).annotations = 'str'; },
    (o) => { meta(o).annotations = { a: [1] }; },
    (o) => { meta(o).annotations = { a: 1 }; },
    (o) => { meta(o).finalizers = 'abc'; },
    (o) => { meta(o).finalizers = [1]; },
    (o) => { meta(o).finalizers = { a: 'b' }; },
    (o) => { meta(o).ownerReferences = { a: 1 }; },
    (o) => { meta(o).ownerReferences = 'x'; },
    (o) => { meta(o).ownerReferences = [{ apiVersion: 5, kind: 'X', name: 'n', uid: 'u' }]; },
    (o) => { meta(o).ownerReferences = [{ apiVersion: 'v1', kind: 'Pod', name: 7, uid: 'u' }]; },
    (o) => { meta(o).creationTimestamp = { t: 1 }; },
    (o) => { o.data = { a: 1 }; },
    (o) => { o.data = 'abc'; },
    (o) => { o.data = [1]; },
    (o) => { o.data = { a: { b: 'c' } }; },
    (o) => { o.data = { a: true }; },
    (o) => { o.binaryData = { a: 'not base64!!' }; },
    (o) => { o.immutable = 'yes'; },
  ];
  for (const f of cmCases) out.push({ cat: 'type-confusion', method: 'POST', path: CM, body: cmWith(f), expect: 400 });
  const podCases: Obj[] = [
    { containers: 'abc' },
    { containers: [container()], initContainers: 5 },
    { containers: [{ name: 'c', image: 5 }] },
    { containers: [{ name: 5, image: 'i' }] },
    { containers: [container(), 'x'] },
  ];
  for (const spec of podCases) out.push({ cat: 'type-confusion', method: 'POST', path: PODS, body: J(pod(uniq('tc'), spec)), expect: 400 });
  out.push(
    { cat: 'type-confusion', method: 'POST', path: PODS, body: J({ ...pod(uniq('tc')), spec: 'x' }), expect: 400 },
    { cat: 'type-confusion', method: 'POST', path: NSS, body: J({ ...nsObj(uniq('tc')), spec: 'x' }), expect: 400 },
    { cat: 'type-confusion', method: 'POST', path: NSS, body: J({ ...nsObj(uniq('tc')), metadata: { name: uniq('tc'), labels: [] } }), expect: 400 },
    { cat: 'type-confusion', method: 'POST', path: DS, body: J(ds(uniq('tc'), { selector: 'x', template: podTemplate('x') })), expect: 400 },
    { cat: 'type-confusion', method: 'POST', path: DS, body: J(ds(uniq('tc'), { selector: { matchLabels: { app: 'x' } }, template: podTemplate('x', [{ name: 1, image: 'i' }]) })), expect: 400 },
    { cat: 'type-confusion', method: 'PUT', path: `${CM}/cm-put`, body: withLiveRv(`${CM}/cm-put`, { ...cm('cm-put'), data: { a: 1 } }), expect: 400 },
    { cat: 'type-confusion', method: 'PUT', path: `${CM}/cm-put`, body: withLiveRv(`${CM}/cm-put`, { ...cm('cm-put'), metadata: { name: 'cm-put', labels: { a: 5 } } }), expect: 400 },
  );
  return out;
}

function namespaceMismatch(): Case[] {
  const withNs = (o: Obj, namespace: string): Obj => ({ ...o, metadata: { ...(o.metadata as Obj), namespace } });
  return [
    { cat: 'namespace-mismatch', method: 'POST', path: CM, body: J(withNs(cm(uniq()), NS2)), expect: 400 },
    { cat: 'namespace-mismatch', method: 'POST', path: CM, body: J(withNs(cm(uniq()), 'default')), expect: 400 },
    { cat: 'namespace-mismatch', method: 'POST', path: CM, body: J(withNs(cm(uniq()), 'RB-A')), expect: 400 },
    { cat: 'namespace-mismatch', method: 'POST', path: CM, body: J(withNs(cm(uniq()), 'rb-a ')), expect: 400 },
    { cat: 'namespace-mismatch', method: 'POST', path: PODS, body: J(withNs(pod(uniq()), NS2)), expect: 400 },
    { cat: 'namespace-mismatch', method: 'POST', path: DS, body: J(withNs(ds(uniq()), NS2)), expect: 400 },
    { cat: 'namespace-mismatch', method: 'POST', path: LEASES, body: J(withNs(lease(uniq()), NS2)), expect: 400 },
    { cat: 'namespace-mismatch', method: 'PUT', path: `${CM}/cm-put`, body: withLiveRv(`${CM}/cm-put`, withNs(cm('cm-put'), NS2)), expect: 400 },
    { cat: 'namespace-mismatch', method: 'PUT', path: `${CORE}/namespaces/${NS2}/configmaps/cm-1`, body: withLiveRv(`${CORE}/namespaces/${NS2}/configmaps/cm-1`, withNs(cm('cm-1'), NS)), expect: 400 },
    { cat: 'namespace-mismatch', method: 'PUT', path: `${PODS}/pod-put`, body: withLiveRv(`${PODS}/pod-put`, withNs(pod('pod-put'), NS2)), expect: 400 },
  ];
}

function missingNamespace(): Case[] {
  const msg = `namespaces "${MISSING_NS}" not found`;
  const at = (prefix: string, plural: string): string => `${prefix}/namespaces/${MISSING_NS}/${plural}`;
  const out: Case[] = [
    { cat: 'missing-namespace', method: 'POST', path: at(CORE, 'configmaps'), body: J(cm(uniq())), expect: 404, message: msg },
    { cat: 'missing-namespace', method: 'POST', path: at(CORE, 'pods'), body: J(pod(uniq())), expect: 404, message: msg },
    { cat: 'missing-namespace', method: 'POST', path: at(CORE, 'secrets'), body: J(secret(uniq())), expect: 404, message: msg },
    { cat: 'missing-namespace', method: 'POST', path: at(CORE, 'serviceaccounts'), body: J(sa(uniq())), expect: 404, message: msg },
    { cat: 'missing-namespace', method: 'POST', path: at(CORE, 'services'), body: J(svc(uniq())), expect: 404, message: msg },
    { cat: 'missing-namespace', method: 'POST', path: at(APPS, 'daemonsets'), body: J(ds(uniq())), expect: 404, message: msg },
    { cat: 'missing-namespace', method: 'POST', path: at(APPS, 'statefulsets'), body: J(sts(uniq())), expect: 404, message: msg },
    { cat: 'missing-namespace', method: 'POST', path: at(COORD, 'leases'), body: J(lease(uniq())), expect: 404, message: msg },
    { cat: 'missing-namespace', method: 'PUT', path: `${at(CORE, 'services')}/svc-x`, body: J(svc('svc-x')), expect: 404, message: msg },
    { cat: 'missing-namespace', method: 'PUT', path: `${at(COORD, 'leases')}/lease-x`, body: J({ ...lease('lease-x'), metadata: { name: 'lease-x', resourceVersion: '5' } }), expect: 404 },
    { cat: 'missing-namespace', method: 'PUT', path: `${at(CORE, 'configmaps')}/cm-x`, body: J(cm('cm-x')), expect: 404 },
  ];
  for (const ns of ['UPPER', '%C3%BC', 'a.b', 'x'.repeat(64)]) {
    out.push({ cat: 'missing-namespace', method: 'POST', path: `${CORE}/namespaces/${ns}/configmaps`, body: J(cm(uniq())), expect: 404 });
  }
  return out;
}

function invalidNames(): Case[] {
  const out: Case[] = [];
  const bad = [
    'UPPER', 'a_b', '-a', 'a-', '.', '..', 'a..b', ' ', 'a b', 'a'.repeat(254), '', 'ünï', 'a\u0000b', '😀', 'a/b', 'a%b', 'a:b', 'a\nb',
    '\u202eabc', 'a\u200db', 'а', '.a', 'a.', 'a\tb', '*', 'a?b',
  ];
  for (const name of bad) out.push({ cat: 'invalid-name', method: 'POST', path: CM, body: J(cm(name)), expect: 422 });
  for (const name of ['a.b', 'UPPER', 'a'.repeat(64), '-x', 'x-', '1.2', 'kube_x', 'ns/x', '']) {
    out.push({ cat: 'invalid-name', method: 'POST', path: NSS, body: J(nsObj(name)), expect: 422 });
  }
  for (const name of ['1abc', 'a.b', 'A']) out.push({ cat: 'invalid-name', method: 'POST', path: SVCS, body: J(svc(name)), expect: 422 });
  out.push({ cat: 'invalid-name', method: 'POST', path: STS, body: J(sts('a.b')), expect: 422 });
  out.push({ cat: 'invalid-name', method: 'POST', path: PODS, body: J(pod('Pod-1')), expect: 422 });
  for (const generateName of ['UP-', 'a_b-', '.-', '-']) {
    out.push({ cat: 'invalid-name', method: 'POST', path: CM, body: J({ ...cm(''), metadata: { generateName } }), expect: 422 });
  }
  const metaCases: Obj[] = [
    { labels: { 'bad key!': 'v' } },
    { labels: { a: 'v'.repeat(64) } },
    { labels: { 'a/b/c': 'v' } },
    { labels: { '': 'v' } },
    { labels: { a: '-bad' } },
    { labels: { a: 'ü' } },
    { annotations: { 'bad key!': 'v' } },
    { annotations: { big: 'x'.repeat(256 * 1024 + 1) } },
    { finalizers: ['bad finalizer!'] },
    { finalizers: ['orphan', 'foregroundDeletion'] },
    { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p' }] },
    { ownerReferences: [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' }] },
  ];
  for (const m of metaCases) out.push({ cat: 'invalid-meta', method: 'POST', path: CM, body: J({ ...cm(''), metadata: { name: uniq(), ...m } }), expect: 422 });
  return out;
}

function missingRequired(): Case[] {
  const out: Case[] = [];
  const podSpecs: unknown[] = [undefined, {}, { containers: [] }, { containers: [{}] }, { containers: [{ name: 'c' }] }, { containers: [{ image: 'i' }] },
    { containers: [container()], initContainers: [{ name: 'i' }] }, null, { containers: [{ name: '', image: 'i' }] }, { containers: [{ name: 'c', image: '' }] }];
  for (const spec of podSpecs) {
    const o = pod(uniq('mr'));
    if (spec === undefined) delete o.spec;
    else o.spec = spec;
    out.push({ cat: 'missing-required', method: 'POST', path: PODS, body: J(o), expect: 422 });
  }
  const wlSpecs: unknown[] = [undefined, {}, { template: podTemplate('x') }, { selector: { matchLabels: { app: 'x' } } },
    { selector: { matchLabels: { app: 'x' } }, template: podTemplate('x', []) }, { selector: { matchLabels: { app: 'x' } }, template: podTemplate('x', [{ name: 'c' }]) }];
  // Upstream does not validate a StatefulSet's pod template (kubernetes#137728, still so in 1.33): a template without
  // containers or images is accepted, and only the pods the controller creates from it fail.
  const templateContents = (spec: unknown): boolean => typeof spec === 'object' && spec !== null && 'selector' in spec && 'template' in spec;
  for (const spec of wlSpecs) {
    for (const [path, make] of [[DS, ds], [STS, sts]] as const) {
      if (path === STS && spec !== undefined && templateContents(spec)) continue;
      const o = make(uniq('mr'));
      if (spec === undefined) delete o.spec;
      else o.spec = spec;
      out.push({ cat: 'missing-required', method: 'POST', path, body: J(o), expect: 422 });
    }
  }
  out.push(
    { cat: 'missing-required', method: 'PUT', path: `${PODS}/pod-put`, body: withLiveRv(`${PODS}/pod-put`, pod('pod-put', { containers: [{ name: 'c' }] })), expect: 422 },
    { cat: 'missing-required', method: 'PUT', path: `${PODS}/pod-put`, body: withLiveRv(`${PODS}/pod-put`, pod('pod-put', { containers: [] })), expect: 422 },
    { cat: 'missing-required', method: 'PUT', path: `${DS}/ds-put`, body: withLiveRv(`${DS}/ds-put`, ds('ds-put', { selector: { matchLabels: { app: 'ds-put' } }, template: podTemplate('ds-put', []) })), expect: 422 },
    { cat: 'missing-required', method: 'PATCH', path: `${PODS}/pod-2`, ct: JSONPATCH, body: J([{ op: 'remove', path: '/spec/containers/0/image' }]), expect: 422 },
    { cat: 'missing-required', method: 'PATCH', path: `${PODS}/pod-2`, ct: MERGE, body: J({ spec: { containers: [{ name: 'c' }] } }), expect: 422 },
    { cat: 'missing-required', method: 'PATCH', path: `${PODS}/pod-2`, ct: SMP, body: J({ spec: { containers: [{ name: 'c', image: null }] } }), expect: 422 },
  );
  return out;
}

function putMismatch(): Case[] {
  const p = `${CM}/cm-put`;
  const named = (name: unknown): Obj => ({ ...cm('x'), metadata: name === undefined ? {} : { name } });
  return [
    { cat: 'put-name-mismatch', method: 'PUT', path: p, body: withLiveRv(p, named('cm-2')), expect: 400 },
    { cat: 'put-name-mismatch', method: 'PUT', path: p, body: withLiveRv(p, named(undefined)), expect: 400 },
    { cat: 'put-name-mismatch', method: 'PUT', path: p, body: withLiveRv(p, named('')), expect: 400 },
    { cat: 'put-name-mismatch', method: 'PUT', path: p, body: withLiveRv(p, named('CM-PUT')), expect: 400 },
    { cat: 'put-name-mismatch', method: 'PUT', path: p, body: withLiveRv(p, { ...cm('x'), metadata: { generateName: 'cm-' } }), expect: 400 },
    { cat: 'put-name-mismatch', method: 'PUT', path: `${NSS}/${NS}`, body: withLiveRv(`${NSS}/${NS}`, nsObj(NS2)), expect: 400 },
    { cat: 'put-name-mismatch', method: 'PUT', path: `${PODS}/pod-put`, body: withLiveRv(`${PODS}/pod-put`, pod('pod-1')), expect: 400 },
    { cat: 'put-name-mismatch', method: 'PUT', path: `${DS}/ds-put`, body: withLiveRv(`${DS}/ds-put`, ds('ds-1')), expect: 400 },
    { cat: 'put-name-mismatch', method: 'PUT', path: `${NSS}/${NS}/status`, body: withLiveRv(`${NSS}/${NS}`, nsObj(NS2)), expect: 400 },
    { cat: 'put-name-mismatch', method: 'PUT', path: `${NSS}/${NS}/finalize`, body: withLiveRv(`${NSS}/${NS}`, nsObj(NS2)), expect: 400 },
    { cat: 'put-name-mismatch', method: 'PUT', path: `${NODES}/rb-node-1`, body: withLiveRv(`${NODES}/rb-node-1`, node('rb-node-2')), expect: 400 },
    { cat: 'put-stale', method: 'PUT', path: p, body: J({ ...cm('cm-put'), metadata: { name: 'cm-put', resourceVersion: '1' } }), expect: 409 },
    { cat: 'put-missing', method: 'PUT', path: `${CM}/nope`, body: J(cm('nope')), expect: 404, message: 'configmaps "nope" not found' },
    { cat: 'put-missing', method: 'PUT', path: `${CM}/cm-put/status`, body: J(cm('cm-put')), expect: 404 },
  ];
}

function contentTypes(): Case[] {
  const out: Case[] = [];
  for (const ct of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/cbor',
    'application/jsonx', 'json', 'application/json-patch+json', 'application/merge-patch+json', 'application/octet-stream', ';charset=utf-8', '*/*', 'text/html']) {
    out.push({ cat: 'content-type', method: 'POST', path: CM, ct, body: J(cm(uniq('ct'))), expect: 415 });
  }
  out.push(
    { cat: 'content-type', method: 'POST', path: CM, ct: 'application/vnd.kubernetes.protobuf', body: J(cm(uniq('ct'))), expect: [400, 415] },
    // Protobuf bodies that do not decode (kubectl's typed clients send `k8s\0` + runtime.Unknown): never a write.
    { cat: 'protobuf', method: 'POST', path: CM, ct: PB, body: Buffer.from('k8s\0'), expect: 400, message: 'the object provided is unrecognized (must be of type ConfigMap): empty body (6b387300)' },
    { cat: 'protobuf', method: 'POST', path: CM, ct: PB, body: Buffer.from('6b387300ffffffffffffffffffffff', 'hex'), expect: 400 },
    { cat: 'protobuf', method: 'POST', path: CM, ct: PB, body: Buffer.from('6b3873000a0c0a027631120653656372657412050a030a0178', 'hex'), expect: 400 },
    { cat: 'protobuf', method: 'POST', path: CM, ct: PB, body: Buffer.from('6b3873000a0f0a0276311209436f6e6669674d617012040a020801', 'hex'), expect: 400 },
    { cat: 'protobuf', method: 'POST', path: PODS, ct: PB, body: Buffer.from('6b3873000a090a0276311203506f64', 'hex'), expect: 415 },
    { cat: 'protobuf', method: 'DELETE', path: `${CM}/cm-1`, ct: PB, body: Buffer.from('6b3873000a020a05', 'hex'), expect: 400 },
    { cat: 'content-type', method: 'PUT', path: `${CM}/cm-put`, ct: 'text/plain', body: withLiveRv(`${CM}/cm-put`, cm('cm-put')), expect: 415 },
    { cat: 'content-type', method: 'PUT', path: `${CM}/cm-put`, ct: 'application/merge-patch+json', body: withLiveRv(`${CM}/cm-put`, cm('cm-put')), expect: 415 },
  );
  for (const ct of ['application/json', YAML, 'text/plain', 'application/xml', 'application/json-patch', '']) {
    out.push({ cat: 'content-type', method: 'PATCH', path: `${CM}/cm-1`, ct: ct || null, body: J({ metadata: { labels: { ct: 'x' } } }), expect: 415 });
  }
  out.push(
    // Server-side apply: PatchOptions are validated before the body is read (422 without fieldManager), then the body.
    { cat: 'content-type', method: 'PATCH', path: `${CM}/cm-1`, ct: APPLY, body: 'metadata: [unclosed', expect: 422 },
    { cat: 'content-type', method: 'PATCH', path: `${CM}/cm-1`, ct: APPLY, body: J({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-1' } }), expect: 422 },
    { cat: 'content-type', method: 'PATCH', path: `${CM}/cm-1?fieldManager=rb`, ct: APPLY, body: 'metadata: [unclosed', expect: 400 },
    { cat: 'content-type', method: 'PATCH', path: `${CM}/cm-1?fieldManager=rb`, ct: APPLY, body: '[1, 2]', expect: 400 },
    { cat: 'content-type', method: 'PATCH', path: `${CM}/cm-1?fieldManager=rb`, ct: APPLY, body: '"x"', expect: 400 },
    { cat: 'content-type', method: 'PATCH', path: `${CM}/cm-1?fieldManager=rb`, ct: APPLY, body: '', expect: 400 },
    { cat: 'content-type', method: 'PATCH', path: `${CM}/cm-1?fieldManager=rb`, ct: APPLY, body: J({ apiVersion: 'v2', kind: 'ConfigMap', metadata: { name: 'cm-1' } }), expect: 400 },
    { cat: 'content-type', method: 'PATCH', path: `${CM}/cm-1?fieldManager=rb`, ct: APPLY, body: J({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cm-1' } }), expect: 400 },
    { cat: 'content-type', method: 'PATCH', path: `${CM}/cm-1?fieldManager=rb`, ct: APPLY, body: J({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-2' } }), expect: 400 },
    { cat: 'content-type', method: 'PATCH', path: `${CM}/cm-1?fieldManager=rb`, ct: APPLY, body: J({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-1', managedFields: [{}] } }), expect: 400 },
    { cat: 'content-type', method: 'PATCH', path: `${CM}/cm-1?fieldManager=rb`, ct: APPLY, body: J({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-1' }, data: { a: 5 } }), expect: 422 },
    { cat: 'content-type', method: 'PATCH', path: `${CM}/cm-1?fieldManager=${'m'.repeat(129)}`, ct: APPLY, body: J({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-1' } }), expect: 422 },
    { cat: 'content-type', method: 'PATCH', path: `${CM}/cm-1?force=true`, ct: MERGE, body: J({ metadata: { labels: { f: 'x' } } }), expect: 422 },
    { cat: 'accept', method: 'GET', path: CM, headers: { accept: 'application/xml' }, expect: 406 },
    { cat: 'accept', method: 'GET', path: `${CM}/cm-1`, headers: { accept: 'text/html' }, expect: 406 },
  );
  return out;
}

const INVALID_LABEL_SELECTORS = ['a=(b', 'a in (b', 'a in b', '=b', 'a!', 'a=b=c', 'a=' + 'x'.repeat(64), 'bad key!=x', '!a=b', 'a notin', '(', 'a,,b', 'a=b,', 'ü=x', 'a==(b)', 'a in (,', 'a notin ()x'];

function badQuery(): Case[] {
  const out: Case[] = [];
  const q = (path: string, query: string, expect: number | number[] | undefined = 400): Case => ({ cat: 'bad-query', method: 'GET', path: `${path}?${query}`, expect });
  for (const v of ['abc', '1.5', '1e3', '0x10', '%20', '99999999999999999999', '--1', '1e400']) out.push(q(CM, `limit=${v}`));
  for (const s of INVALID_LABEL_SELECTORS) out.push(q(CM, `labelSelector=${encodeURIComponent(s)}`));
  out.push(q(`${CORE}/pods`, `labelSelector=${encodeURIComponent('a=(b')}`), q(`${APPS}/namespaces/${NS}/daemonsets`, `labelSelector=${encodeURIComponent('a in b')}`));
  for (const s of ['spec.bogus=x', 'bogus', '=x', 'metadata.name=a,=b', 'a~b', 'metadata.name in (a)', 'status.phase=Running', 'metadata.labels=x']) {
    out.push(q(CM, `fieldSelector=${encodeURIComponent(s)}`));
  }
  out.push(q(PODS, `fieldSelector=${encodeURIComponent('spec.bogus=x')}`), q(NODES, `fieldSelector=${encodeURIComponent('spec.podCIDR=x')}`));
  const tokens = ['garbage', b64('null'), b64('{}'), b64('[]'), b64('"s"'), b64('1'), '%25%25%25', b64(J({ v: 'meta.k8s.io/v2', rv: 1, start: 'a\u0000' })),
    b64(J({ v: 'meta.k8s.io/v1', rv: 'abc', start: 'a\u0000' })), b64(J({ v: 'meta.k8s.io/v1', start: 'a\u0000' })), b64(J({ v: 'meta.k8s.io/v1', rv: 5, start: '' }))];
  for (const t of tokens) out.push(q(CM, `continue=${t}`));
  out.push(q(CM, `continue=${b64('null')}&limit=1`));
  const watch = (query: string, expect?: number | number[]): Case => q(CM, `watch=true&timeoutSeconds=1&${query}`, expect);
  out.push(
    watch('resourceVersion=abc', undefined), watch('resourceVersion=-1', undefined), watch('resourceVersion=1.5', undefined), watch('resourceVersion=%20', undefined),
    watch('allowWatchBookmarks=maybe'), watch(`labelSelector=${encodeURIComponent('a=(b')}`), watch(`fieldSelector=${encodeURIComponent('spec.bogus=x')}`),
    q(CM, 'watch=abc'), q(CM, 'watch=yes'), q(CM, 'watch=true&timeoutSeconds=abc'), q(`${CORE}/pods`, 'watch=1&timeoutSeconds=1&resourceVersion=abc', undefined),
    q(CM, 'resourceVersionMatch=bogus&resourceVersion=1', 422),
    q(CM, 'timeoutSeconds=abc'),
    q(CM, `labelSelector=${encodeURIComponent(`a=(b${'c'.repeat(20_000)}`)}`),
    q(CM, `__proto__=x&constructor=y&hasOwnProperty=z&toString=1&labelSelector=${encodeURIComponent('a=(b')}`),
    q(CM, `labelSelector=${encodeURIComponent('__proto__=(x')}`),
  );
  const w = (method: string, path: string, query: string, body: string | (() => Promise<string>) | undefined, ct: string | undefined, expect: number): Case => ({
    cat: 'bad-query', method, path: `${path}?${query}`, body, ct, expect,
  });
  for (const v of ['foo', 'all', 'All&dryRun=foo', 'true', 'None']) {
    out.push(w('POST', CM, `dryRun=${v}`, J(cm(uniq('dr'))), undefined, 422));
  }
  out.push(
    w('PUT', `${CM}/cm-put`, 'dryRun=foo', withLiveRv(`${CM}/cm-put`, cm('cm-put', { data: { changed: 'yes' } })), undefined, 422),
    w('PATCH', `${CM}/cm-1`, 'dryRun=foo', J({ data: { changed: 'yes' } }), MERGE, 422),
    w('DELETE', `${CM}/cm-3`, 'dryRun=foo', undefined, undefined, 422),
    w('POST', CM, 'fieldValidation=bogus', J(cm(uniq('fv'))), undefined, 422),
    w('PATCH', `${CM}/cm-1`, 'fieldValidation=bogus', J({ data: { changed: 'yes' } }), MERGE, 422),
    w('DELETE', `${VICTIMS}/vcm-21`, 'gracePeriodSeconds=abc', undefined, undefined, 400),
    w('DELETE', `${VICTIMS}/vcm-22`, 'propagationPolicy=Bogus', undefined, undefined, 422),
    w('DELETE', `${VICTIMS}/vcm-23`, 'gracePeriodSeconds=1e400', undefined, undefined, 400),
  );
  return out;
}

function unknownPaths(): Case[] {
  const out: Case[] = [];
  for (const p of ['/foo', '/apiz', '/api-v1', '/xyz/api/v1/namespaces', '/api/v2', '/api/v2/namespaces', '/apis/nope.example.com', '/apis/nope.example.com/v1/things',
    '/apis/apps/v2', '/apis/apps/v2/daemonsets', `/apis/apps/v1beta1/namespaces/${NS}/daemonsets`, '/APIS', '/Api/v1', '/api/V1/namespaces']) {
    out.push({ cat: 'unknown-path', method: 'GET', path: p, plain404: true });
  }
  for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) out.push({ cat: 'unknown-path', method: m, path: '/foo/bar', body: '{}', plain404: true });
  const nf = (method: string, path: string, message?: string, body?: string, ct?: string): Case => ({ cat: 'unknown-path', method, path, body, ct, expect: 404, message });
  const generic = 'the server could not find the requested resource';
  out.push(
    nf('GET', `${CORE}/foos`, generic), nf('GET', `${CORE}/namespaces/${NS}/foos`, generic), nf('GET', `${APPS}/foos`, generic),
    nf('GET', `${APPS}/namespaces/${NS}/pods`, generic), nf('GET', `${CORE}/namespaces/${NS}/daemonsets`, generic),
    nf('GET', `${CM}/cm-1/foo`, generic), nf('GET', `${CM}/cm-1/status`, generic), nf('GET', `${CM}/a/b/c`, generic), nf('GET', `${NODES}/x/y/z`, generic),
    nf('GET', `${CORE}/configmaps/cm-1`, generic), nf('POST', `${CORE}/foos`, generic, '{}'), nf('DELETE', `${CORE}/namespaces/${NS}/foos/x`, generic),
    nf('GET', `${CM}/does-not-exist`, 'configmaps "does-not-exist" not found'), nf('GET', `${DS}/nope`, 'daemonsets.apps "nope" not found'),
    nf('DELETE', `${CM}/nope`, 'configmaps "nope" not found'), nf('PATCH', `${CM}/nope`, 'configmaps "nope" not found', '{}', MERGE),
    nf('PATCH', `${CM}/nope`, 'configmaps "nope" not found', '{}', SMP), nf('PATCH', `${CM}/nope`, 'configmaps "nope" not found', '[]', JSONPATCH),
    nf('GET', `${NSS}/${MISSING_NS}`, `namespaces "${MISSING_NS}" not found`), nf('GET', `${CM}/%C3%BC`), nf('GET', `${CORE}/%E2%80%AEsdop`, generic),
    nf('GET', `${CM}/%F0%9F%98%80`), nf('PUT', `${NSS}/${MISSING_NS}`, undefined, J(nsObj(MISSING_NS))),
  );
  // Broken percent-encoding: Go's HTTP server refuses the request line (plain 400); anything but a 4xx Status is wrong.
  for (const p of [`${CM}/%ZZ`, `${CM}/%E0%A4%A`, `${CORE}/namespaces/%/configmaps`]) out.push({ cat: 'bad-url', method: 'GET', path: p, expect: [400, 404], bare: true });
  return out;
}

function wrongMethods(): Case[] {
  const out: Case[] = [];
  const m405 = (method: string, path: string, body?: string, ct?: string): Case => ({
    cat: 'wrong-method', method, path, body, ct, expect: 405, message: 'the server does not allow this method on the requested resource',
  });
  out.push(
    m405('POST', `${CM}/cm-1`, J(cm('cm-1'))), m405('POST', `${PODS}/pod-1`, J(pod('pod-1'))), m405('POST', `${NSS}/${NS}`, J(nsObj(NS))),
    m405('PUT', CM, J(cm('x'))), m405('PATCH', CM, '{}', MERGE), m405('PUT', NSS, J(nsObj('x'))), m405('PATCH', NSS, '{}', MERGE),
    m405('DELETE', NSS), m405('POST', `${CORE}/configmaps`, J(cm(uniq()))), m405('PUT', `${CORE}/configmaps`, '{}'), m405('PATCH', `${CORE}/pods`, '{}', MERGE),
    m405('DELETE', `${CORE}/configmaps`), m405('DELETE', `${APPS}/daemonsets`), m405('PUT', STS, J(sts('x'))),
    m405('DELETE', `${PODS}/pod-1/status`), m405('POST', `${PODS}/pod-1/status`, '{}'), m405('PATCH', `${NSS}/${NS}/finalize`, '{}', MERGE),
    m405('GET', `${NSS}/${NS}/finalize`), m405('PATCH', `${PODS}/pod-1/log`, '{}', MERGE), m405('DELETE', `${STS}/web/scale`),
  );
  for (const p of [CORE, '/apis/apps', APPS]) for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) out.push(m405(m, p, m === 'DELETE' ? undefined : '{}'));
  for (const m of ['OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL']) out.push({ cat: 'odd-method', method: m, path: CM, bare: true });
  return out;
}

function tooLarge(): Case[] {
  const big = 3 * 1024 * 1024 + 1024;
  const hugeCm = (name: string): string => J({ ...cm(name), data: { big: 'x'.repeat(big) } });
  const msg = 'Request entity too large: limit is 3145728';
  return [
    { cat: 'too-large', method: 'POST', path: CM, body: hugeCm(uniq('big')), expect: 413, message: msg },
    { cat: 'too-large', method: 'PUT', path: `${CM}/cm-put`, body: hugeCm('cm-put'), expect: 413, message: msg },
    { cat: 'too-large', method: 'PATCH', path: `${CM}/cm-1`, ct: MERGE, body: J({ data: { big: 'x'.repeat(big) } }), expect: 413, message: msg },
    { cat: 'too-large', method: 'POST', path: CM, ct: YAML, body: `metadata:\n  name: ${uniq('big')}\ndata:\n  big: ${'x'.repeat(big)}\n`, expect: 413 },
    { cat: 'too-large', method: 'DELETE', path: `${VICTIMS}/vcm-0`, body: J({ propagationPolicy: 'Background', pad: 'x'.repeat(big) }), expect: 413 },
    { cat: 'too-large', method: 'POST', path: NSS, body: J({ ...nsObj(uniq('big')), metadata: { name: uniq('big'), annotations: { a: 'x'.repeat(big) } } }), expect: 413 },
    {
      cat: 'too-large', method: 'POST', path: CM, expect: 413,
      body: () => Readable.from((function* chunks() { yield Buffer.from(`{"metadata":{"name":"${uniq('chunked')}"},"data":{"big":"`); for (let i = 0; i < 40; i++) yield Buffer.alloc(100 * 1024, 'x'); yield Buffer.from('"}}'); })()),
    },
    { cat: 'too-large', method: 'POST', path: CM, ct: 'text/plain', body: 'x'.repeat(big), expect: [413, 415] },
  ];
}

function yamlCases(): Case[] {
  const out: Case[] = [];
  const y = (body: string, expect?: number | number[], path = CM, method = 'POST', ct = YAML): Case => ({ cat: 'yaml', method, path, body, ct, expect });
  out.push(
    y(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${uniq('y')}\n`, 400),
    y(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Y-Upper\n`, 422),
    y(`kind: ConfigMap\nmetadata:\n  name: ${uniq('y')}\n  namespace: ${NS2}\n`, 400),
    y('metadata: {}\n', 422),
    y('- a\n- b\n', 400),
    y('just a string\n', 400),
    y('42\n', 400),
    y(`metadata:\n  name: ${uniq('y')}\nspec:\n  containers: []\n`, 422, PODS),
    y(`metadata:\n  name: ${uniq('y')}\nspec:\n  containers:\n  - name: c\n`, 422, PODS),
    y(`apiVersion: apps/v1\nkind: ConfigMap\nmetadata:\n  name: ${uniq('y')}\n`, 400),
    y(`metadata:\n  name: ${uniq('y')}\n  labels:\n    bad key: v\n`, 422),
    y(`metadata:\n  name: ${uniq('y')}\ndata:\n  a: 1\n`, 400),
    y(`metadata:\n  name: ${uniq('y')}\ndata:\n  a: [1, 2]\n`, 400),
    y(`kind: ConfigMap\nmetadata:\n  name: Y-Upper\n`, 422, CM, 'POST', 'application/yaml; charset=utf-8'),
  );
  const broken = [
    'metadata:\n  name: [unclosed\n', 'a: b: c\n', '\tmetadata: x\n', 'key: "unterminated\n', '{a: 1\n', '- a\nb: c\n', 'metadata:\n name: a\n  bad: b\n',
    'a: 1\na: 2\n', 'a: *nope\n', '&a [*a]\n', '"\\xZZ": 1\n', ': : :\n', '[1, 2,, 3]\n', '{a: [}\n', "'single\n", 'kind: Pod\n---\nkind: Pod\n',
    '%YAML 9.9\n---\nkind: Pod\n', 'a: !!int abc\nkind: Pod\n', '? [a, b]\n: c\nkind: Pod\n', '!!binary zz: 1\nkind: Pod\n', '\u0000\n', 'a: |\n bad\n  indent\nkind: Pod\n',
    '__proto__: {polluted: yes}\nkind: Pod\n', 'constructor: {prototype: {polluted: yes}}\nmetadata: {name: Y_BAD}\n',
  ];
  for (const b of broken) {
    out.push(y(b));
    out.push(y(b, undefined, `${CM}/cm-put`, 'PUT'));
  }
  for (const b of broken.slice(0, 8)) out.push(y(b, undefined, NSS));
  // Alias bombs: go-yaml refuses "excessive aliasing" (400); the object is not a ConfigMap in any case.
  const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    laughs.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const bombs = [
    `${laughs.join('\n')}\nkind: Pod\n`,
    `${laughs.slice(0, 5).join('\n')}\n`,
    `x: &x y\nl: [${Array(5000).fill('*x').join(',')}]\nkind: Pod\n`,
    `a: &a {x: 1, y: 2}\nb: &b {${Array.from({ length: 50 }, (_, i) => `k${i}: *a`).join(', ')}}\nc: &c {${Array.from({ length: 50 }, (_, i) => `k${i}: *b`).join(', ')}}\nd: [${Array(50).fill('*c').join(',')}]\nkind: Pod\n`,
    `${Array.from({ length: 1000 }, (_, i) => `k${i}: &a${i} v${i}`).join('\n')}\nkind: Pod\n`,
    `${Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')} 1\n`,
  ];
  for (const b of bombs) {
    out.push({ cat: 'yaml-bomb', method: 'POST', path: CM, body: b, ct: YAML });
    out.push({ cat: 'yaml-bomb', method: 'PUT', path: `${CM}/cm-put`, body: b, ct: YAML });
  }
  return out;
}

function unicodeCases(): Case[] {
  return [
    { cat: 'unicode', method: 'POST', path: CM, body: J({ ...cm(''), metadata: { name: uniq(), labels: { a: 'ünï' } } }), expect: 422 },
    { cat: 'unicode', method: 'POST', path: CM, body: J({ ...cm(''), metadata: { name: uniq(), annotations: { 'ünï/key': 'v' } } }), expect: 422 },
    { cat: 'unicode', method: 'POST', path: CM, body: Buffer.concat([Buffer.from('{"metadata":{"name":"bad'), Buffer.from([0xff, 0xfe]), Buffer.from('"}}')]), expect: 422 },
    { cat: 'unicode', method: 'POST', path: CM, body: '{"metadata":{"name":"\\ud800"}}', expect: 422 },
    { cat: 'unicode', method: 'POST', path: CM, body: '{"metadata":{"name":"\\u0000"}}', expect: 422 },
    { cat: 'unicode', method: 'POST', path: CM, body: J({ ...cm('名前'), data: { 'ключ': 'значение 😀' } }), expect: 422 },
    { cat: 'unicode', method: 'POST', path: NSS, body: J(nsObj('naïve')), expect: 422 },
    { cat: 'unicode', method: 'POST', path: CM, ct: YAML, body: '\ufeffmetadata:\n  name: ÜBER\n', expect: [400, 422] },
    { cat: 'unicode', method: 'POST', path: CM, ct: 'application/json; charset=utf-16', body: Buffer.from(J(cm('BAD_U16')), 'utf16le'), expect: [400, 415, 422] },
    { cat: 'unicode', method: 'GET', path: `${CM}?labelSelector=${encodeURIComponent('ü=x')}`, expect: 400 },
    { cat: 'unicode', method: 'GET', path: `${CM}?fieldSelector=${encodeURIComponent('métadata.name=x')}`, expect: 400 },
  ];
}

function hugeNumbers(): Case[] {
  return [
    { cat: 'huge-number', method: 'POST', path: CM, body: `{"metadata":{"name":"${uniq('hn')}","generation":1e400}}`, expect: 400 },
    { cat: 'huge-number', method: 'POST', path: CM, body: `{"metadata":{"name":"${uniq('hn')}","generation":1.5}}`, expect: 400 },
    { cat: 'huge-number', method: 'DELETE', path: `${VICTIMS}/vcm-21`, body: '{"gracePeriodSeconds":99999999999999999999}', expect: 400 },
    { cat: 'huge-number', method: 'POST', path: CM, body: `{"metadata":{"name":"HN-BAD","generation":123456789012345678901234567890}}`, expect: [400, 422] },
    { cat: 'huge-number', method: 'POST', path: CM, body: `{"metadata":{"name":"${uniq('hn')}"},"data":{"a":1e400}}`, expect: 400 },
    { cat: 'huge-number', method: 'GET', path: `${CM}?limit=1e400`, expect: 400 },
  ];
}

function prototypePollution(): Case[] {
  const pp = (method: string, path: string, body: string, ct: string | undefined, expect: number | number[]): Case => ({ cat: 'prototype-pollution', method, path, body, ct, expect });
  const cm1 = `${CM}/cm-1`;
  return [
    pp('POST', CM, '{"__proto__":{"kind":"Pod"},"metadata":{"name":"PP-Upper"}}', undefined, 422),
    pp('POST', CM, `{"metadata":{"name":"${uniq('pp')}","__proto__":{"namespace":"${NS2}"}},"kind":"Secret"}`, undefined, 400),
    pp('POST', CM, '{"constructor":{"prototype":{"polluted":"yes"}},"metadata":{"name":"PP2!"}}', undefined, 422),
    pp('POST', `${CORE}/namespaces/${MISSING_NS}/configmaps`, `{"__proto__":{"polluted":"yes"},"metadata":{"name":"${uniq('pp')}"}}`, undefined, 404),
    pp('POST', PODS, `{"metadata":{"name":"${uniq('pp')}"},"spec":{"__proto__":{"containers":[{"name":"c","image":"i"}]}}}`, undefined, 422),
    pp('PATCH', cm1, '{"__proto__":{"polluted":"yes"},"metadata":{"resourceVersion":"1"}}', MERGE, 409),
    pp('PATCH', cm1, '{"constructor":{"prototype":{"polluted":"yes"}},"metadata":{"resourceVersion":"1"}}', MERGE, 409),
    pp('PATCH', cm1, '{"metadata":{"labels":{"__proto__":{"polluted":"yes"}},"resourceVersion":"1"}}', MERGE, 409),
    pp('PATCH', cm1, '{"__proto__":{"polluted":"yes"},"metadata":{"resourceVersion":"1"}}', SMP, 409),
    pp('PATCH', cm1, '{"metadata":{"__proto__":{"deletionTimestamp":"2020-01-01T00:00:00Z"},"resourceVersion":"1"}}', SMP, 409),
    pp('PATCH', cm1, '{"constructor":{"prototype":{"polluted":"yes"}},"metadata":{"resourceVersion":"1"}}', SMP, 409),
    pp('PATCH', cm1, J([{ op: 'add', path: '/__proto__/polluted', value: 'yes' }]), JSONPATCH, [400, 422]),
    pp('PATCH', cm1, J([{ op: 'add', path: '/constructor/prototype/polluted', value: 'yes' }]), JSONPATCH, [400, 422]),
    pp('PATCH', cm1, J([{ op: 'replace', path: '/metadata/__proto__', value: { polluted: 'yes' } }]), JSONPATCH, [400, 422]),
    pp('PUT', `${CM}/cm-put`, '{"metadata":{"name":"cm-put","resourceVersion":"1","__proto__":{"x":1}},"__proto__":{"data":{"a":"b"}}}', undefined, 409),
    pp('DELETE', `${VICTIMS}/vcm-1`, '{"__proto__":{"dryRun":["All"]},"preconditions":{"resourceVersion":"1"}}', undefined, 409),
    { cat: 'prototype-pollution', method: 'GET', path: `${CM}?__proto__[polluted]=yes&constructor[prototype][polluted]=yes&limit=abc`, expect: 400 },
  ];
}

function invalidPatches(): Case[] {
  type Exp = number | number[];
  // [body, upstream status(es), applies to namespaced objects only, applies to configmaps only]
  type Row = [string, Exp, ('namespaced' | 'configmap')?];
  const jp: Row[] = [
    ['{}', 400], ['"x"', 400], ['[1]', 400], ['[[1]]', 400], ['garbage', 400], ['', 400],
    // Decodable patches whose operations fail: upstream's jsonpatch Apply error is a 422.
    ['[null]', 422], [J([{ op: 'bogus', path: '/x' }]), 422], [J([{ op: 'add' }]), 422], [J([{ op: 'add', path: 'x', value: 1 }]), 422],
    [J([{ op: 'remove', path: '/nonexistent' }]), 422], [J([{ op: 'test', path: '/metadata/name', value: 'zzz' }]), 422],
    [J([{ op: 'move', from: '/metadata', path: '/metadata/x' }]), 422], [J([{ op: 'copy', from: '/nope', path: '/x' }]), 422], [J([{ op: 'replace', path: '', value: [] }]), 422],
    [J([{ op: 'test', path: '/metadata/uid', value: 'nope' }, { op: 'remove', path: '/metadata/labels' }]), 422],
    [J([{ op: 'replace', path: '/metadata/resourceVersion', value: '1' }]), 409], [J([{ op: 'remove', path: '/metadata' }]), 400],
    [J([{ op: 'replace', path: '/metadata/name', value: 'renamed' }]), 400], [J([{ op: 'add', path: '/metadata/namespace', value: NS2 }]), 400, 'namespaced'],
  ];
  const merge: Row[] = [
    ['[]', [400, 422]], ['"x"', [400, 422]], ['1', [400, 422]], ['{', 400], ['', 400], [J({ metadata: { resourceVersion: '1' }, data: { x: 'y' } }), 409],
    [J({ metadata: { name: 'renamed' } }), 400], [J({ metadata: { namespace: NS2 } }), 400, 'namespaced'], [J({ metadata: { uid: '00000000-0000-0000-0000-000000000000' } }), [400, 422]],
    [J({ metadata: 'x' }), [400, 422]], [J({ metadata: null }), [400, 422]], [J({ metadata: { labels: { a: 5 } } }), [400, 422]],
    [J({ metadata: { finalizers: 'x' } }), [400, 422]], [J({ metadata: { labels: { 'bad key!': 'v' } } }), 422], [J({ data: { a: 1 } }), [400, 422], 'configmap'],
    [J({ metadata: { creationTimestamp: 'garbage' } }), [400, 422]], [J({ kind: 7 }), [400, 422]], [J({ apiVersion: ['v1'] }), [400, 422]],
  ];
  const smp: Row[] = [
    ['[]', 400], ['"x"', 400], ['{', 400], ['', 400], [J({ $patch: 'replace' }), [400, 422]], [J({ $patch: 'delete' }), [400, 422]],
    [J({ metadata: { resourceVersion: '1' } }), 409], [J({ metadata: { name: 'renamed' } }), 400], [J({ metadata: { namespace: NS2 } }), 400, 'namespaced'],
    [J({ metadata: { $deleteFromPrimitiveList: ['a'] } }), 400], [J({ metadata: { '$setElementOrder/finalizers': 'x' } }), 400],
    [J({ $retainKeys: 'x' }), 400], [J({ metadata: { labels: { a: 5 } } }), [400, 422]], [J({ metadata: { finalizers: 'x' } }), [400, 422]],
    [J({ data: { a: 1 } }), [400, 422], 'configmap'],
  ];
  const out: Case[] = [];
  const targets: Array<[string, boolean, boolean]> = [
    [`${CM}/cm-1`, true, true], [`${PODS}/pod-1`, true, false], [`${DS}/ds-1`, true, false], [`${NSS}/${NS2}`, false, false], [`${NODES}/rb-node-1`, false, false],
  ];
  for (const [target, namespaced, configmap] of targets) {
    for (const [rows, ct, cat] of [[jp, JSONPATCH, 'patch-json'], [merge, MERGE, 'patch-merge'], [smp, SMP, 'patch-smp']] as const) {
      for (const [body, expect, only] of rows) {
        if ((only === 'namespaced' && !namespaced) || (only === 'configmap' && !configmap)) continue;
        out.push({ cat, method: 'PATCH', path: target, ct, body, expect });
      }
    }
  }
  out.push(
    { cat: 'patch-smp', method: 'PATCH', path: `${PODS}/pod-1`, ct: SMP, body: J({ spec: { $retainKeys: 'x' } }), expect: 400 },
    { cat: 'patch-status', method: 'PATCH', path: `${PODS}/pod-1/status`, ct: MERGE, body: 'garbage', expect: 400 },
    { cat: 'patch-status', method: 'PATCH', path: `${PODS}/pod-1/status`, ct: MERGE, body: J({ metadata: { resourceVersion: '1' } }), expect: 409 },
    { cat: 'patch-status', method: 'PUT', path: `${PODS}/pod-1/status`, body: 'garbage', expect: 400 },
  );
  return out;
}

function deepJson(): Case[] {
  const out: Case[] = [];
  for (const n of [10_001, 100_000]) {
    out.push({ cat: 'deep-json', method: 'POST', path: CM, body: `{"metadata":{"name":"${uniq('deep')}"},"x":${deepArray(n)}}`, expect: 400 });
    out.push({ cat: 'deep-json', method: 'POST', path: CM, body: deepObject(n), expect: [400, 422] });
    out.push({ cat: 'deep-json', method: 'POST', path: CM, body: `{"metadata":{"name":"${uniq('deep')}","labels":${deepObject(n)}}}`, expect: 400 });
  }
  out.push(
    { cat: 'deep-json', method: 'POST', path: CM, body: `{"metadata":{"name":"${uniq('deep')}"},"data":${deepObject(20_000)}}`, expect: 400 },
    { cat: 'deep-json', method: 'PUT', path: `${CM}/cm-put`, body: async () => `{"metadata":{"name":"cm-put","resourceVersion":"${await liveRv(`${CM}/cm-put`)}"},"x":${deepArray(20_000)}}`, expect: 400 },
    { cat: 'deep-json', method: 'PATCH', path: `${CM}/cm-1`, ct: MERGE, body: `{"x":${deepArray(20_000)}}`, expect: 400 },
    { cat: 'deep-json', method: 'PATCH', path: `${CM}/cm-1`, ct: SMP, body: `{"x":${deepArray(20_000)}}`, expect: 400 },
    { cat: 'deep-json', method: 'PATCH', path: `${CM}/cm-1`, ct: JSONPATCH, body: `[{"op":"add","path":"/x","value":${deepArray(20_000)}}]`, expect: 400 },
    { cat: 'deep-json', method: 'DELETE', path: `${VICTIMS}/vcm-2`, body: `{"preconditions":${deepObject(20_000)}}`, expect: 400 },
  );
  return out;
}

function rawHttp(): Case[] {
  const r = (raw: string, note: string): Case => ({ cat: `raw-http/${note}`, method: 'RAW', path: '', raw, bare: true, expect: 400 });
  return [
    r('GARBAGE\r\n\r\n', 'request-line'),
    r('GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\nConnection: close\r\n\r\n', 'content-length'),
    r(`POST ${CM} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZZ\r\n{}\r\n0\r\n\r\n`, 'chunk-size'),
    r('GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\nBad Header: y\r\nConnection: close\r\n\r\n', 'header-name'),
    r('GET /api/v1/na\u0000mespaces HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'nul-in-path'),
    r(`GET ${CM}/%ZZ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 'bad-escape'),
    r(`POST ${CM} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 6\r\nConnection: close\r\n\r\n{}{}{}`, 'double-content-length'),
    r('GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\nX: a\rb\r\nConnection: close\r\n\r\n', 'bare-cr'),
  ];
}

/** Garbage DeleteOptions: upstream never deletes (1.35+ answers 400; 1.32 answered 500, still deleting nothing). */
function deleteGarbage(): Case[] {
  const bodies: Array<[string | Buffer, number | number[], string?]> = [
    ['{{{garbage', 400], ['[1,2]', 400], ['"str"', 400], ['42', 400], [J({ gracePeriodSeconds: 'abc' }), 400], [J({ propagationPolicy: 5 }), [400, 422]],
    [J({ preconditions: 'x' }), 400], [J({ kind: 'fixed' }), 400], [J({ dryRun: 'All' }), 400], [J({ orphanDependents: 'yes' }), 400],
    [J({ apiVersion: 'v2', kind: 'DeleteOptions' }), 400], ['{"gracePeriodSeconds":1e400}', 400], [Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff]), 400],
    [J({ preconditions: { resourceVersion: '1' } }), 409], [J({ preconditions: { uid: 'nope' } }), 409], [J({ propagationPolicy: 'Bogus' }), 422],
    ['{}', 415, 'text/plain'], [J({ gracePeriodSeconds: 0 }), 415, 'application/xml'],
  ];
  const out: Case[] = bodies.map(([body, expect, ct], i) => ({ cat: 'delete-garbage', method: 'DELETE', path: `${VICTIMS}/vcm-${i + 3}`, body, ct, expect }));
  out.push(
    { cat: 'delete-garbage', method: 'DELETE', path: `${CORE}/namespaces/${VICTIM_NS}/pods/vpod-0`, body: J({ gracePeriodSeconds: 'now' }), expect: 400 },
    { cat: 'delete-garbage', method: 'DELETE', path: `${NSS}/${VICTIM_NS}`, body: '{{{garbage', expect: 400 },
  );
  return out;
}

/** Deeply nested YAML: last, because it can take the process down. */
function deepYaml(): Case[] {
  const c = (body: string): Case => ({ cat: 'deep-yaml', method: 'POST', path: CM, body, ct: YAML, expect: 400 });
  return [c(deepArray(1000)), c(deepArray(1000)), c(`${'{a: '.repeat(1000)}1${'}'.repeat(1000)}`), c(deepArray(100_000))];
}

// ---------------------------------------------------------------------------------------------------------------
// Random families

const COLLECTIONS = [CM, PODS, NSS, DS, STS, SECRETS, SAS, LEASES, `${CORE}/namespaces/${NS2}/configmaps`];
const OBJECTS = [`${CM}/cm-2`, `${CM}/cm-3`, `${PODS}/pod-2`, `${DS}/ds-1`, `${STS}/web`, `${SECRETS}/s-1`, `${SAS}/sa-1`, `${NSS}/${NS2}`, `${NODES}/rb-node-1`, `${LEASES}/lease-1`];

interface Template {
  path: string;
  make: (name: string) => Obj;
  namespaced: boolean;
  /** A workload whose pod template the API server validates (pods, DaemonSets; not StatefulSets, kubernetes#137728). */
  workload: boolean;
  nsPath: (ns: string) => string;
}
const TEMPLATES: Template[] = [
  { path: CM, make: (n) => cm(n), namespaced: true, workload: false, nsPath: (ns) => `${CORE}/namespaces/${ns}/configmaps` },
  { path: PODS, make: (n) => pod(n), namespaced: true, workload: true, nsPath: (ns) => `${CORE}/namespaces/${ns}/pods` },
  { path: DS, make: (n) => ds(n), namespaced: true, workload: true, nsPath: (ns) => `${APPS}/namespaces/${ns}/daemonsets` },
  { path: STS, make: (n) => sts(n), namespaced: true, workload: false, nsPath: (ns) => `${APPS}/namespaces/${ns}/statefulsets` },
  { path: SECRETS, make: (n) => secret(n), namespaced: true, workload: false, nsPath: (ns) => `${CORE}/namespaces/${ns}/secrets` },
  { path: SAS, make: (n) => sa(n), namespaced: true, workload: false, nsPath: (ns) => `${CORE}/namespaces/${ns}/serviceaccounts` },
  { path: LEASES, make: (n) => lease(n), namespaced: true, workload: false, nsPath: (ns) => `${COORD}/namespaces/${ns}/leases` },
  { path: NSS, make: (n) => nsObj(n), namespaced: false, workload: false, nsPath: () => NSS },
];
const INVALID_NAME_POOL = ['UPPER', 'a_b', '-x', 'x-', 'a..b', ' ', '', 'x'.repeat(254), 'a/b', 'a%b', 'a b', '.', '..', 'é'];

function randomCases(rng: Rng, count: number): Case[] {
  const out: Case[] = [];
  const families: Array<[string, number, () => Case]> = [
    ['bytes', 14, () => {
      const method = pick(rng, ['POST', 'PUT', 'PATCH']);
      const path = method === 'POST' ? pick(rng, COLLECTIONS) : pick(rng, OBJECTS);
      const ct = method === 'PATCH' ? pick(rng, PATCH_TYPES) : pick(rng, ['application/json', YAML]);
      let body = randomBytes(rng, randInt(rng, 1, 1024));
      while (isJson(body)) body = randomBytes(rng, randInt(rng, 1, 1024));
      return { cat: 'random/bytes', method, path, ct, body };
    }],
    ['non-object-json', 10, () => {
      const method = pick(rng, ['POST', 'PUT', 'PATCH']);
      if (method === 'PATCH') {
        // Upstream's DecodePatch accepts an array of objects and nulls (those then fail to apply: 422); else 400.
        const v = randomNonObjectJson(rng, false);
        const decodes = Array.isArray(v) && v.every((e) => e === null || (typeof e === 'object' && !Array.isArray(e)));
        return { cat: 'random/non-object-json', method, path: pick(rng, OBJECTS), ct: JSONPATCH, body: J(v), expect: decodes ? 422 : 400 };
      }
      return { cat: 'random/non-object-json', method, path: method === 'POST' ? pick(rng, COLLECTIONS) : pick(rng, OBJECTS), body: J(randomNonObjectJson(rng, true)) };
    }],
    ['mutated-object', 22, () => {
      const t = pick(rng, TEMPLATES);
      const name = uniq('rnd');
      const o = t.make(name);
      for (let i = randInt(rng, 0, 4); i > 0; i--) {
        const where = pick(rng, ['top', 'data', 'labels', 'annotations', 'spec']);
        const key = `x${randomString(rng, LOWER, 1, 6)}`;
        if (where === 'top') o[key] = randomJson(rng, 3);
        else if (where === 'spec' && typeof o.spec === 'object' && o.spec) (o.spec as Obj)[key] = randomJson(rng, 3);
        else if (where === 'labels' || where === 'annotations') {
          const m = o.metadata as Obj;
          const bag = (m[where] as Obj | undefined) ?? {};
          bag[key] = randomJson(rng, 1);
          m[where] = bag;
        } else if (where === 'data') o.data = { ...((o.data as Obj | undefined) ?? {}), [key]: randomJson(rng, 1) };
      }
      const traits = ['invalid-name', 'wrong-kind', 'wrong-apiversion', ...(t.namespaced ? ['ns-mismatch', 'missing-ns'] : []), ...(t.workload ? ['no-containers'] : [])];
      const trait = pick(rng, traits);
      let path = t.path;
      const meta = o.metadata as Obj;
      switch (trait) {
        case 'invalid-name': meta.name = pick(rng, INVALID_NAME_POOL) + (rng() < 0.5 ? '' : randomUnicodeName(rng)); break;
        case 'wrong-kind': {
          const own = o.kind;
          o.kind = pick(rng, ['Pod', 'ConfigMap', 'Node', 'Nope', 'pod'].filter((k) => k !== own));
          break;
        }
        case 'wrong-apiversion': o.apiVersion = pick(rng, ['v2', 'apps/v2', 'nope/v1', 'v1beta1']); break;
        case 'ns-mismatch': meta.namespace = pick(rng, [NS2, 'default', 'kube-system']); break;
        case 'missing-ns': path = t.nsPath(`${MISSING_NS}-${randomString(rng, LOWER, 1, 4)}`); break;
        case 'no-containers': {
          const spec = (t.path === PODS ? o.spec : ((o.spec as Obj).template as Obj).spec) as Obj;
          spec.containers = pick(rng, [[], [{}], [{ name: 'c' }], [{ image: 'i' }]]);
          break;
        }
      }
      return { cat: `random/mutated-object/${trait}`, method: 'POST', path, body: J(o) };
    }],
    ['random-path', 10, () => {
      const method = pick(rng, ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
      const seg = (): string => randomString(rng, `${LOWER}0123456789-_~`, 1, 10);
      const body = method === 'GET' || method === 'DELETE' ? undefined : J(randomJson(rng, 2));
      if (rng() < 0.4) return { cat: 'random/path-outside-api', method, path: `/x-${seg()}${rng() < 0.5 ? `/${seg()}` : ''}`, body, plain404: true };
      const gv = pick(rng, [CORE, APPS, COORD]);
      const res = `zz${randomString(rng, LOWER, 1, 8)}`;
      const path = rng() < 0.5 ? `${gv}/${res}${rng() < 0.5 ? `/${seg()}` : ''}` : `${gv}/namespaces/${NS}/${res}${rng() < 0.5 ? `/${seg()}` : ''}`;
      return { cat: 'random/path-unknown-resource', method, path, body, expect: 404 };
    }],
    ['random-query', 10, () => {
      const path = pick(rng, [CM, PODS, NSS, DS, `${CORE}/pods`, `${CORE}/configmaps`, `${APPS}/statefulsets`, NODES]);
      const kind = pick(rng, ['limit', 'labelSelector', 'fieldSelector', 'continue', 'watch']);
      const params: string[] = [];
      switch (kind) {
        case 'limit': params.push(`limit=${encodeURIComponent(`${randomString(rng, '0123456789', 0, 3)}${randomString(rng, `${LOWER}.-+ eE`, 1, 4)}`)}`); break;
        case 'labelSelector': params.push(`labelSelector=${encodeURIComponent(pick(rng, INVALID_LABEL_SELECTORS))}`); break;
        case 'fieldSelector': params.push(`fieldSelector=${encodeURIComponent(`bogus${randomString(rng, LOWER, 1, 5)}.${randomString(rng, LOWER, 1, 5)}=x`)}`); break;
        case 'continue': params.push(`continue=${randomBytes(rng, randInt(rng, 1, 48)).toString('base64url')}`); break;
        case 'watch': params.push(`watch=${randomString(rng, 'ghijkmnopqrsuvwxyz', 2, 6)}`, 'timeoutSeconds=1'); break;
      }
      for (let i = randInt(rng, 0, 3); i > 0; i--) {
        const name = pick(rng, ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', `x${randomString(rng, LOWER, 1, 5)}`]);
        params.push(`${name}=${encodeURIComponent(randomString(rng, `${LOWER}=()!,é`, 0, 8))}`);
      }
      for (let i = params.length - 1; i > 0; i--) {
        const j = randInt(rng, 0, i);
        [params[i], params[j]] = [params[j]!, params[i]!];
      }
      return { cat: `random/query/${kind}`, method: 'GET', path: `${path}?${params.join('&')}`, expect: kind === 'watch' || kind === 'continue' ? undefined : 400 };
    }],
    ['unicode-name', 7, () => {
      const t = pick(rng, TEMPLATES);
      return { cat: 'random/unicode-name', method: 'POST', path: t.path, body: J(t.make(randomUnicodeName(rng))), expect: 422 };
    }],
    ['invalid-patch', 12, () => {
      const path = pick(rng, OBJECTS);
      const ct = pick(rng, PATCH_TYPES);
      if (ct === JSONPATCH) {
        const ops: unknown[] = Array.from({ length: randInt(rng, 0, 3) }, () => ({ op: pick(rng, ['add', 'replace', 'remove']), path: `/x${randomString(rng, LOWER, 1, 5)}`, value: randomJson(rng, 2) }));
        const first = pick(rng, [
          { op: 'test', path: '/metadata/uid', value: randomString(rng, LOWER, 1, 10) },
          { op: `x${randomString(rng, LOWER, 2, 7)}`, path: '/metadata/labels' },
          { op: 'replace', path: '/metadata/resourceVersion', value: '1' },
        ]);
        return { cat: 'random/invalid-patch/json', method: 'PATCH', path, ct, body: J([first, ...ops]) };
      }
      const body: Obj = {};
      for (let i = randInt(rng, 0, 4); i > 0; i--) body[`x${randomString(rng, LOWER, 1, 6)}`] = randomJson(rng, 3);
      body.metadata = { resourceVersion: '1', ...(rng() < 0.5 ? { labels: { [`k${randomString(rng, LOWER, 1, 4)}`]: randomString(rng, LOWER, 1, 6) } } : {}) };
      return { cat: `random/invalid-patch/${ct === MERGE ? 'merge' : 'smp'}`, method: 'PATCH', path, ct, body: J(body), expect: [400, 409, 422] };
    }],
    ['bad-method', 5, () => {
      const [method, path] = pick(rng, [
        ['POST', pick(rng, OBJECTS)], ['PUT', pick(rng, COLLECTIONS)], ['PATCH', pick(rng, COLLECTIONS)], ['DELETE', NSS],
        ['POST', `${CORE}/configmaps`], ['PUT', `${CORE}/pods`], ['POST', pick(rng, [CORE, APPS, '/apis/apps'])],
      ] as const);
      const body = rng() < 0.5 ? J(randomJson(rng, 2)) : randomBytes(rng, randInt(rng, 1, 64));
      return { cat: 'random/bad-method', method, path, body, ct: pick(rng, ['application/json', MERGE, YAML]), expect: 405 };
    }],
  ];
  const total = families.reduce((s, [, w]) => s + w, 0);
  for (let i = 0; i < count; i++) {
    let r = rng() * total;
    for (const [, w, gen] of families) {
      r -= w;
      if (r <= 0) {
        out.push(gen());
        break;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The tests

function report(violations: Violation[], total: number): string {
  const byCat = new Map<string, number>();
  for (const v of violations) byCat.set(v.c.cat, (byCat.get(v.c.cat) ?? 0) + 1);
  const lines = [
    `${violations.length} of ${total} requests misbehaved (ROBUSTNESS_SEED=${SEED} replays this run)`,
    `by category: ${[...byCat.entries()].map(([k, n]) => `${k}=${n}`).join(', ')}`,
  ];
  for (const v of violations.slice(0, 400)) {
    const c = v.c;
    const req = c.raw !== undefined ? `RAW ${preview(c.raw, 90)}` : `${c.method} ${c.path.length > 140 ? `${c.path.slice(0, 140)}…` : c.path}${c.ct ? ` [${c.ct}]` : ''} ${preview(c.body, 90)}`;
    const got = v.res.error ? v.res.error : `${v.res.status} ${preview(v.res.text, 110)}`;
    lines.push(`#${v.index} [${c.cat}] ${req} -> ${got} !! ${v.problems.join('; ')}`);
  }
  if (violations.length > 400) lines.push(`… and ${violations.length - 400} more`);
  return lines.join('\n');
}

describe('apiserver robustness under malformed and random requests', () => {
  let before: Snapshot;
  let beforeRv = '';
  let sent = 0;

  it('seeds objects and snapshots every list', async () => {
    await seed();
    before = await snapshot();
    beforeRv = listRv(before.get(NSS)!);
    expect(before.size).toBeGreaterThan(20);
    expect(JSON.parse(before.get(CM)!).items.length).toBe(4);
  });

  it(`answers ≥1,000 malformed and random requests with 4xx Status errors (seed ${SEED})`, async () => {
    const cases: Case[] = [
      ...malformedJson(), ...truncatedJson(), ...nonObjectJson(), ...wrongKindOrVersion(), ...typeConfusion(), ...namespaceMismatch(),
      ...missingNamespace(), ...invalidNames(), ...missingRequired(), ...putMismatch(), ...contentTypes(), ...badQuery(), ...unknownPaths(),
      ...wrongMethods(), ...tooLarge(), ...yamlCases(), ...unicodeCases(), ...hugeNumbers(), ...prototypePollution(), ...invalidPatches(),
      ...randomCases(mulberry32(SEED), RANDOM_COUNT), ...deepJson(), ...rawHttp(), ...deleteGarbage(), ...deepYaml(),
    ];
    expect(cases.length).toBeGreaterThanOrEqual(1000);
    const violations: Violation[] = [];
    for (const [index, c] of cases.entries()) {
      const res = await execute(c);
      sent += 1;
      const problems = checkResponse(c, res);
      if (problems.length) violations.push({ index, c, res, problems });
      if (res.error) {
        const state = await stateAfterError(server, base);
        if (state !== 'alive') {
          const how = state === 'dead' ? `died (exit ${server.proc.exitCode ?? server.proc.signalCode})` : 'hung (no /readyz answer for 15 s)';
          violations.push({ index, c, res, problems: [`the apiserver process ${how}; ${cases.length - index - 1} requests not sent; log: ${fatalLog(server)}`] });
          break;
        }
      }
    }
    expect(violations.length, report(violations, sent)).toBe(0);
  }, 55_000);

  it('is still the same apiserver process, and ready', async () => {
    const alive = running();
    const pid = server.proc.pid;
    let ready = '';
    if (alive) ready = (await send(agent, base, { method: 'GET', path: '/readyz', timeoutMs: 3_000 })).text;
    await ensureRunning(); // the checks below still need a server (restarted on the same data when it crashed)
    expect({ alive, pid, ready }).toEqual({ alive: true, pid: originalPid, ready: 'ok' });
  });

  it('left the stored data byte-for-byte unchanged, and the list resourceVersion did not move', async () => {
    await ensureRunning();
    const after = await snapshot();
    const diff = diffSnapshots(before, after);
    const afterRv = listRv(after.get(NSS)!);
    const note = restartedAfterCrash ? ' (checked on a restart over the same data dir: the original process crashed)' : '';
    const shown = diff.slice(0, 60).map((d) => (d.length > 1500 ? `${d.slice(0, 1500)}…` : d));
    expect(diff, `stored data changed during the barrage${note} (${diff.length} lists differ):\n${shown.join('\n')}`).toEqual([]);
    expect(afterRv, `the list resourceVersion moved from ${beforeRv} to ${afterRv}${note}`).toBe(beforeRv);
  });

  it('still serves a normal create and get, and nothing leaked into new objects', async () => {
    await ensureRunning();
    const created = await call('POST', CM, cm('after-barrage', { data: { ok: 'yes' } }));
    expect(created.status, created.text).toBe(201);
    const got = await call('GET', `${CM}/after-barrage`);
    expect(got.status, got.text).toBe(200);
    expect(got.json).toEqual(created.json);
    const obj = got.json as { metadata: Obj; data: Obj };
    expect(Object.keys(obj).sort()).toEqual(['apiVersion', 'data', 'kind', 'metadata']);
    expect(Object.keys(obj.metadata).sort()).toEqual(['creationTimestamp', 'name', 'namespace', 'resourceVersion', 'uid']);
    expect(obj.data).toEqual({ ok: 'yes' });
    expect(got.text).not.toContain('polluted');
    const ns = await call('POST', NSS, nsObj('rb-after'));
    expect(ns.status, ns.text).toBe(201);
    const inNs = await call('POST', `${NSS}/rb-after/configmaps`, cm('x'));
    expect(inNs.status, inNs.text).toBe(201);
    await waitFor(async () => (await call('GET', '/readyz')).text === 'ok', 5_000, 'readyz');
  });

  it('honours DeleteOptions sent in the body (dryRun deletes nothing, a stale precondition is a 409)', async () => {
    await ensureRunning();
    for (const n of ['delete-dry', 'delete-pre']) expect((await call('POST', CM, cm(n))).status).toBe(201);
    const rv = (await getJson(`${CM}/delete-dry`)).metadata as { resourceVersion: string };
    const dry = await call('DELETE', `${CM}/delete-dry`, { apiVersion: 'v1', kind: 'DeleteOptions', dryRun: ['All'] });
    expect(dry.status, dry.text).toBe(200);
    const still = await call('GET', `${CM}/delete-dry`);
    expect(still.status, `DELETE with body {"dryRun":["All"]} (what client-go sends for kubectl delete --dry-run=server) really deleted the object: ${still.text}`).toBe(200);
    expect((still.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion).toBe(rv.resourceVersion);
    const stale = await call('DELETE', `${CM}/delete-pre`, { preconditions: { resourceVersion: '1' } });
    expect(stale.status, stale.text).toBe(409);
    expect((await call('GET', `${CM}/delete-pre`)).status).toBe(200);
  });
});

describe('deeply nested YAML against a fresh apiserver process', () => {
  let fresh: Started | undefined;
  let freshBase = '';
  let freshCleanup: () => Promise<void> = async () => {};

  beforeAll(async () => {
    const t = await tempDir('kubeling-robust-yaml-');
    freshCleanup = t.cleanup;
    fresh = await startCli(['apiserver', '--port', '0', '--data-dir', join(t.dir, 'data'), '--storage', 'level'], /"ready":true/);
    freshBase = (JSON.parse(fresh.line) as { url: string }).url;
  });

  afterAll(async () => {
    await stopHard(fresh);
    await freshCleanup();
  });

  // A few KiB of nesting: go-yaml (limit 10,000 levels) decodes these and the object is not a ConfigMap (400/422).
  it('answers every deeply nested YAML body with a 4xx and stays up', async () => {
    const bodies = [deepArray(1000), deepArray(1000), `${'{a: '.repeat(1000)}1${'}'.repeat(1000)}`, deepArray(3000)];
    const problems: string[] = [];
    for (const [i, body] of bodies.entries()) {
      const c: Case = { cat: 'deep-yaml/fresh', method: 'POST', path: CM.replace(NS, 'default'), body, ct: YAML, expect: [400, 422] };
      const res = await send(agent, freshBase, { method: 'POST', path: c.path, headers: { 'content-type': YAML }, body, timeoutMs: 10_000 });
      const p = checkResponse(c, res);
      if (p.length) problems.push(`body #${i} (${body.length} bytes of nested YAML): ${p.join('; ')}`);
      if (res.error) {
        const state = await stateAfterError(fresh!, freshBase);
        if (state !== 'alive') {
          problems.push(`after body #${i} the apiserver process ${state === 'dead' ? `died (exit ${fresh!.proc.exitCode ?? fresh!.proc.signalCode})` : 'hung'}: ${fatalLog(fresh!)}`);
          break;
        }
      }
    }
    const alive = fresh!.proc.exitCode === null && fresh!.proc.signalCode === null;
    expect({ problems, alive }).toEqual({ problems: [], alive: true });
    expect((await send(agent, freshBase, { method: 'GET', path: '/readyz', timeoutMs: 3_000 })).text).toBe('ok');
  });
});
