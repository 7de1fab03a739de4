// End-to-end: `kubectl get -w` in its forms against `kubeling apiserver`, its output read line by line while changes
// are made. Expectations are what kubectl 1.32 prints against a real cluster (contract §6.3, §7, §10 "get").

import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startCli, tempDir, waitFor, writeKubeconfig, type Started } from './support/cluster.js';
import { kubectlFor, kubectlOrSkip } from './support/kubectl.js';
import { streamLines, type LineStream } from './support/stream.js';

const available = kubectlOrSkip();

/** The whitespace-separated cells of a printed line. */
const cells = (line: string | undefined): string[] => (line ?? '').trim().split(/\s+/);

describe.skipIf(!available)('kubectl get -w against kubeling', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let server: Started;
  let kubeconfig: string;
  let cacheDir: string;
  let kubectl: ReturnType<typeof kubectlFor>;
  const streams: LineStream[] = [];

  const ok = async (...args: string[]): Promise<string> => {
    const r = await kubectl(args);
    expect(r.code, `kubectl ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return r.stdout;
  };

  /** Writes and creates a ConfigMap (kubectl create configmap sends protobuf, which the server does not read yet). */
  const createCm = async (name: string, labels: Record<string, string> = {}): Promise<void> => {
    const path = join(dir, `${name}.json`);
    await writeFile(path, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { k: 'v' } }));
    await ok('create', '-f', path, '--validate=false');
  };

  /**
   * Repeats `act` until the stream has `n` lines: kubectl starts its watch some time after it printed the current
   * state (and `--watch-only` prints nothing first), so a change made too early may be part of the state it listed.
   */
  const untilLines = async (s: LineStream, n: number, act: (attempt: number) => Promise<unknown>): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      await act(attempt);
      try {
        await s.waitLines(n, 1000);
        return;
      } catch (e) {
        if (attempt >= 20 || s.proc.exitCode !== null) throw e;
      }
    }
  };

  /** Starts `kubectl <args>` streaming. */
  const watch = (...args: string[]): LineStream => {
    const s = streamLines('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], { ...process.env, KUBECONFIG: kubeconfig, HOME: cacheDir });
    streams.push(s);
    return s;
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('kubeling-watch-kubectl-'));
    const port = await freePort();
    server = await startCli(['apiserver', '--port', String(port), '--data-dir', join(dir, 'data'), '--no-fsync'], /"ready":true/);
    kubeconfig = join(dir, 'kubeconfig');
    cacheDir = join(dir, 'cache');
    await writeKubeconfig(kubeconfig, `http://127.0.0.1:${port}`);
    kubectl = kubectlFor(kubeconfig, cacheDir);
    await ok('version'); // fills the discovery cache once
  });

  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.stop()));
  });

  afterAll(async () => {
    await server?.stop();
    await cleanup?.();
  });

  it('get -w --output-watch-events: the current rows as ADDED, then ADDED, MODIFIED and DELETED as they happen', async () => {
    await createCm('first');
    const w = watch('get', 'configmaps', '-w', '--output-watch-events');
    await w.waitLines(2);
    expect(cells(w.lines[0])).toEqual(['EVENT', 'NAME', 'DATA', 'AGE']);
    expect(cells(w.lines[1]).slice(0, 3)).toEqual(['ADDED', 'first', '1']);
    await createCm('second');
    await w.waitLines(3);
    expect(cells(w.lines[2]).slice(0, 3)).toEqual(['ADDED', 'second', '1']);
    await ok('label', 'configmap', 'second', 'tier=web');
    await w.waitLines(4);
    expect(cells(w.lines[3]).slice(0, 2)).toEqual(['MODIFIED', 'second']);
    await ok('delete', 'configmap', 'second');
    await w.waitLines(5);
    expect(cells(w.lines[4]).slice(0, 2)).toEqual(['DELETED', 'second']);
    expect(w.lines).toHaveLength(5);
  });

  it('get NAME -w: the object once, then only its changes (the synthetic ADDED is not printed twice)', async () => {
    await createCm('single');
    await createCm('other');
    const w = watch('get', 'configmap', 'single', '-w', '--output-watch-events');
    await w.waitLines(2);
    expect(cells(w.lines[0])).toEqual(['EVENT', 'NAME', 'DATA', 'AGE']);
    expect(cells(w.lines[1]).slice(0, 3)).toEqual(['ADDED', 'single', '1']);
    await ok('label', 'configmap', 'other', 'touched=yes'); // another object: not printed
    await untilLines(w, 3, (i) => ok('label', 'configmap', 'single', `touched=${i}`, '--overwrite'));
    await ok('delete', 'configmap', 'single');
    await waitFor(() => w.lines.some((l) => l.startsWith('DELETED')), 15_000, 'the DELETED line');
    // Had the server not sent the synthetic ADDED that kubectl skips, a MODIFIED would be swallowed in its place;
    // had kubectl printed it, ADDED would come twice.
    const events = w.lines.slice(1).map((l) => cells(l).slice(0, 2).join(' '));
    expect(events[0]).toBe('ADDED single');
    expect(events.at(-1)).toBe('DELETED single');
    expect(events.slice(1, -1).length).toBeGreaterThan(0);
    expect(new Set(events.slice(1, -1))).toEqual(new Set(['MODIFIED single']));
  });

  it('get -l SELECTOR -w: an object entering the selection is ADDED, one leaving it is DELETED', async () => {
    await createCm('mover');
    const w = watch('get', 'configmaps', '-l', 'stage=live', '-w', '--output-watch-events');
    // No rows match: kubectl prints nothing until the first event.
    await ok('label', 'configmap', 'mover', 'stage=live');
    await w.waitLines(2);
    expect(cells(w.lines[0])).toEqual(['EVENT', 'NAME', 'DATA', 'AGE']);
    expect(cells(w.lines[1]).slice(0, 2)).toEqual(['ADDED', 'mover']);
    await ok('label', 'configmap', 'mover', 'stage=gone', '--overwrite');
    await w.waitLines(3);
    expect(cells(w.lines[2]).slice(0, 2)).toEqual(['DELETED', 'mover']);
  });

  it('get pods -w -o wide: the wide columns on every row; DELETED printed as a row', async () => {
    const pod = join(dir, 'pod.json');
    await writeFile(pod, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }));
    const w = watch('get', 'pods', '-w', '-o', 'wide');
    await ok('create', '-f', pod, '--validate=false');
    await w.waitLines(2);
    expect(cells(w.lines[0])).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED', 'NODE', 'READINESS', 'GATES']);
    const row = cells(w.lines[1]);
    expect(row.slice(0, 4)).toEqual(['web', '0/1', 'Pending', '0']);
    expect(row.slice(5)).toEqual(['<none>', '<none>', '<none>', '<none>']);
    await ok('delete', 'pod', 'web', '--wait=false');
    // A graceful delete: MODIFIED (Terminating) and then, once gone, DELETED; both print as a row of `web`.
    await w.waitLines(3);
    expect(cells(w.lines[2])[0]).toBe('web');
  });

  it('get --watch-only -o name: no current state, only the changes', async () => {
    await createCm('before-watch');
    const w = watch('get', 'configmaps', '--watch-only', '-o', 'name');
    await untilLines(w, 1, (i) => createCm(`after-watch-${i}`));
    expect(w.lines[0]).toMatch(/^configmap\/after-watch-\d+$/);
    expect(w.lines.filter((l) => l.includes('before-watch'))).toEqual([]);
  });

  it('get -A -w -o json: every event as a full object carrying its resourceVersion', async () => {
    const w = watch('get', 'configmaps', '-A', '-w', '-o', 'jsonpath={.metadata.namespace}/{.metadata.name}@{.metadata.resourceVersion}{"\\n"}');
    await w.waitLines(1); // the existing ones first
    const before = w.lines.length;
    await createCm('json-one');
    await w.waitLines(before + 1);
    const last = w.lines.at(-1)!;
    expect(last).toMatch(/^default\/json-one@\d+$/);
    const rv = Number(last.split('@')[1]);
    const got = JSON.parse(await ok('get', 'configmap', 'json-one', '-o', 'json')) as { metadata: { resourceVersion: string } };
    expect(Number(got.metadata.resourceVersion)).toBe(rv);
  });
});
