// Optimistic concurrency under load: a real apiserver (LevelDB, fsync on) and 64 clients on keep-alive connections
// racing on the same object. Exactly one conditional write wins per round, every loser gets upstream's 409, the
// stored object is the winner's and the resourceVersion advanced by exactly one; unconditional writes all land.

import { join } from 'node:path';
import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, tempDir, type Started } from './support/cluster.js';
import { keepAliveAgent, send, statusShapeProblems, stopHard, type RawResponse } from './support/http.js';

const CLIENTS = 64;
const ROUNDS = 3;
const NS = 'cc';
const CM = `/api/v1/namespaces/${NS}/configmaps`;

let server: Started;
let base = '';
let agent: Agent;
let cleanup: () => Promise<void> = async () => {};

type Obj = { metadata: { name: string; resourceVersion: string; uid?: string }; data?: Record<string, string> };

async function call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<RawResponse> {
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': contentType };
  return send(agent, base, { method, path, headers, body: body === undefined ? undefined : JSON.stringify(body), timeoutMs: 20_000 });
}

async function get(path: string): Promise<Obj> {
  const r = await call('GET', path);
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.error ?? r.text}`);
  return r.json as Obj;
}

/** The store's current revision, as a list reports it. */
async function globalRv(): Promise<number> {
  const r = await call('GET', '/api/v1/namespaces');
  return Number((r.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
}

const conflictMessage = (name: string): string =>
  `Operation cannot be fulfilled on configmaps "${name}": the object has been modified; please apply your changes to the latest version and try again`;

/** Checks a loser's answer: 409 with the exact Status upstream sends for `reason`. */
function loserProblems(res: RawResponse, reason: 'Conflict' | 'AlreadyExists', name: string): string[] {
  if (res.error) return [`no answer: ${res.error}`];
  if (res.status !== 409) return [`status ${res.status}: ${res.text.slice(0, 200)}`];
  const problems = statusShapeProblems(409, res.json);
  const s = res.json as { reason?: string; message?: string; details?: { name?: string; kind?: string } };
  if (s.reason !== reason) problems.push(`reason ${s.reason}, want ${reason}`);
  const want = reason === 'Conflict' ? conflictMessage(name) : `configmaps "${name}" already exists`;
  if (s.message !== want) problems.push(`message ${JSON.stringify(s.message)}, want ${JSON.stringify(want)}`);
  if (s.details?.name !== name || s.details.kind !== 'configmaps') problems.push(`details ${JSON.stringify(s.details)}`);
  return problems;
}

/** Splits racing answers into the winners (status `ok`) and a summary of anything that is not a proper loser. */
function judge(results: RawResponse[], ok: number, reason: 'Conflict' | 'AlreadyExists', name: string): { winners: number[]; bad: string[] } {
  const winners: number[] = [];
  const bad: string[] = [];
  results.forEach((r, i) => {
    if (r.status === ok) winners.push(i);
    else {
      const p = loserProblems(r, reason, name);
      if (p.length) bad.push(`client ${i}: ${p.join('; ')}`);
    }
  });
  return { winners, bad };
}

beforeAll(async () => {
  const t = await tempDir('kubeling-concurrency-');
  cleanup = t.cleanup;
  // fsync stays on (the default): every acknowledged write is durable, group commit batches the racers.
  server = await startCli(['apiserver', '--port', '0', '--data-dir', join(t.dir, 'data'), '--storage', 'level'], /"ready":true/);
  base = (JSON.parse(server.line) as { url: string }).url;
  agent = keepAliveAgent(CLIENTS);
  const ns = await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  expect(ns.status, ns.text).toBe(201);
});

afterAll(async () => {
  await agent?.destroy();
  await stopHard(server);
  await cleanup();
});

/** Fails a test at once when an earlier one left the server hung, instead of waiting out 64 timeouts again. */
async function assertResponsive(): Promise<void> {
  const r = await send(agent, base, { method: 'GET', path: '/readyz', timeoutMs: 3_000 });
  if (r.status !== 200) throw new Error(`the apiserver does not answer /readyz (${r.error ?? r.status}): hung or dead after an earlier test`);
}

describe('optimistic concurrency with 64 concurrent keep-alive clients', () => {
  it('PUTs carrying the same resourceVersion: exactly one wins, the others get 409 Conflict', async () => {
    await assertResponsive();
    const name = 'race-put';
    expect((await call('POST', CM, { metadata: { name }, data: { writer: 'seed' } })).status).toBe(201);
    for (let round = 0; round < ROUNDS; round++) {
      const current = await get(`${CM}/${name}`);
      const before = await globalRv();
      const results = await Promise.all(
        Array.from({ length: CLIENTS }, (_, i) =>
          call('PUT', `${CM}/${name}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, resourceVersion: current.metadata.resourceVersion }, data: { writer: `put-${round}-${i}` } }),
        ),
      );
      const { winners, bad } = judge(results, 200, 'Conflict', name);
      expect(bad, `round ${round}: losers answered wrongly:\n${bad.join('\n')}`).toEqual([]);
      expect(winners.length, `round ${round}: ${winners.length} PUTs won`).toBe(1);
      const w = winners[0]!;
      const won = results[w]!.json as Obj;
      const stored = await get(`${CM}/${name}`);
      expect(stored.data).toEqual({ writer: `put-${round}-${w}` });
      expect(stored.metadata.resourceVersion).toBe(won.metadata.resourceVersion);
      expect(stored.metadata.uid).toBe(current.metadata.uid);
      expect(Number(stored.metadata.resourceVersion)).toBe(before + 1);
      expect(await globalRv()).toBe(before + 1);
    }
  });

  it('creates of the same name: exactly one 201, the others 409 AlreadyExists', async () => {
    await assertResponsive();
    for (let round = 0; round < ROUNDS; round++) {
      const name = `race-create-${round}`;
      const before = await globalRv();
      const results = await Promise.all(
        Array.from({ length: CLIENTS }, (_, i) => call('POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { writer: `create-${round}-${i}` } })),
      );
      const { winners, bad } = judge(results, 201, 'AlreadyExists', name);
      expect(bad, `round ${round}: losers answered wrongly:\n${bad.join('\n')}`).toEqual([]);
      expect(winners.length, `round ${round}: ${winners.length} creates won`).toBe(1);
      const w = winners[0]!;
      const stored = await get(`${CM}/${name}`);
      expect(stored.data).toEqual({ writer: `create-${round}-${w}` });
      expect(stored.metadata.uid).toBe((results[w]!.json as Obj).metadata.uid);
      expect(Number(stored.metadata.resourceVersion)).toBe(before + 1);
      expect(await globalRv()).toBe(before + 1);
    }
  });

  it('merge PATCHes with a metadata.resourceVersion precondition: exactly one wins, the others get 409 Conflict', async () => {
    await assertResponsive();
    const name = 'race-patch';
    expect((await call('POST', CM, { metadata: { name }, data: { writer: 'seed' } })).status).toBe(201);
    for (let round = 0; round < ROUNDS; round++) {
      const current = await get(`${CM}/${name}`);
      const before = await globalRv();
      const results = await Promise.all(
        Array.from({ length: CLIENTS }, (_, i) =>
          call('PATCH', `${CM}/${name}`, { metadata: { resourceVersion: current.metadata.resourceVersion }, data: { writer: `patch-${round}-${i}` } }, 'application/merge-patch+json'),
        ),
      );
      const { winners, bad } = judge(results, 200, 'Conflict', name);
      expect(bad, `round ${round}: losers answered wrongly:\n${bad.join('\n')}`).toEqual([]);
      expect(winners.length, `round ${round}: ${winners.length} PATCHes won`).toBe(1);
      const w = winners[0]!;
      const stored = await get(`${CM}/${name}`);
      expect(stored.data).toEqual({ writer: `patch-${round}-${w}` });
      expect(stored.metadata.resourceVersion).toBe((results[w]!.json as Obj).metadata.resourceVersion);
      expect(Number(stored.metadata.resourceVersion)).toBe(before + 1);
      expect(await globalRv()).toBe(before + 1);
    }
  });

  it('unconditional PUTs (no resourceVersion) all succeed, with distinct, consecutive resourceVersions', async () => {
    await assertResponsive();
    const name = 'race-free';
    expect((await call('POST', CM, { metadata: { name }, data: { writer: 'seed' } })).status).toBe(201);
    for (let round = 0; round < ROUNDS; round++) {
      const before = await globalRv();
      const results = await Promise.all(
        Array.from({ length: CLIENTS }, (_, i) => call('PUT', `${CM}/${name}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { writer: `free-${round}-${i}` } })),
      );
      const bad = results.flatMap((r, i) => (r.status === 200 ? [] : [`client ${i}: ${r.status} ${r.error ?? r.text.slice(0, 200)}`]));
      expect(bad, `round ${round}: unconditional PUTs failed:\n${bad.join('\n')}`).toEqual([]);
      const rvs = results.map((r) => Number((r.json as Obj).metadata.resourceVersion));
      expect(new Set(rvs).size, `round ${round}: resourceVersions ${rvs.join(',')}`).toBe(CLIENTS);
      expect([...rvs].sort((a, b) => a - b)).toEqual(Array.from({ length: CLIENTS }, (_, i) => before + 1 + i));
      const last = rvs.indexOf(Math.max(...rvs));
      const stored = await get(`${CM}/${name}`);
      expect(stored.data).toEqual({ writer: `free-${round}-${last}` });
      expect(Number(stored.metadata.resourceVersion)).toBe(before + CLIENTS);
      expect(await globalRv()).toBe(before + CLIENTS);
    }
  });

  it('all four races at once: the same outcomes, and the revision moves by exactly the number of winners', async () => {
    await assertResponsive();
    const names = { put: 'mix-put', patch: 'mix-patch', free: 'mix-free', create: 'mix-create' };
    for (const n of [names.put, names.patch, names.free]) expect((await call('POST', CM, { metadata: { name: n }, data: { writer: 'seed' } })).status).toBe(201);
    for (let round = 0; round < ROUNDS; round++) {
      const putRv = (await get(`${CM}/${names.put}`)).metadata.resourceVersion;
      const patchRv = (await get(`${CM}/${names.patch}`)).metadata.resourceVersion;
      const before = await globalRv();
      const createName = `${names.create}-${round}`;
      const jobs: Array<Promise<RawResponse>> = [];
      for (let i = 0; i < CLIENTS; i++) {
        jobs.push(call('PUT', `${CM}/${names.put}`, { metadata: { name: names.put, resourceVersion: putRv }, data: { writer: `mp-${round}-${i}` } }));
        jobs.push(call('PATCH', `${CM}/${names.patch}`, { metadata: { resourceVersion: patchRv }, data: { writer: `mm-${round}-${i}` } }, 'application/merge-patch+json'));
        jobs.push(call('PUT', `${CM}/${names.free}`, { metadata: { name: names.free }, data: { writer: `mf-${round}-${i}` } }));
        jobs.push(call('POST', CM, { metadata: { name: createName }, data: { writer: `mc-${round}-${i}` } }));
      }
      const all = await Promise.all(jobs);
      const every = (k: number): RawResponse[] => all.filter((_, j) => j % 4 === k);
      const put = judge(every(0), 200, 'Conflict', names.put);
      const patch = judge(every(1), 200, 'Conflict', names.patch);
      const create = judge(every(3), 201, 'AlreadyExists', createName);
      const free = every(2).flatMap((r, i) => (r.status === 200 ? [] : [`client ${i}: ${r.status} ${r.error ?? r.text.slice(0, 200)}`]));
      expect([...put.bad, ...patch.bad, ...create.bad, ...free], `round ${round}`).toEqual([]);
      expect([put.winners.length, patch.winners.length, create.winners.length]).toEqual([1, 1, 1]);
      expect((await get(`${CM}/${names.put}`)).data).toEqual({ writer: `mp-${round}-${put.winners[0]}` });
      expect((await get(`${CM}/${names.patch}`)).data).toEqual({ writer: `mm-${round}-${patch.winners[0]}` });
      expect((await get(`${CM}/${createName}`)).data).toEqual({ writer: `mc-${round}-${create.winners[0]}` });
      const freeRvs = every(2).map((r) => Number((r.json as Obj).metadata.resourceVersion));
      expect(new Set(freeRvs).size).toBe(CLIENTS);
      expect(await globalRv()).toBe(before + 3 + CLIENTS);
    }
  });

  it('the server is still the same healthy process after the load', async () => {
    expect(server.proc.exitCode).toBeNull();
    expect(server.proc.signalCode).toBeNull();
    const r = await call('GET', '/readyz');
    expect(r.status).toBe(200);
    expect(r.text).toBe('ok');
  });
});
