// Tests for the simulated kubelet's log endpoint: query parsing, and the HTTP server on a free loopback port (404/400/200, -f).

import { afterEach, describe, expect, it } from 'vitest';
import type { Pod } from '../apiserver/api/types.js';
import { FakeClock, silentLogger } from '../controllers/runtime/index.js';
import type { ContainerRuntime, PodRuntime } from './lifecycle.js';
import { parseLogQuery, startLogServer, type LogLookup, type LogServer } from './log-server.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const NOW = T0 + 25_000;

describe('parseLogQuery', () => {
  const base = { follow: false, previous: false, timestamps: false };
  it.each<[string, Record<string, unknown> | string]>([
    ['', base],
    ['follow=true', { ...base, follow: true }],
    ['follow=1', { ...base, follow: true }],
    ['follow=false', base],
    ['follow=yes', base],
    ['previous=true&timestamps=1', { ...base, previous: true, timestamps: true }],
    ['tailLines=5', { ...base, tailLines: 5 }],
    ['tailLines=0', { ...base, tailLines: 0 }],
    ['tailLines=-1', base],
    ['limitBytes=100', { ...base, limitBytes: 100 }],
    ['limitBytes=0', base],
    ['sinceSeconds=10', { ...base, sinceMs: NOW - 10_000 }],
    ['sinceSeconds=0', base],
    ['sinceSeconds=-3', base],
    ['sinceTime=2026-01-02T03:04:10Z', { ...base, sinceMs: T0 + 5_000 }],
    ['sinceSeconds=10&sinceTime=2026-01-02T03:04:10Z', { ...base, sinceMs: T0 + 5_000 }],
    ['tailLines=abc', 'invalid log options'],
    ['tailLines=1.5', 'invalid log options'],
    ['tailLines=', 'invalid log options'],
    ['sinceSeconds=1e3', 'invalid log options'],
    ['limitBytes=ten', 'invalid log options'],
    ['sinceTime=yesterday', 'invalid sinceTime yesterday'],
  ])('%j', (query, want) => {
    expect(parseLogQuery(new URLSearchParams(query), NOW)).toEqual(want);
  });
});

const ID = 'containerd://aaaa';
const POD = {
  metadata: { name: 'web', namespace: 'shop', uid: 'uid-1' },
  spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'nginx:1.27' }, { name: 'side', image: 'busybox' }] },
} as unknown as Pod;
const runningApp = (over: Partial<ContainerRuntime> = {}): ContainerRuntime => ({ name: 'app', init: false, restartCount: 0, state: 'running', containerID: ID, startedAt: T0, ...over });
const waitingSide: ContainerRuntime = { name: 'side', init: false, restartCount: 0, state: 'waiting', waitingReason: 'ContainerCreating' };
const runtime = (app: ContainerRuntime): PodRuntime => ({ uid: 'uid-1', acceptedAt: T0, containers: [app, waitingSide] });

const OPENING = [
  'Starting app (image nginx:1.27) in pod shop/web',
  'Using image docker.io/library/nginx:1.27; simulated by kubeling, no process is executed',
  'Loaded configuration: 0 environment variable(s), 0 volume mount(s)',
];

let server: LogServer | undefined;
let clock: FakeClock;
/** What the fake lookup returns for shop/web; tests change it as the pod's containers change. */
let current: { pod: Pod; runtime: PodRuntime } | undefined;

async function start(): Promise<string> {
  clock = new FakeClock(NOW);
  current = { pod: POD, runtime: runtime(runningApp()) };
  const lookup: LogLookup = (ns, name) => (ns === 'shop' && name === 'web' ? current : undefined);
  server = await startLogServer({ bind: '127.0.0.1', port: 0, lookup, clock, logger: silentLogger });
  return server.url;
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Resolves once `cond` holds, polling between event-loop turns; fails after `timeoutMs` of real time. */
async function waitFor(cond: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A streaming GET: the text so far, and whether the server ended the response. */
async function stream(url: string): Promise<{ status: number; text: () => string; ended: () => boolean; done: Promise<void> }> {
  const res = await fetch(url);
  let text = '';
  let ended = false;
  const decoder = new TextDecoder();
  const done = (async () => {
    for await (const chunk of res.body!) text += decoder.decode(chunk as Uint8Array, { stream: true });
    ended = true;
  })();
  return { status: res.status, text: () => text, ended: () => ended, done };
}

const lines = (text: string): string[] => text.replace(/\n$/, '').split('\n');

describe('startLogServer', () => {
  it('listens on a free loopback port and names it in its url', async () => {
    const url = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(url).port)).toBeGreaterThan(0);
  });

  it.each<[string, string, number, RegExp]>([
    ['an unknown path', '/metrics', 404, /^404 page not found\n$/],
    ['too few path segments', '/containerLogs/shop/web', 404, /^404 page not found/],
    ['an unknown pod', '/containerLogs/shop/nope/app', 404, /^pod "nope" in namespace "shop" is not known to this kubelet$/],
    ['another namespace', '/containerLogs/other/web/app', 404, /namespace "other"/],
    ['an unknown container', '/containerLogs/shop/web/db', 400, /^container "db" in pod "web" is not available$/],
    ['a bad tailLines', '/containerLogs/shop/web/app?tailLines=x', 400, /^invalid log options$/],
    ['a bad sinceTime', '/containerLogs/shop/web/app?sinceTime=never', 400, /^invalid sinceTime never$/],
  ])('answers %s with %i', async (_name, path, code, body) => {
    const url = await start();
    const res = await fetch(url + path);
    expect(res.status).toBe(code);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toMatch(body);
  });

  it('answers a POST with 404', async () => {
    const url = await start();
    const res = await fetch(`${url}/containerLogs/shop/web/app`, { method: 'POST', body: '' });
    expect(res.status).toBe(404);
  });

  it('answers 200 with the container\'s log up to now', async () => {
    const url = await start();
    const res = await fetch(`${url}/containerLogs/shop/web/app`);
    expect(res.status).toBe(200);
    const got = lines(await res.text());
    expect(got.slice(0, 3)).toEqual(OPENING);
    expect(got.slice(4)).toEqual(['app is running, uptime 10s', 'app is running, uptime 20s']);
  });

  it.each<[string, string, (l: string[]) => void]>([
    ['tailLines', 'tailLines=1', (l) => expect(l).toEqual(['app is running, uptime 20s'])],
    ['sinceSeconds', 'sinceSeconds=10', (l) => expect(l).toEqual(['app is running, uptime 20s'])],
    ['timestamps', 'timestamps=true&tailLines=1', (l) => expect(l).toEqual(['2026-01-02T03:04:25.000000000Z app is running, uptime 20s'])],
    ['limitBytes', 'limitBytes=8', (l) => expect(l).toEqual(['Starting'])],
  ])('applies %s', async (_name, query, check) => {
    const url = await start();
    const res = await fetch(`${url}/containerLogs/shop/web/app?${query}`);
    expect(res.status).toBe(200);
    check(lines(await res.text()));
  });

  it('decodes escaped path segments', async () => {
    const url = await start();
    const res = await fetch(`${url}/containerLogs/shop/w%65b/app?tailLines=1`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('app is running, uptime 20s\n');
  });

  it('answers a container with no instance yet with 200 and an empty body', async () => {
    const url = await start();
    const res = await fetch(`${url}/containerLogs/shop/web/side?follow=true`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('-f streams new lines as the clock advances and ends when the container stops', async () => {
    const url = await start();
    const s = await stream(`${url}/containerLogs/shop/web/app?follow=true&tailLines=1`);
    expect(s.status).toBe(200);
    await waitFor(() => s.text() === 'app is running, uptime 20s\n' && clock.pending() > 0, 'the first line and the follow timer');
    clock.advance(4_000); // T0+29 s: no new line is due yet
    clock.advance(1_000); // T0+30 s
    await waitFor(() => s.text().endsWith('uptime 30s\n'), 'the 30 s line');
    expect(lines(s.text())).toEqual(['app is running, uptime 20s', 'app is running, uptime 30s']);
    expect(s.ended()).toBe(false);
    await waitFor(() => clock.pending() > 0, 'the next follow timer');
    current = { pod: POD, runtime: runtime(runningApp({ state: 'terminated', finishedAt: T0 + 35_000, exitCode: 0, reason: 'Completed' })) };
    clock.advance(10_000);
    await s.done;
    expect(lines(s.text())).toEqual(['app is running, uptime 20s', 'app is running, uptime 30s', 'app finished, exiting with code 0']);
  });

  it.each<[string, () => void]>([
    ['the pod goes', () => (current = undefined)],
    ['the container restarts (another instance)', () => (current = { pod: POD, runtime: runtime(runningApp({ containerID: 'containerd://bbbb', restartCount: 1, startedAt: NOW + 1 })) })],
    ['the container leaves the pod', () => (current = { pod: POD, runtime: { uid: 'uid-1', acceptedAt: T0, containers: [waitingSide] } })],
  ])('-f ends when %s', async (_name, change) => {
    const url = await start();
    const s = await stream(`${url}/containerLogs/shop/web/app?follow=true&tailLines=1`);
    await waitFor(() => s.text() !== '' && clock.pending() > 0, 'the first line and the follow timer');
    change();
    clock.advance(5_000);
    await s.done;
    expect(s.text()).toBe('app is running, uptime 20s\n');
  });

  it('-f with previous=true answers the previous instance and ends at once', async () => {
    const url = await start();
    current = { pod: POD, runtime: runtime(runningApp({ last: { containerID: 'containerd://old', startedAt: T0 - 20_000, finishedAt: T0 - 5_000, exitCode: 1, reason: 'Error' } })) };
    const res = await fetch(`${url}/containerLogs/shop/web/app?follow=true&previous=true&tailLines=2`);
    expect(lines(await res.text())).toEqual(['app is running, uptime 10s', 'error: app failed (simulated), exiting with code 1']);
  });

  it('-f with limitBytes stops once the budget is spent', async () => {
    const url = await start();
    const first = 'app is running, uptime 20s\n';
    const s = await stream(`${url}/containerLogs/shop/web/app?follow=true&tailLines=1&limitBytes=${first.length + 5}`);
    await waitFor(() => s.text() === first && clock.pending() > 0, 'the first line and the follow timer');
    clock.advance(5_000);
    await s.done;
    expect(s.text()).toBe(`${first}app i`);
  });

  it('-f with a limitBytes the first answer uses up ends at once', async () => {
    const url = await start();
    const res = await fetch(`${url}/containerLogs/shop/web/app?follow=true&tailLines=1&limitBytes=3`);
    expect(await res.text()).toBe('app');
    expect(clock.pending()).toBe(0);
  });

  it('close() ends open follow streams', async () => {
    const url = await start();
    const s = await stream(`${url}/containerLogs/shop/web/app?follow=true`);
    await waitFor(() => s.text() !== '' && clock.pending() > 0, 'the follow timer');
    await server!.close();
    server = undefined;
    await s.done.catch(() => undefined);
    await waitFor(() => clock.pending() === 0, 'the follow loop to clear its timer');
  });
});
