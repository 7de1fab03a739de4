// Crash safety of the level backend: a child writes without pause, is killed with SIGKILL, and the store is checked.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadline, take, text } from './conformance-util.js';
import { openLevelStorage } from './level.js';
import type { KV, Storage, StorageEvent } from './types.js';

const child = fileURLToPath(new URL('./level-crash-child.mjs', import.meta.url));
const WORKERS = 32;

interface Ack {
  op: 'C' | 'U' | 'D';
  key: string;
  revision: number;
}

/** Runs the child until it has acknowledged `killAfter` writes, kills it with SIGKILL, returns what it acknowledged. */
async function runAndKill(dir: string, round: number, killAfter: number): Promise<{ opened: number; acks: Ack[] }> {
  const proc = spawn(process.execPath, [child, dir, String(round), String(WORKERS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acks: Ack[] = [];
  let opened = -1;
  let partial = '';
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<void>((resolve) => proc.on('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const [op, key, rev] = line.split(' ');
        if (op === 'open') opened = Number(key);
        else acks.push({ op: op as Ack['op'], key: key ?? '', revision: Number(rev) });
      }
      if (acks.length >= killAfter) resolve();
    });
    proc.on('exit', (code) => reject(new Error(`child exited early (${String(code)}): ${stderr}`)));
  });
  proc.kill('SIGKILL');
  await closed; // every line the child wrote before dying has been read by now
  return { opened, acks };
}

/** Checks the reopened store: contiguous log, objects = replay of the log, every acknowledged write present. */
async function verify(storage: Storage, acks: Ack[], opened: number): Promise<number> {
  const current = await storage.currentRevision();
  const maxAcked = Math.max(...acks.map((a) => a.revision));
  expect(current).toBeGreaterThanOrEqual(maxAcked);
  const events = await take(storage.watch('/', 0, deadline()), current - 1);
  expect(events.map((e) => e.revision)).toEqual(Array.from({ length: current - 1 }, (_, i) => i + 2));
  const byRevision = new Map<number, StorageEvent>(events.map((e) => [e.revision, e]));
  const type = { C: 'create', U: 'update', D: 'delete' } as const;
  for (const a of acks) expect(byRevision.get(a.revision)).toMatchObject({ type: type[a.op], kv: { key: a.key } });
  const rebuilt = new Map<string, KV>();
  for (const e of events) {
    if (e.type === 'delete') rebuilt.delete(e.kv.key);
    else rebuilt.set(e.kv.key, e.kv);
  }
  const listed = (await storage.list('/')).items;
  expect(listed.map((kv) => [kv.key, text(kv.value), kv.createRevision, kv.modRevision])).toEqual(
    [...rebuilt.values()]
      .sort((x, y) => Buffer.compare(Buffer.from(x.key), Buffer.from(y.key)))
      .map((kv) => [kv.key, text(kv.value), kv.createRevision, kv.modRevision]),
  );
  const acked = new Set(acks.map((a) => a.revision));
  const unacked = events.filter((e) => e.revision > opened && !acked.has(e.revision));
  expect(unacked.length).toBeLessThanOrEqual(WORKERS); // at most the one write each worker had in flight
  return current;
}

describe('level storage: crash safety', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeling-crash-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loses no acknowledged write and leaves no half write when killed with SIGKILL mid-stream', async () => {
    const allAcks: Ack[] = [];
    let previous = 1;
    for (const [round, killAfter] of [[0, 400], [1, 1500], [2, 3000]] as const) {
      const { opened, acks } = await runAndKill(dir, round, killAfter);
      expect(opened).toBe(previous); // the child saw exactly the state the last check left
      allAcks.push(...acks);
      const storage = await openLevelStorage({ path: dir, logRetention: 1_000_000 });
      try {
        previous = await verify(storage, allAcks, opened);
      } finally {
        await storage.close();
      }
    }
  });
});
